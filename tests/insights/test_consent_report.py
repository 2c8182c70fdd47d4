"""Per consent-ground version: who has answered, who has not, the ratios per company, and the CSV."""

import csv
import io
import re

import pytest

from consents.models import NoticeRecord
from consents.services import consent_answer_record
from customers.models import Policy
from notices.models import NoticeVersion
from tests.personas import approver, editor, support
from tests.reconsent import consent_version, customer_since, days, new_company


@pytest.fixture
def asked(life, nonlife):
    joiner = new_company(legal_name="楽天カード株式会社")
    version = consent_version(effective_date=days(20), add=[joiner])
    holders = [customer_since(days(-400), customer_number=f"C00000000{n}", name=f"=お客さま{n}") for n in range(1, 5)]
    for n, holder in enumerate(holders):
        company = life if n < 2 else nonlife
        Policy.objects.create(policyholder=holder, company=company, policy_number=f"P-{n}", product="医療保険")
    customer_since(days(30), customer_number="C000000009")  # joins after the date: not asked
    consent_answer_record(policyholder=holders[0], version_id=version.pk, consent=True)
    consent_answer_record(policyholder=holders[1], version_id=version.pk, consent=True)
    consent_answer_record(policyholder=holders[1], version_id=version.pk, consent=False)  # changed their mind
    consent_answer_record(policyholder=holders[2], version_id=version.pk, consent=True)
    return version


def path(version, suffix=""):
    return f"/admin/insights/consentreport/{version.pk}/{suffix}"


def cells(html, heading):
    row = html[html.index(f'<th scope="row">{heading}</th>'):]
    return re.findall(r"<td>(.*?)</td>", row[: row.index("</tr>")])


@pytest.mark.parametrize("persona", [approver, support])
def test_it_shows_the_ratios_per_company(client, asked, persona):
    client.force_login(persona())
    response = client.get(path(asked))
    assert response.status_code == 200
    html = response.content.decode()
    assert cells(html, "お伺いしたお客さま全体") == ["4", "75.0%", "2（50.0%）", "1（25.0%）", "1"]
    assert cells(html, "楽天生命保険株式会社のご契約者") == ["2", "100.0%", "1（50.0%）", "1（50.0%）", "0"]
    assert cells(html, "楽天損害保険株式会社のご契約者") == ["2", "50.0%", "1（50.0%）", "0（0.0%）", "1"]


def test_it_lists_who_has_not_answered(client, asked):
    client.force_login(support())
    html = client.get(path(asked) + "?answer=unanswered").content.decode()
    assert "C000000004" in html and "C000000001" not in html and "C000000009" not in html


def test_the_csv_is_the_list_for_excel(client, asked):
    client.force_login(approver())
    response = client.get(path(asked, "csv/") + "?answer=declined")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["お客さま番号", "氏名", "ご回答", "回答日時", "記録番号"]
    assert [row[:3] for row in rows[1:]] == [["C000000002", "'=お客さま2", "同意しない"]]
    # The 記録番号 the customer was given (their email, their history), not an internal id.
    assert rows[1][4] == NoticeRecord.objects.filter(policyholder__customer_number="C000000002").latest("id").number
    everyone = b"".join(client.get(path(asked, "csv/")).streaming_content).decode()
    assert len(everyone.strip().splitlines()) == 5


def test_the_editor_sees_the_dashboard_but_not_the_names(client, asked):
    client.force_login(editor())
    assert client.get(path(asked)).status_code == 403
    assert client.get(path(asked, "csv/")).status_code == 403


@pytest.mark.parametrize("query", ["?answer=maybe", "?page=99", "?page=x"])
def test_bad_input_is_a_4xx(client, asked, query):
    client.force_login(support())
    assert client.get(path(asked) + query).status_code in (400, 404)


def test_a_version_that_is_not_consent_ground_is_a_404(client, asked):
    client.force_login(support())
    first = NoticeVersion.objects.get(notice__slug="group-joint-use", effective_date="2019-06-03")
    assert client.get(path(first)).status_code == 404
    assert client.get("/admin/insights/consentreport/").status_code == 200

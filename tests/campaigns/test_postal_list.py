"""The postal list for the print vendor: those without an email, in the vendor's columns, CP932 or UTF-8,
with who downloaded it and when, and each customer on it recorded as informed by post once."""

import csv
import io

import pytest
from django.core.management import call_command

from campaigns.models import PostalDownload
from campaigns.services import campaign_prepare, campaign_start
from consents.models import NoticeRecord
from tests.conftest import run_due_jobs, run_queued_tasks
from tests.factories import PolicyholderFactory

# The postal list's notice records are written by a task; the campaign's work is rows the workers run.
pytestmark = pytest.mark.usefixtures("database_tasks")
HEADER = ["郵便番号", "住所1", "住所2", "氏名", "敬称", "お客さま番号", "改定日", "備考"]


@pytest.fixture
def campaign(announced, editor, approver, demo_policyholders):
    PolicyholderFactory(customer_number="C000000901", name="=HYPERLINK(\"http://evil.example\")", email="",
                        postal_code="100-0001", address1="東京都千代田区千代田1-1", address2="")
    PolicyholderFactory(customer_number="C000000902", name="𠮷田 太郎", email="", postal_code="060-0001",
                        address1="北海道札幌市中央区北一条西1丁目", address2="𠮷田ビル3階")
    PolicyholderFactory(customer_number="C000000903", name="住所 なし", email="", postal_code="", address1="")
    campaign = campaign_prepare(user=editor, notice_version=announced, by_email=True, by_post=True)
    campaign = campaign_start(campaign=campaign, user=approver)
    run_due_jobs()  # the workers select the recipients and send the emails
    campaign.refresh_from_db()
    return campaign


def download(client, user, campaign, encoding):
    client.force_login(user)
    return client.post(f"/admin/campaigns/campaign/{campaign.pk}/postal/{encoding}/")


def rows(response, encoding) -> list[list[str]]:
    data = b"".join(response.streaming_content)
    text = data.decode("cp932" if encoding == "cp932" else "utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_the_cp932_list_holds_those_without_an_email_in_the_vendors_columns(client, approver, campaign):
    response = download(client, approver, campaign, "cp932")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=shift_jis"
    assert "attachment;" in response["Content-Disposition"]
    table = rows(response, "cp932")
    assert table[0] == HEADER
    by_number = {row[5]: row for row in table[1:]}
    # 保険 太郎 (demo, no email) and the two with an address; not those with an email, not the one without an address.
    assert sorted(by_number) == ["C000000103", "C000000901", "C000000902"]
    taro = by_number["C000000103"]
    assert taro[:5] == ["530-0001", "大阪府大阪市北区梅田三丁目1番1号", "", "保険 太郎", "様"]
    assert taro[6] == "2030年4月1日（令和12年4月1日）" and taro[7] == ""
    assert by_number["C000000901"][3] == "'=HYPERLINK(\"http://evil.example\")"
    kichi = by_number["C000000902"]
    assert kichi[3] == "〓田 太郎" and kichi[2] == "〓田ビル3階" and "〓" in kichi[7]


def test_the_utf8_list_has_a_bom_and_keeps_every_character(client, approver, campaign):
    response = download(client, approver, campaign, "utf-8")
    data = b"".join(response.streaming_content)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert "𠮷田 太郎" in text and "〓" not in text and "\r\n" in text


def test_the_download_is_recorded_and_its_customers_are_informed_by_post_once(
    client, editor, approver, campaign, capsys
):
    download(client, editor, campaign, "utf-8")
    run_queued_tasks()
    download(client, approver, campaign, "cp932")
    run_queued_tasks()
    downloads = list(PostalDownload.objects.order_by("id"))
    assert [(d.downloaded_by, d.encoding, d.rows) for d in downloads] == [
        (editor, "utf-8", 3), (approver, "cp932", 3),
    ]
    records = NoticeRecord.objects.filter(kind=NoticeRecord.Kind.INFORMED_POST)
    assert sorted(records.values_list("policyholder__customer_number", flat=True)) == [
        "C000000103", "C000000901", "C000000902",
    ]
    assert set(records.values_list("actor", "campaign_id")) == {(editor.pk, campaign.pk)}
    call_command("verify_consent_chain")
    assert "OK: 5 notice records in 5 chains verify." in capsys.readouterr().out  # 2 by email, 3 by post


def test_the_admin_shows_who_downloaded_it_and_when(client, approver, campaign):
    download(client, approver, campaign, "cp932")
    page = client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").content.decode()
    assert "approver" in page and "Shift_JIS（CP932）" in page


def test_an_unknown_encoding_is_a_400_and_records_nothing(client, approver, campaign):
    client.force_login(approver)
    response = client.post(f"/admin/campaigns/campaign/{campaign.pk}/postal/latin-1/")
    assert response.status_code == 400
    assert "Shift_JIS（CP932）またはUTF-8" in response.content.decode()
    assert not PostalDownload.objects.exists()


def test_support_staff_cannot_download_it(client, campaign):
    from tests import personas

    response = download(client, personas.support(), campaign, "cp932")
    assert response.status_code == 403
    assert not PostalDownload.objects.exists()

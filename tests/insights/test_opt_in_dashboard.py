"""The admin's opt-in dashboard: per company and channel the share of policyholders allowed now and at the end
of each recent month, and the answers to each consent request."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.utils import timezone

from consents.models import Source
from consents.services import consent_answer_record, preferences_update
from insights.dashboard import dashboard_compute
from tests.personas import approver, editor, staff, support
from tests.reconsent import consent_version, customer_since, days, new_company

ADMIN = "/admin/insights/optindashboard/"


def stop(policyholder, company, channel="direct_mail", value=False):
    preferences_update(policyholder=policyholder, changes={(company.pk, channel): value}, source=Source.PORTAL,
                       idempotency_key=uuid.uuid4().hex)


def cell(html: str, company: str, channel_caption: str) -> list[str]:
    """The cells of the company's row in the table of the channel."""
    table = html[html.index(f"<caption>{channel_caption}"):]
    table = table[: table.index("</table>")]
    row = table[table.index(f'<th scope="row">{company}</th>'):]
    row = row[: row.index("</tr>")]
    return re.findall(r"<td>(.*?)</td>", row)


@pytest.mark.parametrize("persona", [editor, approver, support])
def test_each_role_sees_the_share_now(client, life, persona):
    holders = [customer_since(days(-400)) for _ in range(4)]
    stop(holders[0], life)
    stop(holders[1], life, "email", True)
    client.force_login(persona())
    response = client.get(ADMIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "配信許可の状況" in html and "契約者4人" in html
    assert cell(html, "楽天生命保険株式会社", "DM（ダイレクトメール）")[0] == "75.0%（3）"
    assert cell(html, "楽天生命保険株式会社", "メールマガジン")[0] == "25.0%（1）"
    assert cell(html, "楽天損害保険株式会社", "DM（ダイレクトメール）")[0] == "100.0%（4）"


def test_staff_without_a_role_may_not_see_it(client, demo_content):
    client.force_login(staff("nobody", None))
    assert client.get(ADMIN).status_code == 403


def test_the_month_ends_undo_later_changes_and_later_customers(life):
    now = timezone.localtime()
    last_month = (now.replace(day=1) - datetime.timedelta(days=3))
    first, second = customer_since(days(-400)), customer_since(days(-400))
    customer_since(days(-400))
    with time_machine.travel(last_month, tick=False):
        stop(first, life)
    stop(second, life)
    customer_since(now.date().replace(day=1))  # joined this month
    figures = dashboard_compute(today=now.date())
    row = next(r for r in figures.rows if r.company == life and r.channel.code == "direct_mail")
    assert (row.now.allowed, row.now.total) == (2, 4)
    by_month = dict(row.trend)
    assert len(figures.months) == 12 and figures.months[-1] < now.date().replace(day=1)
    # At the end of last month: the first customer had stopped, the second had not, the fourth was not there.
    previous, before = figures.months[-1], figures.months[-2]
    assert (by_month[previous].allowed, by_month[previous].total) == (2, 3)
    assert (by_month[before].allowed, by_month[before].total) == (3, 3)


def test_it_shows_the_answers_to_each_consent_request(client, life):
    joiner = new_company(legal_name="楽天カード株式会社")
    version = consent_version(effective_date=days(20), add=[joiner])
    holders = [customer_since(days(-400)) for _ in range(4)]
    consent_answer_record(policyholder=holders[0], version_id=version.pk, consent=True)
    consent_answer_record(policyholder=holders[1], version_id=version.pk, consent=False)
    client.force_login(editor())
    html = client.get(ADMIN).content.decode()
    row = html[html.index(f'/admin/insights/consentreport/{version.pk}/'):]
    row = row[: row.index("</tr>")]
    assert re.findall(r"<td>(.*?)</td>", row) == ["楽天カード株式会社", "4", "1（25.0%）", "1（25.0%）", "2（50.0%）"]


def test_the_figures_are_kept_for_a_short_while(client, life, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    holder = customer_since(days(-400))
    client.force_login(editor())

    def life_direct_mail():
        return cell(client.get(ADMIN).content.decode(), "楽天生命保険株式会社", "DM（ダイレクトメール）")[0]

    assert life_direct_mail() == "100.0%（1）"
    stop(holder, life)
    assert life_direct_mail() == "100.0%（1）"
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert life_direct_mail() == "0.0%（0）"


def test_now_leaves_out_those_who_did_not_consent_to_a_company_added_on_consent(client, life):
    joiner = new_company(legal_name="楽天カード株式会社")
    version = consent_version(effective_date=days(-10), add=[joiner])
    consented, declined, silent = (customer_since(days(-400)) for _ in range(3))
    customer_since(days(-2))  # joined after the change: not asked
    consent_answer_record(policyholder=consented, version_id=version.pk, consent=True)
    consent_answer_record(policyholder=declined, version_id=version.pk, consent=False)
    stop(consented, joiner, "email", True)
    stop(declined, joiner, "email", True)
    client.force_login(support())
    html = client.get(ADMIN).content.decode()
    assert cell(html, "楽天カード株式会社", "DM（ダイレクトメール）")[0] == "50.0%（2）"
    assert cell(html, "楽天カード株式会社", "メールマガジン")[0] == "25.0%（1）"
    assert cell(html, "楽天生命保険株式会社", "DM（ダイレクトメール）")[0] == "100.0%（4）"

"""What a first-time visitor reads on /my/preferences/: which settings are initial settings, what each one stops
and what none of them stops, the companies they have a contract with first, and when their login ends."""

import re
import uuid

from django.utils import timezone

from consents.models import Source
from consents.services import preferences_update
from customers.models import Policy
from notices.models import Company
from tests.factories import PolicyholderFactory

from .conftest import log_in


def labels(html: str) -> list[str]:
    """Each radio's label as a screen reader reads it, e.g. 楽天生命／DM（ダイレクトメール）：受け取る（初期設定）."""
    found = re.findall(r'<label class="choice">(.*?)</label>', html, flags=re.S)
    return [re.sub(r"<[^>]+>|\s+", "", label) for label in found]


def test_a_first_visit_shows_every_default_as_an_initial_setting(customer, life):
    html = customer.get("/my/preferences/").content.decode()
    companies = Company.objects.filter(markets_to_customers=True).count()
    marked = [label for label in labels(html) if label.endswith("（初期設定）")]
    assert len(marked) == companies * 4  # one option of every cell
    assert "楽天生命／DM（ダイレクトメール）：受け取る（初期設定）" in marked
    assert "楽天生命／メールマガジン：受け取らない（初期設定）" in marked  # email is opt-in
    assert "楽天生命／電話：受け取らない" in labels(html)


def test_a_chosen_setting_is_no_longer_marked_initial_even_when_it_equals_the_default(customer, policyholder, life):
    for value in (False, True):  # off, then back on: the same value as the default, but chosen
        preferences_update(
            policyholder=policyholder, changes={(life.pk, "direct_mail"): value}, source=Source.PORTAL,
            idempotency_key=uuid.uuid4().hex,
        )
    found = labels(customer.get("/my/preferences/").content.decode())
    assert "楽天生命／DM（ダイレクトメール）：受け取る" in found
    assert "楽天生命／DM（ダイレクトメール）：受け取る（初期設定）" not in found
    assert "楽天生命／電話：受け取る（初期設定）" in found


def test_it_says_what_each_channel_stops_and_what_no_setting_stops(customer):
    html = customer.get("/my/preferences/").content.decode()
    assert "すでに印刷・発送の準備が済んでいるDMは、数週間ほど届くことがあります" in html
    assert "ご契約・保険金のご請求・お申し出のお手続きに関するご連絡は続きます" in html
    assert "この設定で止まらないもの" in html and "ご契約の管理など通知に記載した目的" in html
    assert "メールマガジン<span class=\"default-note\">（初期設定：受け取らない）</span>" in html
    # each radio group is described by its channel's explanation
    assert 'aria-describedby="channel-help-direct_mail"' in html and 'id="channel-help-direct_mail"' in html


def test_companies_with_a_contract_come_first(client, demo_content):
    companies = list(Company.objects.filter(markets_to_customers=True).order_by("display_order", "pk"))
    last = companies[-1]
    policyholder = PolicyholderFactory()
    Policy.objects.create(policyholder=policyholder, company=last, policy_number="X-1", product="自動車保険")
    html = log_in(client, policyholder).get("/my/preferences/").content.decode()
    rows = re.findall(r'<th scope="row">([^<]+)', html)
    assert rows[0].strip() == last.legal_name
    assert [name.strip() for name in rows[1:]] == [company.legal_name for company in companies[:-1]]
    assert html.count("ご契約中") == 1


def test_the_page_says_when_the_login_ends_without_javascript(customer):
    before = timezone.localtime() + timezone.timedelta(minutes=30)
    html = customer.get("/my/preferences/").content.decode()
    after = timezone.localtime() + timezone.timedelta(minutes=30)
    times = {f"{moment:%H:%M}" for moment in (before, after)}
    assert any(f"{time}頃にログインの有効期限が切れます" in html for time in times)
    assert 'src="/static/consents/session-notice.js"' in html

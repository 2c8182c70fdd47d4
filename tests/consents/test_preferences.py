import re
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from consents.models import ConsentEvent, Preference, Receipt, Source
from notices.models import Company
from tests.factories import PolicyholderFactory

from .conftest import log_in

KEY = "0123456789abcdef0123456789abcdef"


def matrix_post(life, **overrides):
    """What the browser sends for the unchanged defaults, with some cells overridden."""
    data = {"idempotency_key": KEY}
    for company in Company.objects.filter(markets_to_customers=True):
        for channel in ("web_ads", "direct_mail", "email", "phone"):
            data[f"pref-{company.pk}-{channel}"] = "off" if channel == "email" else "on"
    data.update({f"pref-{life.pk}-{cell}": value for cell, value in overrides.items()})
    return data


def test_it_renders_an_accessible_matrix_without_javascript(customer, life):
    response = customer.get("/my/preferences/")
    html = response.content.decode()
    assert '<th scope="col">DM（ダイレクトメール）</th>' in html
    assert '<th scope="row">楽天生命保険株式会社 <span class="tag">ご契約中</span></th>' in html
    assert "楽天インシュアランスホールディングス株式会社" not in html  # does not market to customers
    assert f'name="pref-{life.pk}-direct_mail" value="off"' in html
    assert '<span class="visually-hidden">楽天生命／DM（ダイレクトメール）：</span>受け取らない' in html
    assert 'name="stop_all"' in html and "すべての会社からの、すべての方法によるご案内を停止する" in html
    assert 'href="/notices/group-joint-use/"' in html and "2019年6月3日（令和元年6月3日）適用" in html
    assert 'name="idempotency_key"' in html
    assert "no-store" in response["Cache-Control"]


def test_each_rendering_has_a_new_idempotency_key(customer, life):
    first = customer.get("/my/preferences/").context["form"].initial["idempotency_key"]
    second = customer.get("/my/preferences/").context["form"].initial["idempotency_key"]
    assert first != second


def test_turning_off_direct_mail_makes_a_receipt_and_emails_it(customer, policyholder, life):
    response = customer.post("/my/preferences/", matrix_post(life, direct_mail="off"), HTTP_USER_AGENT="TestBrowser/1")
    receipt = Receipt.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/my/receipts/{receipt.number}/"
    event = ConsentEvent.objects.get()
    assert (event.policyholder, event.company, event.channel.code) == (policyholder, life, "direct_mail")
    assert (event.old_value, event.new_value, event.source) == (True, False, Source.PORTAL)
    assert event.ip_address == "127.0.0.1" and event.user_agent == "TestBrowser/1"
    assert Preference.objects.get().allowed is False
    assert [m.to for m in mail.outbox] == [["hanako@example.com"]]
    assert receipt.number in mail.outbox[0].subject
    assert "楽天生命保険株式会社／DM（ダイレクトメール）：受け取る → 受け取らない" in mail.outbox[0].body


def test_a_double_submit_makes_one_change(customer, life):
    first = customer.post("/my/preferences/", matrix_post(life, direct_mail="off", email="on"))
    second = customer.post("/my/preferences/", matrix_post(life, direct_mail="off", email="on"))
    assert first["Location"] == second["Location"]
    assert ConsentEvent.objects.count() == 2 and Receipt.objects.count() == 1
    assert len(mail.outbox) == 1


def test_stop_all_turns_every_cell_off(customer, policyholder, life):
    customer.post("/my/preferences/", {**matrix_post(life, email="on"), "stop_all": "on"})
    companies = Company.objects.filter(markets_to_customers=True).count()
    assert Preference.objects.filter(policyholder=policyholder, allowed=False).count() == companies * 3
    assert not Preference.objects.filter(allowed=True).exists()


def test_saving_the_same_settings_changes_nothing(customer, life):
    response = customer.post("/my/preferences/", matrix_post(life), follow=True)
    assert "変更はありませんでした" in response.content.decode()
    assert not Receipt.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"pref-999999-direct_mail": "off"}, "選択できない会社または案内方法"),
        ({"pref-LIFE-fax": "off"}, "選択できない会社または案内方法"),
        ({"pref-LIFE-direct_mail": "maybe"}, "「受け取る」か「受け取らない」を選んでください"),
        ({"pref-LIFE-direct_mail": ""}, "「受け取る」か「受け取らない」を選んでください"),
        ({"idempotency_key": "x" * 65}, "画面の有効期限が切れています"),
        ({"idempotency_key": ""}, "画面の有効期限が切れています"),
    ],
)
def test_bad_input_changes_nothing(customer, life, extra, message):
    extra = {k.replace("LIFE", str(life.pk)): v for k, v in extra.items()}
    data = {**matrix_post(life, phone="off"), **extra}
    response = customer.post("/my/preferences/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ConsentEvent.objects.exists() and not Preference.objects.exists() and not mail.outbox


def test_a_company_that_does_not_market_cannot_be_set(customer, life):
    holding = Company.objects.get(markets_to_customers=False)
    response = customer.post("/my/preferences/", {**matrix_post(life), f"pref-{holding.pk}-phone": "off"})
    assert response.status_code == 400
    assert not ConsentEvent.objects.exists()


def test_a_missing_csrf_token_is_refused_in_japanese(policyholder, life):
    client = log_in(Client(enforce_csrf_checks=True), policyholder)
    response = client.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    assert response.status_code == 403
    assert "安全のため、送信を受け付けませんでした" in response.content.decode()
    assert not ConsentEvent.objects.exists()


def test_it_changes_only_the_logged_in_policyholder(customer, policyholder, life):
    other = PolicyholderFactory()
    customer.post("/my/preferences/", {**matrix_post(life, direct_mail="off"), "policyholder": other.pk})
    assert set(ConsentEvent.objects.values_list("policyholder", flat=True)) == {policyholder.pk}


def test_a_visitor_who_is_not_logged_in_changes_nothing(client, life):
    response = client.post("/my/preferences/", matrix_post(life, direct_mail="off"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not ConsentEvent.objects.exists()


def test_the_page_needs_few_queries_whatever_the_history(customer, policyholder, life, django_assert_max_num_queries):
    for value in ("off", "on", "off"):
        customer.post("/my/preferences/", {**matrix_post(life, direct_mail=value), "idempotency_key": uuid.uuid4().hex})
    # policyholder, channels, preferences, companies, notice, version, and the session's idle-clock save (3)
    with django_assert_max_num_queries(9):
        customer.get("/my/preferences/")


def test_an_old_tab_does_not_undo_a_change_made_since(customer, policyholder, life):
    page = customer.get("/my/preferences/").content.decode()
    assert f'name="initial-pref-{life.pk}-email" value="off"' in page
    # Since the page was opened, the customer opted in to email by phone with staff.
    from consents.services import preferences_update

    preferences_update(
        policyholder=policyholder, changes={(life.pk, "email"): True}, source=Source.PORTAL,
        idempotency_key=uuid.uuid4().hex,
    )
    # The old tab posts every cell as shown, with direct mail changed.
    data = matrix_post(life, direct_mail="off")
    data.update({f"initial-{name}": value for name, value in matrix_post(life).items() if name.startswith("pref-")})
    assert customer.post("/my/preferences/", data).status_code == 302
    current = {p.channel.code: p.allowed for p in Preference.objects.filter(policyholder=policyholder, company=life)}
    assert current == {"email": True, "direct_mail": False}


def test_a_save_is_a_few_statements_whatever_the_history(customer, policyholder, life, database_tasks):
    for value in ("off", "on", "off"):
        customer.post("/my/preferences/", {**matrix_post(life, direct_mail=value), "idempotency_key": uuid.uuid4().hex})
    with CaptureQueriesContext(connection) as queries:
        response = customer.post("/my/preferences/", {**matrix_post(life, direct_mail="on"), "idempotency_key": KEY})
    assert response.status_code == 302 and ConsentEvent.objects.count() == 4
    statements = [statement(query["sql"]) for query in queries]
    # The session's policyholder; then, in one transaction, lock it, read its cells, insert the email (the
    # row the workers send) and the receipt that points to it, read the receipt back by its key, read the
    # chain's head, insert the event, upsert the cell. No stored value is read before the lock, no look-up
    # precedes an insert, and no savepoint of its own.
    assert [s for s in statements if s[1] != "notices_company"] == [
        ("SELECT", "customers_policyholder"),
        ("SAVEPOINT", ""),  # the transaction (a savepoint inside the test's own)
        ("SELECT", "customers_policyholder"),
        ("SELECT", "consents_preference"),
        ("INSERT", "outbox_outgoingemail"),
        ("INSERT", "consents_receipt"),
        ("SELECT", "consents_receipt"),
        ("SELECT", "consents_consentevent"),
        ("INSERT", "consents_consentevent"),
        ("INSERT", "consents_preference"),
        ("RELEASE", ""),
    ]


def statement(sql: str) -> tuple[str, str]:
    """(verb, table) of one SQL statement."""
    verb = sql.split()[0]
    match = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql)
    return verb, match.group(1) if match and verb in ("SELECT", "INSERT", "UPDATE", "DELETE") else ""

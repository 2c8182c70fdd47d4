"""ご案内の停止 (/my/requests/marketing-stop/): the customer picks companies and ways of contact, sees each change,
confirms; exactly those cells are set to 受け取らない through the preference service (source "request", under the
request's number), so the API answers allowed: false at once for them and nothing else changes."""

import re

import pytest
from django.core import mail

from consents.models import ConsentEvent, Preference, Source
from consents.services import preferences_update
from desk.models import CustomerRequest
from tests.factories import ApiClientFactory, PolicyholderFactory

from .conftest import log_in

pytestmark = pytest.mark.django_db

URL = "/my/requests/marketing-stop/"
API = "/api/v1/contact-permission"
CHANNELS = ("web_ads", "direct_mail", "email", "phone")


def ask(client, vendor, holder, company, channel):
    response = client.get(API, {"customer": holder.customer_number, "company": company.pk, "channel": channel},
                          headers={"Authorization": f"Bearer {vendor.token}"})
    assert response.status_code == 200
    return response.json()


def confirmation(page: str) -> str:
    return re.search(r'name="confirmation" value="([^"]+)"', page).group(1)


def cells(holder):
    return {(p.company_id, p.channel.code): (p.allowed, p.last_event_id)
            for p in Preference.objects.filter(policyholder=holder).select_related("channel")}


def test_stopping_one_company_by_one_channel_changes_exactly_that_cell(client, customer, policyholder, life,
                                                                       nonlife):
    # The customer opted in to life's newsletter and stopped nonlife's phone calls before.
    preferences_update(policyholder=policyholder, changes={(life.pk, "email"): True, (nonlife.pk, "phone"): False},
                       source=Source.PORTAL, idempotency_key="before")
    before_cells = cells(policyholder)
    before_events = list(ConsentEvent.objects.values_list("pk", flat=True))
    vendor = ApiClientFactory(companies=[life, nonlife])
    before_api = {(c.pk, ch): ask(client, vendor, policyholder, c, ch)["allowed"]
                  for c in (life, nonlife) for ch in CHANNELS}
    mail.outbox.clear()

    form = customer.get(URL).content.decode()
    assert "楽天生命保険株式会社" in form and "DM（ダイレクトメール）" in form
    review = customer.post(URL, {"companies": [nonlife.pk], "channels": ["direct_mail"]})
    assert review.status_code == 200
    page = review.content.decode()
    assert "楽天損保 ／ DM（ダイレクトメール）：受け取る → 受け取らない" in page
    assert "電話" not in page.split("<ul")[1].split("</ul>")[0]
    # Nothing is written before the customer confirms.
    assert not CustomerRequest.objects.exists() and cells(policyholder) == before_cells and not mail.outbox

    response = customer.post(URL, {"confirmation": confirmation(page)})
    request = CustomerRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert (request.kind, request.status, request.outcome) == ("marketing_stop", "closed", "done")
    assert request.details == "楽天損保 ／ DM（ダイレクトメール）：受け取る → 受け取らない"

    after = cells(policyholder)
    changed = {cell for cell in set(after) | set(before_cells) if after.get(cell) != before_cells.get(cell)}
    assert changed == {(nonlife.pk, "direct_mail")}
    assert after[(nonlife.pk, "direct_mail")][0] is False
    new_events = ConsentEvent.objects.exclude(pk__in=before_events)
    assert [(e.company_id, e.channel.code, e.source, e.reason) for e in new_events] == [
        (nonlife.pk, "direct_mail", Source.REQUEST, request.number)
    ]
    after_api = {(c.pk, ch): ask(client, vendor, policyholder, c, ch)["allowed"]
                 for c in (life, nonlife) for ch in CHANNELS}
    assert after_api == {**before_api, (nonlife.pk, "direct_mail"): False}
    assert before_api[(life.pk, "email")] is True  # the opted-in newsletter stays

    detail = customer.get(request.get_absolute_url()).content.decode()
    receipt = new_events.get().receipt.number
    assert receipt in detail and "楽天損保 ／ DM（ダイレクトメール）：受け取る → 受け取らない" in detail
    subjects = [m.subject for m in mail.outbox]
    assert any(request.number in s for s in subjects) and any(receipt in s for s in subjects)


def test_every_chosen_company_by_every_chosen_channel_and_only_those(customer, policyholder, life, nonlife):
    page = customer.post(URL, {"companies": [life.pk, nonlife.pk], "channels": ["phone", "web_ads"]}).content.decode()
    lines = re.findall(r"<li>([^<]*→[^<]*)</li>", page)
    assert sorted(lines) == sorted([
        "楽天生命 ／ 電話：受け取る → 受け取らない", "楽天生命 ／ ウェブ広告：受け取る → 受け取らない",
        "楽天損保 ／ 電話：受け取る → 受け取らない", "楽天損保 ／ ウェブ広告：受け取る → 受け取らない",
    ])
    customer.post(URL, {"confirmation": confirmation(page)})
    assert {(e.company_id, e.channel.code) for e in ConsentEvent.objects.all()} == {
        (life.pk, "phone"), (life.pk, "web_ads"), (nonlife.pk, "phone"), (nonlife.pk, "web_ads"),
    }


def test_what_is_already_stopped_is_said_and_no_request_is_made(customer, policyholder, nonlife):
    preferences_update(policyholder=policyholder, changes={(nonlife.pk, "direct_mail"): False},
                       source=Source.PORTAL, idempotency_key="before")
    page = customer.post(URL, {"companies": [nonlife.pk], "channels": ["direct_mail"]}).content.decode()
    assert "すでに停止されています" in page and 'name="confirmation"' not in page


def test_a_repeated_confirmation_makes_one_request(customer, policyholder, nonlife):
    page = customer.post(URL, {"companies": [nonlife.pk], "channels": ["phone"]}).content.decode()
    first = customer.post(URL, {"confirmation": confirmation(page)})
    again = customer.post(URL, {"confirmation": confirmation(page)})
    assert first["Location"] == again["Location"] and CustomerRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channels": ["phone"]}, "会社を1つ以上選んでください。"),
        ({"companies": ["1"], "channels": []}, "ご案内の方法を1つ以上選んでください。"),
        ({"companies": ["999999"], "channels": ["phone"]}, "会社とご案内の方法は一覧から選んでください。"),
        ({"companies": ["1"], "channels": ["fax"]}, "会社とご案内の方法は一覧から選んでください。"),
        ({"confirmation": "forged"}, "確認画面の有効期限が切れています"),
    ],
)
def test_bad_input_is_refused_in_japanese_and_nothing_is_written(customer, policyholder, life, data, message):
    if data.get("companies") == ["1"]:
        data = {**data, "companies": [str(life.pk)]}
    response = customer.post(URL, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not CustomerRequest.objects.exists() and not ConsentEvent.objects.exists()


def test_another_customers_confirmation_is_refused(client, customer, policyholder, nonlife):
    other = PolicyholderFactory()
    theirs = log_in(type(client)(), other)
    page = theirs.post(URL, {"companies": [nonlife.pk], "channels": ["phone"]}).content.decode()
    response = customer.post(URL, {"confirmation": confirmation(page)})
    assert response.status_code == 400 and "確認画面の有効期限が切れています" in response.content.decode()
    assert not CustomerRequest.objects.exists() and not ConsentEvent.objects.exists()


def test_the_old_request_form_sends_a_stop_to_its_own_page(customer):
    response = customer.get("/my/requests/new/?kind=marketing_stop")
    assert response.status_code == 302 and response["Location"] == URL
    response = customer.post("/my/requests/new/", {"kind": "marketing_stop", "idempotency_key": "k" * 32})
    assert response.status_code == 400 and not CustomerRequest.objects.exists()

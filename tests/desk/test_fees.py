"""Fees of requests (手数料, APPI Art. 38): a table per company, kind and route, edited in the admin; shown on the
request form before the customer sends it; copied onto the request when it is made; never set by a customer."""

import uuid

import pytest
from django.core import mail
from django.test import Client

from desk.fees import fee_for
from desk.models import CustomerRequest, RequestFee
from disclosure.models import DisclosurePackage
from tests import personas
from tests.conftest import run_due_jobs

from .conftest import IDENTITY_FORM

pytestmark = pytest.mark.django_db


def form(kind="disclosure", **extra):
    return {"kind": kind, "idempotency_key": uuid.uuid4().hex, "delivery": "electronic", **IDENTITY_FORM, **extra}


def set_fee(company, kind, amount, payment, route="online"):
    RequestFee.objects.update_or_create(company=company, kind=kind, route=route,
                                        defaults={"amount": amount, "payment": payment})


def test_the_form_shows_each_companys_fee_before_the_customer_sends(customer, life, nonlife):
    set_fee(life, "disclosure", 300, "postal_order")
    page = customer.get("/my/requests/new/").content.decode()
    table = page.split('id="fees-heading"')[1].split("</table>")[0]
    assert "楽天生命保険株式会社" in table and "300円（定額小為替）" in table
    assert "楽天損害保険株式会社" in table and "無料" in table
    # Before the submit button.
    assert page.index('id="fees-heading"') < page.rindex('type="submit"')


def test_the_fee_is_copied_onto_the_request_and_a_later_change_does_not_alter_it(customer, life):
    set_fee(life, "disclosure", 300, "postal_order")
    assert customer.post("/my/requests/new/", form(company=life.pk)).status_code == 302
    request = CustomerRequest.objects.get()
    assert (request.fee_amount, request.fee_payment) == (300, "postal_order")
    set_fee(life, "disclosure", 900, "revenue_stamp")
    request.refresh_from_db()
    assert (request.fee_amount, request.fee_payment) == (300, "postal_order")
    assert "300円（定額小為替）" in customer.get(request.get_absolute_url()).content.decode()
    run_due_jobs()
    acknowledgment = next(m for m in mail.outbox if request.number in m.subject)
    assert "手数料：300円（定額小為替）" in acknowledgment.body
    # A package of a request with a fee waits for staff, who record the fee's receipt first.
    assert not DisclosurePackage.objects.exists()


def test_no_company_is_charged_once_at_the_highest_fee(life, nonlife):
    set_fee(life, "purpose", 300, "postal_order")
    set_fee(nonlife, "purpose", 500, "revenue_stamp")
    assert fee_for(kind="purpose", company=None, route="online") == (fee := fee_for(kind="purpose", company=nonlife,
                                                                                  route="online"))
    assert (fee.amount, fee.payment) == (500, "revenue_stamp")


def test_kinds_the_law_does_not_let_us_charge_for_are_free(customer, policyholder, life):
    response = customer.post("/my/requests/new/", form("correction", details="住所が違います"))
    assert response.status_code == 302
    request = CustomerRequest.objects.get()
    assert (request.fee_amount, request.fee_payment) == (0, "")
    assert RequestFee.FEE_KINDS == ("purpose", "disclosure")


def test_demo_fees_are_free_online_and_charged_by_post(life):
    assert fee_for(kind="disclosure", company=life, route="online").amount == 0
    by_post = fee_for(kind="disclosure", company=life, route="postal")
    assert (by_post.amount, by_post.payment) == (1000, "postal_order")


@pytest.mark.parametrize("field", ["fee", "fee_amount", "fee_payment"])
def test_a_fee_sent_by_the_customer_is_refused_and_nothing_is_written(customer, field):
    response = customer.post("/my/requests/new/", form(**{field: "0"}))
    assert response.status_code == 400
    assert "手数料や本人確認の結果は当社が記録するもので" in response.content.decode()
    assert not CustomerRequest.objects.exists()


def test_editors_edit_the_fee_table_in_the_admin_and_support_staff_only_read_it(life):
    editor = Client()
    editor.force_login(personas.editor())
    row = RequestFee.objects.get(company=life, kind="disclosure", route="postal")
    url = f"/admin/desk/requestfee/{row.pk}/change/"
    data = {"company": life.pk, "kind": "disclosure", "route": "postal", "amount": "1000", "payment": "postal_order"}
    assert editor.post(url, data).status_code == 302
    row.refresh_from_db()
    assert row.amount == 1000
    # A fee of 0 paid by money order, or a fee with no way to pay it, is refused (400) and nothing changes.
    for bad in ({"amount": "0", "payment": "postal_order"}, {"amount": "500", "payment": "free"},
                {"amount": "-1"}, {"kind": "correction"}):
        response = editor.post(url, {**data, **bad})
        assert response.status_code == 400, bad
        row.refresh_from_db()
        assert (row.amount, row.payment, row.kind) == (1000, "postal_order", "disclosure")
    support = Client()
    support.force_login(personas.support())
    assert support.get("/admin/desk/requestfee/").status_code == 200
    assert support.post(url, {**data, "amount": "0", "payment": "free"}).status_code == 403


def test_a_change_of_fee_is_in_the_audit_trail(life):
    from auditlog.models import LogEntry

    editor = Client()
    editor.force_login(personas.editor())
    row = RequestFee.objects.get(company=life, kind="purpose", route="postal")
    editor.post(f"/admin/desk/requestfee/{row.pk}/change/",
                {"company": life.pk, "kind": "purpose", "route": "postal", "amount": "600", "payment": "postal_order"})
    entry = LogEntry.objects.get_for_object(row).latest("timestamp")
    assert entry.actor.username == "editor" and entry.changes_dict["amount"] == ["1000", "600"]


def test_the_demo_fees_are_the_ones_the_published_page_states(client, life):
    """The request form charges from the fee table; the page of 保有個人データに関する事項 publishes the fees: in
    the demo the two say the same."""
    page = client.get("/privacy/").content.decode()
    charged = RequestFee.objects.filter(route="postal").exclude(amount=0)
    assert charged.exists()
    for fee in charged:
        assert f"1件につき{fee.amount:,}円" in page and fee.get_payment_display() in page

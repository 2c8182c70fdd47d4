"""The inquiry windows in the admin: what customers phone and write to changes only when a second person
approves it, like a company's data and the FAQ; every change is in the audit trail."""

import pytest
from auditlog.models import LogEntry

from approvals.models import ChangeRequest
from approvals.services import fingerprint
from contact.models import ContactWindow
from tests import personas
from tests.approvals.review import decide, pending_for, review_url

pytestmark = pytest.mark.django_db

LIST = "/admin/contact/contactwindow/"


def window_data(window: ContactWindow, **overrides) -> dict:
    data = {
        "company": window.company_id,
        "name": window.name,
        "phone": window.phone,
        "hours": window.hours,
        "postal_code": window.postal_code,
        "address": window.address,
        "form_url": window.form_url,
        "note": window.note,
        "display_order": window.display_order,
        "published": "on" if window.published else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def change_url(window: ContactWindow) -> str:
    return f"{LIST}{window.pk}/change/"


@pytest.fixture
def window(demo_content):
    return ContactWindow.objects.get(company__short_name="楽天生命")


def public_page(client) -> str:
    return client.get("/contact/").content.decode()


def test_an_editor_alone_does_not_change_the_phone_number_customers_call(client, window):
    client.force_login(personas.editor())
    response = client.post(change_url(window), window_data(window, phone="03-0000-0055"))
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.phone == "03-0000-0002"
    assert "03-0000-0055" not in public_page(client)
    assert "03-0000-0002" in public_page(client)

    client.force_login(personas.approver())
    review = client.get(f"/admin/approvals/changerequest/{pending_for(window).pk}/change/").content.decode()
    assert "電話番号" in review and "03-0000-0002" in review and "03-0000-0055" in review
    assert decide(client, pending_for(window)).status_code == 302
    window.refresh_from_db()
    assert window.phone == "03-0000-0055"
    html = public_page(client)
    assert "03-0000-0055" in html and "03-0000-0002" not in html


def test_the_proposer_cannot_approve_even_with_the_approver_role(client, window):
    both = personas.editor("editor-and-approver")
    both.groups.add(*personas.approver("approver").groups.all())
    client.force_login(both)
    client.post(change_url(window), window_data(window, hours="24時間受付"))
    proposal = pending_for(window)
    assert 'name="fingerprint"' not in client.get(review_url(proposal)).content.decode()  # no buttons offered
    response = decide(client, proposal, fingerprint=fingerprint(proposal))  # nor a POST made by hand
    assert response.status_code == 403
    assert "二者確認" in response.content.decode()
    window.refresh_from_db()
    assert window.hours != "24時間受付"
    assert "24時間受付" not in public_page(client)


def test_a_new_window_goes_public_only_when_another_person_approves(client, window):
    client.force_login(personas.editor())
    response = client.post(LIST + "add/", window_data(
        window, name="個人情報の開示等のご請求窓口", phone="03-0000-0066", published="on",
    ))
    assert response.status_code == 302
    new = ContactWindow.objects.get(name="個人情報の開示等のご請求窓口")
    assert new.published is False
    assert "個人情報の開示等のご請求窓口" not in public_page(client)
    proposal = pending_for(new)
    assert proposal.values["published"] is True
    assert proposal.values["phone"] == "03-0000-0066"  # the approver sees the whole window that goes public

    client.force_login(personas.approver())
    decide(client, proposal)
    assert "個人情報の開示等のご請求窓口" in public_page(client)


def test_a_rejected_change_changes_nothing(client, window):
    client.force_login(personas.editor())
    client.post(change_url(window), window_data(window, address="（デモ）別の住所"))
    client.force_login(personas.approver())
    response = decide(client, pending_for(window), decision="reject", reason="住所の確認が取れていません")
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.address != "（デモ）別の住所"
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.REJECTED


def test_unpublishing_is_a_proposal_too(client, window):
    client.force_login(personas.editor())
    client.post(change_url(window), window_data(window, published=""))
    assert window.name in public_page(client)
    client.force_login(personas.approver())
    decide(client, pending_for(window))
    assert f"id=\"window-{window.pk}\"" not in public_page(client)


def test_a_published_window_cannot_be_deleted_directly(client, window):
    client.force_login(personas.editor())
    response = client.post(f"{change_url(window).removesuffix('change/')}delete/", {"post": "yes"})
    assert response.status_code == 409
    assert "公開中のお問合せ窓口は直接削除できません" in response.content.decode()
    response = client.post(LIST, {"action": "delete_selected", "_selected_action": [window.pk], "post": "yes"})
    assert response.status_code == 403
    assert ContactWindow.objects.filter(pk=window.pk).exists()


def test_full_width_digits_and_dashes_are_stored_half_width(client, window):
    client.force_login(personas.editor())
    typed = {"phone": "０３ー００００ー００４４", "postal_code": "１５８－００９４"}
    client.post(change_url(window), window_data(window, **typed))
    proposal = pending_for(window)
    assert (proposal.values["phone"], proposal.values["postal_code"]) == ("03-0000-0044", "158-0094")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "0300000001", "ハイフンで区切った半角数字10桁または11桁"),
        ("phone", "03-0000-00001", "ハイフンで区切った半角数字10桁または11桁"),
        ("phone", "電話してください", "ハイフンで区切った半角数字10桁または11桁"),
        ("postal_code", "1580094", "半角数字3桁と4桁"),
        ("form_url", "http://example.com/form/", "https:// で始まるアドレス"),
        ("hours", "", "このフィールドは必須です"),
    ],
)
def test_bad_input_is_a_japanese_400_and_proposes_nothing(client, window, field, value, message):
    client.force_login(personas.editor())
    response = client.post(change_url(window), {**window_data(window), field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_a_second_window_of_the_same_name_is_refused(client, window):
    client.force_login(personas.editor())
    response = client.post(LIST + "add/", window_data(window))
    assert response.status_code == 400
    assert ContactWindow.objects.filter(company=window.company).count() == 1


def test_the_approved_change_is_in_the_audit_trail_with_old_and_new_values(client, window):
    client.force_login(personas.editor())
    client.post(change_url(window), window_data(window, phone="03-0000-0033"))
    approver = personas.approver()
    client.force_login(approver)
    decide(client, pending_for(window))
    entry = LogEntry.objects.get_for_object(window).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == approver
    assert entry.changes_dict["phone"] == ["03-0000-0002", "03-0000-0033"]


def test_support_staff_read_the_windows_but_cannot_change_them(client, window):
    client.force_login(personas.support())
    assert client.get(change_url(window)).status_code == 200
    assert client.post(change_url(window), window_data(window, phone="03-0000-0011")).status_code == 403
    window.refresh_from_db()
    assert window.phone == "03-0000-0002"

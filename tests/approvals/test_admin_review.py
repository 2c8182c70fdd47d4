"""The review page of a change request: old and new side by side in Japanese, approve or reject, and every
refusal a Japanese 4xx that changes nothing."""

import pytest

from approvals.models import ChangeRequest
from approvals.services import change_propose
from notices.models import Company
from tests import personas
from tests.approvals.review import decide, review_url, shown_fingerprint
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    company = CompanyFactory(legal_name="旧商号株式会社", markets_to_customers=False)
    return change_propose(
        obj=company, values={"legal_name": "新商号株式会社", "markets_to_customers": True}, user=personas.editor()
    )


def test_the_approver_sees_current_and_proposed_values_with_japanese_field_names(client, proposal):
    client.force_login(personas.approver())
    html = client.get(review_url(proposal)).content.decode()
    assert "<th scope=\"row\">商号</th><td>旧商号株式会社</td><td>新商号株式会社</td>" in html
    assert "<th scope=\"row\">お客さまへの案内を行う</th><td>いいえ</td><td>はい</td>" in html
    assert "承認して反映する" in html and "却下する" in html


def test_approving_applies_the_change_and_lists_it_as_approved(client, proposal):
    approver = personas.approver()
    client.force_login(approver)
    response = decide(client, proposal, reason="登記簿で確認しました。")
    assert response.status_code == 302
    company = Company.objects.get(pk=proposal.object_id)
    assert (company.legal_name, company.markets_to_customers) == ("新商号株式会社", True)
    listing = client.get("/admin/approvals/changerequest/").content.decode()
    assert "承認・反映済み" in listing


def test_the_proposer_is_offered_no_buttons_and_a_forged_post_is_refused(client, proposal):
    client.force_login(proposal.proposed_by)
    html = client.get(review_url(proposal)).content.decode()
    assert 'name="fingerprint"' not in html
    assert "この変更はご自身が申請したものです。" in html
    response = client.post(review_url(proposal), {"decision": "approve", "fingerprint": "0" * 64})
    assert response.status_code == 403
    assert Company.objects.get(pk=proposal.object_id).legal_name == "旧商号株式会社"


def test_a_proposal_changed_after_the_page_was_opened_is_refused(client, proposal):
    client.force_login(personas.approver())
    shown = shown_fingerprint(client.get(review_url(proposal)).content.decode())
    company = Company.objects.get(pk=proposal.object_id)
    replaced = change_propose(obj=company, values={"legal_name": "別案株式会社"}, user=personas.editor("editor2"))
    response = decide(client, proposal, fingerprint=shown)
    assert response.status_code == 409
    assert "すでに「置き換え・取り下げ」です" in response.content.decode()
    response = decide(client, replaced, fingerprint=shown)
    assert response.status_code == 409
    assert "この画面を開いた後に、変更申請またはその対象が変わりました。" in response.content.decode()
    company.refresh_from_db()
    assert company.legal_name == "旧商号株式会社"


def test_rejecting_needs_a_reason_and_changes_nothing(client, proposal):
    client.force_login(personas.approver())
    response = decide(client, proposal, decision="reject")
    assert response.status_code == 400
    assert "却下の理由を入力してください。" in response.content.decode()
    response = decide(client, proposal, decision="reject", reason="根拠資料がありません。")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ChangeRequest.Status.REJECTED
    company = Company.objects.get(pk=proposal.object_id)
    assert (company.legal_name, company.markets_to_customers) == ("旧商号株式会社", False)


@pytest.mark.parametrize(
    "data",
    [{}, {"decision": "publish", "fingerprint": "0" * 64}, {"decision": "approve", "fingerprint": "short"}],
)
def test_a_malformed_decision_is_a_japanese_400(client, proposal, data):
    client.force_login(personas.approver())
    response = client.post(review_url(proposal), data)
    assert response.status_code == 400
    assert "承認・却下の指示を読み取れませんでした。" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_an_editor_cannot_decide(client, proposal):
    client.force_login(personas.editor("editor2"))
    assert 'name="fingerprint"' not in client.get(review_url(proposal)).content.decode()
    response = client.post(review_url(proposal), {"decision": "approve", "fingerprint": "0" * 64})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.is_pending


@pytest.mark.parametrize("path", ["999999/change/", "abc/change/"])
def test_an_unknown_request_is_a_404(client, path):
    client.force_login(personas.approver())
    response = client.get(f"/admin/approvals/changerequest/{path}")
    assert response.status_code == 404
    assert "見つかりません" in response.content.decode()


def test_change_requests_cannot_be_added_or_deleted_in_the_admin(client, proposal):
    admin = personas.staff("root", None)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get("/admin/approvals/changerequest/add/").status_code == 403
    assert client.post(f"/admin/approvals/changerequest/{proposal.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ChangeRequest.objects.filter(pk=proposal.pk).exists()

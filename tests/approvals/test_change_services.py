"""change_propose, change_approve, change_reject: two people, exactly what was shown, nothing half-written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from approvals.models import ChangeRequest
from approvals.services import StaleChangeRequest, change_approve, change_propose, change_reject, fingerprint
from notices.models import Company
from tests import personas
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def superuser(username):
    user = personas.staff(username, None)
    user.is_superuser = True
    user.save()
    return user


def test_approval_applies_the_values_and_records_who_decided():
    company = CompanyFactory(legal_name="旧商号株式会社")
    editor, approver = personas.editor(), personas.approver()
    change = change_propose(obj=company, values={"legal_name": "新商号株式会社"}, user=editor)
    company.refresh_from_db()
    assert company.legal_name == "旧商号株式会社"
    change_approve(change=change, user=approver, fingerprint_shown=fingerprint(change))
    company.refresh_from_db()
    change.refresh_from_db()
    assert company.legal_name == "新商号株式会社"
    assert (change.status, change.decided_by, change.old_values) == (
        ChangeRequest.Status.APPROVED, approver, {"legal_name": "旧商号株式会社"}
    )


def test_only_staff_who_may_change_the_object_propose():
    with pytest.raises(PermissionDenied):
        change_propose(obj=CompanyFactory(), values={"legal_name": "x"}, user=personas.support())


def test_an_editor_cannot_approve_and_nobody_approves_their_own_proposal():
    company = CompanyFactory()
    root = superuser("root")
    change = change_propose(obj=company, values={"address": "東京都"}, user=root)
    with pytest.raises(PermissionDenied):
        change_approve(change=change, user=personas.editor(), fingerprint_shown=fingerprint(change))
    with pytest.raises(PermissionDenied):
        change_approve(change=change, user=root, fingerprint_shown=fingerprint(change))
    company.refresh_from_db()
    assert company.address == ""


def test_whoever_proposed_values_a_later_proposal_carries_may_not_approve_it():
    company = CompanyFactory()
    first_author = superuser("root")
    first = change_propose(obj=company, values={"address": "東京都"}, user=first_author)
    second = change_propose(obj=company, values={"address": "東京都", "kana": "カナ"}, user=personas.editor())
    assert second.supersedes == first
    with pytest.raises(PermissionDenied):
        change_approve(change=second, user=first_author, fingerprint_shown=fingerprint(second))
    change_approve(change=second, user=personas.approver(), fingerprint_shown=fingerprint(second))


def test_an_object_changed_since_the_page_was_opened_is_refused():
    company = CompanyFactory()
    change = change_propose(obj=company, values={"legal_name": "甲株式会社"}, user=personas.editor())
    shown = fingerprint(change)
    Company.objects.filter(pk=company.pk).update(legal_name="その間に変わった株式会社")
    with pytest.raises(StaleChangeRequest):
        change_approve(change=change, user=personas.approver(), fingerprint_shown=shown)
    change.refresh_from_db()
    assert change.is_pending


def test_a_superseded_proposal_is_refused():
    company = CompanyFactory()
    editor = personas.editor()
    old = change_propose(obj=company, values={"legal_name": "甲株式会社"}, user=editor)
    shown = fingerprint(old)
    change_propose(obj=company, values={"legal_name": "乙株式会社"}, user=editor)
    with pytest.raises(StaleChangeRequest):
        change_approve(change=old, user=personas.approver(), fingerprint_shown=shown)
    company.refresh_from_db()
    assert company.legal_name not in ("甲株式会社", "乙株式会社")


def test_values_that_no_longer_fit_write_nothing():
    CompanyFactory(legal_name="既存株式会社")
    company = CompanyFactory()
    change = change_propose(obj=company, values={"legal_name": "既存株式会社"}, user=personas.editor())
    with pytest.raises(ValidationError):
        change_approve(change=change, user=personas.approver(), fingerprint_shown=fingerprint(change))
    change.refresh_from_db()
    company.refresh_from_db()
    assert change.is_pending and company.legal_name != "既存株式会社"


def test_rejection_needs_a_reason_and_leaves_the_object_as_it_was():
    company = CompanyFactory(address="東京都")
    change = change_propose(obj=company, values={"address": "大阪府"}, user=personas.editor())
    approver = personas.approver()
    with pytest.raises(ValidationError):
        change_reject(change=change, user=approver, reason="  ")
    change_reject(change=change, user=approver, reason="登記簿と一致しません。")
    change.refresh_from_db()
    company.refresh_from_db()
    assert (change.status, company.address) == (ChangeRequest.Status.REJECTED, "東京都")
    with pytest.raises(StaleChangeRequest):
        change_approve(change=change, user=approver, fingerprint_shown=fingerprint(change))


def test_a_proposal_may_create_an_object_when_approved():
    change = change_propose(
        model=Company,
        values={"legal_name": "新規保険株式会社", "short_name": "新規", "role": "life"},
        user=personas.editor(),
    )
    assert change.object_id is None
    company = change_approve(change=change, user=personas.approver(), fingerprint_shown=fingerprint(change))
    change.refresh_from_db()
    assert change.object_id == company.pk and company.legal_name == "新規保険株式会社"


def test_a_field_that_is_not_editable_cannot_be_proposed():
    with pytest.raises(ValidationError):
        change_propose(obj=CompanyFactory(), values={"id": 99}, user=personas.editor())


def test_the_database_holds_one_pending_request_per_object():
    company = CompanyFactory()
    change = change_propose(obj=company, values={"address": "東京都"}, user=personas.editor())
    change.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        change.save()

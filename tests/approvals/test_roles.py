"""Who proposes and who approves: the staff migration gives 承認者 the approval, and takes back exactly that."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from tests import personas

pytestmark = pytest.mark.django_db

migration = importlib.import_module("staff.migrations.0002_approval_roles")


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # permissions are cached on the instance


def test_approvers_approve_editors_propose_both_read_the_requests_and_the_trail():
    editor, approver, support = personas.editor(), personas.approver(), personas.support()
    assert approver.has_perm("approvals.approve_changerequest")
    assert not editor.has_perm("approvals.approve_changerequest")
    assert editor.has_perm("notices.change_company") and not approver.has_perm("notices.change_company")
    for user in (editor, approver):
        assert user.has_perm("approvals.view_changerequest") and user.has_perm("auditlog.view_logentry")
    assert not support.has_perm("auditlog.view_logentry")


def test_reversing_the_migration_takes_back_the_approval_and_nothing_else():
    editor, approver = personas.editor(), personas.approver()
    migration.take_back(apps, None)
    editor, approver = fresh(editor), fresh(approver)
    assert not approver.has_perm("approvals.approve_changerequest")
    assert not editor.has_perm("auditlog.view_logentry")
    assert approver.has_perm("notices.publish_noticeversion")
    assert editor.has_perm("notices.change_company")
    migration.grant(apps, None)
    assert fresh(approver).has_perm("approvals.approve_changerequest")

"""The roles the migration creates: what each group may do, checked through Django's permission system."""

import pytest

from tests import personas

pytestmark = pytest.mark.django_db


def test_an_editor_edits_drafts_faq_and_companies_but_cannot_publish():
    editor = personas.editor()
    for permission in ("notices.change_noticeversion", "notices.add_purpose", "notices.change_company",
                       "faq.change_faqentry", "faq.add_faqentry"):
        assert editor.has_perm(permission)
    assert not editor.has_perm("notices.publish_noticeversion")


def test_an_approver_publishes_but_does_not_edit():
    approver = personas.approver()
    assert approver.has_perm("notices.publish_noticeversion")
    assert approver.has_perm("notices.view_noticeversion")
    assert not approver.has_perm("notices.change_noticeversion")
    assert not approver.has_perm("faq.change_faqentry")


def test_customer_support_reads_but_neither_edits_nor_publishes():
    support = personas.support()
    assert support.has_perm("notices.view_notice")
    assert not support.has_perm("notices.change_noticeversion")
    assert not support.has_perm("notices.publish_noticeversion")

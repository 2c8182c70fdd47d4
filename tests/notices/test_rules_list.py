"""The publication rules as compliance staff meet them: every legal rule names its provision, the README lists
the same provisions, refusals come in the rules' order, and a notice that is not a joint use is held only to the
rules every notice follows."""

import datetime

import pytest
from django.conf import settings

from notices.models import DataItem, Notice, Purpose
from notices.rules import RULES, check_publication
from tests import personas
from tests.factories import NoticeVersionFactory

TODAY = datetime.date(2027, 1, 15)


def test_every_legal_rule_cites_its_provision_and_the_readme_lists_it():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    listed = readme.split("**The rules**")[1].split("Every refused attempt")[0]
    cited = [(rule.number, rule.citation) for rule in RULES if rule.citation]
    assert {number for number, _ in cited} == {1, 2, 3, 4}
    for _, citation in cited:
        assert f"- {citation}:" in listed


@pytest.mark.django_db
def test_failures_come_in_the_order_of_the_rules():
    approver = personas.approver()
    version = NoticeVersionFactory(effective_date=TODAY, last_edited_by=approver)
    Purpose.objects.filter(version=version).delete()
    DataItem.objects.create(version=version, order=2, text="病歴")
    failures = check_publication(version, user=approver, today=TODAY)
    numbers = [failure.rule for failure in failures]
    assert numbers == sorted(numbers) and set(numbers) == {1, 4, 5}


@pytest.mark.django_db
def test_a_notice_that_is_not_a_joint_use_is_not_held_to_the_joint_use_rules():
    editor, approver = personas.editor(), personas.approver()
    version = NoticeVersionFactory(
        notice__kind=Notice.Kind.EXPLANATION, effective_date=TODAY, introduction="", last_edited_by=editor
    )
    Purpose.objects.filter(version=version).delete()
    assert check_publication(version, user=approver, today=TODAY) == []

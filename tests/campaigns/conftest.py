import datetime

import pytest
from django.core.management import call_command

from notices.models import NoticeVersion
from tests import personas
from tests.factories import announced_group_version

EFFECTIVE = datetime.date(2030, 4, 1)


@pytest.fixture
def editor(db):
    return personas.editor()


@pytest.fixture
def approver(db):
    return personas.approver()


@pytest.fixture
def announced(demo_content, editor) -> NoticeVersion:
    """The group notice revised from 1 April 2030: a new joint user and a new purpose, with consent as the ground."""
    return announced_group_version(editor=editor, effective_date=EFFECTIVE)


@pytest.fixture
def demo_policyholders(demo_content):
    call_command("load_demo_policyholders", verbosity=0)
    from customers.models import Policyholder

    return list(Policyholder.objects.order_by("customer_number"))

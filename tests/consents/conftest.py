import re

import pytest
from django.conf import settings
from django.core import mail

from customers.login import SESSION_IDLE_SECONDS, SESSION_KEY
from customers.models import Policy
from tests.factories import PolicyholderFactory


@pytest.fixture
def policyholder(life):
    policyholder = PolicyholderFactory(name="楽天 花子", email="hanako@example.com")
    Policy.objects.create(policyholder=policyholder, company=life, policy_number="L-0001", product="終身医療保険")
    return policyholder


def log_in(client, policyholder):
    """Put the policyholder in the client's session, as the login link does."""
    session = client.session
    session[SESSION_KEY] = policyholder.pk
    session.set_expiry(SESSION_IDLE_SECONDS)
    session.save()
    return client


@pytest.fixture
def customer(client, policyholder):
    return log_in(client, policyholder)


def emailed_link(message=None) -> str:
    """The path of the login link in the last email sent."""
    message = message or mail.outbox[-1]
    url = re.search(r"https?://\S+/login/link/\S+/", message.body).group(0)
    return url.removeprefix(settings.SITE_URL)


class BrokenEmailBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP is down")


@pytest.fixture
def support_staff(db, django_user_model):
    """A staff member in the 顧客対応 group, with nothing else."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("support", password="support-password-1", is_staff=True)
    user.groups.add(Group.objects.get(name="顧客対応"))
    return user


@pytest.fixture
def plain_staff(db, django_user_model):
    return django_user_model.objects.create_user("plain", password="plain-password-12", is_staff=True)

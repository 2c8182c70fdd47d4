"""Rotating SECRET_KEY with the old key in SECRET_KEY_FALLBACKS logs nobody out and breaks no link
already sent; without the fallback, everything the old key signed is refused."""

from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from api.selectors import cursor_issue, cursor_read
from consents.models import Channel
from consents.unsubscribe import unsubscribe_url
from customers.login import SESSION_KEY
from tests.factories import PolicyholderFactory

OLD_KEY = "old-" + "o" * 60
NEW_KEY = "new-" + "n" * 60
ROTATED = override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY])
REPLACED = override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[])


@pytest.fixture
def customer(client, life):
    policyholder = PolicyholderFactory()
    with override_settings(SECRET_KEY=OLD_KEY):
        session = client.session
        session[SESSION_KEY] = policyholder.pk
        session.save()
    return client


@pytest.fixture
def staff(client, db, django_user_model):
    user = django_user_model.objects.create_superuser("compliance", "c@example.com", "a-long-password-2026")
    with override_settings(SECRET_KEY=OLD_KEY):
        client.force_login(user)
    return client


@pytest.mark.parametrize("keys", [ROTATED, REPLACED])
def test_a_customer_stays_logged_in_either_way(customer, keys):
    # Sessions live in the cache unsigned (the cache backend), so the key does not touch them.
    with keys:
        assert customer.get("/my/").status_code == 200


@pytest.mark.parametrize(("keys", "status"), [(ROTATED, 200), (REPLACED, 302)])
def test_staff_stay_logged_in_only_with_the_fallback(staff, keys, status):
    with keys:
        assert staff.get("/admin/").status_code == status


@pytest.mark.parametrize(("keys", "status"), [(ROTATED, 200), (REPLACED, 400)])
def test_an_unsubscribe_link_in_a_sent_email_works_only_with_the_fallback(client, life, keys, status):
    with override_settings(SECRET_KEY=OLD_KEY):
        url = unsubscribe_url(policyholder=PolicyholderFactory(), company=life, campaign="2026-autumn")
    with keys:
        assert client.get(urlsplit(url).path).status_code == status


def test_an_export_cursor_survives_the_rotation(life):
    channel = Channel.objects.get(code="email")
    with override_settings(SECRET_KEY=OLD_KEY):
        cursor = cursor_issue(company_id=life.pk, channel=channel)
    with ROTATED:
        assert cursor_read(cursor, company_id=life.pk, channel=channel).event == 0

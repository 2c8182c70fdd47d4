"""A NUL (which PostgreSQL cannot store or compare) in a path or a query is a 404 or a 400, never a 500."""

import pytest
from django.test import Client

from consents.models import Receipt

from ..consents.conftest import log_in


@pytest.fixture
def customer(life):
    from tests.factories import PolicyholderFactory

    return log_in(Client(raise_request_exception=False), PolicyholderFactory())


def test_a_nul_in_a_path_is_a_404(customer):
    assert customer.get("/my/receipts/%00/").status_code == 404
    assert customer.get("/notices/%00/").status_code == 404
    assert not Receipt.objects.exists()


def test_a_nul_in_a_query_is_a_400(db, admin_client):
    assert Client(raise_request_exception=False).get("/faq/", {"q": "a\x00b"}).status_code == 400
    admin_client.raise_request_exception = False
    assert admin_client.get("/admin/customers/policyholder/", {"q": "a\x00"}).status_code == 400

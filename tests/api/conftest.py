import uuid

import pytest

from consents.models import Source
from consents.services import preferences_update
from tests.factories import ApiClientFactory


@pytest.fixture
def vendor(life):
    """A DM vendor's system that may ask about 楽天生命保険 only."""
    return ApiClientFactory(companies=[life])


@pytest.fixture
def call(client, vendor):
    """call(method, path, **kwargs) with the vendor's bearer token."""

    def send(method, path, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token or vendor.token}", **kwargs.pop("headers", {})}
        return getattr(client, method)(path, headers=headers, **kwargs)

    return send


def change(policyholder, changes, source=Source.PORTAL):
    return preferences_update(
        policyholder=policyholder, changes=changes, source=source, idempotency_key=uuid.uuid4().hex
    )

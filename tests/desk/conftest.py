import pytest

from tests import personas
from tests.consents.conftest import customer, log_in, policyholder  # noqa: F401


@pytest.fixture
def writer(db):
    return personas.support("writer")


@pytest.fixture
def checker(db):
    return personas.support("checker")


def staff_client(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


def answer(*, request, author, **fields):
    """Write the answer's draft and take it through the send step, as staff do after the preview."""
    from desk.services import reply_send, reply_write

    return reply_send(reply=reply_write(request=request, author=author, **fields), actor=author)

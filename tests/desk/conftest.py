import datetime

import pytest

from tests import personas
from tests.consents.conftest import customer, log_in, policyholder  # noqa: F401

# The policy and date of birth of the `policyholder` fixture: what confirms a 開示, 訂正等, 利用停止等 or
# 第三者提供の停止 (desk/identity.py), as the service takes them and as the form posts them.
IDENTITY = {"policy_number": "L-0001", "birth_date": datetime.date(1985, 4, 1)}
IDENTITY_FORM = {"policy_number": "L-0001", "birth_date": "1985-04-01"}
AGENT_CONTACT = {
    "agent_relation": "長男", "agent_postal_code": "158-0094", "agent_address": "東京都世田谷区玉川一丁目14番1号",
    "agent_phone": "03-1234-5678", "agent_email": "taro@example.com",
}


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

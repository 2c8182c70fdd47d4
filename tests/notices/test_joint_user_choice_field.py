"""The public forms' company lists (/contact/form/, /my/requests/new/) name only the joint users of the version in
force: a company one editor has just created, or one an announced version adds, is not offered to customers."""

import re
import time
import uuid

import pytest
import time_machine

from desk.models import CustomerRequest
from tests.consents.conftest import log_in
from tests.factories import CompanyFactory, PolicyholderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished(demo_content):
    """Created by an editor in the admin: no published version names it."""
    return CompanyFactory(legal_name="新設準備株式会社", corporate_number="")


def options(html: str) -> list[str]:
    select = re.search(r'<select name="company".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]+)</option>", select)


def test_the_inquiry_form_lists_only_joint_users(client, unpublished, life):
    page = client.get("/contact/form/").content.decode()
    assert life.legal_name in options(page) and unpublished.legal_name not in options(page)
    ticket = re.search(r'name="ticket" value="([^"]+)"', page).group(1)
    data = {"name": "山田 太郎", "email": "taro@example.net", "company": str(unpublished.pk),
            "message": "問合せ", "ticket": ticket, "website": ""}
    with time_machine.travel(time.time() + 10, tick=False):
        response = client.post("/contact/form/", data)
    assert response.status_code == 400 and "会社は一覧から選んでください。" in response.content.decode()
    assert not CustomerRequest.objects.exists()


def test_the_request_form_lists_only_joint_users(client, unpublished, life):
    customer = log_in(client, PolicyholderFactory())
    page = customer.get("/my/requests/new/").content.decode()
    assert life.legal_name in options(page) and unpublished.legal_name not in options(page)
    response = customer.post("/my/requests/new/", {
        "kind": "purpose", "idempotency_key": uuid.uuid4().hex, "details": "", "company": str(unpublished.pk),
    })
    assert response.status_code == 400 and not CustomerRequest.objects.exists()

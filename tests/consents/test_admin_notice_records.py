import datetime

import pytest

from consents.models import NoticeRecord
from consents.services import consent_answer_record, notice_record_append
from tests import personas
from tests.factories import PolicyholderFactory, published_version
from tests.reconsent import consent_version, customer_since, days, new_company

CHANGELIST = "/admin/consents/noticerecord/"


@pytest.fixture
def record(db):
    version = published_version(effective_date=datetime.date(2030, 4, 1))
    holder = PolicyholderFactory(customer_number="C123456789")
    return notice_record_append(
        policyholder=holder, notice_version=version, kind=NoticeRecord.Kind.DECLINED,
        source=NoticeRecord.Source.PORTAL, idempotency_key="k",
    ).record


def test_nobody_may_add_change_or_delete_a_record(client, admin_user, record):
    client.force_login(admin_user)
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{record.pk}/change/", {"kind": "consented"}).status_code == 403
    assert client.post(f"{CHANGELIST}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.kind == NoticeRecord.Kind.DECLINED
    assert client.get(f"{CHANGELIST}{record.pk}/change/").status_code == 200


@pytest.mark.parametrize("role", [personas.support, personas.editor, personas.approver])
def test_every_role_finds_a_customers_records_by_customer_number(client, record, role):
    client.force_login(role())
    response = client.get(CHANGELIST, {"q": "C123456789"})
    assert response.status_code == 200
    assert "C123456789" in response.text and "同意しない" in response.text


def test_staff_find_an_answer_by_the_record_number_the_customer_quotes(client, demo_content):
    version = consent_version(effective_date=days(40), add=[new_company(legal_name="楽天カード株式会社")])
    holder = customer_since(days(-400), customer_number="C987654321")
    other = customer_since(days(-400), customer_number="C111111111")
    record = consent_answer_record(policyholder=holder, version_id=version.pk, consent=False).record
    consent_answer_record(policyholder=other, version_id=version.pk, consent=True)
    client.force_login(personas.support())
    page = client.get(CHANGELIST, {"q": record.number}).text
    assert "C987654321" in page and "C111111111" not in page and record.number in page

import datetime
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from consents.chain import GENESIS
from consents.models import NoticeRecord
from consents.services import notice_record_append
from tests.factories import NoticeVersionFactory, PolicyholderFactory, published_version

Kind, Source = NoticeRecord.Kind, NoticeRecord.Source


@pytest.fixture
def version(db):
    return published_version(effective_date=datetime.date(2030, 4, 1))


def append(policyholder, version, kind=Kind.INFORMED_EMAIL, **kwargs):
    kwargs.setdefault("source", Source.CAMPAIGN)
    return notice_record_append(policyholder=policyholder, notice_version=version, kind=kind, **kwargs)


def test_records_chain_per_policyholder_with_the_current_key(version):
    holder, other = PolicyholderFactory.create_batch(2)
    first = append(holder, version, campaign_id=7).record
    append(other, version)
    second = append(holder, version, Kind.CONSENTED, source=Source.PORTAL, idempotency_key="a1").record
    assert first.previous_hash == GENESIS and second.previous_hash == first.hash
    assert (first.key_id, first.campaign_id) == ("dev", 7)
    assert NoticeRecord.objects.filter(policyholder=holder).count() == 2


def test_being_told_twice_the_same_way_keeps_the_first_record(version):
    holder = PolicyholderFactory()
    first = append(holder, version, campaign_id=1)
    again = append(holder, version, campaign_id=1)
    by_post = append(holder, version, Kind.INFORMED_POST, campaign_id=1)
    assert not first.repeated and again.repeated and again.record == first.record
    assert not by_post.repeated
    assert NoticeRecord.objects.count() == 2


def test_a_repeated_answer_finds_the_first_and_a_changed_mind_is_a_new_record(version):
    holder = PolicyholderFactory()
    first = append(holder, version, Kind.CONSENTED, source=Source.PORTAL, idempotency_key="k1")
    repeated = append(holder, version, Kind.CONSENTED, source=Source.PORTAL, idempotency_key="k1")
    declined = append(holder, version, Kind.DECLINED, source=Source.PORTAL, idempotency_key="k2")
    assert repeated.repeated and repeated.record == first.record
    assert not declined.repeated
    assert list(NoticeRecord.objects.order_by("id").values_list("kind", flat=True)) == ["consented", "declined"]


def test_a_draft_version_is_refused_and_nothing_written(db):
    draft = NoticeVersionFactory(effective_date=datetime.date(2030, 4, 1))
    with pytest.raises(ValidationError) as error:
        append(PolicyholderFactory(), draft)
    assert error.value.code == "notice_version"
    assert not NoticeRecord.objects.exists()


def test_a_record_by_staff_names_the_staff_member(version, django_user_model):
    holder = PolicyholderFactory()
    with pytest.raises(ValidationError):
        append(holder, version, Kind.INFORMED_POST, source=Source.STAFF)
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    record = append(holder, version, Kind.INFORMED_POST, source=Source.STAFF, actor=clerk).record
    assert record.actor == clerk


def test_a_malformed_ip_address_is_refused(version):
    with pytest.raises(ValidationError):
        append(PolicyholderFactory(), version, Kind.CONSENTED, source=Source.PORTAL, ip_address="999.1.1.1")
    assert not NoticeRecord.objects.exists()


@pytest.mark.parametrize("address", ["2001:DB8:0:0:0:0:0:1", "192.0.2.1"])
def test_the_chain_verifies_whatever_form_the_ip_address_came_in(version, address):
    append(PolicyholderFactory(), version, Kind.DECLINED, source=Source.PORTAL, ip_address=address,
           user_agent="Mozilla/5.0")
    call_command("verify_consent_chain", verbosity=0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_records_for_one_customer_all_land_in_one_chain():
    version = published_version(effective_date=datetime.date(2030, 4, 1))
    holder = PolicyholderFactory()
    errors = []
    barrier = threading.Barrier(12)

    def worker(n):
        try:
            barrier.wait()
            kind = Kind.CONSENTED if n % 2 else Kind.DECLINED
            append(holder, version, kind, source=Source.PORTAL, idempotency_key=uuid.uuid4().hex)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert NoticeRecord.objects.filter(policyholder=holder).count() == 12
    call_command("verify_consent_chain", verbosity=0)

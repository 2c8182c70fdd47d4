"""core.rows.insert writes the row Model.save() would, fetch reads the one the ORM reads, and the task backend writes
the row the library would."""

import datetime
import ipaddress

import pytest
from django.db.models.signals import post_save, pre_save
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend as LibraryBackend
from django_tasks_db.models import DBTaskResult

from consents.models import Channel, ConsentEvent, OutgoingEmail, Policyholder, Receipt, Source
from core.rows import fetch, insert
from core.taskbackend import DatabaseBackend
from tests.factories import PolicyholderFactory

pytestmark = pytest.mark.django_db
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def _row(model, pk):
    return {key: value for key, value in model.objects.filter(pk=pk).values().get().items() if key != "id"}


def _event(receipt, channel, *, company_id, hash):
    return ConsentEvent(
        policyholder=receipt.policyholder, receipt=receipt, company_id=company_id, channel=channel,
        old_value=True, new_value=False, created_at=datetime.datetime(2026, 11, 30, 9, 15, 30, 123456, tzinfo=TOKYO),
        notice_version=None, source=Source.PORTAL, reason="電話で依頼", ip_address="2001:DB8::1",
        user_agent="Mozilla/5.0 (iPhone)", idempotency_key="k" * 32, previous_hash="0" * 64, hash=hash,
    )


def test_an_inserted_event_is_the_row_save_would_write(demo_content, life):
    policyholder = PolicyholderFactory()
    receipt = Receipt.objects.create(
        number="20261130-0000AAAA", policyholder=policyholder, source=Source.PORTAL, idempotency_key="a" * 32,
        created_at=datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC),
    )
    channel = Channel.objects.get(code="email")
    inserted = insert(_event(receipt, channel, company_id=life.pk, hash="1" * 64))
    saved = _event(receipt, channel, company_id=life.pk, hash="2" * 64)
    saved.save()

    assert inserted.pk is not None and not inserted._state.adding
    ours, theirs = _row(ConsentEvent, inserted.pk), _row(ConsentEvent, saved.pk)
    assert ours.pop("hash") == "1" * 64 and theirs.pop("hash") == "2" * 64
    assert ours == theirs
    # The address as the database keeps it, and the moment in UTC to the microsecond.
    assert ipaddress.ip_address(ours["ip_address"]) == ipaddress.ip_address("2001:db8::1")
    assert ours["created_at"] == datetime.datetime(2026, 11, 30, 0, 15, 30, 123456, tzinfo=datetime.UTC)


def test_an_inserted_email_gets_its_defaults(demo_content):
    policyholder = PolicyholderFactory()
    now = datetime.datetime(2026, 11, 30, 1, 2, 3, tzinfo=datetime.UTC)
    email = insert(OutgoingEmail(kind=OutgoingEmail.Kind.LOGIN_LINK, policyholder=policyholder, queued_at=now,
                                 next_attempt_at=now))
    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert (stored.status, stored.attempts, stored.policyholder_id) == (OutgoingEmail.Status.QUEUED, 0, policyholder.pk)


def test_receivers_hear_of_an_insert_as_of_a_save(demo_content):
    heard = []

    def before(sender, instance, **kwargs):
        heard.append(("pre_save", instance.pk))
        instance.last_error = "set by a receiver"

    def after(sender, instance, created, **kwargs):
        heard.append(("post_save", instance.pk, created))

    pre_save.connect(before, sender=OutgoingEmail, dispatch_uid="test-rows")
    post_save.connect(after, sender=OutgoingEmail, dispatch_uid="test-rows")
    try:
        now = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)
        email = insert(OutgoingEmail(kind=OutgoingEmail.Kind.LOGIN_LINK, policyholder=PolicyholderFactory(),
                                     queued_at=now, next_attempt_at=now))
    finally:
        pre_save.disconnect(dispatch_uid="test-rows", sender=OutgoingEmail)
        post_save.disconnect(dispatch_uid="test-rows", sender=OutgoingEmail)
    assert heard == [("pre_save", None), ("post_save", email.pk, True)]
    assert OutgoingEmail.objects.get(pk=email.pk).last_error == "set by a receiver"


@task(priority=3, queue_name="default")
def _noted(number: int, *, label: str = "") -> None:
    """A task for the comparison below; never run."""


def test_the_task_backend_writes_the_librarys_row_field_for_field(database_tasks):
    params = {"QUEUES": ["default"]}
    run_after = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)
    ours = DatabaseBackend("default", params).enqueue(_noted.using(run_after=run_after), (7,), {"label": "受付"})
    theirs = LibraryBackend("default", params).enqueue(_noted.using(run_after=run_after), (7,), {"label": "受付"})

    skip = {"enqueued_at"}
    mine, library = (
        {key: value for key, value in _row(DBTaskResult, result.id).items() if key not in skip}
        for result in (ours, theirs)
    )
    assert mine == library
    # Without a time to run after, the library's own pre_save receiver stores "whenever": so do we.
    soon = [backend("default", params).enqueue(_noted, (8,), {}) for backend in (DatabaseBackend, LibraryBackend)]
    assert _row(DBTaskResult, soon[0].id)["run_after"] == _row(DBTaskResult, soon[1].id)["run_after"] is not None
    assert mine["args_kwargs"] == {"args": [7], "kwargs": {"label": "受付"}} and mine["priority"] == 3
    assert ours.status == theirs.status and ours.task.module_path == theirs.task.module_path
    assert DBTaskResult.objects.get(pk=ours.id).enqueued_at is not None


def test_a_fetched_row_is_the_one_the_orm_reads(demo_content, life):
    policyholder = PolicyholderFactory(email="Hanako@Example.jp", birth_date=datetime.date(1980, 2, 29))
    receipt = Receipt.objects.create(
        number="20261130-0000BBBB", policyholder=policyholder, source=Source.PORTAL, idempotency_key="b" * 32,
        created_at=datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC),
    )
    event = insert(_event(receipt, Channel.objects.get(code="phone"), company_id=life.pk, hash="3" * 64))

    for model, pk in ((Policyholder, policyholder.pk), (ConsentEvent, event.pk)):
        fetched, read = fetch(model, pk), model.objects.get(pk=pk)
        assert not fetched._state.adding
        assert {
            field.attname: getattr(fetched, field.attname) for field in model._meta.concrete_fields
        } == {field.attname: getattr(read, field.attname) for field in model._meta.concrete_fields}
    # Converted as a query converts: a boolean, not SQLite's 1; an aware time; the generated lower-case key.
    assert fetch(ConsentEvent, event.pk).old_value is True
    assert fetch(Policyholder, policyholder.pk).email_key == "hanako@example.jp"
    assert fetch(Policyholder, 10**9) is None

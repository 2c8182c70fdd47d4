import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from consents.models import ConsentEvent, Preference, Source
from consents.services import preferences_update
from notices.models import Company
from tests.factories import PolicyholderFactory


@pytest.fixture
def events(demo_content):
    life = Company.objects.get(short_name="楽天生命")
    for policyholder in PolicyholderFactory.create_batch(2):
        for value in (False, True, False):
            preferences_update(
                policyholder=policyholder,
                changes={(life.pk, "phone"): value, (life.pk, "direct_mail"): value},
                source=Source.PORTAL,
                idempotency_key=uuid.uuid4().hex,
            )
    return list(ConsentEvent.objects.order_by("id"))


def test_it_passes_an_untouched_chain(events, capsys):
    call_command("verify_consent_chain")
    assert "OK: 12 events in 2 chains" in capsys.readouterr().out


def test_it_names_an_event_changed_with_sql(events):
    target = events[7]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ConsentEvent._meta.db_table} SET new_value = %s WHERE id = %s", [not target.new_value, target.id]
        )
    with pytest.raises(CommandError, match=f"Event {target.id} "):
        call_command("verify_consent_chain")


def test_it_names_the_event_after_a_deleted_one(events):
    ConsentEvent.objects.filter(pk=events[2].pk).delete()
    with pytest.raises(CommandError, match=f"Event {events[3].id} .*does not follow"):
        call_command("verify_consent_chain")


def test_a_broken_chain_exits_with_status_1(events):
    ConsentEvent.objects.filter(pk=events[0].pk).update(reason="改ざん")
    with pytest.raises(CommandError) as error:
        call_command("verify_consent_chain")
    assert error.value.returncode == 1  # manage.py exits with it


def set_with_sql(preference, column, value):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Preference._meta.db_table} SET {column} = %s WHERE id = %s", [value, preference.pk])


def test_it_checks_the_current_preferences_too(events, capsys):
    call_command("verify_consent_chain")
    assert "; 4 preferences match them." in capsys.readouterr().out


def test_it_names_a_preference_changed_with_sql(events):
    preference = Preference.objects.order_by("id")[1]
    set_with_sql(preference, "allowed", not preference.allowed)
    with pytest.raises(CommandError, match=rf"Preference {preference.pk} .*does not match the new value") as error:
        call_command("verify_consent_chain")
    assert error.value.returncode == 1


def test_it_names_a_preference_pointing_at_an_older_event_of_its_cell(events):
    preference = Preference.objects.order_by("id")[0]
    older = ConsentEvent.objects.filter(
        policyholder_id=preference.policyholder_id, company_id=preference.company_id,
        channel_id=preference.channel_id, new_value=preference.allowed,
    ).exclude(pk=preference.last_event_id).get()
    set_with_sql(preference, "last_event_id", older.pk)
    with pytest.raises(CommandError, match=rf"Preference {preference.pk} .*newest applied event of its cell is"):
        call_command("verify_consent_chain")


def test_it_names_a_preference_decided_by_another_cells_event(events):
    preference = Preference.objects.order_by("id")[0]
    foreign = ConsentEvent.objects.exclude(policyholder_id=preference.policyholder_id).filter(
        new_value=preference.allowed
    ).first()
    set_with_sql(preference, "last_event_id", foreign.pk)
    with pytest.raises(CommandError, match=rf"Preference {preference.pk} .*belongs to another cell"):
        call_command("verify_consent_chain")


def test_it_checks_the_preferences_in_a_bounded_number_of_queries(events, django_assert_num_queries):
    life = Company.objects.get(short_name="楽天生命")
    for policyholder in PolicyholderFactory.create_batch(5):
        preferences_update(
            policyholder=policyholder, changes={(life.pk, "phone"): False, (life.pk, "email"): True},
            source=Source.PORTAL, idempotency_key=uuid.uuid4().hex,
        )
    # savepoint, (PostgreSQL: lifting the statement timeout), first keyed event, events, preferences, notice records,
    # suppressions, release
    with django_assert_num_queries(8 if connection.vendor == "postgresql" else 7):
        call_command("verify_consent_chain")

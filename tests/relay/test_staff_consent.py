"""A consent answer given to staff on paper or by phone: 同意しない at once, 同意する only when a second person
confirms it; both into the notice record chain, and the API follows."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from consents.models import NoticeRecord, StaffConsentAnswer
from consents.staff_consent import staff_consent_confirm, staff_consent_record
from tests.factories import ApiClientFactory
from tests.personas import editor, support
from tests.reconsent import consent_version, customer_since, days, new_company


@pytest.fixture
def joiner(demo_content):
    return new_company(legal_name="楽天カード株式会社", short_name="楽天カード")


@pytest.fixture
def version(joiner):
    return consent_version(effective_date=days(-10), add=[joiner])


@pytest.fixture
def ask(client, joiner):
    token = ApiClientFactory(companies=[joiner]).token

    def ask(holder):
        response = client.get(
            f"/api/v1/contact-permission?customer={holder.customer_number}&company={joiner.pk}&channel=direct_mail",
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.json()["allowed"]

    return ask


def record(holder, version, consent, actor):
    return staff_consent_record(
        policyholder=holder, version_id=version.pk, consent=consent, capture="call_center",
        evidence="REC-0001", occurred_at=timezone.now() - datetime.timedelta(hours=1), actor=actor,
    )


def test_a_consent_takes_effect_only_when_a_second_person_confirms_it(version, ask):
    holder = customer_since(days(-400))
    first, second = support("support1"), support("support2")
    assert ask(holder) is False
    answer = record(holder, version, True, first)
    assert answer.status == "awaiting" and ask(holder) is False
    assert not NoticeRecord.objects.filter(policyholder=holder, kind__in=NoticeRecord.ANSWERS).exists()
    with pytest.raises(ValidationError):
        staff_consent_confirm(answer=answer, actor=first)  # not by the one who recorded it
    staff_consent_confirm(answer=answer, actor=second)
    answer.refresh_from_db()
    assert answer.status == "applied" and answer.record.kind == "consented" and answer.record.actor == second
    # Numbered and confirmed to the customer by email, as an answer given on the portal is.
    assert answer.record.number and answer.record.email is not None
    assert ask(holder) is True
    call_command("verify_consent_chain")


def test_a_refusal_takes_effect_at_once(version, ask):
    holder = customer_since(days(-400))
    confirmed = record(holder, version, True, support("support1"))
    staff_consent_confirm(answer=confirmed, actor=support("support2"))
    assert ask(holder) is True
    refusal = record(holder, version, False, support("support3"))
    assert refusal.status == "applied" and refusal.record.kind == "declined" and refusal.record.source == "staff"
    assert ask(holder) is False


def test_an_older_consent_confirmed_after_a_later_refusal_does_not_apply(version, ask):
    holder = customer_since(days(-400))
    answer = record(holder, version, True, support("support1"))
    record(holder, version, False, support("support3"))  # the customer said no later (recorded now)
    StaffConsentAnswer.objects.filter(pk=answer.pk).update(occurred_at=timezone.now() - datetime.timedelta(days=1))
    staff_consent_confirm(answer=answer, actor=support("support2"))
    answer.refresh_from_db()
    assert answer.status == "superseded" and ask(holder) is False


def test_in_the_admin_one_records_and_another_confirms(client, version, ask):
    holder = customer_since(days(-400))
    client.force_login(support("support1"))
    at = (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    response = client.post("/admin/consents/staffconsentanswer/record/", {
        "customer_number": holder.customer_number, "notice_version": version.pk, "consent": "yes",
        "occurred_at": at, "capture": "paper", "evidence": "DOC-123",
    })
    assert response.status_code == 302
    answer = StaffConsentAnswer.objects.get()
    client.post("/admin/consents/staffconsentanswer/", {"action": "confirm", "_selected_action": [answer.pk]})
    assert ask(holder) is False  # the recorder's own confirmation is refused
    client.force_login(support("support2"))
    client.post("/admin/consents/staffconsentanswer/", {"action": "confirm", "_selected_action": [answer.pk]})
    assert ask(holder) is True


def test_without_evidence_or_by_an_editor_nothing_is_recorded(version):
    holder = customer_since(days(-400))
    with pytest.raises(ValidationError):
        staff_consent_record(policyholder=holder, version_id=version.pk, consent=False, capture="paper",
                             evidence=" ", occurred_at=timezone.now(), actor=support())
    with pytest.raises(ValidationError):
        record(holder, version, False, editor())
    assert not StaffConsentAnswer.objects.exists()

"""A database holding data from before policyholders and outgoing emails left `consents` (customers/, outbox/)
and before the row became the job migrates without losing a row: the chains and the checkpoints verify as they
did, every receipt points to its email, waiting work is due, and staff keep their permissions."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from consents.chain import GENESIS, current_key_id, event_hash, notice_record_hash
from consents.checkpoints import anchor_compute, checkpoint_compute
from consents.models import ConsentEvent, NoticeRecord, Preference, Receipt
from customers.models import LoginToken, Policy, Policyholder
from notices.models import Company, NoticeVersion
from outbox.models import OutgoingEmail

BEFORE = [
    ("consents", "0014_indexes_a_save_writes"),
    ("desk", "0002_support_role"),
    ("disclosure", "0002_support_role"),
    ("campaigns", "0001_initial"),
    ("customers", None),
    ("outbox", None),
]
AT = datetime.datetime(2026, 11, 30, 1, 0, tzinfo=datetime.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # The state those migrations leave (an app migrated to None is not in it).
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_data(apps, version_id: int, company_id: int) -> dict:
    """What the commit before the split wrote, through its own models."""
    model = apps.get_model
    holder = model("consents", "Policyholder").objects.create(
        customer_number="CN000001", name="楽天 花子", email="hanako@example.com", postal_code="100-0001",
        address1="東京都千代田区", created_at=AT, updated_at=AT,
    )
    model("consents", "Policy").objects.create(
        policyholder=holder, company_id=company_id, policy_number="L-1", product="終身保険"
    )
    model("consents", "LoginToken").objects.create(
        policyholder=holder, token_hash="a" * 64, created_at=AT, expires_at=AT + datetime.timedelta(minutes=15)
    )
    channel = model("consents", "Channel").objects.get(code="direct_mail")
    previous, receipts = GENESIS, []
    for number, (old, new) in enumerate([(True, False), (False, True)], start=1):
        receipt = model("consents", "Receipt").objects.create(
            number=f"20261130-{number:08X}", policyholder=holder, source="portal", idempotency_key=f"k{number}",
            created_at=AT,
        )
        model("consents", "OutgoingEmail").objects.create(
            kind="receipt", policyholder=holder, receipt=receipt, status="sent", queued_at=AT, next_attempt_at=AT,
            attempts=1, sent_at=AT,
        )
        event = model("consents", "ConsentEvent")(
            policyholder=holder, receipt=receipt, company_id=company_id, channel=channel, old_value=old,
            new_value=new, created_at=AT, source="portal", idempotency_key=f"k{number}", previous_hash=previous,
            key_id=current_key_id(),
        )
        event.hash = event_hash(event, channel_code="direct_mail", receipt_number=receipt.number)
        event.save()
        previous = event.hash
        receipts.append(receipt.number)
    model("consents", "Preference").objects.create(
        policyholder=holder, company_id=company_id, channel=channel, allowed=True, last_event=event, updated_at=AT
    )
    record = model("consents", "NoticeRecord")(
        policyholder=holder, notice_version_id=version_id, kind="informed_email", campaign_id=1, created_at=AT,
        source="campaign", previous_hash=GENESIS, key_id=current_key_id(),
    )
    record.hash = notice_record_hash(record)
    record.save()
    login = model("consents", "OutgoingEmail").objects.create(
        kind="login_link", policyholder=holder, status="queued", queued_at=AT, next_attempt_at=AT
    )
    notice = model("consents", "OutgoingEmail").objects.create(
        kind="notice_change", policyholder=holder, notice_version_id=version_id, campaign_id=1, status="queued",
        queued_at=AT, next_attempt_at=AT,
    )
    editor = model("auth", "User").objects.create(username="editor-before")
    approver = model("auth", "User").objects.create(username="approver-before")
    campaign = model("campaigns", "Campaign").objects.create(
        notice_version_id=version_id, status="sending", prepared_by=editor, prepared_at=AT, started_by=approver,
        started_at=AT, recipients_selected_at=AT, next_batch_at=AT, batch_task_id="lost-task",
    )
    model("campaigns", "Recipient").objects.create(
        campaign=campaign, policyholder=holder, channel="email", state="handed", email=notice
    )
    package = model("disclosure", "DisclosurePackage").objects.create(
        policyholder=holder, requested_at=AT, status="queued", task_id="lost-task"
    )
    return {"holder": holder.pk, "receipts": receipts, "login": login.pk, "notice": notice.pk,
            "campaign": campaign.pk, "package": package.pk}


@pytest.mark.django_db(transaction=True)
def test_every_row_chain_and_checkpoint_survives_the_migration(demo_content):
    version = NoticeVersion.objects.filter(status=NoticeVersion.Status.PUBLISHED).first()
    company = Company.objects.first()
    support = Group.objects.get(name="顧客対応")
    granted_before = {(p.content_type.model, p.codename) for p in support.permissions.all()}
    try:
        ids = old_data(migrate(BEFORE), version.pk, company.pk)
        # The chains the tables of then held (a checkpoint of now would read tables added since).
        now = timezone.now()
        events = anchor_compute(ConsentEvent, before=now)
        checkpoint_before = {
            "last_event_id": events["last_id"], "chains": events["chains"], "events": events["records"],
            "root": events["root"], "notice_records": anchor_compute(NoticeRecord, before=now),
        }
    finally:
        migrate(latest())

    holder = Policyholder.objects.get()
    assert holder.pk == ids["holder"] and holder.email_key == "hanako@example.com"
    assert (Policy.objects.get().policyholder, LoginToken.objects.get().policyholder) == (holder, holder)
    assert ConsentEvent.objects.count() == 2 and Preference.objects.get().allowed is True
    for receipt in Receipt.objects.all():
        assert (receipt.email.kind, receipt.email.status, receipt.email.policyholder) == ("receipt", "sent", holder)
    assert sorted(Receipt.objects.values_list("number", flat=True)) == ids["receipts"]
    assert NoticeRecord.objects.get().policyholder == holder

    # The waiting work is due as rows of the workers, in the order its kinds ask.
    login, notice = OutgoingEmail.objects.get(pk=ids["login"]), OutgoingEmail.objects.get(pk=ids["notice"])
    assert (login.status, login.priority, login.next_attempt_at) == ("queued", 10, AT)
    assert (notice.priority, notice.campaign_recipient.campaign_id) == (-5, ids["campaign"])
    assert OutgoingEmail.objects.filter(status="sent", next_attempt_at__isnull=False).count() == 0
    from campaigns.models import Campaign
    from disclosure.models import DisclosurePackage

    assert Campaign.objects.get(pk=ids["campaign"]).next_attempt_at == AT
    assert DisclosurePackage.objects.get(pk=ids["package"]).next_attempt_at == AT

    # The evidence verifies as it did: the same chains, the same roots.
    checkpoint_after = checkpoint_compute(settle=datetime.timedelta(0))
    for key in ("last_event_id", "chains", "events", "root", "notice_records"):
        assert checkpoint_after[key] == checkpoint_before[key]
    call_command("verify_consent_chain")  # CommandError if any chain or checkpoint fails

    # Staff keep what they were granted; the models' content types moved with them.
    assert not ContentType.objects.filter(app_label="consents", model__in=["policyholder", "outgoingemail"]).exists()
    assert ContentType.objects.filter(app_label="customers", model="policyholder").exists()
    assert Permission.objects.get(codename="record_preference_change").content_type.model == "preference"
    granted_after = {(p.content_type.model, p.codename) for p in support.permissions.all()}
    assert granted_after == granted_before

"""A 顧客対応 records in the admin what a customer said by phone or on paper, with a recording id or a scan."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consents.models import ConsentEvent, Preference
from relay.models import InboundChange
from tests.factories import PolicyholderFactory
from tests.personas import editor, support

URL = "/admin/relay/inboundchange/record/"


def form(holder, company, channel, **extra):
    at = timezone.localtime() - datetime.timedelta(days=2)
    return {
        "customer_number": holder.customer_number, "company": company.pk, "channel": channel.pk, "what": "deny",
        "occurred_at": at.strftime("%Y-%m-%d %H:%M"), "capture": "call_center", "evidence": "REC-20261101-0042",
        "reason": "お電話で「もう電話しないで」とのお申出", "idempotency_key": "k" * 32, **extra,
    }


def test_support_records_a_call_with_its_recording_id(client, life):
    from consents.models import Channel

    phone = Channel.objects.get(code="phone")
    holder = PolicyholderFactory()
    client.force_login(support())
    response = client.post(URL, form(holder, life, phone))
    assert response.status_code == 302
    event = ConsentEvent.objects.get(policyholder=holder)
    assert (event.source, event.capture, event.evidence, event.actor.username) == (
        "staff", "call_center", "REC-20261101-0042", "support"
    )
    assert event.occurred_at < event.created_at - datetime.timedelta(days=1)
    assert Preference.objects.get(policyholder=holder, company=life, channel=phone).allowed is False
    # The same form sent twice records once.
    client.post(URL, form(holder, life, phone))
    assert InboundChange.objects.count() == 1


def test_a_scan_is_kept_and_its_hash_is_the_evidence(client, life, settings, tmp_path):
    from consents.models import Channel

    settings.INBOUND_SCAN_DIR = tmp_path
    holder = PolicyholderFactory()
    client.force_login(support())
    scan = SimpleUploadedFile("card.pdf", b"%PDF-1.4 reply card", "application/pdf")
    data = form(holder, life, Channel.objects.get(code="direct_mail"), evidence="", capture="paper", scan=scan)
    assert client.post(URL, data).status_code == 302
    change = InboundChange.objects.get()
    assert (tmp_path / change.scan).read_bytes() == b"%PDF-1.4 reply card"
    assert change.evidence.startswith("scan-sha256:")
    assert ConsentEvent.objects.get(policyholder=holder).evidence == change.evidence


def test_without_evidence_or_for_an_unknown_customer_nothing_is_recorded(client, life):
    from consents.models import Channel

    holder = PolicyholderFactory()
    client.force_login(support())
    phone = Channel.objects.get(code="phone")
    assert client.post(URL, form(holder, life, phone, evidence="")).status_code == 400
    assert client.post(URL, form(holder, life, phone, customer_number="ZZ999999")).status_code == 400
    assert not ConsentEvent.objects.exists()


def test_an_editor_may_not_record(client, life):
    client.force_login(editor())
    assert client.get(URL).status_code == 403

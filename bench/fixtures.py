"""Objects the benchmark needs besides the bulk data; each function prints JSON for bench.run."""

import datetime
import json
import secrets
import time

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.cache import SessionStore
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.models import ApiClient
from consents.selectors import marketing_companies
from consents.services import consent_answer_record
from core.memo import clear_process_memos
from customers.login import SESSION_IDLE_SECONDS, SESSION_KEY
from customers.models import Policyholder
from notices.models import Company, Notice, NoticeVersion, Purpose
from notices.services import notice_version_freeze
from staff import sessions as staff_sessions

SECOND_VERSION_DATE = datetime.date(2024, 4, 1)


def second_version():
    """A second published version of the group notice, so that there is a 新旧対照表 to compare."""
    notice = Notice.objects.get(slug="group-joint-use")
    first = notice.versions.published().order_by("effective_date").first()
    if notice.versions.filter(effective_date=SECOND_VERSION_DATE).exists():
        print(json.dumps({"compare": f"/notices/{notice.slug}/compare/{first.effective_date}/{SECOND_VERSION_DATE}/"}))
        return
    second = notice.versions.create(
        effective_date=SECOND_VERSION_DATE,
        introduction=first.introduction,
        joint_users_scope=first.joint_users_scope,
        joint_users_note=first.joint_users_note,
        responsible_party_name="楽天インシュアランスホールディングス株式会社",
        responsible_party_address="東京都世田谷区玉川一丁目14番1号",
        responsible_party_representative="代表取締役社長",
        notes=first.notes,
    )
    for item in first.data_items.all():
        second.data_items.create(order=item.order, text=item.text)
    for joint_user in first.joint_users.all():
        second.joint_users.create(order=joint_user.order, company=joint_user.company)
    for purpose in first.purposes.all():
        Purpose.objects.create(version=second, order=purpose.order, text=purpose.text.replace("充実", "充実・改善"))
    notice_version_freeze(version=second)
    print(json.dumps({"compare": f"/notices/{notice.slug}/compare/{first.effective_date}/{SECOND_VERSION_DATE}/"}))


def api_client():
    client = ApiClient(name="benchmark")
    token = client.issue_token()
    client.save()
    client.companies.set(Company.objects.all())
    life = Company.objects.get(short_name="楽天生命")
    print(json.dumps({"token": token, "company": life.pk}))


def customer_sessions(count: int):
    """Logged-in sessions of `count` customers who have changed nothing yet, so that every save
    the benchmark posts changes exactly one cell."""
    holders = Policyholder.objects.filter(preferences__isnull=True).order_by("id").values_list("pk", flat=True)
    keys = []
    for pk in holders[:count]:
        session = SessionStore()
        session[SESSION_KEY] = pk
        session.set_expiry(SESSION_IDLE_SECONDS * 10)
        session.create()
        keys.append(session.session_key)
    # The fields a save may post: every default-on cell turned off, and email turned on.
    cells = [
        (f"pref-{company.pk}-{code}", "on" if code == "email" else "off")
        for company in marketing_companies()
        for code in ("web_ads", "direct_mail", "email", "phone")
    ]
    csrf = secrets.token_hex(16)
    print(json.dumps({"sessions": keys, "cells": cells, "csrf": csrf, "session_cookie": settings.SESSION_COOKIE_NAME}))


def staff_session():
    """A logged-in admin session of an 編集者, verified by a second factor as production requires, for the
    admin pages the benchmark measures (the opt-in dashboard)."""
    user, _ = get_user_model().objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="編集者"))
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = SessionStore()
    session[auth.SESSION_KEY] = str(user.pk)
    session[auth.BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[auth.HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[staff_sessions.LOGIN_AT] = session[staff_sessions.SEEN_AT] = time.time()
    session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    session.create()
    print(json.dumps({"staff_session": session.session_key, "session_cookie": settings.SESSION_COOKIE_NAME}))


def consent_request(answers: int):
    """An announced version of the group notice that adds a company on the customers' consent, and the answers of
    the first `answers` customers (one in four declines), so that the dashboard counts real answers."""
    notice = Notice.objects.get(slug="group-joint-use")
    base = notice.versions.published().order_by("-effective_date").first()
    company, _ = Company.objects.get_or_create(
        legal_name="楽天カード株式会社",
        defaults={"short_name": "楽天カード", "role": Company.Role.AGENCY, "markets_to_customers": True},
    )
    version = notice.versions.create(
        effective_date=timezone.localdate() + datetime.timedelta(days=60), introduction=base.introduction,
        joint_users_scope=base.joint_users_scope, joint_users_note=base.joint_users_note,
        responsible_party_name=base.responsible_party_name, responsible_party_address=base.responsible_party_address,
        responsible_party_representative=base.responsible_party_representative, notes=base.notes,
        publication_ground=NoticeVersion.Ground.CONSENT, publication_ground_note="お客さまの同意を得て追加",
        consent_method="ポータル", consent_count=1,
    )
    for item in base.data_items.all():
        version.data_items.create(order=item.order, text=item.text)
    for order, joint_user in enumerate(base.joint_users.all(), start=1):
        version.joint_users.create(order=order, company=joint_user.company)
    version.joint_users.create(order=99, company=company)
    for purpose in base.purposes.all():
        Purpose.objects.create(version=version, order=purpose.order, text=purpose.text)
    notice_version_freeze(version=version)
    clear_process_memos()
    for holder in Policyholder.objects.order_by("id")[:answers]:
        consent_answer_record(policyholder=holder, version_id=version.pk, consent=holder.pk % 4 != 0)
    print(json.dumps({"consent_version": version.pk}))


def prepared_campaign():
    """An announced revision of the group notice (a new joint user and a new purpose, consent as the ground)
    and its campaign, prepared by an editor; prints the campaign's id."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from campaigns.services import campaign_prepare
    from core.dates import today_in_tokyo
    from notices.models import JointUser, NoticeVersion
    from notices.services import notice_version_create_draft

    users = get_user_model().objects
    editor, _ = users.get_or_create(username="bench-editor", defaults={"is_staff": True})
    approver, _ = users.get_or_create(username="bench-approver", defaults={"is_staff": True})
    editor.groups.add(Group.objects.get(name="編集者"))
    approver.groups.add(Group.objects.get(name="承認者"))
    notice = Notice.objects.get(slug="group-joint-use")
    draft = notice_version_create_draft(notice=notice, user=editor)
    # 60 days ahead, or the first day after it that no version takes (consent_request() may have taken it).
    effective = today_in_tokyo() + datetime.timedelta(days=60)
    while notice.versions.filter(effective_date=effective).exists():
        effective += datetime.timedelta(days=1)
    draft.effective_date = effective
    draft.save()
    newcomer = Company.objects.create(legal_name="楽天ペイメント株式会社", short_name="楽天ペイ", role="agency")
    JointUser.objects.create(version=draft, company=newcomer, order=99)
    Purpose.objects.create(version=draft, order=99, text="決済サービスのご案内のため")
    draft.publication_ground = NoticeVersion.Ground.CONSENT
    version = notice_version_freeze(version=draft, update_fields=("publication_ground",))
    campaign = campaign_prepare(user=editor, notice_version=version, by_email=True, by_post=True)
    print(json.dumps({"campaign": campaign.pk, "approver": approver.pk}))


def campaign_start(campaign_id: int, approver_id: int):
    """What the approver's 開始 button does: the service call, in this process."""
    from django.contrib.auth import get_user_model

    from campaigns.models import Campaign
    from campaigns.services import campaign_start as start

    approver = get_user_model().objects.get(pk=approver_id)
    campaign = start(campaign=Campaign.objects.get(pk=campaign_id), user=approver)
    print(json.dumps({"started_at": campaign.started_at.isoformat()}))


def schema():
    """The tables, columns and values that the benchmark's own SQL names (bench/mail.py, bench/campaign.py), as
    the models say them: no table or column is written by hand."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    from campaigns.models import Campaign, Recipient
    from outbox.models import OutgoingEmail

    def columns(model, *fields):
        return {"table": model._meta.db_table, **{field: model._meta.get_field(field).column for field in fields}}

    print(json.dumps({"schema": {
        "email": {**columns(OutgoingEmail, "status", "next_attempt_at"), "queued": OutgoingEmail.Status.QUEUED},
        "task": {**columns(DBTaskResult, "status", "run_after"), "ready": TaskResultStatus.READY,
                 "date_max": get_date_max().isoformat()},
        "campaign": {
            **columns(Campaign, "id", "status", "started_at", "recipients_selected_at", "email_recipients",
                      "post_recipients", "unreachable", "next_attempt_at", "last_error"),
            "sending": Campaign.Status.SENDING,
        },
        "recipient": columns(Recipient, "campaign"),
        "policyholder": columns(Policyholder),
    }}))


def saves_recorded(verify: bool):
    """How many consent events and receipts there are; with `verify`, whether `verify_consent_chain` passes."""
    import io

    from django.core.management import CommandError, call_command

    from consents.models import ConsentEvent, Receipt

    recorded = {"events": ConsentEvent.objects.count(), "receipts": Receipt.objects.count()}
    if verify:
        try:
            call_command("verify_consent_chain", stdout=io.StringIO())
            recorded["chain_verifies"] = True
        except CommandError as error:
            print(f"verify_consent_chain: {error}")
            recorded["chain_verifies"] = False
    print(json.dumps(recorded))

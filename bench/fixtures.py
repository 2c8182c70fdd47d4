"""Objects the benchmark needs besides the bulk data; each function prints JSON for bench.run."""

import datetime
import json
import secrets

from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore

from api.models import ApiClient
from consents.login import SESSION_IDLE_SECONDS, SESSION_KEY
from consents.models import Policyholder
from consents.selectors import marketing_companies
from notices.models import Company, Notice, Purpose
from notices.services import notice_version_freeze

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

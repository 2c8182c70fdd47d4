"""The staff roles of staff/roles.py as staff meet them in the admin: each role sees the sections its table
grants and no other, the two-person rule holds between the roles, and the groups follow the table after every
migrate and on `manage.py sync_roles`, whatever was given or taken by hand."""

import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse

from approvals.models import ChangeRequest
from approvals.services import change_propose
from campaigns.models import Campaign
from campaigns.services import campaign_prepare
from notices.models import NoticeVersion
from notices.services import notice_version_create_draft
from staff.roles import APPROVER, EDITOR, ROLES, SUPPORT
from staff.services import UnknownPermissionError, roles_sync
from tests import personas
from tests.approvals.review import decide, review_url
from tests.factories import CompanyFactory, PolicyholderFactory, announced_group_version, published_version
from tests.notices.admin_forms import publish_after_review

pytestmark = pytest.mark.django_db

PERSONAS = {EDITOR: personas.editor, APPROVER: personas.approver, SUPPORT: personas.support}


def held(role: str) -> set[str]:
    permissions = Group.objects.get(name=role).permissions.select_related("content_type")
    return {f"{permission.content_type.app_label}.{permission.codename}" for permission in permissions}


def permission(model, action: str) -> str:
    return f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"


def admin_models() -> list:
    return [model for model in apps.get_models() if admin.site.is_registered(model)]


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def granted_in_table(role: str, model) -> bool:
    """A section the table opens to the role: it may view the model's rows, or change them (which shows them)."""
    return any(permission(model, action) in ROLES[role] for action in ("view", "change"))


def sections_on_the_home_page(client) -> set[str]:
    app_list = client.get("/admin/").context["app_list"]
    return {model["admin_url"] for app in app_list for model in app["models"]}


def test_after_migrate_each_group_holds_exactly_its_table():
    # Nothing here syncs: the test database was made by migrate, which did.
    for role, names in ROLES.items():
        assert held(role) == set(names), role


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_the_sections_its_table_grants_and_is_refused_the_others(client, role):
    client.force_login(PERSONAS[role]())
    granted = {changelist(model) for model in admin_models() if granted_in_table(role, model)}
    assert granted, f"{role} sees no section of the admin"
    assert sections_on_the_home_page(client) == granted
    for model in admin_models():
        status = client.get(changelist(model)).status_code
        assert status == (200 if changelist(model) in granted else 403), (role, model._meta.label, status)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_table_opens_an_add_form(client, role):
    client.force_login(PERSONAS[role]())
    for model in admin_models():
        if permission(model, "add") in ROLES[role]:
            continue
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        except NoReverseMatch:
            continue  # a report: it has no add form for anyone
        assert client.get(url).status_code == 403, (role, model._meta.label)


def test_only_an_editor_opens_the_forms_of_what_customers_read(client):
    forms = ["/admin/notices/notice/add/", "/admin/notices/company/add/", "/admin/faq/faqentry/add/",
             "/admin/contact/contactwindow/add/"]
    for make, status in ((personas.editor, 200), (personas.approver, 403), (personas.support, 403)):
        client.force_login(make())
        for url in forms:
            assert client.get(url).status_code == status, (make.__name__, url)


def test_only_customer_support_records_a_change_on_a_customers_behalf(client):
    url = f"/admin/customers/policyholder/{PolicyholderFactory().pk}/preferences/"
    for make, status in ((personas.support, 200), (personas.editor, 403), (personas.approver, 403)):
        client.force_login(make())
        assert client.get(url).status_code == status, make.__name__


@pytest.fixture
def draft():
    in_force = published_version(effective_date=datetime.date(2023, 4, 1))
    author = personas.editor("author")
    draft = notice_version_create_draft(notice=in_force.notice, user=author, on=datetime.date(2026, 1, 1))
    draft.effective_date = datetime.date(2099, 4, 1)
    draft.save()
    return draft


@pytest.fixture
def proposal():
    company = CompanyFactory(legal_name="旧商号株式会社")
    return change_propose(obj=company, values={"legal_name": "新商号株式会社"}, user=personas.editor("proposer"))


@pytest.fixture
def campaign(demo_content, database_tasks):
    preparer = personas.editor("preparer")
    version = announced_group_version(editor=preparer)
    return campaign_prepare(user=preparer, notice_version=version, by_email=True, by_post=True)


def publish_url(version) -> str:
    return f"/admin/notices/noticeversion/{version.pk}/publish/"


def start_url(campaign) -> str:
    return f"/admin/campaigns/campaign/{campaign.pk}/start/"


def test_customer_support_can_neither_publish_nor_start_a_campaign(client, draft, campaign):
    client.force_login(personas.support())
    assert client.get(publish_url(draft)).status_code == 403
    assert client.post(publish_url(draft), {"reviewed_fingerprint": "0" * 64}).status_code == 403
    assert client.post(start_url(campaign), {"confirm": "yes"}).status_code == 403
    assert NoticeVersion.objects.get(pk=draft.pk).status == NoticeVersion.Status.DRAFT
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PREPARED


def test_an_editor_cannot_approve_a_change_publish_or_start_a_campaign(client, draft, proposal, campaign):
    client.force_login(personas.editor())
    assert 'name="fingerprint"' not in client.get(review_url(proposal)).content.decode()
    assert client.post(review_url(proposal), {"decision": "approve", "fingerprint": "0" * 64}).status_code == 403
    assert client.get(publish_url(draft)).status_code == 403
    assert client.post(start_url(campaign), {"confirm": "yes"}).status_code == 403
    assert ChangeRequest.objects.get(pk=proposal.pk).is_pending
    assert NoticeVersion.objects.get(pk=draft.pk).status == NoticeVersion.Status.DRAFT
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.PREPARED


def test_an_approver_approves_a_change_publishes_and_starts_a_campaign(client, draft, proposal, campaign):
    client.force_login(personas.approver())
    assert decide(client, proposal).status_code == 302
    assert publish_after_review(client, draft).status_code == 302
    assert client.post(start_url(campaign), {"confirm": "yes"}).status_code == 302
    assert not ChangeRequest.objects.get(pk=proposal.pk).is_pending
    assert NoticeVersion.objects.get(pk=draft.pk).is_published
    assert Campaign.objects.get(pk=campaign.pk).status != Campaign.Status.PREPARED


def test_migrate_takes_back_a_permission_given_by_hand(client):
    client.force_login(personas.support())
    Group.objects.get(name=SUPPORT).permissions.add(Permission.objects.get(codename="view_user"))
    assert client.get("/admin/auth/user/").status_code == 200
    call_command("migrate", verbosity=0)
    assert client.get("/admin/auth/user/").status_code == 403
    assert held(SUPPORT) == set(ROLES[SUPPORT])


def test_sync_gives_back_a_permission_taken_by_hand_and_makes_a_deleted_group_again(client):
    Group.objects.get(name=SUPPORT).permissions.remove(Permission.objects.get(codename="view_customerrequest"))
    Group.objects.get(name=APPROVER).delete()
    roles_sync()
    assert held(SUPPORT) == set(ROLES[SUPPORT])
    assert held(APPROVER) == set(ROLES[APPROVER])
    client.force_login(personas.support())
    assert client.get("/admin/desk/customerrequest/").status_code == 200


def test_sync_roles_dry_run_prints_what_would_change_and_changes_nothing(client):
    group = Group.objects.get(name=SUPPORT)
    group.permissions.add(Permission.objects.get(codename="view_user"))
    group.permissions.remove(Permission.objects.get(codename="view_channel"))
    before = held(SUPPORT)
    out = io.StringIO()
    call_command("sync_roles", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        "顧客対応: would add consents.view_channel",
        "顧客対応: would remove auth.view_user",
    ]
    assert held(SUPPORT) == before
    client.force_login(personas.support())
    assert client.get("/admin/auth/user/").status_code == 200
    out = io.StringIO()
    call_command("sync_roles", stdout=out)
    assert out.getvalue().splitlines() == ["顧客対応: added consents.view_channel", "顧客対応: removed auth.view_user"]
    assert client.get("/admin/auth/user/").status_code == 403
    out = io.StringIO()
    call_command("sync_roles", stdout=out)
    assert out.getvalue() == "The staff roles already match staff/roles.py.\n"


def test_a_sync_is_in_the_audit_trail_and_one_with_nothing_to_change_writes_nothing():
    group = Group.objects.get(name=EDITOR)
    group.permissions.add(Permission.objects.get(codename="view_user"))
    entries = LogEntry.objects.get_for_object(group)
    count = entries.count()
    roles_sync()
    assert entries.count() == count + 1
    assert "view user" in str(entries.latest("id").changes_dict).lower()
    roles_sync()
    assert entries.count() == count + 1


def test_a_permission_that_does_not_exist_stops_the_sync_before_it_writes(monkeypatch):
    group = Group.objects.get(name=SUPPORT)
    group.permissions.add(Permission.objects.get(codename="view_user"))
    monkeypatch.setitem(ROLES, SUPPORT, [*ROLES[SUPPORT], "consents.view_policyholder"])
    with pytest.raises(UnknownPermissionError, match="顧客対応: consents.view_policyholder"):
        roles_sync()
    with pytest.raises(CommandError, match="顧客対応: consents.view_policyholder"):
        call_command("sync_roles", "--dry-run")
    assert "auth.view_user" in held(SUPPORT)

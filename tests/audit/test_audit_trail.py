"""The audit trail a regulator reads: who, when, old and new values with Japanese field names, in the
admin (read-only for everyone) and as CSV that Excel opens without running a formula."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from approvals.models import ChangeRequest
from notices.models import Company
from tests import personas
from tests.approvals.review import decide, pending_for
from tests.factories import CompanyFactory, NoticeVersionFactory
from tests.notices.test_admin_companies import company_data

pytestmark = pytest.mark.django_db

AUDITED = [
    "notices.Company", "notices.Notice", "notices.NoticeVersion", "notices.DataItem", "notices.JointUser",
    "notices.Purpose", "notices.Section", "faq.FaqEntry", "approvals.ChangeRequest", "auth.User", "auth.Group",
]


def superuser():
    user = personas.staff("root", None)
    user.is_superuser = True
    user.save()
    return user


def exported(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/admin/auditlog/logentry/export/{query}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


@pytest.mark.parametrize("label", AUDITED)
def test_every_model_staff_change_is_audited(label):
    assert auditlog.contains(apps.get_model(label))


def test_an_approved_change_names_proposer_and_approver_with_old_and_new_values(client):
    company = CompanyFactory(legal_name="旧商号株式会社")
    editor, approver = personas.editor(), personas.approver()
    client.force_login(editor)
    client.post(f"/admin/notices/company/{company.pk}/change/",
                company_data(company, legal_name="新商号株式会社", kana="シンショウゴウ"))
    client.force_login(approver)
    decide(client, pending_for(company))
    updates = LogEntry.objects.get_for_object(company).filter(action=LogEntry.Action.UPDATE).order_by("id")
    assert [(entry.actor, entry.changes_dict) for entry in updates] == [
        (editor, {"kana": ["", "シンショウゴウ"]}),
        (approver, {"legal_name": ["旧商号株式会社", "新商号株式会社"]}),
    ]
    assert LogEntry.objects.get_for_model(ChangeRequest).filter(actor=editor, action=LogEntry.Action.CREATE).exists()
    listing = client.get("/admin/auditlog/logentry/").content.decode()
    assert "商号：旧商号株式会社 → 新商号株式会社" in listing
    assert "<div>legal_name" not in listing
    assert '申請された値： → {"legal_name": "新商号株式会社"' in listing.replace("&quot;", '"')


def test_staff_roles_are_audited_with_who_gave_them(client):
    admin = superuser()
    client.force_login(admin)
    user = personas.staff("newcomer", None)
    approver_group = Group.objects.get(name="承認者")
    response = client.post(f"/admin/auth/user/{user.pk}/change/", {
        "username": "newcomer", "is_active": "on", "is_staff": "on", "groups": [approver_group.pk],
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
    })
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(user).filter(actor=admin).get()
    assert entry.changes_dict["groups"]["objects"] == ["承認者"]
    group = Group.objects.get(name="編集者")
    group.permissions.remove(Permission.objects.get(codename="change_faqentry"))
    rows = exported(client)
    assert any(row[5] == "newcomer" and row[7] == "グループ（追加）" and row[9] == "承認者" for row in rows)
    assert any(row[5] == "編集者" and row[7].endswith("（削除）") and "よくある質問の変更" in row[8] for row in rows)


def test_rows_of_a_notice_version_are_audited():
    version = NoticeVersionFactory()
    purpose = version.purposes.first()
    purpose.text = "新しい利用目的"
    purpose.save()
    entry = LogEntry.objects.get_for_object(purpose).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["text"][1] == "新しい利用目的"


def test_the_csv_has_japanese_headers_and_neutralises_formulas(client):
    company = CompanyFactory()
    client.force_login(personas.editor())
    for kana in ("=HYPERLINK(\"http://evil\")", "＋81", "@SUM(A1)", "-1"):
        client.post(f"/admin/notices/company/{company.pk}/change/", company_data(company, kana=kana))
        company.refresh_from_db()
    kind = ContentType.objects.get_for_model(Company).pk
    rows = exported(client, f"?action__exact=1&kind={kind}")
    assert rows[0][:3] == ["記録ID", "日時", "担当者"]
    assert rows[0][7:10] == ["項目", "変更前", "変更後"]
    news = [row[9] for row in rows[1:] if row[7] == "商号（カナ）"]
    assert news == ["'=HYPERLINK(\"http://evil\")", "'＋81", "'@SUM(A1)", "'-1"]
    assert all(row[2] == "editor" for row in rows[1:])


def test_a_bad_filter_in_the_export_is_a_japanese_400(client):
    client.force_login(personas.approver())
    response = client.get("/admin/auditlog/logentry/export/?kind=abc")
    assert response.status_code == 400
    assert "絞り込みの条件が正しくありません。" in response.content.decode()


def test_the_trail_is_read_only_even_for_a_superuser(client):
    company = CompanyFactory()
    entry = LogEntry.objects.get_for_object(company).get()
    client.force_login(superuser())
    assert client.get(f"/admin/auditlog/logentry/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/auditlog/logentry/add/").status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_editors_and_approvers_read_the_trail_and_customer_support_does_not(client):
    CompanyFactory()
    for persona, status in ((personas.editor(), 200), (personas.approver(), 200), (personas.support(), 403)):
        client.force_login(persona)
        assert client.get("/admin/auditlog/logentry/").status_code == status

"""The audit trail names every field in Japanese and shows values a person can read: a version's data items are
entries of their own, never 「notices.DataItem.None」 against an English field name."""

import re

import pytest
from auditlog.models import LogEntry

from audit.display import field_changes
from notices.models import DataItem
from tests import personas
from tests.factories import NoticeVersionFactory

pytestmark = pytest.mark.django_db


def test_a_new_version_and_its_rows_read_in_japanese_with_readable_values(client):
    version = NoticeVersionFactory()
    item = DataItem.objects.create(version=version, order=1, text="氏名")
    entries = [LogEntry.objects.get_for_object(version).get(), LogEntry.objects.get_for_object(item).get()]
    rows = [row for entry in entries for row in field_changes(entry)]
    assert rows and not any(".None" in row.old + row.new for row in rows)
    # Every label in Japanese (ID aside): no English field name, no relation's attribute name.
    labels = [row.label for row in rows if row.label != "ID"]
    assert not [label for label in labels if re.fullmatch(r"[ -~]+", label)], labels
    assert ("公表文の版", "", str(version)) in [(row.label, row.old, row.new) for row in rows]
    root = personas.staff("root", None)
    root.is_superuser = True
    root.save()
    client.force_login(root)
    page = client.get(f"/admin/auditlog/logentry/{entries[0].pk}/change/").content.decode()
    assert "DataItem.None" not in page and "data_items" not in page


def test_a_roles_permissions_read_in_japanese():
    from django.contrib.auth.models import Group, Permission
    from django.utils import translation

    group = Group.objects.create(name="試験用")
    with translation.override("en"):  # the roles are synced outside a request, as in migrate
        group.permissions.add(
            Permission.objects.get(codename="view_noticeversion"),
            Permission.objects.get(codename="publish_noticeversion"),
        )
    entry = LogEntry.objects.get_for_object(group).latest("id")
    [row] = field_changes(entry)
    assert "公表文の版の表示" in row.new and "公表文の版の公表" in row.new
    assert not re.search(r"[A-Za-z]{3,}", row.new), row.new

"""load_demo_content creates the demo staff: admin, editor (編集者) and approver (承認者), all with one password."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from demo.management.commands.load_demo_content import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_it_creates_an_editor_and_an_approver_who_can_log_in_to_the_admin(capsys):
    call_command("load_demo_content", verbosity=1)
    # With a request, as the admin's login form authenticates: django-axes counts logins per request.
    request = RequestFactory().post("/admin/login/")
    editor = authenticate(request, username="editor", password=DEMO_PASSWORD)
    approver = authenticate(request, username="approver", password=DEMO_PASSWORD)
    assert editor.is_staff and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["編集者"]
    assert list(approver.groups.values_list("name", flat=True)) == ["承認者"]
    assert approver.has_perm("notices.publish_noticeversion")
    output = capsys.readouterr().out
    assert "user editor" in output and "user approver" in output


def test_running_it_again_changes_nothing(capsys):
    call_command("load_demo_content", verbosity=0)
    call_command("load_demo_content", verbosity=0)
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username__in=["admin", "editor", "approver"]).count() == 3

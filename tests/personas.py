"""Staff personas in the roles of staff/roles.py (編集者, 承認者, 顧客対応), for tests of the admin. The groups are
there without a test making them: migrate syncs them, and so does the flush that ends a transactional test (it
sends post_migrate)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "test-password-for-staff"


def staff(username: str, group_name: str | None):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD, is_staff=True)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


def editor(username: str = "editor"):
    return staff(username, "編集者")


def approver(username: str = "approver"):
    return staff(username, "承認者")


def support(username: str = "support"):
    return staff(username, "顧客対応")

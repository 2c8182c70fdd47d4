"""Keeping the staff roles' groups equal to staff/roles.py."""

import sys
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from .roles import ROLES


class UnknownPermissionError(ImproperlyConfigured):
    """staff/roles.py names a permission that no installed model declares (a typo, or a model that moved to
    another app without its label changing in the table)."""


@dataclass(frozen=True)
class RoleChange:
    role: str
    created: bool
    added: tuple[str, ...]
    removed: tuple[str, ...]

    def lines(self, *, dry_run: bool = False) -> list[str]:
        if self.created:
            done = "would create the group" if dry_run else "created the group"
            return [f"{self.role}: {done} with its {len(self.added)} permissions"]
        lines = [f"{self.role}: {'would add' if dry_run else 'added'} {name}" for name in self.added]
        lines += [f"{self.role}: {'would remove' if dry_run else 'removed'} {name}" for name in self.removed]
        return lines


@dataclass(frozen=True)
class _Declared:
    model: type
    codename: str
    description: str


def _declared_permissions() -> dict[str, _Declared]:
    """Every permission the installed models declare, named as has_perm names it, as Django creates them after
    migrate. Read from the models rather than the permission table: a model that moved to another app leaves
    its old permissions in the table, and granting those would give nobody anything."""
    declared = {}
    for model in global_apps.get_models():
        opts = model._meta
        permissions = [
            (get_permission_codename(action, opts), f"Can {action} {opts.verbose_name_raw}")
            for action in opts.default_permissions
        ]
        for codename, description in [*permissions, *opts.permissions]:
            # In English, as migrate stores them (it runs with no language active), whoever creates them first.
            with translation.override(None):
                declared[f"{opts.app_label}.{codename}"] = _Declared(model, codename, str(description))
    return declared


def _table_checked(declared: dict[str, _Declared]) -> None:
    unknown = [f"{role}: {name}" for role, names in ROLES.items() for name in names if name not in declared]
    if unknown:
        raise UnknownPermissionError(
            "staff/roles.py names permissions that no installed model declares:\n  " + "\n  ".join(unknown)
        )


def _permissions(declared: dict[str, _Declared], *, using: str, create: bool) -> dict[str, Permission | None]:
    """The permission of each name in the table; with create, one missing from the database is made (None
    without): an app that migrates after staff gets its permissions from Django only after the sync."""
    entries = {name: declared[name] for names in ROLES.values() for name in names}
    labels = {entry.model._meta.app_label for entry in entries.values()}
    stored = {
        (permission.content_type.app_label, permission.content_type.model, permission.codename): permission
        for permission in Permission.objects.using(using)
        .filter(content_type__app_label__in=labels)
        .select_related("content_type")
    }
    found = {}
    for name, entry in entries.items():
        opts = entry.model._meta
        permission = stored.get((opts.app_label, opts.model_name, entry.codename))
        if permission is None and create:
            content_type = ContentType.objects.db_manager(using).get_for_model(entry.model, for_concrete_model=False)
            permission = Permission.objects.using(using).create(
                content_type=content_type, codename=entry.codename, name=entry.description[:255]
            )
        found[name] = permission
    return found


def _name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def roles_sync(*, dry_run: bool = False, using: str = DEFAULT_DB_ALIAS) -> list[RoleChange]:
    """Creates the groups of staff/roles.py that are missing and sets each one's permissions to exactly its
    list; with dry_run, changes nothing and returns what it would change. Raises UnknownPermissionError, before
    writing anything, if the table names a permission that does not exist."""
    declared = _declared_permissions()
    _table_checked(declared)
    changes = []
    with transaction.atomic(using=using):
        permissions = _permissions(declared, using=using, create=not dry_run)
        for role, names in ROLES.items():
            group = Group.objects.using(using).filter(name=role).first()
            created = group is None
            if created and not dry_run:
                group = Group.objects.using(using).create(name=role)
            held = [] if group is None else list(group.permissions.select_related("content_type"))
            held_ids = {permission.pk for permission in held}
            missing = sorted({name for name in names if getattr(permissions[name], "pk", None) not in held_ids})
            wanted_ids = {permissions[name].pk for name in names if permissions[name] is not None}
            extra = [permission for permission in held if permission.pk not in wanted_ids]
            if not dry_run:
                # Only real differences are written: each write is an entry in the audit trail.
                if missing:
                    group.permissions.add(*(permissions[name] for name in missing))
                if extra:
                    group.permissions.remove(*extra)
            if created or missing or extra:
                changes.append(RoleChange(role, created, tuple(missing), tuple(sorted(map(_name, extra)))))
    return changes


def _fully_migrated(using: str) -> bool:
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def roles_sync_after_migrate(sender, *, using=DEFAULT_DB_ALIAS, verbosity=1, stdout=None, **kwargs) -> None:
    """post_migrate receiver: the roles follow staff/roles.py from the first migrate on, on every database."""
    if not router.allow_migrate_model(using, Group):
        return
    # A migrate to an earlier migration, or of a few apps on an empty database, may leave tables out that the
    # sync writes to (the groups, the audit trail); the next full migrate syncs.
    if not _fully_migrated(using):
        if verbosity >= 1:
            (stdout or sys.stdout).write("Staff roles not synced: the database is not fully migrated.\n")
        return
    for change in roles_sync(using=using):
        if verbosity >= 1:
            (stdout or sys.stdout).write("".join(f"Staff roles: {line}\n" for line in change.lines()))

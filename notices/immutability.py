"""Published content is immutable below the ORM: database triggers refuse any UPDATE or DELETE of a published
or withdrawn notice version (but the one allowed change, published → withdrawn), and any write to the rows of
one, whatever the path (QuerySet.update(), bulk_update, raw SQL). The triggers are created by migration
0005_published_content_immutable, on PostgreSQL and on SQLite.

On SQLite the triggers call `published_content_locked()`, a function each connection registers (SQLite has no
session settings to read). It answers 1, so the triggers hold; only the test suite's flush between
transactional tests swaps in one that answers 0 on its own connection (tests/conftest.py), since SQLite empties
tables with DELETE (PostgreSQL uses TRUNCATE, which row triggers do not see). A connection that has not
registered it (the sqlite3 shell) cannot write to notice versions at all."""

from django.db.backends.signals import connection_created


def _published_content_locked() -> int:
    return 1


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("published_content_locked", 0, _published_content_locked)


connection_created.connect(_register, dispatch_uid="notices.immutability")

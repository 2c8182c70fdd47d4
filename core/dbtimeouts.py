"""The statement timeout guards requests (settings: DATABASE_STATEMENT_TIMEOUT). An operator's command
that reads every row on purpose (verifying the consent chain, a checkpoint, a bulk load) lifts it for
its own transaction only."""

from django.db import connections


def lift_statement_timeout(using: str = "default") -> None:
    """No statement timeout for the rest of the current transaction (PostgreSQL; call inside atomic())."""
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")

"""Reading or writing one model row with a statement built once, for the hot paths: every customer page reads
the logged-in policyholder, and a customer's save writes an event, its preference, its email and the
email's task.

Model.save() compiles its INSERT anew on every call: about 0.3 ms of CPU, as much as PostgreSQL spends
running the statement. `insert` builds the statement once per model and database vendor and prepares
only the values, with each field's own `pre_save` and `get_db_prep_save` (the same values save() would
write: auto_now dates, time zones, foreign keys, IP addresses), and sends pre_save and post_save as save()
does. A model with a database default, or a database that cannot return the new id, is saved by save().
`fetch` reads a row by its primary key the same way, with the values converted as a query would.
"""

from django.db import connections, router
from django.db.models import NOT_PROVIDED, signals

_STATEMENTS: dict[tuple[type, str], tuple[list, str, bool] | None] = {}
_SELECTS: dict[tuple[type, str], tuple[list[str], list, str]] = {}


def _insert_statement(model, connection) -> tuple[list, str, bool] | None:
    """The fields whose values are inserted, the statement, and whether the database returns the new key
    (an AutoField's) rather than the row bringing its own (a UUID's)."""
    meta = model._meta
    returning = getattr(meta.pk, "db_returning", False)
    fields = [
        field for field in meta.local_concrete_fields if not field.generated and not (returning and field is meta.pk)
    ]
    if (
        meta.parents  # multi-table inheritance: rows in more than one table
        or any(field.db_default is not NOT_PROVIDED for field in fields)
        or (returning and not connection.features.can_return_columns_from_insert)
    ):
        return None
    quote = connection.ops.quote_name
    # Names from the model's own metadata, quoted; the values go as parameters.
    columns, values = ", ".join(quote(field.column) for field in fields), ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"
    return fields, sql, returning


def insert(instance):
    """INSERT `instance` as a new row and set its primary key, as `instance.save()` would for a new one."""
    model = type(instance)
    connection = connections[router.db_for_write(model, instance=instance)]
    key = (model, connection.vendor)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _insert_statement(model, connection)
    statement = _STATEMENTS[key]
    if statement is None or (statement[2] and instance.pk is not None):
        instance.save(force_insert=True)
        return instance
    fields, sql, returning = statement
    signals.pre_save.send(sender=model, instance=instance, raw=False, using=connection.alias, update_fields=None)
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    signals.post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=connection.alias
    )
    return instance


def _select_statement(model, connection) -> tuple[list[str], list, str]:
    meta = model._meta
    fields = meta.concrete_fields
    # What a query does to each column's value on this database (SQLite's 0/1 into booleans, its text into
    # dates and times, …).
    columns = [field.get_col(meta.db_table) for field in fields]
    converters = [
        [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]
        for field, column in zip(fields, columns, strict=True)
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    sql = f"SELECT {names} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    return [field.attname for field in fields], list(zip(columns, converters, strict=True)), sql


def fetch(model, pk):
    """The row of `model` whose primary key is `pk`, as `model.objects.filter(pk=pk).first()` would return it
    (every field loaded), or None."""
    connection = connections[router.db_for_read(model)]
    key = (model, connection.vendor)
    if key not in _SELECTS:
        _SELECTS[key] = _select_statement(model, connection)
    names, conversions, sql = _SELECTS[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (column, converters) in zip(row, conversions, strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        values.append(value)
    return model.from_db(connection.alias, names, values)

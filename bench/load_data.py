"""Bulk-load benchmark policyholders with realistic preferences and events, through COPY.

    python -m bench.load_data --start 0 --count 100000

Customer numbers are B000000001…; about a quarter of the customers changed something (stopped
direct mail or phone from a company, opted in to email), a few changed twice. Events carry real
hash chains, so `verify_consent_chain` passes on the loaded data.
"""

import argparse
import datetime
import os
import random
import time
from types import SimpleNamespace

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacy_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from consents.chain import GENESIS, current_key_id, event_hash  # noqa: E402
from consents.models import Channel, ConsentEvent, Preference, Receipt  # noqa: E402
from consents.selectors import joint_use_version_in_force, marketing_companies  # noqa: E402
from core.dbtimeouts import lift_statement_timeout  # noqa: E402
from customers.models import Policy, Policyholder  # noqa: E402

PRODUCTS = ["ペット保険", "医療保険", "自動車保険", "火災保険", "定期保険"]


def customer_number(i: int) -> str:
    return f"B{i:09d}"


def next_id(model) -> int:
    table, pk = (connection.ops.quote_name(name) for name in (model._meta.db_table, model._meta.pk.column))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) + 1 FROM {table}")  # noqa: S608 - names from the model
        return cursor.fetchone()[0]


def columns(model, *fields: str) -> list[str]:
    """The columns of the model's `fields` (as the model names them: "policyholder", not "policyholder_id")."""
    return [model._meta.get_field(field).column for field in fields]


# The columns of the rows the loaders build, in their order (bench/disclosure_worker.py builds them too).
RECEIPT_COLUMNS = columns(Receipt, "id", "number", "policyholder", "source", "idempotency_key", "created_at")
EVENT_COLUMNS = columns(
    ConsentEvent, "id", "policyholder", "receipt", "company", "channel", "old_value", "new_value", "created_at",
    "notice_version", "source", "actor", "reason", "ip_address", "user_agent", "idempotency_key",
    "previous_hash", "hash", "key_id",
)
POLICYHOLDER_COLUMNS = columns(
    Policyholder, "id", "customer_number", "name", "kana", "email", "birth_date", "created_at", "updated_at"
)
POLICY_COLUMNS = columns(Policy, "id", "policyholder", "company", "policy_number", "product")
PREFERENCE_COLUMNS = columns(
    Preference, "id", "policyholder", "company", "channel", "allowed", "last_event", "updated_at"
)


def copy_rows(model, columns: list[str], rows) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor, cursor.connection.cursor().copy(
        f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)


def reset_sequences(*models) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT MAX({quote(pk)}) FROM {quote(table)}))",  # noqa: S608
                [quote(table), pk],
            )


def generate(start: int, count: int, seed: int = 2019):
    rng = random.Random(seed + start)
    companies = [c.pk for c in marketing_companies()]
    channels = {c.code: c for c in Channel.objects.all()}
    version = joint_use_version_in_force()
    key_id = current_key_id()
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    holder_id, receipt_id, event_id, pref_id = (next_id(m) for m in (Policyholder, Receipt, ConsentEvent, Preference))
    policy_id = next_id(Policy)
    holders, policies, receipts, events, prefs = [], [], [], [], []
    for i in range(start + 1, start + count + 1):
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000))
        email = f"bench{i}@example.com"
        holders.append((holder_id, customer_number(i), f"契約者 {i}", "ケイヤクシャ", email, birth, now, now))
        policies.append((policy_id, holder_id, rng.choice(companies), f"P{i:011d}", rng.choice(PRODUCTS)))
        policy_id += 1
        if rng.random() < 0.25:
            state: dict[tuple[int, str], tuple[bool, int]] = {}
            previous = GENESIS
            for round_ in range(2 if rng.random() < 0.2 else 1):
                at = now + datetime.timedelta(days=round_, seconds=i % 86400)
                number = f"B{receipt_id:011d}"
                key = f"bench-{i}-{round_}"
                receipts.append((receipt_id, number, holder_id, "portal", key, at))
                for _ in range(rng.randint(1, 3)):
                    company = rng.choice(companies)
                    code = rng.choice(["direct_mail", "phone", "email", "web_ads"])
                    channel = channels[code]
                    old = state.get((company, code), (channel.default_allowed, 0))[0]
                    event = SimpleNamespace(
                        policyholder_id=holder_id, company_id=company, old_value=old, new_value=not old,
                        created_at=at, notice_version_id=version.pk if version else None, source="portal",
                        actor_id=None, reason="", ip_address=None, user_agent="bench", idempotency_key=key,
                        previous_hash=previous, key_id=key_id, occurred_at=None, capture="", operator="", evidence="",
                        applied=True,
                    )
                    event.hash = event_hash(event, channel_code=code, receipt_number=number)
                    events.append((
                        event_id, holder_id, receipt_id, company, channel.pk, old, not old, at,
                        event.notice_version_id, "portal", None, "", None, "bench", key, previous, event.hash, key_id,
                    ))
                    state[(company, code)] = (not old, event_id)
                    previous = event.hash
                    event_id += 1
                receipt_id += 1
            for (company, code), (allowed, last_event) in state.items():
                prefs.append((pref_id, holder_id, company, channels[code].pk, allowed, last_event, now))
                pref_id += 1
        holder_id += 1
    return holders, policies, receipts, events, prefs


@transaction.atomic
def load(start: int, count: int) -> dict:
    lift_statement_timeout()  # one COPY of a million rows
    holders, policies, receipts, events, prefs = generate(start, count)
    copy_rows(Policyholder, POLICYHOLDER_COLUMNS, holders)
    copy_rows(Policy, POLICY_COLUMNS, policies)
    copy_rows(Receipt, RECEIPT_COLUMNS, receipts)
    copy_rows(ConsentEvent, EVENT_COLUMNS, events)
    copy_rows(Preference, PREFERENCE_COLUMNS, prefs)
    reset_sequences(Policyholder, Policy, Receipt, ConsentEvent, Preference)
    return {"policyholders": len(holders), "events": len(events), "preferences": len(prefs)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    began = time.monotonic()
    counts = load(args.start, args.count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"loaded {counts} in {time.monotonic() - began:.1f} s")


if __name__ == "__main__":
    main()

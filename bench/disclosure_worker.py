"""The disclosure package build in a worker, measured from inside the worker's process.

    python -m bench.disclosure_worker setup 1000 10000   # policyholders with that many events; prints their ids
    python -m bench.disclosure_worker build <id>          # one package built as a worker builds it; prints JSON

`build` runs in a fresh process each time: it warms up on a small package (imports, templates, first
queries, its email), then resets the process's peak memory (VmHWM) to its resident size, requests the
package and runs it as `manage.py run_worker`'s job thread does: the package is the job (core/jobs.py), and
`job_run_one(PACKAGES)` claims its row, builds it from one snapshot and marks it ready in one transaction.
The build's time is that call's; then the email saying it is ready is sent the same way
(`job_run_one(OUTBOX)`, to the dummy backend), and the time with it is printed too. The peak memory growth
is what the build and its email added to the process's high-water mark.
"""

import datetime
import json
import os
import sys
import time
import zipfile
from types import SimpleNamespace

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacy_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from bench.load_data import EVENT_COLUMNS, RECEIPT_COLUMNS, copy_rows, next_id, reset_sequences  # noqa: E402
from consents.chain import GENESIS, current_key_id, event_hash  # noqa: E402
from consents.models import Channel, ConsentEvent, Receipt  # noqa: E402
from consents.selectors import joint_use_version_in_force, marketing_companies  # noqa: E402
from core.dbtimeouts import lift_statement_timeout  # noqa: E402
from core.jobs import job_run_one  # noqa: E402
from customers.models import Policy, Policyholder  # noqa: E402
from disclosure.build import package_path  # noqa: E402
from disclosure.packages import PACKAGES  # noqa: E402
from disclosure.services import disclosure_package_request  # noqa: E402
from outbox.sending import OUTBOX  # noqa: E402

WARM_UP_EVENTS = 10
CODES = ["direct_mail", "phone", "email", "web_ads"]


@transaction.atomic
def policyholder_with_events(count: int) -> int:
    """A policyholder whose history holds `count` events (two a receipt), hash-chained as the service writes them."""
    lift_statement_timeout()
    companies = [company.pk for company in marketing_companies()]
    channels = {channel.code: channel for channel in Channel.objects.all()}
    version = joint_use_version_in_force()
    key_id = current_key_id()
    holder = Policyholder.objects.create(
        customer_number=f"D{Policyholder.objects.count() + 1:09d}", name="開示 太郎", kana="カイジ タロウ",
        email=f"disclosure{count}@example.com", birth_date=datetime.date(1980, 1, 1),
    )
    Policy.objects.create(policyholder=holder, company_id=companies[0], policy_number=f"DP{count:010d}",
                          product="医療保険")
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    receipt_id, event_id = next_id(Receipt), next_id(ConsentEvent)
    receipts, events, state, previous = [], [], {}, GENESIS
    for n in range(count):
        at = start + datetime.timedelta(hours=n)
        if n % 2 == 0:
            number, key = f"D{receipt_id:011d}", f"disclosure-{holder.pk}-{n}"
            receipts.append((receipt_id, number, holder.pk, "portal", key, at))
            receipt_id += 1
        company, code = companies[n % len(companies)], CODES[(n // len(companies)) % len(CODES)]
        old = state.get((company, code), channels[code].default_allowed)
        event = SimpleNamespace(
            policyholder_id=holder.pk, company_id=company, old_value=old, new_value=not old, created_at=at,
            notice_version_id=version.pk if version else None, source="portal", actor_id=None, reason="",
            ip_address="203.0.113.10", user_agent="Mozilla/5.0 (bench)", idempotency_key=key, previous_hash=previous,
            key_id=key_id, occurred_at=None, capture="", operator="", evidence="", applied=True,
        )
        event.hash = event_hash(event, channel_code=code, receipt_number=number)
        events.append((event_id, holder.pk, receipt_id - 1, company, channels[code].pk, old, not old, at,
                       event.notice_version_id, "portal", None, "", "203.0.113.10", "Mozilla/5.0 (bench)", key,
                       previous, event.hash, key_id))
        state[(company, code)], previous, event_id = not old, event.hash, event_id + 1
    copy_rows(Receipt, RECEIPT_COLUMNS, receipts)
    copy_rows(ConsentEvent, EVENT_COLUMNS, events)
    reset_sequences(Receipt, ConsentEvent)
    return holder.pk


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def _run(package) -> tuple[float, float]:
    """Build the package as a worker does, then send its email: (seconds of the build, seconds with the email)."""
    began = time.perf_counter()
    if not job_run_one(PACKAGES, pk=package.pk):
        raise RuntimeError(f"disclosure package {package.pk} was not due, or another worker holds it")
    built = time.perf_counter() - began
    package.refresh_from_db()
    if package.email_id is not None:
        job_run_one(OUTBOX, pk=package.email_id)
    return built, time.perf_counter() - began


def build(holder_id: int) -> dict:
    warm_up = Policyholder.objects.get(customer_number__startswith="D", email=f"disclosure{WARM_UP_EVENTS}@example.com")
    _run(disclosure_package_request(warm_up))
    package = disclosure_package_request(Policyholder.objects.get(pk=holder_id))
    # The high-water mark starts again from the resident size now (Linux: "5" to clear_refs), so that what
    # the imports and the warm-up reached does not hide the build's own peak.
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    before = _status_kb("VmRSS")
    built, with_email = _run(package)
    peak = _status_kb("VmHWM")
    return {
        "events": ConsentEvent.objects.filter(policyholder_id=holder_id).count(),
        "status": package.status,
        "last_error": package.last_error,
        "build_seconds": built,
        "with_email_seconds": with_email,
        "peak_growth_mb": (peak - before) / 1024,
        "rss_before_mb": before / 1024,
        "size_mb": package.size / 1024 / 1024 if package.size else 0,
        "pdf": package.size is not None and "report.pdf" in zipfile.ZipFile(package_path(package.file_name)).namelist(),
    }


def main():
    command, *args = sys.argv[1:]
    if command == "setup":
        ids = {count: policyholder_with_events(count) for count in [WARM_UP_EVENTS, *map(int, args)]}
        print(json.dumps(ids))
    else:
        print(json.dumps(build(int(args[0]))))


if __name__ == "__main__":
    main()

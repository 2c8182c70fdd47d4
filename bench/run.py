"""`make bench`: every hot path on the production stack, as ratios to a trivial page on the same server.

Starts gunicorn (production settings, PostgreSQL, Redis cache) on loopback, loads SCALE
policyholders (default 100,000) with COPY, drives each path with wrk at a fixed concurrency, and
prints requests/s, p50/p99 latency, errors and the server's peak memory; then starts task workers
that send the receipts the saves queued to a local SMTP sink (emails per second), and times the
login page for registered and unknown addresses side by side, and builds disclosure packages of 1,000
and 10,000 events in a worker (time, peak memory growth). Results go to bench/results.json.
The API check is measured at 10,000 policyholders first, then again at SCALE,
so its growth is read off one run.
"""

import json
import os
import platform
import time

from bench import campaign, disclosure_package, mail, paths
from bench.harness import (
    CONNECTIONS,
    DB_NAME,
    DURATION,
    GROWTH_BASE,
    ROOT,
    SCALE,
    SESSIONS,
    WORKERS,
    Server,
    ensure_wrk,
    fixture,
    load,
    prepare_database,
    wrk,
)

# Customers who answer the consent request the benchmark announces (one in four declines).
CONSENT_ANSWERS = 2000


def _machine(scale: int, *, server: bool = True) -> dict:
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
               "scale": scale}
    if server:
        machine.update(workers=WORKERS, connections=CONNECTIONS, seconds=DURATION)
    return machine


def _finish(results: dict, filename: str) -> None:
    paths.report(results)
    (ROOT / "bench" / filename).write_text(json.dumps(results, indent=2, ensure_ascii=False))


def _only(name: str, scale: int, fixtures: list[str], measure) -> None:
    """One BENCH_ONLY run against the server: `scale` policyholders, the fixtures' context, the baseline, then
    `measure(server, context, special)` (a list of rows; other figures go into `special`); figures in
    bench/results-<name>.json."""
    ensure_wrk()
    print(f"Preparing PostgreSQL database {DB_NAME} ({scale:,} policyholders)…", flush=True)
    prepare_database()
    if scale:
        load(0, scale)
    context = {key: value for call in fixtures for key, value in fixture(call).items()}
    server = Server()
    server.start()
    results = {"growth_base": [], "main": [], "special": {}, "only": name}
    try:
        results["main"].append(wrk(server, "baseline (/healthz/)", "/healthz/"))
        results["main"].extend(measure(server, context, results["special"]))
    finally:
        server.stop()
    results["machine"] = _machine(scale)
    _finish(results, f"results-{name}.json")


def public_only():
    """`BENCH_ONLY=public make bench`: the baseline and the public pages alone, without loading policyholders."""

    def measure(server, context, special):
        special["first_render_ms"] = paths.first_renders(context)
        return paths.measure_public(server, context)

    _only("public", 0, ["second_version()"], measure)


def save_only():
    """`BENCH_ONLY=save make bench`: the baseline and the preference save alone, at 10,000 policyholders; then
    the baseline once more, whose ratio to the first shows how much the shared machine moved meanwhile."""

    def measure(server, context, _special):
        save = paths.preference_save(server, context)
        return [save, wrk(server, "baseline again (/healthz/)", "/healthz/")]

    _only("save", GROWTH_BASE, [f"customer_sessions({SESSIONS})"], measure)


def dashboard_only():
    """`BENCH_ONLY=dashboard make bench`: the baseline and the admin's opt-in dashboard at SCALE policyholders."""
    _only("dashboard", SCALE, [f"consent_request({CONSENT_ANSWERS})", "staff_session()"],
          lambda server, context, _special: [paths.dashboard(server, context)])


def campaign_only():
    """`BENCH_ONLY=campaign make bench`: SCALE policyholders loaded, then a campaign started over all of them."""
    print(f"Preparing PostgreSQL database {DB_NAME} ({SCALE:,} policyholders)…", flush=True)
    prepare_database()
    load(0, SCALE)
    results = {"growth_base": [], "main": [], "special": {}, "only": "campaign"}
    results["special"]["campaign"] = campaign.measure()
    results["machine"] = _machine(SCALE, server=False)
    _finish(results, "results-campaign.json")


def main():
    only = os.environ.get("BENCH_ONLY")
    if only == "campaign":
        campaign_only()
        return
    if only == "public":
        public_only()
        return
    if only == "save":
        save_only()
        return
    if only == "disclosure":
        disclosure_package.only()
        return
    if only == "dashboard":
        dashboard_only()
        return
    ensure_wrk()
    began = time.monotonic()
    print(f"Preparing PostgreSQL database {DB_NAME} ({GROWTH_BASE:,} policyholders first)…", flush=True)
    prepare_database()
    context = {**fixture("second_version()"), **fixture("api_client()")}
    load(0, GROWTH_BASE)
    server = Server()
    server.start()
    results = {"growth_base": [], "main": [], "special": {}}
    try:
        results["growth_base"].append(wrk(server, "baseline (/healthz/)", "/healthz/"))
        results["growth_base"].append(paths.api_check(server, context, GROWTH_BASE, name="API check at 10,000"))
        results["growth_base"].append(paths.login_request(server, GROWTH_BASE, name="login request at 10,000"))
        print(f"Loading up to {SCALE:,} policyholders…", flush=True)
        load(GROWTH_BASE, SCALE - GROWTH_BASE)
        context.update(fixture(f"customer_sessions({SESSIONS})"))
        context.update(fixture(f"consent_request({CONSENT_ANSWERS})"))
        context.update(fixture("staff_session()"))
        results["special"]["first_render_ms"] = paths.first_renders(context)
        results["main"].append(wrk(server, "baseline (/healthz/)", "/healthz/"))
        results["main"].extend(paths.measure_all(server, context, SCALE))
        results["special"]["export"] = paths.export(server, context)
        results["special"].update(mail.measure(context))
        results["special"]["campaign"] = campaign.measure()
        results["special"]["import"] = paths.policyholder_import()
        results["special"]["disclosure"] = disclosure_package.measure()
    finally:
        server.stop()
    results["machine"] = _machine(SCALE)
    results["elapsed_s"] = round(time.monotonic() - began, 1)
    _finish(results, "results.json")
    print(f"\nResults in bench/results.json ({results['elapsed_s']:.0f} s in all).")


if __name__ == "__main__":
    main()

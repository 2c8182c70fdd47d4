"""`make bench`: every hot path on the production stack, as ratios to a trivial page on the same server.

Starts gunicorn (production settings, PostgreSQL, Redis cache) on loopback, loads SCALE
policyholders (default 100,000) with COPY, drives each path with wrk at a fixed concurrency, and
prints requests/s, p50/p99 latency, errors and the server's peak memory; then starts task workers
that send the emails the saves and logins queued to a local SMTP sink (emails per second), times the
login page for registered and unknown addresses side by side, starts a notice campaign over every
policyholder, imports policyholders, and builds disclosure packages of 1,000 and 10,000 events as a
worker does (time, peak memory growth). Results go to bench/results.json. The API check and the login
request are measured at 10,000 policyholders first, then again at SCALE, so their growth is read off one run.

`BENCH_SMOKE=1 make bench` runs every stage at a tiny scale (SCALE 5,000, a second a path) and writes no
results file: it shows the benchmark still runs. Any run exits with status 1 when a stage fails or a path
answers errors (bench.paths.problems), not when a target is missed; every server and worker it started is
stopped however it ends.
"""

import json
import os
import platform
import signal
import sys
import time

from bench import campaign, channels, disclosure_package, mail, paths
from bench.harness import (
    CONNECTIONS,
    DB_NAME,
    DURATION,
    GROWTH_BASE,
    ROOT,
    SCALE,
    SCHEMA,
    SESSIONS,
    SMOKE,
    WORKERS,
    Server,
    ensure_wrk,
    fixture,
    load,
    prepare_database,
    stop_all,
    wrk,
)

# Customers who answer the consent request the benchmark announces (one in four declines).
CONSENT_ANSWERS = 100 if SMOKE else 2000


def _machine(scale: int, *, server: bool = True) -> dict:
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
               "scale": scale}
    if server:
        machine.update(workers=WORKERS, connections=CONNECTIONS, seconds=DURATION)
    machine.update(growth_base=GROWTH_BASE, smoke=SMOKE)
    return machine


def _finish(results: dict, filename: str) -> list[str]:
    """Print the figures and the targets; save them (not in a smoke run); return the problems found."""
    paths.report(results)
    results["problems"] = paths.problems(results)
    figures = results["special"].get("channels")
    if figures:
        for description, met, figure in channels.verdicts(figures):
            results.setdefault("targets", []).append({"target": description, "met": met, "figure": figure})
            print(f"{'MET    ' if met else 'NOT MET'} {description}: {figure}")
        results["problems"].extend(channels.problems(figures))
    if not SMOKE:
        (ROOT / "bench" / filename).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return results["problems"]


def _only(name: str, scale: int, fixtures: list[str], measure) -> list[str]:
    """One BENCH_ONLY run against the server: `scale` policyholders, the fixtures' context, the baseline, then
    `measure(server, context, special)` (a list of rows; other figures go into `special`); figures in
    bench/results-<name>.json."""
    ensure_wrk()
    print(f"Preparing PostgreSQL database {DB_NAME} ({scale:,} policyholders)…", flush=True)
    prepare_database()
    if scale:
        load(0, scale)
    context = fixture(*fixtures)
    results = {"growth_base": [], "main": [], "special": {}, "only": name}
    with Server() as server:
        results["main"].append(wrk(server, "baseline (/healthz/)", "/healthz/"))
        results["main"].extend(measure(server, context, results["special"]))
    results["machine"] = _machine(scale)
    return _finish(results, f"results-{name}.json")


def public_only() -> list[str]:
    """`BENCH_ONLY=public make bench`: the baseline and the public pages alone, without loading policyholders."""

    def measure(server, context, special):
        special["first_render_ms"] = paths.first_renders(context)
        return paths.measure_public(server, context)

    return _only("public", 0, ["second_version()"], measure)


def save_only() -> list[str]:
    """`BENCH_ONLY=save make bench`: the baseline and the preference save alone, at 10,000 policyholders (half of
    SCALE when that is fewer); then the baseline once more, whose ratio to the first shows how much the shared
    machine moved meanwhile."""

    def measure(server, context, _special):
        save = paths.preference_save(server, context)
        return [save, wrk(server, "baseline again (/healthz/)", "/healthz/")]

    return _only("save", GROWTH_BASE, [f"customer_sessions({SESSIONS})"], measure)


def dashboard_only() -> list[str]:
    """`BENCH_ONLY=dashboard make bench`: the baseline and the admin's opt-in dashboard at SCALE policyholders."""
    return _only("dashboard", SCALE, [f"consent_request({CONSENT_ANSWERS})", "staff_session()"],
                 lambda server, context, _special: [paths.dashboard(server, context)])


def campaign_only() -> list[str]:
    """`BENCH_ONLY=campaign make bench`: SCALE policyholders loaded, then a campaign started over all of them."""
    print(f"Preparing PostgreSQL database {DB_NAME} ({SCALE:,} policyholders)…", flush=True)
    prepare_database()
    load(0, SCALE)
    results = {"growth_base": [], "main": [], "special": {}, "only": "campaign"}
    results["special"]["campaign"] = campaign.measure()
    results["machine"] = _machine(SCALE, server=False)
    return _finish(results, "results-campaign.json")


def channels_only() -> list[str]:
    """`BENCH_ONLY=channels make bench`: inbound changes through the API and webhooks out, at 10,000 policyholders
    (half of SCALE when that is fewer)."""

    def measure(server, context, special):
        special["channels"] = channels.measure(context, GROWTH_BASE)
        return []

    return _only("channels", GROWTH_BASE, ["api_client()"], measure)


ONLY = {
    "channels": channels_only,
    "campaign": campaign_only,
    "public": public_only,
    "save": save_only,
    "disclosure": disclosure_package.only,
    "dashboard": dashboard_only,
}


def full() -> list[str]:
    ensure_wrk()
    if GROWTH_BASE < 1 or SCALE <= GROWTH_BASE:
        raise SystemExit(f"SCALE ({SCALE:,}) must be at least 2")
    began = time.monotonic()
    print(f"Preparing PostgreSQL database {DB_NAME} ({GROWTH_BASE:,} policyholders first)…", flush=True)
    prepare_database()
    context = fixture("second_version()", "api_client()", "schema()")
    SCHEMA.update(context.pop("schema"))
    load(0, GROWTH_BASE)
    results = {"growth_base": [], "main": [], "special": {}}
    with Server() as server:
        results["growth_base"].append(wrk(server, "baseline (/healthz/)", "/healthz/"))
        results["growth_base"].append(
            paths.api_check(server, context, GROWTH_BASE, name=f"API check at {GROWTH_BASE:,}")
        )
        results["growth_base"].append(
            paths.login_request(server, GROWTH_BASE, name=f"login request at {GROWTH_BASE:,}")
        )
        print(f"Loading up to {SCALE:,} policyholders…", flush=True)
        load(GROWTH_BASE, SCALE - GROWTH_BASE)
        context.update(fixture(f"customer_sessions({SESSIONS})", f"consent_request({CONSENT_ANSWERS})",
                               "staff_session()"))
        results["special"]["first_render_ms"] = paths.first_renders(context)
        results["main"].append(wrk(server, "baseline (/healthz/)", "/healthz/"))
        results["main"].extend(paths.measure_all(server, context, SCALE))
        results["special"]["export"] = paths.export(server, context)
        results["special"].update(mail.measure(context))
        results["special"]["campaign"] = campaign.measure()
        results["special"]["import"] = paths.policyholder_import()
        results["special"]["disclosure"] = disclosure_package.measure()
        results["special"]["channels"] = channels.measure(context, SCALE)
    results["machine"] = _machine(SCALE)
    results["elapsed_s"] = round(time.monotonic() - began, 1)
    found = _finish(results, "results.json")
    saved = "" if SMOKE else "Results in bench/results.json "
    print(f"\n{saved}({results['elapsed_s']:.0f} s in all).")
    return found


def _terminated(signum, _frame):
    # SIGTERM (CI's timeout, a supervisor) unwinds like Ctrl+C, so that every process started is stopped.
    print(f"\n{signal.strsignal(signum)}: stopping the servers and workers the benchmark started", file=sys.stderr,
          flush=True)
    raise SystemExit(128 + signum)


def main():
    signal.signal(signal.SIGTERM, _terminated)
    only = os.environ.get("BENCH_ONLY")
    if only and only not in ONLY:
        raise SystemExit(f"BENCH_ONLY={only}: one of {', '.join(ONLY)}")
    if SMOKE:
        print(f"Smoke run: every stage at {SCALE:,} policyholders, {DURATION} s a path; figures not saved.",
              flush=True)
    try:
        found = ONLY[only]() if only else full()
    finally:
        stop_all()
    if found:
        print("\nThe benchmark did not run as it should:", *found, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print("Every stage ran, no path answered an error.")


if __name__ == "__main__":
    main()

"""The disclosure package build in the benchmark: a policyholder with 1,000 events and one with 10,000
(100 and 1,000 in the smoke run), each package built as a worker builds it, in a fresh process
(bench/disclosure_worker.py), its time and the growth of the process's peak memory printed side by side.
`BENCH_ONLY=disclosure make bench` runs this alone."""

import json
import os
import platform

from bench import harness

SIZES = (100, 1_000) if harness.SMOKE else (1_000, 10_000)


# The smoke run makes no PDF, not even the warm-up's (WeasyPrint takes seconds to tens of seconds); the measured
# packages of the full run have too many rows for one anyway (DISCLOSURE_PDF_MAX_ROWS).
ENV = {**harness.ENV, "DISCLOSURE_PDF_MAX_ROWS": "0"} if harness.SMOKE else harness.ENV


def _worker(*args) -> dict:
    output = harness.run(harness.PYTHON, "-m", "bench.disclosure_worker", *args, capture_output=True, text=True,
                         env=ENV)
    return json.loads(output.stdout.strip().splitlines()[-1])


def measure() -> dict:
    print("Disclosure packages: policyholders with " + " and ".join(f"{n:,}" for n in SIZES) + " events…", flush=True)
    holders = _worker("setup", *map(str, SIZES))
    builds = []
    for size in SIZES:
        build = _worker("build", str(holders[str(size)]))
        builds.append(build)
        print(f"  {'disclosure package':<19} {build['events']:>6,} events: {build['build_seconds']:.2f} s "
              f"in the worker ({build['with_email_seconds']:.2f} s with its email sent), peak memory "
              f"{build['peak_growth_mb']:+.1f} MB over {build['rss_before_mb']:.0f} MB, ZIP {build['size_mb']:.1f} MB"
              f"{', with PDF' if build['pdf'] else ''}{'' if build['status'] == 'ready' else ', ' + build['status']}",
              flush=True)
    return {"builds": builds}


def problems(disclosure: dict) -> list[str]:
    """What says the stage did not run as it should (not a target missed)."""
    return [f"disclosure package of {build['events']:,} events: {build['status']} ({build['last_error'] or 'no error'})"
            for build in disclosure["builds"] if build["status"] != "ready"]


def evaluate(disclosure: dict) -> list[tuple[str, bool, str]]:
    small, large = disclosure["builds"]
    return [
        (f"disclosure package of {small['events']:,} events: < 2 s in the worker",
         small["status"] == "ready" and small["build_seconds"] < 2, f"{small['build_seconds']:.2f} s"),
        (f"disclosure package memory flat: peak growth at {large['events']:,} events ≤ at {small['events']:,} + 10 MB",
         large["status"] == "ready" and large["peak_growth_mb"] <= small["peak_growth_mb"] + 10,
         f"{small['peak_growth_mb']:+.1f} MB vs {large['peak_growth_mb']:+.1f} MB "
         f"({large['build_seconds']:.2f} s for {large['events']:,})"),
    ]


def only() -> list[str]:
    """`BENCH_ONLY=disclosure make bench`: the demo content and the two policyholders, nothing else. Returns
    what went wrong (`problems`)."""
    print(f"Preparing PostgreSQL database {harness.DB_NAME}…", flush=True)
    harness.prepare_database()
    results = {"disclosure": measure()}
    results["machine"] = {"cpus": os.cpu_count(), "platform": platform.platform(),
                          "python": platform.python_version(), "load_average": os.getloadavg()}
    print()
    results["targets"] = []
    for description, met, figure in evaluate(results["disclosure"]):
        results["targets"].append({"target": description, "met": met, "figure": figure})
        print(f"{'MET    ' if met else 'NOT MET'} {description}: {figure}")
    if not harness.SMOKE:
        (harness.ROOT / "bench" / "results-disclosure.json").write_text(
            json.dumps(results, indent=2, ensure_ascii=False)
        )
    return problems(results["disclosure"])

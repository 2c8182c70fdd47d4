"""The disclosure package build in the benchmark: a policyholder with 1,000 events and one with 10,000,
each package built by a task worker in a fresh process (bench/disclosure_worker.py), its time and the
growth of the worker's peak memory printed side by side. `BENCH_ONLY=disclosure make bench` runs this alone."""

import json
import os
import platform

from bench import harness

SIZES = (1_000, 10_000)


def _worker(*args) -> dict:
    output = harness.run(harness.PYTHON, "-m", "bench.disclosure_worker", *args, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def measure() -> dict:
    print("Disclosure packages: policyholders with " + " and ".join(f"{n:,}" for n in SIZES) + " events…", flush=True)
    holders = _worker("setup", *map(str, SIZES))
    builds = []
    for size in SIZES:
        build = _worker("build", str(holders[str(size)]))
        builds.append(build)
        print(f"  {'disclosure package':<19} {build['events']:>6,} events: {build['task_seconds']:.2f} s in the worker "
              f"(loop {build['wall_seconds']:.2f} s), peak memory {build['peak_growth_mb']:+.1f} MB over "
              f"{build['rss_before_mb']:.0f} MB, ZIP {build['size_mb']:.1f} MB{', with PDF' if build['pdf'] else ''}",
              flush=True)
    return {"builds": builds}


def evaluate(disclosure: dict) -> list[tuple[str, bool, str]]:
    small, large = disclosure["builds"]
    return [
        (f"disclosure package of {small['events']:,} events: < 2 s in the worker",
         small["status"] == "ready" and small["task_seconds"] < 2, f"{small['task_seconds']:.2f} s"),
        (f"disclosure package memory flat: peak growth at {large['events']:,} events ≤ at {small['events']:,} + 10 MB",
         large["status"] == "ready" and large["peak_growth_mb"] <= small["peak_growth_mb"] + 10,
         f"{small['peak_growth_mb']:+.1f} MB vs {large['peak_growth_mb']:+.1f} MB "
         f"({large['task_seconds']:.2f} s for {large['events']:,})"),
    ]


def only() -> None:
    """`BENCH_ONLY=disclosure make bench`: the demo content and the two policyholders, nothing else."""
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
    (harness.ROOT / "bench" / "results-disclosure.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))

"""The measured paths, the targets they are held to, and the printed table."""

from bench import run as bench

PUBLIC = [
    ("notice page in force", "/notices/group-joint-use/"),
    ("FAQ", "/faq/"),
    ("companies", "/companies/"),
]

# (name, minimum requests/s as a fraction of the baseline, p99 at most this many × the path's own p50 … )
TARGETS = {
    "notice page in force": {"min_ratio": 0.7, "max_p99_over_baseline_p50": 3},
    "FAQ": {"min_ratio": 0.7, "max_p99_over_baseline_p50": 3},
    "companies": {"min_ratio": 0.7, "max_p99_over_baseline_p50": 3},
}


def measure_all(server, scale: int) -> list[dict]:
    results = [bench.wrk(server, name, path) for name, path in PUBLIC]
    return results


def measure_special(server, scale: int) -> dict:
    return {}


def api_check(server, count: int) -> dict:
    raise NotImplementedError


def report(results: dict) -> None:
    baseline = results["main"][0]
    print()
    print(f"{'path':<28} {'req/s':>9} {'× base':>7} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'errors':>6} {'peak MB':>8} {'+idle':>6}")
    for row in results["main"]:
        ratio = row["rps"] / baseline["rps"]
        row["ratio"] = round(ratio, 3)
        print(f"{row['name']:<28} {row['rps']:>9.0f} {ratio:>7.2f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
              f"{row['errors']:>6} {row['peak_mb']:>8.0f} {row['peak_mb'] - row['idle_mb']:>6.0f}")

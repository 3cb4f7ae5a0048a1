"""The before/after table of load-test results (``run_load.py --json``), in Markdown.

    .venv/bin/python bench/load/table.py --users 8 before.json after.json [more.json ...]

One column pair (p50 / p95 ms) per file at the step with ``--users``; the first rows give the
throughput and the errors (failed requests plus exceptions in the load's users).
"""

import argparse
import json
from pathlib import Path

KINDS = [
    "form: open",
    "form: file",
    "my reports",
    "api: file",
    "list",
    "list: next page",
    "list: filter",
    "list: search",
    "report",
    "dashboard: city",
    "dashboard: district",
    "api: list",
    "api: counts",
    "Aggregated",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("results", type=Path, nargs="+")
    options = parser.parse_args()
    steps = []
    for path in options.results:
        step = next(s for s in json.loads(path.read_text()) if s["users"] == options.users)
        steps.append((path.stem, step))
    print("| | " + " | ".join(name for name, _ in steps) + " |")
    print("|---|" + "---:|" * len(steps))
    print(
        "| throughput (req/s) | "
        + " | ".join(f"{s['kinds']['Aggregated']['rps']:.2f}" for _, s in steps)
        + " |"
    )
    print(
        "| errors | "
        + " | ".join(f"{s['kinds']['Aggregated']['failures'] + s['exceptions']}" for _, s in steps)
        + " |"
    )
    for kind in KINDS:
        cells = []
        for _, step in steps:
            row = step["kinds"].get(kind)
            cells.append(f"{row['p50']:.0f} / {row['p95']:.0f}" if row and row["requests"] else "–")
        label = "all requests" if kind == "Aggregated" else kind
        print(f"| {label}, p50 / p95 ms | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

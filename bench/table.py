"""The README's performance table from bench/results.jsonl: for each database, the newest run's
figures (``python bench/table.py``)."""

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.jsonl"


def latest_runs(lines: list[dict]) -> dict[str, list[dict]]:
    """The lines of the newest run per (database, size): a run starts at its ``seed_demo`` line."""
    runs: dict[tuple, list[dict]] = {}
    for line in lines:
        key = (line["db"], line["cadres"])
        if line["name"] == "seed_demo":
            runs[key] = []
        runs.setdefault(key, []).append(line)
    return {f"{db} · {cadres:,} cadres": run for (db, cadres), run in runs.items()}


def page_table(run: list[dict]) -> str:
    rows = [
        "| page | user | p50 ms | p95 ms | queries | admin p50 ms | × faster |",
        "|---|---|---|---|---|---|---|",
    ]
    for line in run:
        if "p95_ms" not in line:
            continue
        ratio = f"{line['ratio']}×" if line.get("ratio") else ""
        base = line.get("baseline_p50_ms") or ""
        rows.append(
            f"| {line['name']} | {line.get('user', '')} | {line['p50_ms']} | {line['p95_ms']} "
            f"| {line.get('queries', '')} | {base} | {ratio} |"
        )
    return "\n".join(rows)


def other_lines(run: list[dict]) -> str:
    keep = ("name", "p50_ms", "p95_ms", "user", "db", "cadres", "date", "machine", "path", "n")
    return "\n".join(
        f"- {line['name']}: " + ", ".join(f"{k} {v}" for k, v in line.items() if k not in keep)
        for line in run
        if "p95_ms" not in line
    )


def main() -> None:
    lines = [json.loads(text) for text in RESULTS.read_text().splitlines() if text.strip()]
    for title, run in latest_runs(lines).items():
        print(f"### {title} ({run[0]['date']}, {run[0]['machine']})\n")
        print(page_table(run))
        print()
        print(other_lines(run))
        print()


if __name__ == "__main__":
    sys.exit(main())

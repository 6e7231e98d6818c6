"""The local director on its corpus: the share of requests it gets right per category, and the
time it takes per message (p50, p95, max).

Every row of tests/engine/director_corpus.yaml is decided ``--reps`` times from its starting
state (the state is built once per row, outside the timing: only ``direct()`` on the row's
message is timed). A row is right when tests/engine/director_corpus.py finds no problem with it,
the same judge as the parametrised test. Prints a markdown table (the README quotes it).

    python benchmarks/bench_director.py [--reps 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from nemo_widgets.engine.director import direct
from tests.engine.director_corpus import load, problems, start_state


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="timed runs of each row")
    args = parser.parse_args()
    rows = load()
    direct("make a 15 second video, 两分半", {}, [])  # imports and pattern caches
    right: dict[str, list[bool]] = defaultdict(list)
    times: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        ok = not problems(row)
        draft, previous, media = start_state(row)
        for _ in range(args.reps):
            start = time.perf_counter()
            direct(row.say, draft, media, previous=previous)
            elapsed = (time.perf_counter() - start) * 1000
            times[row.cat].append(elapsed)
            times[f"lang:{row.lang}"].append(elapsed)
        right[row.cat].append(ok)
        right[f"lang:{row.lang}"].append(ok)
    print(f"Director corpus: {len(rows)} requests, {args.reps} timed runs each\n")
    print("| category | requests | right | rate | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    categories = sorted(k for k in right if not k.startswith("lang:"))
    langs = sorted(k for k in right if k.startswith("lang:"))
    for key in [*categories, *langs]:
        done, spent = right[key], times[key]
        print(
            f"| {key.removeprefix('lang:') + (' (language)' if key in langs else '')} "
            f"| {len(done)} | {sum(done)} | {100 * sum(done) / len(done):.1f}% "
            f"| {statistics.median(spent):.2f} | {percentile(spent, 0.95):.2f} "
            f"| {max(spent):.2f} |"
        )
    every = [ok for key in categories for ok in right[key]]
    spent = [t for key in categories for t in times[key]]
    print(
        f"| **all** | {len(every)} | {sum(every)} | {100 * sum(every) / len(every):.1f}% "
        f"| {statistics.median(spent):.2f} | {percentile(spent, 0.95):.2f} | {max(spent):.2f} |"
    )
    wrong = [row for row in rows if problems(row)]
    for row in wrong[:20]:
        print(f"\nwrong: [{row.cat}] {row.say}")


if __name__ == "__main__":
    main()

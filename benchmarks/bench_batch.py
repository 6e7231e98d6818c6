"""Batch throughput: the same batch on one local engine, and on Dask LocalClusters of 1 and 2
worker processes, in one run.

Every setup starts fresh (a new engine, new worker processes: no render is a cache hit) and the
items all differ (their own photos). The clock runs from ``batch.run()`` to its return; the
cluster's own start is reported apart, a worker's engine start is inside (its first task).
Reported: videos per minute, and the median per-video costs the scaling model in
docs/scaling.md is built from: upload, the agent's turn, render (render + download from the
worker's engine), transfer back to this machine, and the notebook's own cost per video for the
record (measured with 10,000 entries in it).

    python benchmarks/bench_batch.py [--items 8] [--photos 3] [--size 2000x1500] [--seconds 10]
                                     [--reps 2] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import av

from nemo_widgets import AsyncNemoClient, Batch
from nemo_widgets.config import LOCAL_TIMINGS
from nemo_widgets.engine.server import run_in_thread
from nemo_widgets.workflows.batch import BatchResult, _Manifest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.media_factory import PALETTE, make_photo


def make_sets(root: Path, items: int, photos: int, size: tuple[int, int]) -> list[list[Path]]:
    """One folder of photos per item, each photo its own (no render cache hit between items)."""
    sets = []
    for item in range(items):
        folder = root / f"set{item}"
        folder.mkdir(parents=True)
        sets.append(
            [
                make_photo(
                    folder / f"{k}.jpg",
                    size,
                    PALETTE[(item + k) % len(PALETTE)],
                    detail=True,
                    seed=item * 10 + k,
                )
                for k in range(photos)
            ]
        )
    return sets


def batch_of(folder: Path, sets: list[list[Path]], prompt: str, **options: object) -> Batch:
    batch = Batch(folder, progress=False, **options)
    for n, photos in enumerate(sets):
        batch.add(f"video{n}", photos, prompt)
    return batch


def checked(results: list[BatchResult], seconds: float) -> list[BatchResult]:
    for result in results:
        assert result.status == "made", result.error
        with av.open(str(result.path)) as video:
            assert abs(video.duration / av.time_base - seconds) < 0.05
    return results


async def on_one_engine(folder: Path, sets: list[list[Path]], prompt: str) -> list[BatchResult]:
    """Today's path: one engine in this process, the batch's default two items at a time."""
    engine = run_in_thread(folder / "engine")
    try:
        async with AsyncNemoClient(engine.url, timings=LOCAL_TIMINGS) as nemo:
            return await batch_of(folder / "videos", sets, prompt, client=nemo).run_async()
    finally:
        engine.stop()


def on_cluster(
    folder: Path, sets: list[list[Path]], prompt: str, workers: int
) -> tuple[list[BatchResult], float, float]:
    """A LocalCluster of ``workers`` processes, one thread each; (results, start s, run s)."""
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            memory_limit=None,
            local_directory=str(folder / "dask"),
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(workers, timeout=120)
        up = time.perf_counter() - started
        began = time.perf_counter()
        results = batch_of(folder / "videos", sets, prompt).run(executor=client)
        return results, up, time.perf_counter() - began


def median(results: list[BatchResult], step: str) -> float | None:
    values = [r.times[step] for r in results if step in r.times]
    return statistics.median(values) if values else None


def record_seconds(folder: Path, entries: int, items: int = 500) -> tuple[float, float]:
    """The record's cost per item when it already holds ``entries`` items: a full rewrite (what
    every item cost before the journal), and the mean of ``items`` successive items as kept now
    (journal lines, and a rewrite once ten times its cost has passed)."""
    folder.mkdir(parents=True, exist_ok=True)
    entry = {
        "status": "made",
        "fingerprint": "f" * 64,
        "prompt": "turn these images into a 15-second video with smooth transitions",
        "video": {"file": "x.mp4", "size": 5_000_000, "mtime_ns": 0, "duration_s": 15.0},
        "error": None,
        "session_id": "1234567890123456789",
        "seconds": 12.345,
        "worker": "tcp://10.0.0.1:40000",
        "updated": "2026-01-01T00:00:00+00:00",
    }
    manifest = _Manifest(folder / "nemo-batch.json", {f"video{n}": entry for n in range(entries)})
    rewrites = []
    for _ in range(3):
        started = time.perf_counter()
        manifest.save()
        rewrites.append(time.perf_counter() - started)
    started = time.perf_counter()
    for n in range(items):
        manifest.entries[f"new{n}"] = entry
        manifest.keep(f"new{n}")
        time.sleep(0.005)  # items arrive over time, not all in one instant
    kept = (time.perf_counter() - started) / items - 0.005
    return statistics.median(rewrites), kept


SETUPS = ("one local engine (no executor)", "LocalCluster, 1 worker", "LocalCluster, 2 workers")


def run_setup(
    setup: int, folder: Path, sets: list[list[Path]], prompt: str, seconds: int
) -> tuple[list[BatchResult], float, float | None]:
    """One run of setup ``setup`` (an index of SETUPS): (results, batch time, cluster start)."""
    if setup == 0:
        began = time.perf_counter()
        results = asyncio.run(on_one_engine(folder, sets, prompt))
        return checked(results, seconds), time.perf_counter() - began, None
    results, up, wall = on_cluster(folder, sets, prompt, workers=setup)
    return checked(results, seconds), wall, up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=8)
    parser.add_argument("--photos", type=int, default=3, help="photos per item")
    parser.add_argument("--size", default="2000x1500", help="photo size, WxH")
    parser.add_argument("--seconds", type=int, default=10, help="length of each video")
    parser.add_argument("--reps", type=int, default=2, help="runs of each setup (order alternates)")
    parser.add_argument("--record-entries", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="a tiny batch: does it still run")
    args = parser.parse_args()
    if args.quick:
        args.items, args.photos, args.size, args.seconds, args.reps = 2, 1, "640x480", 2, 1
        args.record_entries = 100
    width, height = map(int, args.size.split("x"))
    prompt = f"turn these images into a {args.seconds}-second 1080p video with smooth transitions"
    walls: dict[int, list[float]] = {n: [] for n in range(len(SETUPS))}
    starts: dict[int, list[float]] = {n: [] for n in range(len(SETUPS))}
    made: dict[int, list[BatchResult]] = {n: [] for n in range(len(SETUPS))}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sets = make_sets(root / "photos", args.items, args.photos, (width, height))
        photo_mb = sum(p.stat().st_size for s in sets for p in s) / len(sets) / 1e6
        for rep in range(args.reps):
            order = range(len(SETUPS)) if rep % 2 == 0 else reversed(range(len(SETUPS)))
            for setup in order:
                folder = root / f"rep{rep}-setup{setup}"
                results, wall, up = run_setup(setup, folder, sets, prompt, args.seconds)
                walls[setup].append(wall)
                made[setup] += results
                if up is not None:
                    starts[setup].append(up)
                print(f"rep {rep + 1}, {SETUPS[setup]}: {wall:.1f} s", file=sys.stderr)
                video_mb = statistics.median(r.path.stat().st_size for r in results) / 1e6
        rewrite_s, keep_s = record_seconds(root / "record", args.record_entries)

    print(
        f"\n{args.items} videos of {args.seconds} s at 1080p, {args.photos} photos of "
        f"{width}x{height} each ({photo_mb:.1f} MB per item), on {os.cpu_count()} CPU cores, "
        f"median of {args.reps} run{'s' if args.reps > 1 else ''}:\n"
    )
    reps = " | ".join(f"rep {n + 1}" for n in range(args.reps))
    print(f"| setup | {reps} | median | videos per minute | vs one engine | cluster start |")
    print("|---" * (args.reps + 5) + "|")
    base = statistics.median(walls[0])
    for setup, name in enumerate(SETUPS):
        runs = " | ".join(f"{wall:.1f} s" for wall in walls[setup])
        wall = statistics.median(walls[setup])
        per_minute = args.items / wall * 60
        start = f"{statistics.median(starts[setup]):.1f} s" if starts[setup] else "–"
        print(
            f"| {name} | {runs} | {wall:.1f} s | {per_minute:.1f} | {base / wall:.2f}x | {start} |"
        )

    print("\nMedian seconds per video (on a cluster, measured on the worker that made it):\n")
    steps = ("engine", "upload", "turn", "render", "task", "transfer")
    print("| setup | " + " | ".join(steps) + " | item, end to end |")
    print("|---" * (len(steps) + 2) + "|")
    for setup, name in enumerate(SETUPS):
        cells = []
        for step in steps:
            value = median(made[setup], step)
            cells.append(f"{value:.2f}" if value is not None else "–")
        item = statistics.median(r.seconds for r in made[setup])
        print(f"| {name} | " + " | ".join(cells) + f" | {item:.2f} |")
    print(
        f"\nMedian MP4: {video_mb:.2f} MB. The batch record holding {args.record_entries} "
        f"items: one rewrite {rewrite_s * 1000:.0f} ms; per item as kept now (journal) "
        f"{keep_s * 1000:.1f} ms."
    )


if __name__ == "__main__":
    main()

"""The engine's render queue: how many renders at once, and what that costs in memory.

The same four exports (four different 15-second 1080p videos of 3 photos with music) are run on
fresh engines with 1, 2, ... render workers, side by side in one run, alternating the order each
rep. Reported per setting: the wall time of all four, videos per minute, and the peak memory of
the engine process plus all its render children together (sampled every 50 ms with psutil),
and the largest single render child. The default (one render per 4 cores) is marked.

    python benchmarks/bench_render_workers.py [--reps 2] [--workers 1,2] [--quick]
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

from _memory import TreeMemory

from nemo_widgets import AsyncNemoClient
from nemo_widgets.config import LOCAL_TIMINGS
from nemo_widgets.engine.app import EngineConfig
from nemo_widgets.engine.jobs import render_plan, usable_cpus
from nemo_widgets.engine.server import run_in_thread

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.media_factory import PALETTE, make_audio, make_photo

TITLES = ("Spring", "Summer", "Autumn", "Winter")


async def one_run(workers: int, photos: list[Path], music: Path, folder: Path, prompt: str):
    engine = run_in_thread(
        folder / "engine",
        config=EngineConfig(render_workers=workers, max_queued_renders=len(TITLES)),
    )
    try:
        async with AsyncNemoClient(engine.url, timings=LOCAL_TIMINGS) as nemo:
            session = await nemo.create_session()
            await nemo.upload(session.session_id, *photos, music)
            drafts = []
            for title in TITLES:  # four different videos, so four jobs and no cache hits
                async for _ in nemo.chat(session.session_id, f"{prompt}, title '{title}'"):
                    pass
                drafts.append((await nemo.state(session.session_id)).draft)
            with TreeMemory(os.getpid()) as memory:
                start = time.perf_counter()
                jobs = [await nemo.start_render(session.session_id, d) for d in drafts]
                await asyncio.gather(*(nemo.wait_render(job) for job in jobs))
                elapsed = time.perf_counter() - start
    finally:
        engine.stop()
    return elapsed, memory.total, memory.child


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--quick", action="store_true", help="small 4-second 720p videos")
    args = parser.parse_args()
    settings = [int(n) for n in args.workers.split(",")]
    default_workers, _ = render_plan()
    prompt = (
        "turn these images into a 4-second 720p video with music"
        if args.quick
        else "turn these images into a 15-second 1080p video with smooth transitions and music"
    )
    size = (800, 600) if args.quick else (4000, 3000)
    results: dict[int, list[tuple[float, int, int]]] = {n: [] for n in settings}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        photos = [make_photo(folder / f"p{n}.jpg", size, PALETTE[n]) for n in range(3)]
        music = make_audio(folder / "music.wav", seconds=20)
        for rep in range(args.reps):
            order = settings if rep % 2 == 0 else settings[::-1]
            for workers in order:
                run = asyncio.run(
                    one_run(workers, photos, music, folder / f"r{rep}w{workers}", prompt)
                )
                results[workers].append(run)
    print(f"{usable_cpus()} usable CPUs; default: {default_workers} render worker(s)\n")
    print(
        "| render workers | 4 videos (median) | videos/min | peak RSS, engine + renders "
        "| largest render child |"
    )
    print("|---|---|---|---|---|")
    base = statistics.median(r[0] for r in results[settings[0]])
    for workers in settings:
        runs = results[workers]
        wall = statistics.median(r[0] for r in runs)
        mark = " (default)" if workers == default_workers else ""
        total = max(r[1] for r in runs) / 2**20
        child = max(r[2] for r in runs) / 2**20
        print(
            f"| {workers}{mark} | {wall:.1f} s ({base / wall:.2f}x) | {4 * 60 / wall:.1f} "
            f"| {total:.0f} MB | {child:.0f} MB |"
        )


if __name__ == "__main__":
    main()

"""PromptLab: three prompts over the same 3 photos, one at a time vs. three at a time.

Both ways run side by side in one process, each rep on fresh engines (so no render is a cache
hit), alternating which goes first. The local engine renders one video at a time, so three at a
time gains by overlapping one prompt's upload and turn with another's render, not by rendering
in parallel. Reported: the wall time of ``lab.run()`` and the ratio.

    python benchmarks/bench_prompt_lab.py [--reps 3] [--size 4000x3000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import av

from nemo_widgets import AsyncNemoClient, PromptLab
from nemo_widgets.config import LOCAL_TIMINGS
from nemo_widgets.engine.server import run_in_thread

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.media_factory import PALETTE, make_photo

PROMPTS = {
    "turn these images into a 15-second video with smooth transitions": 15.0,
    "a 10 second video with Ken Burns motion and wipe transitions": 10.0,
    "9:16 for TikTok, 12 seconds, title 'Holiday' at the top": 12.0,
}


async def one_lab(photos: list[Path], folder: Path, concurrency: int) -> float:
    engine = run_in_thread(folder / "engine")
    try:
        async with AsyncNemoClient(engine.url, timings=LOCAL_TIMINGS) as nemo:
            lab = PromptLab(
                photos,
                list(PROMPTS),
                folder=folder / "videos",
                client=nemo,
                concurrency=concurrency,
                progress=False,
            )
            start = time.perf_counter()
            results = await lab.run_async()
            elapsed = time.perf_counter() - start
    finally:
        engine.stop()
    for result, seconds in zip(results, PROMPTS.values(), strict=True):
        assert result.ok, result.error
        with av.open(str(result.path)) as video:
            assert abs(video.duration / av.time_base - seconds) < 0.05
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--size", default="4000x3000", help="photo size, WxH")
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    times: dict[int, list[float]] = {1: [], 3: []}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        photos = [
            make_photo(root / f"p{n}.jpg", (width, height), PALETTE[n], detail=True, seed=n)
            for n in range(3)
        ]
        for rep in range(args.reps):
            order = (1, 3) if rep % 2 == 0 else (3, 1)
            for concurrency in order:
                folder = root / f"rep{rep}-c{concurrency}"
                times[concurrency].append(asyncio.run(one_lab(photos, folder, concurrency)))
            print(
                f"rep {rep + 1}: " + ", ".join(f"{c} at a time {times[c][-1]:.2f} s" for c in order)
            )
    one, three = statistics.median(times[1]), statistics.median(times[3])
    print(f"\n{len(PROMPTS)} prompts, {width}x{height} photos, median of {args.reps}:\n")
    reps = " | ".join(f"rep {n + 1}" for n in range(args.reps))
    print(f"| `lab.run()` | {reps} | median |")
    print("|---" * (args.reps + 2) + "|")
    for concurrency, label, extra in (
        (1, "one at a time (`concurrency=1`)", ""),
        (3, "three at a time (the default)", f" ({one / three:.2f}x faster)"),
    ):
        runs = " | ".join(f"{seconds:.2f} s" for seconds in times[concurrency])
        median = statistics.median(times[concurrency])
        print(f"| {label} | {runs} | {median:.2f} s{extra} |")


if __name__ == "__main__":
    main()

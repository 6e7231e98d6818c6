"""Prompt to MP4 through the HTTP API: 3 photos and one sentence to a 15 s 1080p video.

The engine runs as `nemo-widgets serve` in a child process, as a user would run it; the client
is the real AsyncNemoClient. Timed from the first upload byte to the downloaded MP4, in steps:
upload, chat turn, render (submit to completed), download. Goal: under 10 s on 2 cores.

    python benchmarks/bench_prompt_to_mp4.py [--reps 3] [--size 4000x3000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av

from nemo_widgets import AsyncNemoClient
from nemo_widgets.config import LOCAL_TIMINGS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.media_factory import PALETTE, make_photo

PROMPT = "turn these images into a 15-second video with smooth transitions"
# The engine is a separate process here, so say what the client uses for the engine it starts.
TIMINGS = LOCAL_TIMINGS


def start_engine(data: Path) -> tuple[subprocess.Popen[str], str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "nemo_widgets.cli", "serve", "--port", "0", "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    return child, child.stdout.readline().split(" on ")[1].strip()


async def one_run(url: str, photos: list[Path], out: Path) -> dict[str, float]:
    steps: dict[str, float] = {}
    async with AsyncNemoClient(url, timings=TIMINGS) as nemo:
        session = await nemo.create_session()
        start = mark = time.perf_counter()
        await nemo.upload(session.session_id, *photos)
        steps["upload"], mark = time.perf_counter() - mark, time.perf_counter()
        async for _ in nemo.chat(session.session_id, PROMPT):
            pass
        draft = (await nemo.state(session.session_id)).draft
        steps["chat"], mark = time.perf_counter() - mark, time.perf_counter()
        job = await nemo.wait_render(await nemo.start_render(session.session_id, draft))
        steps["render"], mark = time.perf_counter() - mark, time.perf_counter()
        await nemo.download(job, out)
        steps["download"] = time.perf_counter() - mark
        steps["total"] = time.perf_counter() - start
    with av.open(str(out)) as video:
        stream = video.streams.video[0]
        assert (stream.width, stream.height) == (1920, 1080), (stream.width, stream.height)
        assert abs(video.duration / 1e6 - 15.0) < 0.05
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--size", default="4000x3000", help="photo size, WxH")
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        photos = [
            make_photo(folder / f"p{n}.jpg", (width, height), PALETTE[n], detail=True, seed=n)
            for n in range(3)
        ]
        runs = []
        for rep in range(args.reps):
            # A fresh engine and data folder each time: no cached render, no warm state.
            child, url = start_engine(folder / f"engine{rep}")
            try:
                runs.append(asyncio.run(one_run(url, photos, folder / f"out{rep}.mp4")))
            finally:
                child.terminate()
                child.wait()
    print(f"Prompt to MP4: 3 photos of {width}x{height}, 15 s 1080p30, {args.reps} runs\n")
    print("| step | median s | runs |")
    print("|---|---|---|")
    for step in ("upload", "chat", "render", "download", "total"):
        values = [run[step] for run in runs]
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"| {step} | {statistics.median(values):.2f} | {shown} |")
    total = statistics.median(run["total"] for run in runs)
    print(f"\ngoal: total < 10 s -> {'met' if total < 10 else 'NOT met'} ({total:.2f} s)")


if __name__ == "__main__":
    main()

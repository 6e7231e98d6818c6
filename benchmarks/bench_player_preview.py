"""Previews in VideoPlayer and PromptLab: how much sooner a card shows, and what it costs.

1. **The player** (chromium, the player's harness page, tests/widget/frontend/): the lab's
   exports (below; the first is 15 s at 1080p), shown where the browser cannot fetch the
   engine's URL, so that they come through the kernel in 1 MiB ``video_chunk`` pieces (8
   unacknowledged at most per file, as nemo_widgets/widget/video.py sends them). Measured in the
   page, from showing the player(s) to the first playable frame (the first ``loadeddata`` of a
   ``<video>``) and to the full video playable, the full video alone vs. with the engine's
   preview of it (480 px, 15 fps): one player of the 15 s export, and the lab's three cards
   shown at once (timed by the card that showed last).
   Every piece goes through one pipe at ``--rates`` MB/s, as all of a comm's messages do.
   Why 2 MB/s (16 Mbit/s): on Colab every piece goes from the VM through Google's front end to
   the browser over the person's own connection, so a common broadband downlink is the bound.
   It is an assumption, not a measurement (this machine has no internet); 8 MB/s stands for a
   fast link (VS Code remote on a LAN). Both times scale with the rate, so the ratio holds.
2. **PromptLab** on the local engine (fresh engines, so no render is a cache hit; both ways in
   one run, alternating which goes first): the wall time of ``lab.run()`` with ``previews=True``
   and ``previews=False``, three prompts (15, 10 and 12 s) over 3 photos.

    python benchmarks/bench_player_preview.py [--reps 3] [--size 4000x3000] [--rates 2,8]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import av
from playwright.sync_api import sync_playwright

from nemo_widgets import AsyncNemoClient, PromptLab
from nemo_widgets.config import LOCAL_TIMINGS
from nemo_widgets.engine.server import run_in_thread
from nemo_widgets.widget.video import VIDEO_CHUNK_SIZE, VIDEO_WINDOW

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.media_factory import PALETTE, make_photo
from tests.widget.browser import FRONTEND, STATIC, harness_page, launch_kwargs

PROMPTS = {
    "turn these images into a 15-second video with smooth transitions": 15.0,
    "a 10 second video with Ken Burns motion and wipe transitions": 10.0,
    "9:16 for TikTok, 12 seconds, title 'Holiday' at the top": 12.0,
}
MB = 1_000_000

# -- PromptLab ----------------------------------------------------------------------------------


def cpu_seconds() -> float:
    """CPU time of this process (the engine, the lab) and of its finished children (renders)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def one_lab(
    photos: list[Path], folder: Path, previews: bool
) -> tuple[float, float, list[Any]]:
    """The wall time of ``lab.run()``, the CPU seconds of the whole run, and the results."""
    cpu = cpu_seconds()
    engine = run_in_thread(folder / "engine")  # the engine's defaults: previews allowed
    try:
        async with AsyncNemoClient(engine.url, timings=LOCAL_TIMINGS) as nemo:
            lab = PromptLab(
                photos,
                list(PROMPTS),
                folder=folder / "videos",
                client=nemo,
                progress=False,
                previews=previews,
            )
            start = time.perf_counter()
            results = await lab.run_async()
            elapsed = time.perf_counter() - start
    finally:
        engine.stop()  # its render children are waited for: their CPU time counts
    cpu = cpu_seconds() - cpu
    for result, seconds in zip(results, PROMPTS.values(), strict=True):
        assert result.ok, result.error
        with av.open(str(result.path)) as video:
            assert abs(video.duration / av.time_base - seconds) < 0.05
        assert (result.preview_path is not None) == previews
    return elapsed, cpu, results


# -- the player -----------------------------------------------------------------------------------


@contextmanager
def static_server(media: Path) -> Iterator[str]:
    """The bundles, the harness pages and the two MP4s over http://127.0.0.1."""
    roots = {"/static/": STATIC, "/frontend/": FRONTEND, "/media/": media}

    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            path = unquote(urlsplit(path).path)
            for prefix, root in roots.items():
                if path.startswith(prefix):
                    return str(root / path[len(prefix) :])
            return str(FRONTEND / "not-found")

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def player_state(full: Path, preview: Path | None) -> dict[str, Any]:
    """A player's traits: no URL (the browser cannot fetch the engine's), maybe a preview."""
    state: dict[str, Any] = {
        "video": {"token": 1, "url": None, "name": full.name, "size": full.stat().st_size}
    }
    if preview is not None:
        size = preview.stat().st_size
        state["preview"] = {"token": 2, "url": None, "name": preview.name, "size": size}
    return state


def show_players(
    page: Any, server: str, videos: list[tuple[Path, Path | None]], rate: float
) -> list[dict[str, float]]:
    """Show one player per video at once (a lab's cards: one connection for all) and time,
    for each, its first playable frame and its full video playable, from showing them."""
    players = []
    for full, preview in videos:
        files = {"1": f"{server}/media/{full.name}"}
        if preview is not None:
            files["2"] = f"{server}/media/{preview.name}"
        kernel = {
            "files": files,
            "bytesPerSecond": rate * MB,
            "videoChunkSize": VIDEO_CHUNK_SIZE,
            "videoWindow": VIDEO_WINDOW,
        }
        players.append({"state": player_state(full, preview), "kernel": kernel})
    page.evaluate(
        """(players) => {
            const [first, ...others] = players;
            nemo.setup(first);
            for (const other of others) nemo.more(other);
        }""",
        players,
    )
    page.wait_for_function(
        """(count) => new Set(nemo.frames.filter(f => !f.preview && f.src.startsWith('blob:'))
                                   .map(f => f.view)).size === count""",
        arg=len(videos),
        timeout=300_000,
    )
    frames = page.evaluate("nemo.frames.map(f => ({...f, at: (f.at - nemo.shownAt) / 1000}))")
    times = []
    for view, (_, preview) in enumerate(videos):
        own = [f for f in frames if f["view"] == view]
        first = min(own, key=lambda f: f["at"])
        assert first["preview"] == (preview is not None), "the preview did not play first"
        full = min(f["at"] for f in own if not f["preview"])
        times.append({"first": first["at"], "full": full})
    return times


def player_runs(
    videos: list[tuple[Path, Path]], rates: list[float], reps: int
) -> dict[tuple[str, float, str], list[dict[str, float]]]:
    """One player (the 15 s export) and the lab's three cards, each with and without previews:
    (case, rate, mode) -> one {first, full} per rep (for the cards: of the card shown last)."""
    cases = {"one player": videos[:1], "3 cards": videos}
    times: dict[tuple[str, float, str], list[dict[str, float]]] = {}
    with static_server(videos[0][0].parent) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_kwargs())
        for case, shown in cases.items():
            for rate in rates:
                for rep in range(reps):
                    order = ("alone", "preview") if rep % 2 == 0 else ("preview", "alone")
                    for mode in order:
                        chosen = [
                            (full, small if mode == "preview" else None) for full, small in shown
                        ]
                        with harness_page(
                            browser, server, "player_harness.html", 1400, 900
                        ) as page:
                            each = show_players(page, server, chosen, rate)
                        last = {key: max(t[key] for t in each) for key in ("first", "full")}
                        times.setdefault((case, rate, mode), []).append(last)
                    print(
                        f"  {case}, {rate:g} MB/s, rep {rep + 1}: "
                        + ", ".join(
                            f"{m} first frame {times[(case, rate, m)][-1]['first']:.2f} s"
                            for m in order
                        ),
                        flush=True,
                    )
        browser.close()
    return times


# -- the report -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--size", default="4000x3000", help="photo size, WxH")
    parser.add_argument("--rates", default="2,8", help="kernel -> browser MB/s, comma-separated")
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    rates = [float(rate) for rate in args.rates.split(",")]
    labs: dict[bool, list[float]] = {True: [], False: []}
    cpus: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        photos = [
            make_photo(root / f"p{n}.jpg", (width, height), PALETTE[n], detail=True, seed=n)
            for n in range(3)
        ]
        print("PromptLab runs:", flush=True)
        made: list[Any] = []
        for rep in range(args.reps):
            order = (True, False) if rep % 2 == 0 else (False, True)
            for previews in order:
                elapsed, cpu, results = asyncio.run(
                    one_lab(photos, root / f"lab{rep}-{previews}", previews)
                )
                labs[previews].append(elapsed)
                cpus[previews].append(cpu)
                if previews and not made:
                    made = results
            print(
                f"  rep {rep + 1}: "
                + ", ".join(
                    f"previews={p} {labs[p][-1]:.2f} s ({cpus[p][-1]:.1f} CPU s)" for p in order
                ),
                flush=True,
            )
        # The files under distinct names in one folder (a preview has its video's name).
        media = root / "media"
        media.mkdir()
        videos = [
            (
                shutil.copyfile(result.path, media / f"export-{n}.mp4"),
                shutil.copyfile(result.preview_path, media / f"preview-{n}.mp4"),
            )
            for n, result in enumerate(made, start=1)
        ]
        print("Player runs:", flush=True)
        player = player_runs(videos, rates, args.reps)
        sizes = [(full.stat().st_size / MB, small.stat().st_size / MB) for full, small in videos]

    print(
        "\nThe lab's videos (MB, export / preview): "
        + ", ".join(f"{full:.2f} / {small:.2f}" for full, small in sizes)
    )
    print(f"Medians of {args.reps}; for the 3 cards, of the card that showed last.\n")
    print("| shown | kernel -> browser | to the first frame | to the full video |")
    print("|---|---|---|---|")
    for case, rate in ((case, rate) for case in ("one player", "3 cards") for rate in rates):
        alone, with_preview = player[(case, rate, "alone")], player[(case, rate, "preview")]
        first_a = statistics.median(r["first"] for r in alone)
        first_p = statistics.median(r["first"] for r in with_preview)
        full_a = statistics.median(r["full"] for r in alone)
        full_p = statistics.median(r["full"] for r in with_preview)
        print(f"| {case}, full video alone | {rate:g} MB/s | {first_a:.2f} s | {full_a:.2f} s |")
        print(
            f"| {case}, preview first | {rate:g} MB/s | {first_p:.2f} s "
            f"({first_a / first_p:.1f}x sooner) | {full_p:.2f} s |"
        )
    on, off = statistics.median(labs[True]), statistics.median(labs[False])
    cpu_on, cpu_off = statistics.median(cpus[True]), statistics.median(cpus[False])
    print(f"\nPromptLab, {len(PROMPTS)} prompts, {width}x{height} photos, local engine:\n")
    reps = " | ".join(f"rep {n + 1}" for n in range(args.reps))
    print(f"| `lab.run()` | {reps} | median | CPU seconds (median) |")
    print("|---" * (args.reps + 3) + "|")
    for previews in (False, True):
        runs = " | ".join(f"{seconds:.2f} s" for seconds in labs[previews])
        median, cpu = statistics.median(labs[previews]), statistics.median(cpus[previews])
        extra = f" ({(on - off) / off:+.0%})" if previews else ""
        cpu_extra = f" ({(cpu_on - cpu_off) / cpu_off:+.0%})" if previews else ""
        print(f"| `previews={previews}` | {runs} | {median:.2f} s{extra} | {cpu:.1f}{cpu_extra} |")
    # The machine is shared: each rep's two runs were back to back, so their ratio is steadier.
    paired = [with_p / without for with_p, without in zip(labs[True], labs[False], strict=True)]
    print(
        "\nPer rep, previews=True / previews=False: "
        + ", ".join(f"{ratio:.2f}" for ratio in paired)
        + f" (median {statistics.median(paired):.2f})"
    )


if __name__ == "__main__":
    main()

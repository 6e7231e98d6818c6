"""The live preview and the speculative export, in a real JupyterLab and chromium (issue 15).

One notebook, three studios on the kernel's embedded engine, each with its own three photos
(4000x3000 by default, so that no render is a cache hit of another), each sent the same sentence
("... a 15-second video ..."). Per rep, side by side:

- **cold export**: studio 1 (``speculative_export=False``) clicks Export as soon as its preview
  plays: click -> playable full video. This is the reference every ratio divides by.
- **preview**: the end of each turn (the stop button gone) -> its preview playable, in every
  studio.
- **export after a pause**: studio 2 waits as long as the cold export took, counted from the
  moment its preview plays (the person watches it, then thinks), then clicks Export: click ->
  playable. Studio 3 does the same with the pause counted from the end of the turn (stricter:
  the preview's own render is inside the pause). For both, the engine's records say whether the
  export was the speculative render's video (same cache key, completed without a render).
- **peak memory**: the kernel process (which runs the engine) plus its render children, sampled
  every 50 ms with psutil over the whole run.

"Playable" is the `<video>` element at readyState >= 3 with the new file, measured in the page.

    python benchmarks/bench_preview.py [--reps 2] [--size 4000x3000] [--seconds 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _memory import TreeMemory
from _studio_page import EXPORT_AND_WATCH
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.jupyter import JupyterServer
from tests.browser.notebook import open_and_run
from tests.media_factory import PALETTE, make_photo
from tests.widget.browser import launch_kwargs

STUDIOS = ("cold", "paused after the preview", "paused after the turn")
GOALS = {"preview": 0.35, "export after a pause": 0.2, "memory_mb": 600}

# Send the text typed in studio `index`, resolve when its turn has ended and its new preview
# plays: {turn_ms, preview_ms} (preview_ms counted from the end of the turn).
_SEND_AND_WATCH = """async (index) => {
  const root = document.querySelectorAll('.nemo-studio')[index];
  const preview = () => root.querySelector('[data-testid=nemo-preview]');
  const before = preview() ? preview().currentSrc : '';
  return await new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('no preview within 180 s')), 180000);
    const sent = performance.now();
    let started = false, ended = null;
    const poll = () => {
      const stop = root.querySelector('[data-testid=nemo-stop]');
      if (stop) started = true;
      if (started && !stop && ended === null) ended = performance.now();
      const v = preview();
      if (ended !== null && v && v.dataset.state === 'ready' && v.currentSrc
          && v.currentSrc !== before && v.readyState >= 3) {
        resolve({turn_ms: ended - sent, preview_ms: performance.now() - ended});
      } else {
        requestAnimationFrame(poll);
      }
    };
    root.querySelector('[data-testid=nemo-send]').click();
    poll();
  });
}"""


def _cell(index: int, speculative: bool) -> str:
    names = ", ".join(f'"s{index}_{n}.jpg"' for n in range(3))
    option = "" if speculative else "speculative_export=False"
    return (
        f"studio{index} = NemoStudio(session='new'{', ' + option if option else ''})\n"
        f"studio{index}.upload({names})\n"
        f"studio{index}"
    )


def _from_speculative(server: JupyterServer, since: float) -> bool:
    """Whether the last export since ``since`` is a speculative render's video: that render
    made the file, so the export rendered nothing (done at once, or it waited for that one)."""
    renders = server.engine_renders(since)
    exports = [r for r in renders if r["kind"] == "export"]
    made = {
        r["cache_key"] for r in renders if r["kind"] == "speculative" and r["status"] == "completed"
    }
    return bool(exports) and exports[-1]["cache_key"] in made


def run(reps: int, size: tuple[int, int], seconds: int) -> tuple[list[dict[str, float]], int]:
    base = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    env = {"NEMO_DATA_DIR": str(base / "engine"), "NEMO_CONFIG_DIR": str(base / "config")}
    server = JupyterServer(base / "notebooks", env).start()
    prompt = f"turn these images into a {seconds}-second video with smooth transitions"
    results: list[dict[str, float]] = []
    try:
        with (
            sync_playwright() as playwright,
            # the kernel (which runs the engine) and its render children, not the server itself
            TreeMemory(server._process.pid, include_root=False) as memory,
        ):
            browser = playwright.chromium.launch(**launch_kwargs())
            for rep in range(reps):
                for index in range(len(STUDIOS)):
                    for n in range(3):
                        seed = (rep * len(STUDIOS) + index) * 3 + n + 1  # new pixels every time
                        make_photo(
                            server.root / f"s{index}_{n}.jpg",
                            size,
                            PALETTE[n],
                            detail=True,
                            seed=seed,
                        )
                cells = [_cell(index, speculative=index > 0) for index in range(len(STUDIOS))]
                name = server.write_notebook(
                    f"preview{rep}.ipynb", "from nemo_widgets import NemoStudio", *cells
                )
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                open_and_run(page, server, name, "lab")
                page.wait_for_function(
                    f"() => document.querySelectorAll('.nemo-studio').length === {len(STUDIOS)}",
                    timeout=300_000,
                )
                result: dict[str, float] = {}
                for index, studio in enumerate(STUDIOS):
                    root = page.locator(".nemo-studio").nth(index)
                    root.locator("[data-testid=nemo-input]").fill(prompt)
                    since = time.time()
                    watched = page.evaluate(_SEND_AND_WATCH, index)
                    result[f"preview {index}"] = watched["preview_ms"]
                    result[f"turn {index}"] = watched["turn_ms"]
                    if studio == "paused after the preview":
                        time.sleep(result["cold"] / 1000)
                    elif studio == "paused after the turn":
                        time.sleep(max(0.0, result["cold"] - watched["preview_ms"]) / 1000)
                    exported = page.evaluate(EXPORT_AND_WATCH, {"index": index, "readyState": 3})
                    result[studio] = exported["export_ms"]
                    result[f"duration {index}"] = exported["duration_s"]
                    if index:
                        result[f"reused {index}"] = _from_speculative(server, since)
                results.append(result)
                print(f"rep {rep + 1}: {result}", file=sys.stderr)
                page.close()
                server.shutdown_kernels()
            browser.close()
    finally:
        server.shutdown_kernels()
        server.stop()
    return results, memory.total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--size", default="4000x3000", help="photo size, WxH")
    parser.add_argument("--seconds", type=int, default=15, help="the video's length")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    results, peak = run(args.reps, (width, height), args.seconds)

    def median(key: str) -> float:
        return statistics.median(float(result[key]) for result in results)

    cold = median("cold")
    previews = [float(r[f"preview {i}"]) for r in results for i in range(len(STUDIOS))]
    preview = statistics.median(previews)
    print(
        f"Live preview and speculative export: JupyterLab + chromium, 3 photos {args.size}, "
        f"a {args.seconds} s video, {args.reps} reps (medians; ratios to the cold export "
        "of the same run)\n"
    )
    print("| step | median | ratio to the cold export | goal |")
    print("|---|---|---|---|")
    print(f"| cold export: click -> playable | {cold / 1000:.2f} s | 1 | |")
    sends = [
        float(r[f"turn {i}"]) + float(r[f"preview {i}"])
        for r in results
        for i in range(len(STUDIOS))
    ]
    print(
        "| (Send click -> preview playable, the turn's streamed reply included) | "
        f"{statistics.median(sends) / 1000:.2f} s | | |"
    )
    print(
        f"| end of the turn -> preview playable | {preview / 1000:.2f} s | "
        f"{preview / cold:.2f} | <= {GOALS['preview']} |"
    )
    for index, studio in enumerate(STUDIOS[1:], 1):
        value = median(studio)
        reused = sum(bool(r[f"reused {index}"]) for r in results)
        print(
            f"| Export after a pause ({studio}; the speculative video reused "
            f"{reused}/{len(results)}): click -> playable | {value / 1000:.2f} s | "
            f"{value / cold:.2f} | <= {GOALS['export after a pause']} |"
        )
    print(
        f"| peak memory: kernel with the engine + render children | {peak / 2**20:.0f} MB | | "
        f"<= {GOALS['memory_mb']} MB |"
    )
    durations = [float(r[f"duration {i}"]) for r in results for i in range(len(STUDIOS))]
    print(f"\nvideo durations: {min(durations):.2f}-{max(durations):.2f} s")


if __name__ == "__main__":
    main()

"""The live preview in real JupyterLab and chromium (issue 15).

A sentence that changes the video is followed by its preview playing without a click, in step
with the timeline (a click on a
clip seeks it, the playhead follows it). After a pause, Export finds the video the engine made by
itself: that is read from the engine's own records (the export reused the speculative render and
no render ran for it), not from a stopwatch.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.browser.notebook import open_and_run
from tests.browser.test_studio_browser import SCREENSHOTS, by_id, studio
from tests.media_factory import PALETTE, make_photo

pytestmark = pytest.mark.browser

PREVIEW_CELL = """\
from nemo_widgets import NemoStudio

studio = NemoStudio(session="new")
studio.upload("live1.jpg", "live2.jpg", "live3.jpg")
studio"""

# The preview is the given length and plays: nobody clicked anything.
_PLAYING = """(seconds) => {
  const v = document.querySelector('.nemo-studio [data-testid=nemo-preview]');
  return Boolean(v) && v.dataset.state === 'ready' && Math.abs(v.duration - seconds) < 0.25
    && !v.paused && v.currentTime > 0;
}"""


def _photos(root: Path) -> None:
    for n in range(3):
        make_photo(root / f"live{n + 1}.jpg", (640, 480), PALETTE[n])


def _send(page, text: str) -> None:
    by_id(page, "nemo-input").fill(text)
    by_id(page, "nemo-send").click()


def _preview(page):
    return page.locator(".nemo-studio [data-testid=nemo-preview]")


def test_a_change_plays_its_preview_in_step_with_the_timeline(jupyter, page):
    _photos(jupyter.root)
    notebook = jupyter.write_notebook("preview.ipynb", PREVIEW_CELL)
    open_and_run(page, jupyter, notebook, "lab")
    by_id(page, "nemo-input").wait_for(timeout=120_000)  # the photos were uploaded before

    _send(page, "turn these images into a 6-second video")
    page.wait_for_function(_PLAYING, arg=6, timeout=120_000)
    # Whether the poster showed first depends on whether the preview was done before the reply
    # finished streaming (usually it is); tests/widget/test_frontend_preview.py checks it.
    first_src = _preview(page).evaluate("v => v.currentSrc")
    assert first_src.startswith("http://127.0.0.1:")  # straight from the local engine
    assert by_id(page, "nemo-video").count() == 0  # no export yet: the preview is no export

    # The playhead follows the playing preview on the timeline.
    page.wait_for_function(
        """() => { const p = document.querySelector('.nemo-studio [data-testid=nemo-playhead]');
                   return p && !p.hidden && Number(p.dataset.t) > 0.3; }""",
        timeout=30_000,
    )
    # A click on the last photo's clip seeks the preview to it.
    last = by_id(page, "nemo-segment").and_(page.locator("[data-kind=video]")).last
    start = float(last.get_attribute("data-start"))
    assert start > 1
    last.click()
    at = _preview(page).evaluate("v => v.currentTime")
    assert at == pytest.approx(start, abs=0.35)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    studio(page).screenshot(path=str(SCREENSHOTS / "studio-preview.png"))

    # The next change: its preview replaces the first one and plays by itself too.
    _send(page, "make it 9 seconds")
    page.wait_for_function(_PLAYING, arg=9, timeout=120_000)
    assert _preview(page).evaluate("v => v.currentSrc") != first_src
    assert _preview(page).count() == 1


def test_export_after_a_pause_is_the_video_the_engine_already_made(jupyter, page):
    _photos(jupyter.root)
    notebook = jupyter.write_notebook("speculative.ipynb", PREVIEW_CELL)
    open_and_run(page, jupyter, notebook, "lab")
    by_id(page, "nemo-input").wait_for(timeout=120_000)  # the photos were uploaded before
    since = time.time()
    _send(page, "turn these images into a 4-second video")
    page.wait_for_function(_PLAYING, arg=4, timeout=120_000)

    # The person pauses; the engine makes the full export by itself meanwhile.
    deadline = time.monotonic() + 180
    while not any(
        r["kind"] == "speculative" and r["status"] == "completed"
        for r in jupyter.engine_renders(since)
    ):
        assert time.monotonic() < deadline, jupyter.engine_renders(since)
        time.sleep(0.25)

    clicked = time.time()
    by_id(page, "nemo-export").click()
    page.wait_for_function(
        """() => { const v = document.querySelector('.nemo-studio [data-testid=nemo-video]');
                   return v && v.readyState >= 1 && Math.abs(v.duration - 4) < 0.25; }""",
        timeout=60_000,
    )
    assert by_id(page, "nemo-download").get_attribute("download").endswith(".mp4")
    renders = jupyter.engine_renders(since)
    [speculative] = [r for r in renders if r["kind"] == "speculative"]
    [export] = [r for r in renders if r["kind"] == "export" and r["created_at"] >= clicked]
    # The export is the speculative render's video: same draft and media, finished the moment
    # it was asked for, and no engine ever picked it up to render.
    assert export["status"] == "completed"
    assert export["cache_key"] == speculative["cache_key"]
    assert export["owner"] is None
    assert (
        export["completed_at"] is not None and speculative["completed_at"] <= export["created_at"]
    )

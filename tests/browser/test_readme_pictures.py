"""The README's pictures (issue 14, item 8), made by a browser test: a whole conversation in
JupyterLab recorded through chromium's screencast (the DevTools protocol's JPEG frames; PyAV
turns them into a small H.264 MP4; Playwright's own ``record_video_dir`` needs an ffmpeg build
it downloads, which this offline machine cannot), and screenshots of the studio in the light and
dark themes.

They are always written to build/screenshots; with ``UPDATE_DOC_IMAGES=1`` also to
docs/images, which is how the committed pictures were made::

    UPDATE_DOC_IMAGES=1 pytest tests/browser/test_readme_pictures.py
"""

from __future__ import annotations

import base64
import io
import os
import shutil
from fractions import Fraction
from pathlib import Path

import av
import pytest
from PIL import Image

from tests.browser.notebook import open_and_run
from tests.browser.test_studio_browser import SCREENSHOTS, STUDIO_CELL, by_id, studio
from tests.media_factory import PALETTE, make_photo

pytestmark = pytest.mark.browser

DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
PROMPT = "turn these images into a 12-second video with smooth transitions"
MAX_RECORDING_BYTES = 2_000_000


class Screencast:
    """Chromium's screencast of a page: JPEG frames with their times (seconds)."""

    def __init__(self, context, page, width: int):
        self.frames: list[tuple[float, bytes]] = []
        self._cdp = context.new_cdp_session(page)
        self._cdp.on("Page.screencastFrame", self._frame)
        self._cdp.send("Page.startScreencast", {"format": "jpeg", "quality": 70, "maxWidth": width})

    def _frame(self, event: dict) -> None:
        self.frames.append((event["metadata"]["timestamp"], base64.b64decode(event["data"])))
        self._cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})

    def stop(self) -> None:
        self._cdp.send("Page.stopScreencast")


def frames_to_mp4(frames: list[tuple[float, bytes]], dest: Path, fps: int = 10) -> None:
    """The frames as an H.264 MP4 at ``fps``: each frame held until the next one came."""
    first = Image.open(io.BytesIO(frames[0][1]))
    width, height = first.width // 2 * 2, first.height // 2 * 2
    with av.open(str(dest), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "30", "preset": "veryfast", "tune": "stillimage"}
        start, end = frames[0][0], frames[-1][0] + 1.0
        index, shown = 0, 0
        while start + index / fps <= end:
            t = start + index / fps
            while shown + 1 < len(frames) and frames[shown + 1][0] <= t:
                shown += 1
            picture = Image.open(io.BytesIO(frames[shown][1])).convert("RGB")
            frame = av.VideoFrame.from_image(picture.crop((0, 0, width, height)))
            frame = frame.reformat(format="yuv420p")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            out.mux(stream.encode(frame))
            index += 1
        out.mux(stream.encode(None))


def keep(path: Path) -> None:
    if os.environ.get("UPDATE_DOC_IMAGES") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOC_IMAGES / path.name)


def test_a_whole_conversation_for_the_readme(chromium, jupyter, tmp_path):
    photos = [make_photo(tmp_path / f"beach{n + 1}.jpg", (640, 480), PALETTE[n]) for n in range(3)]
    notebook = jupyter.write_notebook("readme.ipynb", STUDIO_CELL)
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        open_and_run(page, jupyter, notebook, "lab")
        by_id(page, "nemo-input").wait_for(timeout=90_000)
        page.evaluate("window.jupyterapp.commands.execute('application:toggle-left-area')")
        page.wait_for_timeout(500)
        studio(page).scroll_into_view_if_needed()
        cast = Screencast(context, page, width=960)
        page.wait_for_timeout(800)
        by_id(page, "nemo-file-input").set_input_files([str(p) for p in photos])
        page.wait_for_function(
            """() => [...document.querySelectorAll('.nemo-studio [data-testid=nemo-attachment]')]
                     .filter(a => a.dataset.state === 'done').length === 3""",
            timeout=60_000,
        )
        by_id(page, "nemo-input").click()
        page.keyboard.type(PROMPT, delay=25)
        page.keyboard.press("Enter")
        page.wait_for_function(
            """() => document.querySelectorAll(
                     '.nemo-studio [data-testid=nemo-segment][data-kind=video]').length === 3""",
            timeout=60_000,
        )
        by_id(page, "nemo-stop").wait_for(state="detached", timeout=60_000)
        by_id(page, "nemo-export").click()
        page.wait_for_function(
            """() => { const v = document.querySelector('.nemo-studio [data-testid=nemo-video]');
                       return v && v.readyState >= 2; }""",
            timeout=120_000,
        )
        by_id(page, "nemo-segment").nth(1).click()
        page.wait_for_timeout(1_500)
        cast.stop()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        light = SCREENSHOTS / "nemostudio.png"
        studio(page).screenshot(path=str(light))
        page.evaluate(
            "window.jupyterapp.commands.execute('apputils:change-theme',"
            " {theme: 'JupyterLab Dark'})"
        )
        page.wait_for_function(
            "() => document.body.dataset.jpThemeName === 'JupyterLab Dark'", timeout=30_000
        )
        page.wait_for_timeout(800)
        dark = SCREENSHOTS / "nemostudio-dark.png"
        studio(page).screenshot(path=str(dark))
        page.evaluate(
            "window.jupyterapp.commands.execute('apputils:change-theme',"
            " {theme: 'JupyterLab Light'})"
        )
        page.wait_for_timeout(500)
    finally:
        context.close()
        jupyter.shutdown_kernels()
    recording = SCREENSHOTS / "nemostudio-conversation.mp4"
    assert len(cast.frames) > 20, len(cast.frames)
    frames_to_mp4(cast.frames, recording)
    size = recording.stat().st_size
    assert 10_000 < size < MAX_RECORDING_BYTES, size
    with av.open(str(recording)) as check:
        assert check.streams.video[0].frames > 50  # a conversation, not a still
    for path in (light, dark, recording):
        keep(path)

"""The newcomer's path in a real browser: NemoStudio in JupyterLab 4 and Notebook 7.

Drop 3 photos (one of 25 MB) on the widget, type one sentence, watch the reply stream and the
timeline fill, export, and play the MP4 in the cell. Screenshots are kept in build/screenshots.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.browser.notebook import open_and_run
from tests.media_factory import PALETTE, make_photo

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PROMPT = "turn these images into a 15-second video with smooth transitions"
STUDIO_CELL = "from nemo_widgets import NemoStudio\n\nstudio = NemoStudio()\nstudio"

# Watches the chat from inside the page: when the first streamed character showed, and whether
# the turn was still running then (the message still marked as streaming, the stop button up).
_WATCH_STREAM = """() => {
  window.nemoWatch = { firstText: null, streamingAtFirstText: false, stopSeen: false };
  const root = document.querySelector('.nemo-studio');
  const look = () => {
    const w = window.nemoWatch;
    if (root.querySelector('[data-testid=nemo-stop]')) w.stopSeen = true;
    if (w.firstText !== null) return;
    const bubble = root.querySelector('[data-testid=nemo-message][data-role=assistant]');
    if (bubble && bubble.textContent.trim()) {
      w.firstText = performance.now();
      w.streamingAtFirstText = bubble.getAttribute('data-streaming') === 'true'
        && Boolean(root.querySelector('[data-testid=nemo-stop]'));
    }
  };
  new MutationObserver(look).observe(root, {subtree: true, childList: true, characterData: true,
                                            attributes: true});
}"""


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two small JPEGs and one 25 MB PNG (stored uncompressed, so big in bytes, easy to encode)."""
    folder = tmp_path_factory.mktemp("photos")
    small = [make_photo(folder / f"photo{n + 1}.jpg", (640, 480), PALETTE[n]) for n in range(2)]
    ramp = np.linspace(0, 255, 3000, dtype=np.uint8)
    pixels = np.zeros((2800, 3000, 3), dtype=np.uint8)
    pixels[..., 0] = ramp
    pixels[..., 2] = ramp[::-1]
    big = folder / "photo3.png"
    Image.fromarray(pixels).save(big, compress_level=0)
    assert big.stat().st_size > 25_000_000
    return [*small, big]


def studio(page):
    return page.locator(".nemo-studio:visible")


def by_id(page, test_id: str):
    return studio(page).locator(f"[data-testid={test_id}]")


@pytest.mark.parametrize("ui", ["lab", "notebook"])
def test_photos_to_video_in_the_cell(jupyter, page, photos, ui):
    notebook = jupyter.write_notebook(f"quick-{ui}.ipynb", STUDIO_CELL)
    if ui == "notebook":
        # The browser cannot fetch the MP4 from the engine here: the widget must stream it
        # through the kernel into a Blob URL instead.
        page.route("**/outputs/**", lambda route: route.abort())
        page.route("**/api/render/**", lambda route: route.abort())
    open_and_run(page, jupyter, notebook, ui)
    by_id(page, "nemo-input").wait_for(timeout=90_000)
    assert "Local engine" in by_id(page, "nemo-backend").inner_text()

    by_id(page, "nemo-file-input").set_input_files([str(path) for path in photos])
    attachments = by_id(page, "nemo-attachment")
    page.wait_for_function(
        """() => {
          const all = document.querySelectorAll('.nemo-studio [data-testid=nemo-attachment]');
          return all.length === 3 && [...all].every(a => a.dataset.state === 'done');
        }""",
        timeout=120_000,
    )
    assert attachments.count() == 3

    page.evaluate(_WATCH_STREAM)
    by_id(page, "nemo-input").fill(PROMPT)
    by_id(page, "nemo-send").click()
    page.wait_for_function(
        """() => document.querySelectorAll(
                 '.nemo-studio [data-testid=nemo-segment][data-kind=video]').length === 3""",
        timeout=60_000,
    )
    by_id(page, "nemo-stop").wait_for(state="detached", timeout=60_000)
    watch = page.evaluate("window.nemoWatch")
    assert watch["firstText"] is not None
    assert watch["streamingAtFirstText"], "the first text appeared only after the turn ended"
    ends = [
        float(bar.get_attribute("data-end"))
        for bar in by_id(page, "nemo-segment").all()
        if bar.get_attribute("data-kind") == "video"
    ]
    assert max(ends) == pytest.approx(15.0, abs=0.05)
    assert by_id(page, "nemo-message").filter(has_text="15").count() >= 1

    by_id(page, "nemo-export").click()
    video = by_id(page, "nemo-video")
    video.wait_for(timeout=120_000)
    page.wait_for_function(
        """() => { const v = document.querySelector('.nemo-studio [data-testid=nemo-video]');
                   return v && v.readyState >= 2; }""",
        timeout=120_000,
    )
    duration = video.evaluate("v => v.duration")
    assert duration == pytest.approx(15.0, abs=0.1)
    source = video.evaluate("v => v.currentSrc")
    if ui == "notebook":
        assert source.startswith("blob:"), source
    else:
        assert source.startswith("http://127.0.0.1:"), source
    assert by_id(page, "nemo-download").get_attribute("download").endswith(".mp4")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    studio(page).screenshot(path=str(SCREENSHOTS / f"studio-{ui}.png"))
    page.screenshot(path=str(SCREENSHOTS / f"page-{ui}.png"))


STOP_CELL = """\
import tempfile

from nemo_widgets import AsyncNemoClient, NemoStudio, start_engine
from nemo_widgets.engine.app import EngineConfig

# An agent that types slowly, so that there is time to press stop.
url = start_engine(tempfile.mkdtemp(), config=EngineConfig(stream_pace=0.4))
studio = NemoStudio(AsyncNemoClient(url))
studio"""


def test_stop_during_a_turn(jupyter, page, photos):
    notebook = jupyter.write_notebook("stop.ipynb", STOP_CELL)
    open_and_run(page, jupyter, notebook, "lab")
    by_id(page, "nemo-input").wait_for(timeout=90_000)
    by_id(page, "nemo-file-input").set_input_files([str(path) for path in photos[:2]])
    page.wait_for_function(
        """() => [...document.querySelectorAll('.nemo-studio [data-testid=nemo-attachment]')]
                 .filter(a => a.dataset.state === 'done').length === 2""",
        timeout=120_000,
    )
    by_id(page, "nemo-input").fill(PROMPT)
    by_id(page, "nemo-send").click()
    reply = by_id(page, "nemo-message").and_(page.locator("[data-role=assistant]")).last
    page.wait_for_function(
        """() => { const b = [...document.querySelectorAll(
                     '.nemo-studio [data-testid=nemo-message][data-role=assistant]')].pop();
                   return b && b.textContent.trim().length > 0; }""",
        timeout=60_000,
    )
    by_id(page, "nemo-stop").click()
    by_id(page, "nemo-stop").wait_for(state="detached", timeout=30_000)
    stopped_text = reply.inner_text()
    page.wait_for_timeout(2_000)  # a turn that kept streaming would have grown by now
    assert reply.inner_text() == stopped_text
    assert reply.get_attribute("data-streaming") != "true"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    studio(page).screenshot(path=str(SCREENSHOTS / "studio-stopped.png"))


# Keys a person presses while typing in the studio that JupyterLab and Notebook 7 bind in a
# notebook: Shift+Enter runs the cell (which replaced the studio with an empty one), and in
# command mode single letters insert (a, b), delete (d d) or change (m, y) cells.
TYPED_WITH_SHORTCUTS = "make a video, add music"


@pytest.mark.parametrize("ui", ["lab", "notebook"])
def test_keys_in_the_message_box_stay_in_the_studio(jupyter, page, ui):
    notebook = jupyter.write_notebook(f"keys-{ui}.ipynb", STUDIO_CELL)
    open_and_run(page, jupyter, notebook, ui)
    box = by_id(page, "nemo-input")
    box.wait_for(timeout=90_000)
    # Marks this studio: a cell run again would replace it with a new one, without the mark.
    page.evaluate("document.querySelector('.nemo-studio').dataset.keysProbe = 'first'")
    cells_before = page.locator(".jp-Cell").count()

    box.click()
    page.keyboard.type("line one")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type(TYPED_WITH_SHORTCUTS)
    page.keyboard.press("Escape")  # leaves edit mode in a notebook, must not leave the box
    page.keyboard.type(" dd")
    page.wait_for_timeout(1_500)  # a re-run cell would have replaced the studio by now

    assert box.input_value() == f"line one\n{TYPED_WITH_SHORTCUTS} dd"
    assert studio(page).get_attribute("data-keys-probe") == "first"
    assert page.locator(".jp-Cell").count() == cells_before

    page.keyboard.press("Enter")  # sends
    sent = by_id(page, "nemo-message").and_(page.locator("[data-role=user]")).last
    sent.wait_for(timeout=30_000)
    assert "line one" in sent.inner_text()
    assert TYPED_WITH_SHORTCUTS in sent.inner_text()
    assert box.input_value() == ""
    assert studio(page).get_attribute("data-keys-probe") == "first"

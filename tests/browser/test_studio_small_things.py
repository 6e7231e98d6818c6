"""The small things (issue 14, item 7) in JupyterLab: finished steps say done, Copy shows only on
hover or focus, the resize grip is labelled and works from the keyboard, photos uploaded from
Python show thumbnails (also after a page reload), and an error is said once."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.browser.notebook import open_and_run
from tests.browser.test_studio_browser import by_id, studio
from tests.media_factory import PALETTE, make_photo

pytestmark = pytest.mark.browser

CELL = """\
from nemo_widgets import NemoStudio

studio = NemoStudio()
studio.upload("small1.jpg", "small2.png")
studio.send_sync("turn these images into a 4-second video")
studio"""

_THUMBS = """() => {
  const chips = [...document.querySelectorAll('.nemo-studio [data-testid=nemo-attachment]')];
  return chips.length === 2 && chips.every(
    c => (c.querySelector('img.nemo-chip-thumb') || {}).src?.startsWith('data:image/jpeg'));
}"""


def test_the_small_things(jupyter, page):
    make_photo(jupyter.root / "small1.jpg", (320, 240), PALETTE[0])
    Image.new("RGBA", (320, 240), (255, 255, 255, 128)).save(jupyter.root / "small2.png")
    notebook = jupyter.write_notebook("small.ipynb", CELL)
    open_and_run(page, jupyter, notebook, "lab")
    reply = by_id(page, "nemo-message").and_(page.locator("[data-role=assistant]")).first
    reply.wait_for(timeout=120_000)

    # Photos uploaded from Python have thumbnails.
    page.wait_for_function(_THUMBS, timeout=30_000)

    # The finished turn's steps say done.
    steps = by_id(page, "nemo-status").all_inner_texts()
    assert steps and not any(s.strip().endswith("…") for s in steps), steps

    # Copy only on hover or focus.
    tools = reply.locator(".nemo-bubble-tools")
    page.mouse.move(0, 0)
    assert tools.evaluate("t => getComputedStyle(t).opacity") == "0"
    reply.hover()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.nemo-studio .nemo-bubble-tools')]
                 .some(t => getComputedStyle(t).opacity === '1')""",
        timeout=5_000,
    )

    # A labelled grip that resizes the conversation, from the keyboard too.
    grip = by_id(page, "nemo-resize")
    assert "Resize" in grip.get_attribute("aria-label")
    log = studio(page).locator(".nemo-log")
    before = log.evaluate("l => l.clientHeight")
    grip.focus()
    page.keyboard.press("ArrowDown")
    assert log.evaluate("l => l.clientHeight") == before + 40

    # After a page reload the chips still show the kernel's thumbnails.
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(1_000)
    page.reload()
    page.wait_for_function(_THUMBS, timeout=90_000)

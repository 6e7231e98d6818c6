"""The README's main path in a real browser: notebooks/quickstart.ipynb, Run All, in JupyterLab.

What `nemo-widgets studio notebooks/quickstart.ipynb` opens, run as a newcomer runs it: the
studio shows the conversation and the timeline, and both the studio and the VideoPlayer under
it end up playing the 15-second video.
"""

from __future__ import annotations

import shutil

import pytest

from tests.browser.notebook import open_and_run
from tests.browser.test_studio_browser import SCREENSHOTS
from tests.notebooks.runner import NOTEBOOKS

pytestmark = pytest.mark.browser

_PLAYING = """selector => { const v = document.querySelector(selector);
                            return v && v.readyState >= 2; }"""


def test_run_all_in_jupyterlab_plays_the_video_in_the_studio_and_the_player(jupyter, page):
    shutil.copy(NOTEBOOKS / "quickstart.ipynb", jupyter.root / "quickstart.ipynb")
    open_and_run(page, jupyter, "quickstart.ipynb", "lab")

    studio = page.locator(".nemo-studio:visible")
    studio.wait_for(timeout=90_000)
    assert "Local engine" in studio.locator("[data-testid=nemo-backend]").inner_text()
    for selector in (".nemo-studio [data-testid=nemo-video]", "[data-testid=nemo-player-video]"):
        page.wait_for_function(_PLAYING, arg=selector, timeout=180_000)
        duration = page.locator(selector).evaluate("v => v.duration")
        assert duration == pytest.approx(15.0, abs=0.1)
    replies = studio.locator("[data-testid=nemo-message][data-role=assistant]")
    assert replies.filter(has_text="Made a 15 s").count() == 1
    assert replies.filter(has_text="song.wav").count() >= 1

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "quickstart-lab.png"), full_page=True)

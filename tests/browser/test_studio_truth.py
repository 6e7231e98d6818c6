"""One truth on screen (issue 14, item 3): a video made of an older draft is marked out of date.

The cell uploads two photos, makes a video and exports it from Python; the person then changes the
draft in the chat: the shown video gets ``data-stale="true"`` and an "Export again" action, until
the new export replaces it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.notebook import open_and_run
from tests.browser.test_studio_browser import SCREENSHOTS, by_id, studio
from tests.media_factory import PALETTE, make_photo

pytestmark = pytest.mark.browser

EXPORTED_CELL = """\
from nemo_widgets import NemoStudio

studio = NemoStudio()
studio.upload("truth1.jpg", "truth2.jpg")
studio.send_sync("turn these images into a 4-second video")
studio.export()
studio"""

_VIDEO_READY = """() => { const v = document.querySelector('.nemo-studio [data-testid=nemo-video]');
                         return v && v.readyState >= 1 && Math.abs(v.duration - %s) < 0.1; }"""


def test_a_changed_draft_marks_the_video_out_of_date_until_exported_again(jupyter, page):
    for n in range(2):
        make_photo(jupyter.root / f"truth{n + 1}.jpg", (320, 240), PALETTE[n])
    notebook = jupyter.write_notebook("truth.ipynb", EXPORTED_CELL)
    open_and_run(page, jupyter, notebook, "lab")
    video = by_id(page, "nemo-video")
    video.wait_for(timeout=120_000)
    page.wait_for_function(_VIDEO_READY % 4, timeout=60_000)
    assert video.get_attribute("data-stale") is None
    assert by_id(page, "nemo-export-again").is_hidden()

    by_id(page, "nemo-input").fill("make it 6 seconds")
    by_id(page, "nemo-send").click()
    page.wait_for_function(
        """() => document.querySelector('.nemo-studio [data-testid=nemo-video]')
                 ?.dataset.stale === 'true'""",
        timeout=60_000,
    )
    again = by_id(page, "nemo-export-again")
    assert again.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    studio(page).screenshot(path=str(SCREENSHOTS / "studio-stale.png"))

    again.click()
    page.wait_for_function(_VIDEO_READY % 6, timeout=120_000)
    assert by_id(page, "nemo-video").get_attribute("data-stale") is None
    assert again.is_hidden()

    # Exported again with nothing changed: the same video stays, said once (issue 14 item 7).
    ready = by_id(page, "nemo-message").filter(has_text="is ready")
    readies = ready.count()
    name = by_id(page, "nemo-download").get_attribute("download")
    by_id(page, "nemo-export").click()
    by_id(page, "nemo-message").filter(has_text="Nothing changed").wait_for(timeout=60_000)
    assert ready.count() == readies
    assert by_id(page, "nemo-download").get_attribute("download") == name


def test_the_download_keeps_the_links_name_and_opens_no_tab(jupyter, page):
    for n in range(2):
        make_photo(jupyter.root / f"truth{n + 1}.jpg", (320, 240), PALETTE[n])
    notebook = jupyter.write_notebook("download.ipynb", EXPORTED_CELL)
    open_and_run(page, jupyter, notebook, "lab")
    page.wait_for_function(_VIDEO_READY % 4, timeout=120_000)
    link = by_id(page, "nemo-download")
    assert link.get_attribute("href").startswith("http://127.0.0.1:")  # the engine's address
    name = link.get_attribute("download")
    pages = len(page.context.pages)
    with page.expect_download(timeout=60_000) as info:
        link.click()
    download = info.value
    assert download.suggested_filename == name
    assert len(page.context.pages) == pages  # no blank tab
    assert Path(download.path()).read_bytes()[4:8] == b"ftyp"  # the MP4 itself

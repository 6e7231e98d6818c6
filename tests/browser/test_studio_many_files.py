"""Many files (issue 14, item 5) in JupyterLab: 25 photos and a duplicate dropped at once give one
"Added 25 photos" line, a compact collapsible strip with clear all, the duplicate refused with a
note; the timeline's ruler labels never overlap, it zooms and scrolls, and a click on a clip
selects it and seeks the video."""

from __future__ import annotations

import shutil

import pytest

from tests.browser.notebook import open_and_run
from tests.browser.test_studio_browser import SCREENSHOTS, STUDIO_CELL, by_id, studio
from tests.media_factory import PALETTE, make_photo

pytestmark = pytest.mark.browser

_SETTLED = """() => {
  const all = [...document.querySelectorAll('.nemo-studio [data-testid=nemo-attachment]')];
  return all.length === 26 && all.every(a => a.dataset.state !== 'uploading');
}"""

_LABELS_APART = """() => {
  const boxes = [...document.querySelectorAll('.nemo-studio .nemo-tick-label')]
    .map(l => l.getBoundingClientRect());
  return boxes.length >= 2 && boxes.every((b, i) => i === 0 || boxes[i - 1].right <= b.left);
}"""


def test_twenty_five_photos_at_once(jupyter, page, tmp_path):
    photos = [
        make_photo(tmp_path / f"many{n:02d}.jpg", (120 + n, 90), PALETTE[n % len(PALETTE)])
        for n in range(25)
    ]
    duplicate = tmp_path / "again.jpg"
    shutil.copy(photos[3], duplicate)
    notebook = jupyter.write_notebook("many.ipynb", STUDIO_CELL)
    open_and_run(page, jupyter, notebook, "lab")
    by_id(page, "nemo-input").wait_for(timeout=90_000)
    by_id(page, "nemo-file-input").set_input_files([str(p) for p in [*photos, duplicate]])
    page.wait_for_function(_SETTLED, timeout=120_000)

    refused = by_id(page, "nemo-attachment").and_(page.locator("[data-state=error]"))
    assert refused.count() == 1 and "already added" in refused.inner_text()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.nemo-studio [data-testid=nemo-status]')]
                 .some(s => s.textContent.includes('Added 25 photos'))""",
        timeout=30_000,
    )
    added = [t for t in by_id(page, "nemo-status").all_inner_texts() if "Added" in t]
    assert len(added) == 1, added
    # A compact strip: one row until opened, the message box still in view.
    strip = studio(page).locator(".nemo-chips")
    assert strip.bounding_box()["height"] < 60
    assert by_id(page, "nemo-input").is_visible()
    by_id(page, "nemo-attachments-toggle").click()
    assert strip.bounding_box()["height"] > 60

    by_id(page, "nemo-input").fill("turn these images into a 25-second video")
    by_id(page, "nemo-send").click()
    page.wait_for_function(
        """() => document.querySelectorAll(
                 '.nemo-studio [data-testid=nemo-segment][data-kind=video]').length === 25""",
        timeout=90_000,
    )
    by_id(page, "nemo-stop").wait_for(state="detached", timeout=60_000)
    assert page.evaluate(_LABELS_APART), "ruler labels overlap"
    names = by_id(page, "nemo-segment").first.get_attribute("title")
    assert names and "s" in names  # the clip's name and times on hover

    timeline = by_id(page, "nemo-timeline")
    by_id(page, "nemo-zoom-in").click()
    by_id(page, "nemo-zoom-in").click()
    assert timeline.evaluate("t => t.scrollWidth > t.clientWidth * 3")
    assert page.evaluate(_LABELS_APART), "ruler labels overlap when zoomed in"
    by_id(page, "nemo-zoom-out").click()
    by_id(page, "nemo-zoom-out").click()

    by_id(page, "nemo-export").click()
    page.wait_for_function(
        """() => { const v = document.querySelector('.nemo-studio [data-testid=nemo-video]');
                   return v && v.readyState >= 1; }""",
        timeout=180_000,
    )
    clip = by_id(page, "nemo-segment").and_(page.locator("[data-kind=video]")).nth(9)
    clip.click()
    assert "nemo-selected" in clip.get_attribute("class")
    start = float(clip.get_attribute("data-start"))
    page.wait_for_function(
        f"""() => Math.abs(document.querySelector('.nemo-studio [data-testid=nemo-video]')
                  .currentTime - {start}) < 0.1""",
        timeout=10_000,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    studio(page).screenshot(path=str(SCREENSHOTS / "studio-many-files.png"))

    by_id(page, "nemo-clear-attachments").click()
    page.wait_for_function(
        "() => !document.querySelector('.nemo-studio [data-testid=nemo-attachment]')",
        timeout=30_000,
    )

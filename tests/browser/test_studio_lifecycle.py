"""Lifecycle (issue 14, item 2) in JupyterLab and Notebook 7: running the cell again resumes the
notebook's last session (conversation, attachments with thumbnails, timeline), also after a
kernel restart; the old view of a restarted kernel says so in a banner, disables its controls
and keeps the typed text."""

from __future__ import annotations

import pytest

from tests.browser.notebook import open_and_run
from tests.browser.test_studio_browser import SCREENSHOTS, STUDIO_CELL, by_id, studio
from tests.media_factory import PALETTE, make_photo

pytestmark = pytest.mark.browser

PROMPT = "turn these images into a 6-second video"
_TWO_CLIPS = """() => document.querySelectorAll(
    '.nemo-studio [data-testid=nemo-segment][data-kind=video]').length === 2"""
_RESTART = "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()"


def resumed(page) -> None:
    """The view shows the earlier session: its messages, attachments, thumbnails, timeline."""
    page.wait_for_function(_TWO_CLIPS, timeout=90_000)
    user = by_id(page, "nemo-message").and_(page.locator("[data-role=user]"))
    assert user.first.inner_text().strip() == PROMPT
    assert by_id(page, "nemo-attachment").count() == 2
    page.wait_for_function(
        """() => [...document.querySelectorAll('.nemo-studio [data-testid=nemo-segment] img')]
                 .filter(img => img.src.startsWith('data:image/jpeg')).length === 2""",
        timeout=30_000,
    )


@pytest.mark.parametrize("ui", ["lab", "notebook"])
def test_the_cell_run_again_resumes_and_a_restart_is_said(jupyter, page, tmp_path, ui):
    photos = [make_photo(tmp_path / f"life{n + 1}.jpg", (320, 240), PALETTE[n]) for n in range(2)]
    notebook = jupyter.write_notebook(f"lifecycle-{ui}.ipynb", STUDIO_CELL)
    open_and_run(page, jupyter, notebook, ui)
    by_id(page, "nemo-input").wait_for(timeout=90_000)
    by_id(page, "nemo-file-input").set_input_files([str(path) for path in photos])
    page.wait_for_function(
        """() => [...document.querySelectorAll('.nemo-studio [data-testid=nemo-attachment]')]
                 .filter(a => a.dataset.state === 'done').length === 2""",
        timeout=60_000,
    )
    by_id(page, "nemo-input").fill(PROMPT)
    by_id(page, "nemo-send").click()
    page.wait_for_function(_TWO_CLIPS, timeout=90_000)
    by_id(page, "nemo-stop").wait_for(state="detached", timeout=60_000)

    # The cell again: a new studio, the same session.
    page.evaluate("document.querySelector('.nemo-studio').dataset.probe = 'old'")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        "() => { const s = document.querySelector('.nemo-studio');"
        " return s && s.dataset.probe !== 'old'; }",
        timeout=60_000,
    )
    resumed(page)

    # A kernel restart: the old view says so, its controls are off, the typed text stays.
    box = by_id(page, "nemo-input")
    box.fill("a sentence I was typing")
    page.evaluate(_RESTART)
    banner = by_id(page, "nemo-banner")
    banner.wait_for(state="visible", timeout=60_000)
    assert "kernel" in banner.inner_text().lower()
    assert box.is_disabled()
    assert by_id(page, "nemo-send").is_disabled()
    assert box.input_value() == "a sentence I was typing"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    studio(page).screenshot(path=str(SCREENSHOTS / f"studio-kernel-restarted-{ui}.png"))

    # The new kernel resumes the same session from the record and the engine.
    page.wait_for_function(
        """() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
                   return k.connectionStatus === 'connected' && k.status === 'idle'; }""",
        timeout=90_000,
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    by_id(page, "nemo-banner").wait_for(state="hidden", timeout=60_000)
    resumed(page)

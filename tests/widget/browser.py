"""How the browser tests start chromium: Debian's build, driven by Python Playwright.

Playwright's own browser download cannot work on these machines (no internet), so every test
launches `/usr/bin/chromium` (installed by `scripts/browser-deps`) with the flags that keep it
from reaching out to Google's services, which the closed network refuses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parents[2] / "nemo_widgets" / "widget" / "static"
FRONTEND = Path(__file__).resolve().parent / "frontend"  # the harness pages

CHROMIUM = os.environ.get("NEMO_CHROMIUM", "/usr/bin/chromium")

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def launch_kwargs(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for `playwright.chromium.launch()` (headless unless overridden)."""
    kwargs: dict[str, Any] = {"executable_path": CHROMIUM, "args": list(CHROMIUM_ARGS)}
    kwargs.update(overrides)
    return kwargs


@contextmanager
def harness_page(browser: Any, server: str, harness: str, width: int, height: int) -> Iterator[Any]:
    """A new page on ``frontend/<harness>``, ready; fails the test if the page threw."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/frontend/{harness}")
    page.wait_for_function("window.nemoReady === true")
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"

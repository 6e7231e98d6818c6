"""How the browser tests start chromium: Debian's build, driven by Python Playwright.

Playwright's own browser download cannot work on these machines (no internet), so every test
launches `/usr/bin/chromium` (installed by `scripts/browser-deps`) with the flags that keep it
from reaching out to Google's services, which the closed network refuses.
"""

from __future__ import annotations

import os
from typing import Any

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

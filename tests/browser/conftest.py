"""JupyterLab 4 and Notebook 7 on 127.0.0.1, driven by Playwright in Debian's chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.jupyter import JupyterServer
from tests.widget.browser import CHROMIUM, launch_kwargs


@pytest.fixture(scope="session")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    base = tmp_path_factory.mktemp("jupyter")
    env = {
        "NEMO_DATA_DIR": str(base / "engine-data"),
        "NEMO_CONFIG_DIR": str(base / "nemo-config"),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    server = JupyterServer(base / "notebooks", env).start()
    yield server
    server.stop()


# Module scope, not session: Playwright's sync API keeps an event loop running in this thread
# while it is open, and every async test after it would then fail to start its own.
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: scripts/test installs it (scripts/browser-deps)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_kwargs())
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, jupyter: JupyterServer) -> Iterator[object]:
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    yield page
    context.close()
    jupyter.shutdown_kernels()

"""What the front-end tests share: the harness pages over HTTP and one chromium per module.

The harness pages (tests/widget/frontend/) load the widgets' ES modules the way anywidget does;
ES modules need http, so the static folder, the harness and a small video are served from
127.0.0.1.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.media_factory import make_video
from tests.widget.browser import FRONTEND, STATIC, launch_kwargs


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    make_video(folder / "clip.mp4", seconds=2.0)
    return folder


@pytest.fixture(scope="module")
def server(media_dir: Path) -> Iterator[str]:
    """The static folder, the harness and the media over http://127.0.0.1 (ES modules need it)."""
    roots = {"/static/": STATIC, "/frontend/": FRONTEND, "/media/": media_dir}

    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            path = unquote(urlsplit(path).path)
            for prefix, root in roots.items():
                if path.startswith(prefix):
                    target = (root / path[len(prefix) :]).resolve()
                    if target.is_relative_to(root.resolve()):
                        return str(target)
            return str(FRONTEND / "not-found")

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_kwargs())
        yield browser
        browser.close()

"""Shared fixtures: a clean environment, fast recovery timings, a real engine, small photos."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from nemo_widgets import AsyncNemoClient
from tests.helpers import FAST
from tests.media_factory import PALETTE, make_photo

if TYPE_CHECKING:
    from nemo_widgets.engine.server import RunningEngine

# Tests talk to servers on 127.0.0.1 only: never through a proxy from the environment.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No NEMO_* setting of the machine leaks into a test; the config folder is private."""
    for name in list(os.environ):
        if name.startswith("NEMO_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NEMO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEMO_DATA_DIR", str(tmp_path / "engine-data"))


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def fast_timings():
    return FAST


# -- a real engine on 127.0.0.1 and small real photos (used by engine, assistant and widget tests)

EngineFactory = Callable[..., "RunningEngine"]


@pytest.fixture
def start_engine(tmp_path: Path) -> Iterator[EngineFactory]:
    """Start engines on free ports (same data folder unless given); all stopped after the test."""
    from nemo_widgets.engine.app import EngineConfig
    from nemo_widgets.engine.server import run_in_thread

    started: list[RunningEngine] = []

    def start(data_dir: Path | None = None, **config: object) -> RunningEngine:
        # Previews and speculative exports (renders the engine starts by itself) only where a
        # test asks for them: the others count render children and order jobs
        # (tests/engine/test_previews.py and test_speculative_export.py cover them).
        config.setdefault("previews", False)
        config.setdefault("speculative_export", False)
        running = run_in_thread(data_dir or tmp_path / "engine", config=EngineConfig(**config))
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def engine(start_engine: EngineFactory) -> RunningEngine:
    return start_engine()


@pytest.fixture
async def nemo(engine: RunningEngine):
    async with AsyncNemoClient(engine.url, timings=FAST) as client:
        yield client


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    """Three small JPEGs in the first three colours of the palette."""
    folder = tmp_path / "photos"
    folder.mkdir()
    return [make_photo(folder / f"photo{n + 1}.jpg", (320, 240), PALETTE[n]) for n in range(3)]

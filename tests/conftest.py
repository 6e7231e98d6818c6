"""Shared fixtures: a clean environment, fast recovery timings, the loopback servers."""

from __future__ import annotations

import os

import pytest

from tests.helpers import FAST

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

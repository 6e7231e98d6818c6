"""The loopback peers: the scriptable fault server (reset for every test) and a real ADK server."""

from __future__ import annotations

import pytest

from nemo_widgets import AsyncNemoClient
from tests.helpers import FAST
from tests.protocol.adk_peer import ADK_AVAILABLE, run_adk_server
from tests.protocol.fault_server import FaultServer


@pytest.fixture(scope="session")
def fault_server_instance():
    with FaultServer() as server:
        yield server


@pytest.fixture
def server(fault_server_instance: FaultServer) -> FaultServer:
    fault_server_instance.reset()
    return fault_server_instance


@pytest.fixture
async def client(server: FaultServer):
    """An anonymous client of the fault server (no token configured)."""
    async with AsyncNemoClient(server.url, timings=FAST) as nemo:
        yield nemo


@pytest.fixture(scope="session")
def adk_server():
    """A real google-adk api_server with the scripted agents of ``adk_peer`` (no model)."""
    if not ADK_AVAILABLE:
        pytest.skip("google-adk (Python >= 3.11) is not installed")
    with run_adk_server(chunk_delay=0.02) as server:
        yield server

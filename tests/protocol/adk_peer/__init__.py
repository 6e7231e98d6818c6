"""A real Google ADK ``api_server`` on 127.0.0.1, serving scripted agents, as a test peer.

NemoVideo's ``POST /run_sse`` is ADK's, so the client is tested against ADK itself
(google-adk 2.13.0, pinned in pyproject.toml) rather than a hand-written imitation.
The apps in ``agents/`` call no model and no network; what they say is in
``scripts.py``. Wire format and pitfalls: /work/shared/research/adk_sse/README.md.

Usage (start the server once per test module; it takes about 2 s)::

    from tests.protocol.adk_peer import ADK_AVAILABLE, AdkServer, run_adk_server, scripts

    if not ADK_AVAILABLE:
        pytest.skip("google-adk needs Python >= 3.11", allow_module_level=True)

    @pytest.fixture(scope="module")
    def adk_server() -> Iterator[AdkServer]:
        with run_adk_server() as server:
            yield server

    def test_x(adk_server: AdkServer) -> None:
        sid = adk_server.create_session()  # app "nemo_agent", user "me"
        ...  # POST f"{adk_server.url}/run_sse", message text "tool" -> scripts.TOOL_TEXT

This module imports on Python 3.10 too (``ADK_AVAILABLE`` is then False); only the
server subprocess and the agents need 3.11+.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from . import scripts

__all__ = [
    "ADK_AVAILABLE",
    "AGENTS_DIR",
    "AdkServer",
    "AdkServerError",
    "run_adk_server",
    "scripts",
]

#: The ADK "agents dir": one sub-folder per app (``nemo_agent``, ``nemo_llm_agent``).
AGENTS_DIR = Path(__file__).resolve().parent / "agents"


def _adk_importable() -> bool:
    # find_spec, not import: importing google.adk costs ~1 s and the server runs in
    # its own process anyway. google-adk 2.x itself requires Python >= 3.11.
    if sys.version_info < (3, 11):
        return False
    try:
        return importlib.util.find_spec("google.adk") is not None
    except ImportError:  # the parent package ``google`` is missing altogether
        return False


#: Whether the ADK peer can run here (google-adk importable, Python >= 3.11).
ADK_AVAILABLE: bool = _adk_importable()

# uvicorn's startup line; with ``--port 0`` it is the only place the real port shows up.
_LISTENING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


class AdkServerError(RuntimeError):
    """The ADK api_server died or did not become ready; the message ends with its log."""


@dataclass
class AdkServer:
    """A running ``adk api_server``; ``url`` is ``http://127.0.0.1:<port>`` (no slash)."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path | None = None  # server stdout+stderr; deleted when the server stops

    def create_session(
        self,
        app: str = scripts.AGENT_APP,
        user: str = "me",
        *,
        session_id: str | None = None,
        state: dict[str, Any] | None = None,
    ) -> str:
        """Creates a session (``POST /apps/{app}/users/{user}/sessions``); returns its id.

        Without ``session_id`` ADK picks a random UUID, so sessions never collide.
        """
        body: dict[str, Any] = {}
        if session_id is not None:
            body["session_id"] = session_id
        if state is not None:
            body["state"] = state
        # trust_env=False: an HTTP(S)_PROXY in the environment must not capture loopback.
        with httpx.Client(base_url=self.url, timeout=10.0, trust_env=False) as client:
            response = client.post(f"/apps/{app}/users/{user}/sessions", json=body)
        response.raise_for_status()
        session_id = response.json()["id"]
        assert isinstance(session_id, str)
        return session_id

    def log_tail(self, max_lines: int = 40) -> str:
        """The last lines of the server's log (for failure messages)."""
        return _tail(self.log_path, max_lines)


@contextlib.contextmanager
def run_adk_server(
    *, chunk_delay: float = scripts.DEFAULT_CHUNK_DELAY, startup_timeout: float = 30.0
) -> Iterator[AdkServer]:
    """Runs ``adk api_server`` on a free loopback port for the duration of the block.

    ``chunk_delay`` is the agents' pause (seconds) before each streamed chunk and tool
    event (env ``PEER_CHUNK_DELAY``). Sessions, artifacts and memory live in memory, so
    nothing is written into the repository. Every app is imported and run once before
    the block starts, so the first test pays no lazy-loading cost. Raises
    ``AdkServerError`` (with the log's tail) if the server exits, is not ready within
    ``startup_timeout`` seconds, or an app fails to load.
    """
    if not ADK_AVAILABLE:
        raise AdkServerError("google-adk is not importable here (it needs Python >= 3.11)")
    with tempfile.TemporaryDirectory(prefix="nemo-adk-peer-") as tmp:
        log_path = Path(tmp) / "adk_api_server.log"
        # Launched through the running interpreter, so the server uses the same venv as
        # the tests (``python -m google.adk.cli`` is what the ``adk`` script calls).
        command = [
            sys.executable,
            "-m",
            "google.adk.cli",
            "api_server",
            "--no-reload",  # one process, so process.pid is the server itself
            "--host",
            "127.0.0.1",
            "--port",
            "0",  # the OS picks a free port: no bind-then-close race; parsed from the log
            "--session_service_uri",
            "memory://",
            "--artifact_service_uri",
            "memory://",
            "--memory_service_uri",
            "memory://",
            str(AGENTS_DIR),
        ]
        env = {
            **os.environ,
            scripts.CHUNK_DELAY_ENV: repr(float(chunk_delay)),
            "PYTHONUNBUFFERED": "1",  # the "Uvicorn running on" line must reach the log now
            "PYTHONDONTWRITEBYTECODE": "1",  # no __pycache__ in the agents dir of the repo
            "ADK_DISABLE_LOAD_DOTENV": "1",  # ADK would read any .env from here up to /
        }
        env.pop("ADK_DEFAULT_APP_NAME", None)  # would change how /run_sse treats app_name
        # A file, not a pipe: nobody reads the log while tests run, and a full pipe
        # would block the server. The child keeps its own copy of the descriptor.
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=tmp,  # anything ADK might write relative to the cwd lands in tmp
                env=env,
            )
        try:
            url = _wait_until_ready(process, log_path, startup_timeout)
            _load_agents(url, log_path)
            yield AdkServer(url=url, process=process, log_path=log_path)
        finally:
            _stop(process)


def _wait_until_ready(process: subprocess.Popen[bytes], log_path: Path, timeout: float) -> str:
    """Returns the server's base URL once ``GET /health`` answers ``{"status": "ok"}``."""
    deadline = time.monotonic() + timeout
    url: str | None = None
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AdkServerError(
                    f"adk api_server exited with code {process.returncode} during startup"
                    f"\n--- log tail ---\n{_tail(log_path)}"
                )
            if url is None and (match := _LISTENING.search(_read(log_path))):
                url = match.group(1)
            if url is not None:
                with contextlib.suppress(httpx.HTTPError, ValueError):  # not up yet
                    response = client.get(f"{url}/health")
                    if response.status_code == 200 and response.json().get("status") == "ok":
                        return url
            time.sleep(0.05)
    raise AdkServerError(
        f"adk api_server not ready after {timeout:g} s (url: {url})"
        f"\n--- log tail ---\n{_tail(log_path)}"
    )


def _load_agents(url: str, log_path: Path) -> None:
    """Loads and warms up every app now, and fails loudly if one does not load.

    ADK imports an agent and builds its runner lazily, on the first request for the
    app: ~0.35 s here, which would land on whichever test runs first (and on its
    timeouts). A broken agent would also surface only as a puzzling error mid-test.
    ``/list-apps?detailed=true`` imports them all, leaving out (and logging) any that
    failed; one quick ``/run`` per app (user ``warmup``, not ``me``) builds the runners.
    """
    wanted = sorted(p.name for p in AGENTS_DIR.iterdir() if (p / "agent.py").is_file())
    with httpx.Client(base_url=url, timeout=30.0, trust_env=False) as client:
        response = client.get("/list-apps", params={"detailed": "true"})
        loaded = sorted(app["name"] for app in response.json().get("apps", []))
        if response.status_code != 200 or loaded != wanted:
            raise AdkServerError(
                f"agents did not load: wanted {wanted}, loaded {loaded} (HTTP "
                f"{response.status_code})\n--- log tail ---\n{_tail(log_path)}"
            )
        for app in wanted:
            # "empty" makes nemo_agent yield nothing; ScriptedLlm answers it at once.
            session = client.post(f"/apps/{app}/users/warmup/sessions", json={})
            response = client.post(
                "/run",
                json={
                    "app_name": app,
                    "user_id": "warmup",
                    "session_id": session.json()["id"],
                    "new_message": {"parts": [{"text": scripts.EMPTY}]},
                },
            )
            if response.status_code != 200:
                raise AdkServerError(
                    f"warm-up run of {app} failed: HTTP {response.status_code} "
                    f"{response.text[:200]}\n--- log tail ---\n{_tail(log_path)}"
                )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn shuts down gracefully), SIGKILL after 5 s; always reaps."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


def _read(log_path: Path | None) -> str:
    try:
        return log_path.read_text(encoding="utf-8", errors="replace") if log_path else ""
    except OSError:
        return ""


def _tail(log_path: Path | None, max_lines: int = 40) -> str:
    return "\n".join(_read(log_path).splitlines()[-max_lines:])

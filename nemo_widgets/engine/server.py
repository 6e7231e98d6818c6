"""Running the engine: in the foreground (``nemo-widgets serve``) or in a background thread.

``start_engine()`` is what a client without a token or server URL uses: it binds a free port on
127.0.0.1 first (so the URL is known before the server runs), serves there from a daemon
thread, and returns the URL. One engine per data folder and process is enough, so a second call
returns the running one.
"""

from __future__ import annotations

import atexit
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import uvicorn

from ..paths import default_data_dir
from .app import Engine, EngineConfig, create_app
from .jobs import render_plan
from .store import Store

logger = logging.getLogger("nemo_widgets.engine")

_START_TIMEOUT = 30.0


@dataclass
class RunningEngine:
    url: str
    data_dir: Path
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        _served_urls.discard(self.url)  # its port may serve something else next


_running: dict[tuple[Path, str, int], RunningEngine] = {}
_lock = threading.Lock()
# The URL of every engine this process runs: `nemo_widgets.backend` asks, to name the backend.
_served_urls: set[str] = set()


def served_urls() -> frozenset[str]:
    """The URLs of the engines running in this process's threads."""
    return frozenset(_served_urls)


def start_engine(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    credits: float | None = None,
    config: EngineConfig | None = None,
) -> str:
    """Start the local engine in a background thread (or find it running); return its URL.

    ``port=0`` picks a free port. ``credits`` gives each anonymous user a budget (unlimited when
    None), so that running out of credits can be tried out.
    """
    folder = Path(data_dir).expanduser().resolve() if data_dir else default_data_dir().resolve()
    key = (folder, host, port)
    with _lock:
        running = _running.get(key)
        if running is not None and running.thread.is_alive():
            return running.url
        running = run_in_thread(folder, host, port, _config(config, credits))
        _running[key] = running
        return running.url


def stop_engines() -> None:
    """Stop every engine this process started (also done at exit)."""
    with _lock:
        engines = list(_running.values())
        _running.clear()
    for running in engines:
        running.stop()


atexit.register(stop_engines)


def _config(config: EngineConfig | None, credits: float | None) -> EngineConfig:
    config = config or EngineConfig()
    return replace(config, budget=credits) if credits is not None else config


def run_in_thread(
    folder: Path, host: str = "127.0.0.1", port: int = 0, config: EngineConfig | None = None
) -> RunningEngine:
    """A new engine serving ``folder`` from a daemon thread; ``stop()`` it when done."""
    sock, url, server = _prepare(folder, host, port, config or EngineConfig(), "warning")
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="nemo-engine", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the local engine did not start on {url}; see the log above")
        time.sleep(0.02)
    _served_urls.add(url)
    logger.info("local engine serving %s (data: %s)", url, folder)
    return RunningEngine(url, folder, server, thread)


def serve(
    host: str,
    port: int,
    data_dir: Path | None,
    credits: float | None,
    config: EngineConfig | None = None,
) -> None:
    """Serve in the foreground until interrupted (``nemo-widgets serve``)."""
    folder = (data_dir or default_data_dir()).expanduser().resolve()
    config = _config(config, credits)
    sock, url, server = _prepare(folder, host, port, config, "info")
    print(f"nemo-widgets local engine on {url}")
    print(f"  data:    {folder}")
    print(f"  credits: {'unlimited' if credits is None else f'{credits:g} per user'}")
    print(f"  use it:  NEMO_API_URL={url}")
    if config.allowed_hosts:
        print(f"  hosts:   also answers to {', '.join(config.allowed_hosts)}")
    if config.allow_private_urls:
        print("  note:    URL uploads may fetch from this machine and private networks")
    if host not in ("127.0.0.1", "localhost", "::1"):
        print("  note:    anyone who can reach this address can use the engine and see uploads")
        print("           (it answers only to the Host names above: add others with --allow-host)")
    workers, threads = render_plan(config.render_workers)
    print(f"  renders: {workers} at once, {threads} encoder thread(s) each")
    server.run(sockets=[sock])


def _prepare(
    folder: Path, host: str, port: int, config: EngineConfig, log_level: str
) -> tuple[socket.socket, str, uvicorn.Server]:
    """The listening socket (bound first, so the URL is known), the URL, the server to run."""
    sock = _bind(host, port)
    url = f"http://{_url_host(host)}:{sock.getsockname()[1]}"
    app = create_app(Engine(Store(folder), config), bound_host=host)
    config_ = uvicorn.Config(app, log_level=log_level, lifespan="on", timeout_graceful_shutdown=3)
    return sock, url, uvicorn.Server(config_)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(
            f"cannot listen on {host}:{port} ({exc.strerror}): choose another --port, "
            "or 0 for any free one"
        ) from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host

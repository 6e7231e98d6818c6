"""A real Jupyter server (JupyterLab 4 + Notebook 7) on 127.0.0.1 for the browser tests."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nbformat


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterServer:
    """``jupyter lab`` in a subprocess, with private folders and no token.

    The same server serves JupyterLab (``/lab/tree/x.ipynb``) and Notebook 7
    (``/notebooks/x.ipynb``). Kernels inherit ``env``.
    """

    def __init__(self, root: Path, env: dict[str, str]):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None
        self.log_path = root.parent / "jupyter-server.log"

    def start(self, timeout: float = 120.0) -> JupyterServer:
        self.root.mkdir(parents=True, exist_ok=True)
        private = self.root.parent / "jupyter-home"
        settings = private / "lab-settings"
        _write_json(
            settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings",
            {"fetchNews": "false", "checkForUpdates": False},
        )
        env = {
            **os.environ,
            **self._env,
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(private / "workspaces"),
            "JUPYTER_RUNTIME_DIR": str(private / "runtime"),
        }
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",  # CI runs as root
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.news_url=None",
            # window.jupyterapp lets a test wait for the kernel and run cells like a user.
            "--LabApp.expose_app_in_browser=True",
            "--JupyterNotebookApp.expose_app_in_browser=True",
        ]
        log = self.log_path.open("wb")
        self._process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/status", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"jupyter lab did not start within {timeout:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def shutdown_kernels(self) -> None:
        """Stop every kernel (closing a page leaves its kernel running)."""
        for kernel in httpx.get(f"{self.url}/api/kernels", timeout=10).json():
            httpx.delete(f"{self.url}/api/kernels/{kernel['id']}", timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def engine_renders(self, since: float) -> list[dict[str, object]]:
        """The render jobs the kernels' local engine recorded since ``since`` (epoch seconds),
        oldest first, read from its SQLite store (read-only)."""
        [database] = Path(self._env["NEMO_DATA_DIR"]).rglob("engine.sqlite3")
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT render_id, kind, status, cache_key, owner, created_at, completed_at "
                "FROM renders WHERE created_at >= ? ORDER BY created_at",
                (since,),
            ).fetchall()
        return [dict(row) for row in rows]

    def write_notebook(self, name: str, *cells: str) -> str:
        """A notebook with these code cells, saved under the server's root; its file name."""
        notebook = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(source) for source in cells],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        )
        nbformat.write(notebook, self.root / name)
        return name


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))

"""What the studio keeps of a session on this machine, so that it can be resumed.

The engine holds the draft and the media; the conversation as the person saw it (and the
attachments, their thumbnails and the exported video) lives only in the kernel. So the studio
writes a small JSON record per session under the data folder, ``<data>/studio/<session>.json``,
each time the transcript, the attachments or the video change, and ``<data>/studio/index.json``
remembers the last session per notebook (by its path) and the last one of all. No token, no file
bytes: only what the widget's traits show.

"The last session of this notebook" is found by the notebook's path, which Jupyter gives the
kernel as ``JPY_SESSION_NAME`` (and ``__session__`` in the user namespace, ipykernel 6.20+).
Without a path (a script, an old Jupyter) there is no automatic resume; ``session="last"``
then takes the last session written in this data folder.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger("nemo_widgets.widget")

_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_VERSION = 1


def notebook_path() -> str | None:
    """The path of the notebook this kernel runs, when Jupyter says it; else None."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        name = shell.user_ns.get("__session__") if shell is not None else None
    except Exception:
        name = None
    name = name or os.environ.get("JPY_SESSION_NAME")
    return str(name) if name else None


class SessionRecords:
    """The records of one data folder (thread-safe; writes are atomic replaces)."""

    def __init__(self, data_dir: Path):
        self.folder = Path(data_dir) / "studio"
        self._lock = threading.Lock()

    def _path(self, session_id: str) -> Path | None:
        return self.folder / f"{session_id}.json" if _SAFE_ID.match(session_id) else None

    def load(self, session_id: str) -> dict[str, Any] | None:
        path = self._path(session_id)
        data = _read_json(path) if path else None
        return data if isinstance(data, dict) and data.get("session_id") == session_id else None

    def save(self, record: dict[str, Any], notebook: str | None) -> None:
        """Write ``record`` (it has ``session_id``) and make it the last one (of ``notebook``)."""
        session_id = str(record.get("session_id") or "")
        path = self._path(session_id)
        if path is None:
            return
        record = {**record, "version": _VERSION, "notebook": notebook, "saved_at": time.time()}
        with self._lock:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                _write_json(path, record)
                index = self._index()
                index["last"] = session_id
                if notebook:
                    index.setdefault("by_notebook", {})[notebook] = session_id
                _write_json(self.folder / "index.json", index)
            except OSError as exc:  # a read-only disk must not break the conversation
                logger.info("could not keep the studio's session record: %s", exc)

    def last(self, notebook: str | None, *, any_notebook: bool = False) -> dict[str, Any] | None:
        """The last session of ``notebook``; with ``any_notebook``, else the last of all."""
        index = self._index()
        by_notebook = index.get("by_notebook")
        session_id = (
            by_notebook.get(notebook) if notebook and isinstance(by_notebook, dict) else None
        )
        if session_id is None and any_notebook:
            session_id = index.get("last")
        return self.load(session_id) if isinstance(session_id, str) else None

    def _index(self) -> dict[str, Any]:
        data = _read_json(self.folder / "index.json")
        return data if isinstance(data, dict) else {}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: Any) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temp, path)

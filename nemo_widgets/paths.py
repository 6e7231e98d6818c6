"""Where nemo-widgets keeps things on this machine. A base module: imports nothing of ours."""

from __future__ import annotations

import os
from pathlib import Path


def default_data_dir() -> Path:
    """Where the local engine keeps its data: ``$NEMO_DATA_DIR``, else the platform's user
    data folder (``~/.local/share/nemo-widgets`` on Linux)."""
    configured = os.environ.get("NEMO_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return platformdirs.user_data_path("nemo-widgets", appauthor=False)

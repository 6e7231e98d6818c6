"""Helpers shared by the peer's agents, running inside the ADK server process.

ADK imports every agent folder as a *top-level* package (it puts the agents directory
on ``sys.path``), so ``tests/protocol/adk_peer/scripts.py`` is out of reach of a
relative import. It is loaded from its file path instead, once, under a private name.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

# agents/nemo_agent/_shared.py -> parents[2] is tests/protocol/adk_peer/
_SCRIPTS_PATH = Path(__file__).resolve().parents[2] / "scripts.py"
_MODULE_NAME = "_nemo_adk_peer_scripts"


def _load_scripts() -> ModuleType:
    if (module := sys.modules.get(_MODULE_NAME)) is not None:
        return module
    spec = importlib.util.spec_from_file_location(_MODULE_NAME, _SCRIPTS_PATH)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the peer scripts from {_SCRIPTS_PATH}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE_NAME] = module
    spec.loader.exec_module(module)
    return module


#: ``tests/protocol/adk_peer/scripts.py``: every text, id and keyword the agents use.
scripts = _load_scripts()


def chunk_delay() -> float:
    """Seconds to sleep between two streamed events (env ``PEER_CHUNK_DELAY``)."""
    raw = os.environ.get(scripts.CHUNK_DELAY_ENV, "")
    return float(raw) if raw.strip() else scripts.DEFAULT_CHUNK_DELAY

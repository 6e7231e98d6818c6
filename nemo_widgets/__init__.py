"""nemo-widgets: turn photos into videos by chatting, in a notebook cell."""

import importlib
import logging

from ._version import __version__
from .api import AsyncNemoClient, NemoClient, NemoError
from .config import Timings
from .timeline import Segment, Timeline, Track

# A library logs, the application decides where it goes: without this, Python prints our
# warnings and tracebacks to stderr, which a notebook shows under whatever cell ran last.
logging.getLogger(__name__).addHandler(logging.NullHandler())


# Notebook tools, imported on first use (they pull in the widget or the sample drawing code).
_NOTEBOOK_TOOLS = {
    "Batch": ".batch",
    "MadeVideo": ".make",
    "PromptLab": ".prompt_lab",
    "VideoPlayer": ".widget",
    "make_video": ".make",
    "sample_music": ".samples",
    "sample_photos": ".samples",
}


def __getattr__(name: str) -> object:
    # The engine pulls in the video stack (PyAV, NumPy, Pillow): import it only when asked.
    if name == "start_engine":
        from .engine.server import start_engine

        return start_engine
    # The widget pulls in anywidget and ipywidgets: only for notebook users.
    if name == "NemoStudio":
        from .widget import NemoStudio

        return NemoStudio
    if name in _NOTEBOOK_TOOLS:
        module = importlib.import_module(_NOTEBOOK_TOOLS[name], __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'nemo_widgets' has no attribute {name!r}")


__all__ = [
    "AsyncNemoClient",
    "Batch",
    "MadeVideo",
    "NemoClient",
    "NemoError",
    "NemoStudio",
    "PromptLab",
    "Segment",
    "Timeline",
    "Timings",
    "Track",
    "VideoPlayer",
    "__version__",
    "make_video",
    "sample_music",
    "sample_photos",
    "start_engine",
]

"""nemo-widgets: turn photos into videos by chatting, in a notebook cell."""

import logging

from ._version import __version__
from .api import AsyncNemoClient, NemoClient, NemoError
from .config import Timings
from .timeline import Segment, Timeline, Track

# A library logs, the application decides where it goes: without this, Python prints our
# warnings and tracebacks to stderr, which a notebook shows under whatever cell ran last.
logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> object:
    # The engine pulls in the video stack (PyAV, NumPy, Pillow): import it only when asked.
    if name == "start_engine":
        from .engine.server import start_engine

        return start_engine
    # The widget pulls in anywidget and ipywidgets: only for notebook users.
    if name == "NemoStudio":
        from .widget import NemoStudio

        return NemoStudio
    raise AttributeError(f"module 'nemo_widgets' has no attribute {name!r}")


__all__ = [
    "AsyncNemoClient",
    "NemoClient",
    "NemoError",
    "NemoStudio",
    "Segment",
    "Timeline",
    "Timings",
    "Track",
    "__version__",
    "start_engine",
]

"""nemo-widgets: turn photos into videos by chatting, in a notebook cell."""

from ._version import __version__
from .api import AsyncNemoClient, NemoClient, NemoError
from .config import Timings
from .timeline import Segment, Timeline, Track

__all__ = [
    "AsyncNemoClient",
    "NemoClient",
    "NemoError",
    "Segment",
    "Timeline",
    "Timings",
    "Track",
    "__version__",
]

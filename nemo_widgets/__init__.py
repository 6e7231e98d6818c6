"""nemo-widgets: turn photos into videos by chatting, in a notebook cell.

Every public name is loaded on first use (PEP 562), so that ``import nemo_widgets`` costs
almost nothing and a part (the engine's render child, the CLI) imports only what it needs:
the client pulls in httpx, the engine the video stack, the widget anywidget and ipywidgets.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from ._version import __version__

# A library logs, the application decides where it goes: without this, Python prints our
# warnings and tracebacks to stderr, which a notebook shows under whatever cell ran last.
logging.getLogger(__name__).addHandler(logging.NullHandler())

# Public name -> the module that defines it (relative to this package).
_LAZY = {
    "AsyncNemoClient": ".api",
    "Batch": ".workflows.batch",
    "MadeVideo": ".workflows.make",
    "NemoClient": ".api",
    "NemoError": ".api",
    "NemoStudio": ".widget",
    "PromptLab": ".workflows.prompt_lab",
    "Segment": ".timeline",
    "Timeline": ".timeline",
    "Timings": ".config",
    "Track": ".timeline",
    "VideoPlayer": ".widget",
    "make_video": ".workflows.make",
    "sample_music": ".workflows.samples",
    "sample_photos": ".workflows.samples",
    "start_engine": ".engine.server",
}

__all__ = ["__version__", *sorted(_LAZY)]

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ loads these
    from .api import AsyncNemoClient, NemoClient, NemoError  # noqa: F401
    from .config import Timings  # noqa: F401
    from .engine.server import start_engine  # noqa: F401
    from .timeline import Segment, Timeline, Track  # noqa: F401
    from .widget import NemoStudio, VideoPlayer  # noqa: F401
    from .workflows.batch import Batch  # noqa: F401
    from .workflows.make import MadeVideo, make_video  # noqa: F401
    from .workflows.prompt_lab import PromptLab  # noqa: F401
    from .workflows.samples import sample_music, sample_photos  # noqa: F401


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nemo_widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next lookup does not come here
    return value


def __dir__() -> list[str]:
    # The public names and the package's own attributes, not the helpers imported above.
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})

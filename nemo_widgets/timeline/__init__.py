"""Read a NemoVideo "draft" (the agent's timeline JSON) into plain, immutable objects.

Shared vocabulary (a base module: imports nothing of ours outside this package): the client
summarises the agent's drafts, the widget shows them, the local engine writes them.

| module    | owns                                                                     |
|-----------|--------------------------------------------------------------------------|
| `parse`   | reading raw draft values tolerantly (candidate keys, numbers, media)     |
| `wording` | how tracks and segments are said, in English and Chinese                 |
| `diff`    | what changed between two timelines, as sentences                        |
| `model`   | `Timeline`, `Track`, `Segment`, and building them from a draft           |

Our own engine writes ``st`` (start ms), ``src``, ``kind``, ``vol`` (0-1) and ``text`` on
segments; those are the first candidates of each list. Other writers give a segment a start
and an end (``s``/``e``, ``start``/``end``, ``in``/``out``) instead of a length, and keep its
name, text or URL in its metadata ``m``: both are read.
"""

from .model import Segment, Timeline, Track
from .parse import END_KEYS, SOURCE_KEYS, START_KEYS, TEXT_KEYS, TRACK_KINDS, VOLUME_KEYS
from .wording import KIND_WORDS, Language

__all__ = [
    "END_KEYS",
    "KIND_WORDS",
    "SOURCE_KEYS",
    "START_KEYS",
    "TEXT_KEYS",
    "TRACK_KINDS",
    "VOLUME_KEYS",
    "Language",
    "Segment",
    "Timeline",
    "Track",
]

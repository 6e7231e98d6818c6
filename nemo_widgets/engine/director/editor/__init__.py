"""Applying operations: the :class:`Editor` carries out typed operations on a private copy of
the draft, dispatching each on its type to the handler of its family (one module each)."""

from . import frame, lengths, music, photos, text, transitions  # noqa: F401  (they register)
from .base import HANDLERS, Cannot, Editor, MediaItem, count_en, count_zh, zh_seconds

__all__ = ["HANDLERS", "Cannot", "Editor", "MediaItem", "count_en", "count_zh", "zh_seconds"]

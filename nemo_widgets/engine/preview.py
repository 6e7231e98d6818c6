"""What a preview is: the draft made small and light, so that it renders in a fraction of an export.

After every turn that changes the draft, the engine renders the new draft at most
``PREVIEW_LONG_SIDE`` pixels on its long side and ``PREVIEW_FPS`` frames per second, with the
fastest x264 preset (jobs.PREVIEW_ENCODING), music included. Same length, same cuts, same
titles: only the picture is smaller and coarser.
"""

from __future__ import annotations

from typing import Any

PREVIEW_LONG_SIDE = 480
PREVIEW_FPS = 15
_MIN_SHORT_SIDE = 16  # the renderer's smallest side


def _even(value: float) -> int:
    return max(_MIN_SHORT_SIDE, round(value / 2) * 2)


def preview_draft(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft with its canvas scaled down and its frame rate lowered (never raised)."""
    meta = draft.get("m") if isinstance(draft.get("m"), dict) else {}
    width, height = int(meta.get("width", 1920)), int(meta.get("height", 1080))
    scale = min(1.0, PREVIEW_LONG_SIDE / max(width, height, 1))
    small = {
        **meta,
        "width": _even(width * scale),
        "height": _even(height * scale),
        "fps": min(int(meta.get("fps", 30)), PREVIEW_FPS),
    }
    return {**draft, "m": small}

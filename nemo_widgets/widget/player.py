"""``VideoPlayer``: one MP4 on this machine, played inline in a notebook (an anywidget).

The browser cannot open a file of the kernel's machine, so the player plays ``url`` when one is
given and loads, and otherwise asks the kernel for the file: it arrives in 1 MiB binary
``video_chunk`` messages through the same :class:`~.video.VideoStreamer` and the same message
names as NemoStudio (docs/widget-protocol.md, "Video"), and becomes a Blob URL in the browser.
The file is never base64 and never in one message.

A ``preview`` (a small MP4 of the same video, such as the local engine's 480 px preview) makes
that wait short: while the full file comes from the kernel, the browser plays the preview (its
``preview_url`` first, else its own kernel stream) and switches to the full file once it is whole.
The two files have their own tokens from one sequence (the video 1, the preview 2), so each
request and acknowledgement names one file, as in NemoStudio.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets

from .video import VideoStreamer

logger = logging.getLogger("nemo_widgets.widget")

STATIC = Path(__file__).parent / "static"
# One player shows one video and at most one preview of it: their streams are always these.
_TOKEN = 1
_PREVIEW_TOKEN = 2


class VideoPlayer(anywidget.AnyWidget):
    """Play the MP4 at ``path`` in the notebook.

    ``url`` is where a browser can fetch the same video (a server or a CDN); it is tried first,
    and the file is streamed from the kernel when it does not load within a few seconds.
    ``width`` is pixels (``480``) or a CSS length (``"100%"``); by default the player fills the
    cell's width up to 640 px. A missing file is not an error here: the player says so.

    ``preview`` is a small MP4 of the same video (``preview_url`` where a browser can fetch it).
    When the full video has to come from the kernel (no ``url``, or it did not load), the preview
    plays at once, marked "Preview · full video 40%", and the player switches to the full file
    when it has arrived, at the same moment and still playing (or paused). When ``url`` plays,
    the preview is never fetched. A missing preview file is not an error: the full video is
    streamed as without one.
    """

    _esm = STATIC / "player.js"
    _css = STATIC / "player.css"

    #: ``{"token", "url", "name", "size"}``: the ``video`` trait of the widget protocol.
    video = traitlets.Dict().tag(sync=True)
    #: Why the file cannot be played from the kernel ("" when it is there).
    error = traitlets.Unicode("").tag(sync=True)
    #: A CSS width for the player ("" = the default).
    width = traitlets.Unicode("").tag(sync=True)
    #: ``{"token", "url", "name", "size"}`` of the preview, or ``{}`` when there is none.
    preview = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        url: str | None = None,
        width: int | str | None = None,
        preview: str | os.PathLike[str] | None = None,
        preview_url: str | None = None,
        **kwargs: Any,
    ):
        for name, value in (("url", url), ("preview_url", preview_url)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be a string or None, not {type(value).__name__}")
        if preview_url and preview is None:
            raise ValueError(
                "preview_url needs the preview's file too (preview=...): the player streams it "
                "from the kernel when the browser cannot fetch the URL."
            )
        self._path = Path(path).expanduser().absolute()
        self._url = url or None
        self._preview_path = Path(preview).expanduser().absolute() if preview is not None else None
        size = self._path.stat().st_size if self._path.is_file() else 0
        video = {"token": _TOKEN, "url": self._url, "name": self._path.name, "size": size}
        # The state goes out with the comm's opening message: no first render without it.
        super().__init__(
            video=video,
            error=_missing_message(self._path) or "",
            width=_css_width(width),
            preview=_preview_trait(self._preview_path, preview_url or None),
            **kwargs,
        )
        self._streamer = VideoStreamer(self._send_custom)
        self._preview_streamer = VideoStreamer(self._send_custom)
        self.on_msg(self._on_custom_message)

    @property
    def path(self) -> Path:
        """The video file (an absolute path)."""
        return self._path

    @property
    def url(self) -> str | None:
        return self._url

    @property
    def preview_path(self) -> Path | None:
        """The preview's file (an absolute path), or None when the player has none."""
        return self._preview_path if self.preview else None

    def close(self) -> None:
        """Stop the running streams (their files are closed) and close the widget."""
        for name in ("_streamer", "_preview_streamer"):
            streamer = getattr(self, name, None)
            if streamer is not None:
                streamer.close()
        super().close()

    def __repr__(self) -> str:
        return f"VideoPlayer({str(self._path)!r})"

    # -- messages from the browser (the kernel's comm handler) -----------------------------

    def _on_custom_message(self, _widget: object, content: Any, buffers: list[Any]) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        try:
            if kind == "video_request":
                self._on_video_request(content.get("token"))
            elif kind == "video_ack":
                # Each stream ignores the acks of the other's token.
                self._streamer.ack(content.get("token"), content.get("seq"))
                self._preview_streamer.ack(content.get("token"), content.get("seq"))
            else:
                logger.debug("unknown message from the player: %r", kind)
        except Exception:  # a bug here must not print a traceback under the cell
            logger.debug("handling %r failed", kind, exc_info=True)

    def _on_video_request(self, token: object) -> None:
        if token == _PREVIEW_TOKEN and self.preview:
            # A preview deleted since: the browser drops it and waits for the full video.
            path = self._preview_path
            missing = _missing_message(path) if path is not None else "There is no preview."
            if missing:
                self._video_error(token, missing)
            else:
                self._preview_streamer.start(_PREVIEW_TOKEN, path)
            return
        if token != self.video.get("token"):
            self._video_error(token, "This video was replaced: show the player again.")
            return
        missing = _missing_message(self._path)
        if missing:
            self._video_error(token, missing)
            return
        self._streamer.start(_TOKEN, self._path)

    def _video_error(self, token: object, message: str) -> None:
        self._send_custom({"type": "video_error", "token": token, "message": message})

    def _send_custom(self, content: dict[str, Any], buffers: list[Any] | None = None) -> None:
        ipywidgets.Widget.send(self, content, buffers or None)


def _missing_message(path: Path) -> str | None:
    """Why ``path`` cannot be streamed, in words, or None when it can."""
    if path.is_file():
        return None
    if path.exists():
        return f"{path.name} is not a video file ({path} is a folder): pass the path of an MP4."
    return f"{path.name} is not on this machine (no file at {path}): check the path."


def _preview_trait(path: Path | None, url: str | None) -> dict[str, Any]:
    """The ``preview`` trait: the preview's file when it is there, else ``{}`` (no preview; the
    player streams the full video as without one)."""
    if path is None:
        return {}
    if not path.is_file():
        logger.info("no preview for the player: %s", _missing_message(path))
        return {}
    size = path.stat().st_size
    return {"token": _PREVIEW_TOKEN, "url": url, "name": path.name, "size": size}


def _css_width(width: int | str | None) -> str:
    if width is None:
        return ""
    if isinstance(width, bool) or not isinstance(width, (int, str)):
        raise TypeError(f"width must be pixels (an int) or a CSS length, not {width!r}")
    if isinstance(width, int):
        if width <= 0:
            raise ValueError(f"width must be more than 0 pixels, not {width}")
        return f"{width}px"
    return width.strip()

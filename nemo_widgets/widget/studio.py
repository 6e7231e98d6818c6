"""``NemoStudio``: the chat-and-timeline widget (an anywidget).

The kernel is the source of truth: everything durable is a trait, custom messages carry only
what streams (docs/widget-protocol.md). All network work runs on the runtime's loop thread
(:mod:`nemo_widgets.runtime`); the comm handler only checks, writes upload pieces to disk and
hands work over, so it never blocks the kernel.

Three traits of the contract share their names with the Python API (``messages`` is a copy,
``timeline`` a :class:`Timeline`, ``export()`` a method), so they live in private traits that
:meth:`NemoStudio.get_state` renames on the way out (see ``_SYNCED_AS``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import itertools
import logging
import os
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets
from httpx import URL

from ..api import AsyncNemoClient, NemoClient, NemoError
from ..api.models import Credits
from ..assistant import (
    Assistant,
    BusyChanged,
    ChatItem,
    ChatItemAdded,
    ChatItemUpdated,
    CreditsChanged,
    ExportChanged,
    SessionChanged,
    TextDelta,
    TimelineChanged,
    VideoReady,
)
from ..config import MAX_UPLOAD_BYTES, Settings
from ..runtime import Runtime, get_runtime
from ..timeline import Timeline
from .outbox import Outbox, RateMeter
from .thumbs import thumbnail_data_url, timeline_json
from .uploads import CHUNK_SIZE, WINDOW, Incoming, UploadReceiver, UploadRefused
from .video import VideoStreamer

logger = logging.getLogger("nemo_widgets.widget")

STATIC = Path(__file__).parent / "static"
# Private trait -> the name the front end knows it by.
_SYNCED_AS = {"_messages": "messages", "_timeline": "timeline", "_export": "export"}
_PRIVATE_NAMES = {public: private for private, public in _SYNCED_AS.items()}
# What a poll sends again: everything durable.
_DURABLE = (
    "backend",
    "session_id",
    "_messages",
    "busy",
    "queued",
    "attachments",
    "_timeline",
    "credits",
    "_export",
    "video",
)
_PROGRESS_EVERY = 0.25  # seconds between two progress updates of one upload's attachment
_IDLE_EXPORT = {"state": "idle", "progress": 0, "error": None}


class NemoStudio(anywidget.AnyWidget):
    """Turn photos into a video by chatting, in a notebook cell.

    ``client`` is an :class:`AsyncNemoClient` or a :class:`NemoClient`; without one the default
    backend rule applies (the local engine unless a token or server URL is configured).
    ``session_id`` continues an existing session. ``debug=True`` also shows tool calls.

    The Python API works whether or not the widget is displayed::

        studio = NemoStudio()
        studio.upload("a.jpg", "b.jpg")
        studio.send_sync("turn these images into a 10-second video")
        studio.export("video.mp4")
    """

    _esm = STATIC / "studio.js"
    _css = STATIC / "studio.css"

    backend = traitlets.Unicode("").tag(sync=True)
    session_id = traitlets.Unicode("").tag(sync=True)
    _messages = traitlets.List().tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)
    queued = traitlets.Int(0).tag(sync=True)
    attachments = traitlets.List().tag(sync=True)
    _timeline = traitlets.Dict().tag(sync=True)
    credits = traitlets.Unicode("").tag(sync=True)
    _export = traitlets.Dict(dict(_IDLE_EXPORT)).tag(sync=True)
    video = traitlets.Dict().tag(sync=True)
    upload_chunk_size = traitlets.Int(CHUNK_SIZE).tag(sync=True)
    upload_window = traitlets.Int(WINDOW).tag(sync=True)
    max_upload_bytes = traitlets.Int(MAX_UPLOAD_BYTES).tag(sync=True)
    debug = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        client: AsyncNemoClient | NemoClient | None = None,
        *,
        session_id: str | None = None,
        debug: bool = False,
        runtime: Runtime | None = None,
        **kwargs: Any,
    ):
        if runtime is None and isinstance(client, NemoClient):
            runtime = client._runtime  # its async client lives on that loop
        self._runtime = runtime or get_runtime()
        self._loop = self._runtime.loop
        self._owns_client = client is None
        if client is None:
            client = AsyncNemoClient()  # may start the local engine: before any comm opens
        self._client = client.aio if isinstance(client, NemoClient) else client
        settings = self._client.settings
        # Set before the widget opens its comm: every message sent is counted from the start.
        self._lock = threading.RLock()
        self._meter = RateMeter()
        self._closed = False
        super().__init__(**kwargs)

        self._items: dict[str, dict[str, Any]] = {}  # the transcript, in order
        self._unsynced_items = False  # status lines of a running turn, committed at its end
        self._timeline_value = Timeline()
        self._thumbs: dict[str, str] = {}
        self._video_path: Path | None = None
        self._futures: set[concurrent.futures.Future[Any]] = set()
        self._error_ids = itertools.count(1)
        self._attachment_ids = itertools.count(1)
        self._progress_shown: dict[str, float] = {}
        self._session_uploads = asyncio.Lock()  # used on the runtime loop only

        self._outbox = Outbox(self._send_custom, self._meter, self._call_later)
        self._uploads = UploadReceiver(
            max_bytes=settings.max_upload_bytes, chunk_size=CHUNK_SIZE, window=WINDOW
        )
        self._video = VideoStreamer(self._send_custom)
        self._assistant = Assistant(self._client, session_id=session_id, on_event=self._on_event)
        if self._client.on_notice is None:  # unless the notebook routes them itself
            self._client.on_notice = self._add_notice

        with self._syncing():
            self.backend = backend_label(settings)
            self.session_id = session_id or ""
            self.max_upload_bytes = settings.max_upload_bytes
            self.debug = debug
            self._timeline = timeline_json(self._timeline_value, self._thumbs)
        self.on_msg(self._on_custom_message)
        self._reading_credits = False
        self._read_credits_soon()
        if session_id:
            self._spawn(self._assistant.refresh(), "reading the project")

    # -- the Python API --------------------------------------------------------------------

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The transcript as the widget shows it (a copy): one dict per item."""
        with self._lock:
            return copy.deepcopy(list(self._items.values()))

    @property
    def timeline(self) -> Timeline:
        """The project's timeline, as read after the last turn or upload."""
        return self._timeline_value

    @property
    def video_path(self) -> Path | None:
        """The last exported MP4 on this machine, or None before the first export."""
        return self._video_path

    def upload(self, *paths: str | os.PathLike[str]) -> list[str]:
        """Upload files to the session (blocking); returns their names as stored."""
        if not paths:
            raise ValueError("upload() needs at least one file path")
        return self._runtime.run(self._upload_paths([Path(p) for p in paths]))

    async def send(self, text: str) -> str:  # type: ignore[override]
        """Send a message from a notebook cell (``await studio.send(...)``); returns the reply.

        Raises :class:`NemoError` when the turn ended in an error (also shown in the widget).
        """
        future = self._runtime.submit(self._assistant.say(text))
        return _reply_text(await asyncio.wrap_future(future))

    def send_sync(self, text: str) -> str:
        """Send a message and wait for the reply (blocking)."""
        return _reply_text(self._runtime.run(self._assistant.say(text)))

    def stop(self) -> None:
        """Stop the running turn or export and drop the messages waiting behind it."""
        self._loop.call_soon_threadsafe(self._stop_turn)

    def export(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Render the video and save it (blocking); returns where the MP4 is."""
        dest = Path(path) if path is not None else None
        return self._runtime.run(self._assistant.export(dest))

    def close(self) -> None:
        """Stop the running turn, delete the uploaded temp files and close the widget."""
        if not getattr(self, "_closed", True):
            self._closed = True
            try:
                self._shut_down()
            except Exception:  # closing must not fail, also not during garbage collection
                logger.debug("error while closing the studio", exc_info=True)
        super().close()

    # -- ipywidgets hooks ------------------------------------------------------------------

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        if isinstance(key, str):
            key = _PRIVATE_NAMES.get(key, key)
        elif key is not None:
            key = [_PRIVATE_NAMES.get(name, name) for name in key]
        state = super().get_state(key, drop_defaults)
        return {_SYNCED_AS.get(name, name): value for name, value in state.items()}

    def send_state(self, key: Any = None) -> None:
        if key is None or key:  # hold_sync ends with an empty set when nothing changed
            self._meter.note()
        super().send_state(key)

    def _send_custom(self, content: dict[str, Any], buffers: list[Any] | None = None) -> None:
        """A custom message to the front end (``Widget.send``; ``send`` here is the chat)."""
        if self._closed:
            return
        self._meter.note()
        ipywidgets.Widget.send(self, content, buffers or None)

    def focus(self) -> None:  # DOMWidget's versions call ``self.send``, which is the chat here
        self._send_custom({"do": "focus"})

    def blur(self) -> None:
        self._send_custom({"do": "blur"})

    # -- messages from the browser (the kernel's comm handler: never block here) -----------

    def _on_custom_message(self, _widget: object, content: Any, buffers: list[Any]) -> None:
        if self._closed or not isinstance(content, dict):
            return
        kind = content.get("type")
        try:
            if kind == "send":
                text = str(content.get("text") or "").strip()
                if text:
                    self._spawn(self._assistant.say(text), "sending your message")
            elif kind == "stop":
                self._loop.call_soon_threadsafe(self._stop_turn)
            elif kind == "answer":
                choices = content.get("choices") or []
                item_id = str(content.get("item_id") or "")
                self._spawn(self._assistant.answer(item_id, choices), "sending your answer")
            elif kind == "export":
                self._spawn(self._export_from_browser(), "exporting")
            elif kind == "upload_begin":
                self._on_upload_begin(content)
            elif kind == "upload_chunk":
                self._on_upload_chunk(content, buffers)
            elif kind == "upload_end":
                self._on_upload_end(content)
            elif kind == "upload_cancel":
                self._on_upload_cancel(content)
            elif kind == "video_request":
                self._on_video_request(content)
            elif kind == "video_ack":
                self._video.ack(content.get("token"), content.get("seq"))
            elif kind == "poll":
                self._on_poll(content)
            else:
                logger.debug("unknown message from the browser: %r", kind)
        except Exception as exc:  # a bug here must not show a traceback under the cell
            logger.debug("handling %r failed", kind, exc_info=True)
            self._add_error(f"Something went wrong ({type(exc).__name__}: {exc}). Try again.")

    def _on_poll(self, content: dict[str, Any]) -> None:
        after = content.get("after")
        after = after if isinstance(after, int) and not isinstance(after, bool) else 0
        for message in self._outbox.replay(after):
            self._send_custom(message)
        with self._lock:
            self.send_state(list(_DURABLE))

    def _on_video_request(self, content: dict[str, Any]) -> None:
        token = content.get("token")
        current = self.video.get("token")
        if token != current or current is None:
            self._send_custom(
                {
                    "type": "video_error",
                    "token": token,
                    "message": "This video was replaced by a newer export.",
                }
            )
            return
        self._video.start(token, self._video_path)

    # -- uploads from the browser ----------------------------------------------------------

    def _on_upload_begin(self, content: dict[str, Any]) -> None:
        upload_id = str(content.get("id") or "")
        name = content.get("name")
        size = content.get("size")
        try:
            incoming = self._uploads.begin(upload_id, name, size, content.get("mime"))
        except UploadRefused as refused:
            self._send_custom({"type": "upload_error", "id": upload_id, "message": refused.message})
            with self._lock:
                if upload_id and not any(a["id"] == upload_id for a in self.attachments):
                    size = size if isinstance(size, int) and not isinstance(size, bool) else 0
                    failed = _attachment(upload_id, str(name or "file"), size, "error")
                    self._add_attachments({**failed, "error": refused.message})
            return
        self._add_attachments(_attachment(upload_id, incoming.name, incoming.size))
        self._progress_shown[upload_id] = time.monotonic()
        self._send_custom({"type": "upload_ack", "id": upload_id, "received": 0, "acked": []})

    def _on_upload_chunk(self, content: dict[str, Any], buffers: list[Any]) -> None:
        upload_id = str(content.get("id") or "")
        data = buffers[0] if buffers else None
        try:
            incoming = self._uploads.chunk(
                upload_id, content.get("seq"), content.get("offset"), data
            )
        except UploadRefused as refused:
            self._refuse_upload(refused)
            return
        if incoming is None:
            return  # pieces of a cancelled or refused upload still in flight
        # While the comm is busy (a turn streams), acknowledge a whole window at a time.
        crowded = self._meter.used() >= self._meter.limit // 2
        for ack in self._uploads.take_acks(threshold=self.upload_window if crowded else None):
            self._send_custom(ack)
        now = time.monotonic()
        if now - self._progress_shown.get(upload_id, 0.0) >= _PROGRESS_EVERY:
            self._progress_shown[upload_id] = now
            self._update_attachment(upload_id, progress=round(incoming.progress, 3))

    def _on_upload_end(self, content: dict[str, Any]) -> None:
        upload_id = str(content.get("id") or "")
        for ack in self._uploads.take_acks(force=True):
            self._send_custom(ack)
        try:
            incoming = self._uploads.end(upload_id)
        except UploadRefused as refused:
            self._refuse_upload(refused)
            return
        if incoming is None:
            return  # cancelled, or already refused (the browser was told why)
        self._progress_shown.pop(upload_id, None)
        self._update_attachment(upload_id, progress=1.0)
        self._spawn(self._upload_received(incoming), "uploading")

    def _on_upload_cancel(self, content: dict[str, Any]) -> None:
        upload_id = str(content.get("id") or "")
        self._uploads.cancel(upload_id)
        self._progress_shown.pop(upload_id, None)
        with self._lock:
            self.attachments = [a for a in self.attachments if a["id"] != upload_id]

    def _refuse_upload(self, refused: UploadRefused) -> None:
        """A running upload failed: its file is gone already; say why, next to the file."""
        upload_id = refused.upload_id
        self._progress_shown.pop(upload_id, None)
        self._send_custom({"type": "upload_error", "id": upload_id, "message": refused.message})
        self._update_attachment(upload_id, state="error", error=refused.message)

    async def _upload_received(self, incoming: Incoming) -> None:
        """On the runtime loop: hand a reassembled file to the session."""
        # One upload at a time, in the order the files arrived: that order is the photos' order.
        async with self._session_uploads:
            if not any(a["id"] == incoming.id for a in self.attachments):
                return  # cancelled while it waited
            await self._send_received(incoming)

    async def _send_received(self, incoming: Incoming) -> None:
        try:
            await self._make_thumbs([incoming.path])
            names = await self._assistant.upload(incoming.path)
        except NemoError as exc:
            self._update_attachment(incoming.id, state="error", error=exc.message)
            return
        except Exception as exc:
            logger.debug("upload of %s failed", incoming.name, exc_info=True)
            message = f"{incoming.name} could not be uploaded ({type(exc).__name__}). Try again."
            self._update_attachment(incoming.id, state="error", error=message)
            return
        self._adopt_stored_names([incoming.path], names)
        self._update_attachment(incoming.id, state="done", progress=1.0)

    async def _upload_paths(self, paths: list[Path]) -> list[str]:
        """On the runtime loop: the Python API's upload, shown as attachments too."""
        ids = [f"py-{next(self._attachment_ids)}" for _ in paths]
        added = [
            _attachment(i, p.name, p.stat().st_size if p.is_file() else 0, progress=1.0)
            for i, p in zip(ids, paths, strict=True)
        ]
        self._add_attachments(*added)
        async with self._session_uploads:
            return await self._send_paths(ids, paths)

    async def _send_paths(self, ids: list[str], paths: list[Path]) -> list[str]:
        try:
            await self._make_thumbs(paths)
            names = await self._assistant.upload(*paths)
        except BaseException as exc:
            message = exc.message if isinstance(exc, NemoError) else "The upload did not finish."
            self._update_attachment(*ids, state="error", error=message)
            raise
        self._adopt_stored_names(paths, names)
        self._update_attachment(*ids, state="done")
        return names

    async def _make_thumbs(self, paths: list[Path]) -> None:
        urls = await asyncio.gather(*(asyncio.to_thread(thumbnail_data_url, p) for p in paths))
        with self._lock:
            for path, url in zip(paths, urls, strict=True):
                if url:
                    self._thumbs[path.name] = url
            self._refresh_timeline_trait()

    def _adopt_stored_names(self, paths: list[Path], names: list[str]) -> None:
        """The server may store a file under another name: its thumbnail follows it."""
        if len(names) != len(paths):
            return
        with self._lock:
            for path, name in zip(paths, names, strict=True):
                if name and name != path.name and path.name in self._thumbs:
                    self._thumbs[name] = self._thumbs[path.name]
            self._refresh_timeline_trait()

    # -- assistant events (on the runtime loop thread) -------------------------------------

    def _on_event(self, event: object) -> None:
        if self._closed:
            return
        try:
            self._apply(event)
        except Exception:
            logger.debug("could not show %r", event, exc_info=True)

    def _apply(self, event: object) -> None:
        if isinstance(event, TextDelta):
            self._outbox.delta(event.item_id, event.text)
        elif isinstance(event, ChatItemAdded):
            self._add_item(event.item)
        elif isinstance(event, ChatItemUpdated):
            with self._lock:
                self._items[event.item.id] = event.item.to_json()
            self._commit_items()
        elif isinstance(event, BusyChanged):
            if event.busy and not self.busy:
                self._outbox.new_turn()  # polls replay from here (queued turns: all of them)
            with self._syncing():  # one message, with the last status lines if nothing waits
                self.busy = event.busy
                self.queued = event.queued
                if not event.busy and self._unsynced_items:
                    self._commit_items()
            if not event.busy:
                self._read_credits_soon()  # a turn or an export may have used credits
        elif isinstance(event, TimelineChanged):
            with self._lock:
                self._timeline_value = event.timeline
                self._refresh_timeline_trait()
        elif isinstance(event, CreditsChanged):
            with self._lock:
                self.credits = credits_label(event.credits)
        elif isinstance(event, SessionChanged):
            with self._lock:
                self.session_id = event.session_id
        elif isinstance(event, ExportChanged):
            with self._lock:
                self._export = {
                    "state": event.state,
                    "progress": round(float(event.progress), 1),
                    "error": event.error,
                }
        elif isinstance(event, VideoReady):
            with self._lock:
                self._video_path = Path(event.path)
                token = int(self.video.get("token", 0)) + 1
                self.video = {
                    "token": token,
                    "url": event.url,
                    "name": Path(event.path).name,
                    "size": event.size,
                    "duration_s": event.duration_s,
                }

    def _add_item(self, item: ChatItem) -> None:
        with self._lock:
            self._items[item.id] = item.to_json()
            streamed = item.role == "status" and self.busy
            if streamed:
                self._unsynced_items = True
        if streamed:
            # Status lines of a turn stream as events; the transcript gets them at its end.
            self._outbox.status(item.text)
        else:
            self._commit_items()

    def _commit_items(self) -> None:
        """Sync ``messages`` as they are now, once the deltas sent before are out: a final text
        never overtakes the deltas it replaces (runtime loop thread).

        The transcript is copied now, not when the commit goes out: by then it may already hold
        the final text of the deltas still waiting in front of it.
        """
        with self._lock:
            snapshot = list(self._items.values())  # items are replaced, never changed in place
        self._outbox.after_pending(lambda: self._sync_messages(snapshot))

    def _sync_messages(self, snapshot: list[dict[str, Any]]) -> None:
        with self._lock:
            self._messages = snapshot
            self._unsynced_items = len(snapshot) < len(self._items)  # items are never removed

    def _add_error(self, text: str) -> None:
        """An error of the widget itself (the assistant reports its own) as an error item."""
        self._loop.call_soon_threadsafe(self._add_error_now, text)

    def _add_notice(self, text: str) -> None:
        """A one-time notice of the client (a photo converted for the cloud) as a status line."""
        text = self._assistant.notice_text(text)
        self._loop.call_soon_threadsafe(self._add_widget_item, "status", text)

    def _add_error_now(self, text: str) -> None:
        self._add_widget_item("error", text)

    def _add_widget_item(self, role: str, text: str) -> None:
        item_id = f"widget-{role}-{next(self._error_ids)}"
        with self._lock:
            self._items[item_id] = {
                "id": item_id,
                "role": role,
                "text": text,
                "streaming": False,
                "stopped": False,
                "link": None,
                "question": None,
                "answered": False,
            }
        self._commit_items()

    def _refresh_timeline_trait(self) -> None:
        with self._lock:
            self._timeline = timeline_json(self._timeline_value, self._thumbs)

    # -- work on the runtime loop ----------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, Any], doing: str) -> None:
        """Run ``coro`` on the runtime loop without waiting; a failure becomes an error item."""
        future = self._runtime.submit(self._guarded(coro, doing))
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    async def _guarded(self, coro: Coroutine[Any, Any, Any], doing: str) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except NemoError as exc:
            self._add_error(exc.message)
        except Exception as exc:
            logger.debug("%s failed", doing, exc_info=True)
            self._add_error(
                f"Something went wrong while {doing} ({type(exc).__name__}: {exc}). Try again."
            )

    def _read_credits_soon(self) -> None:
        """Show the balance in the header; quietly, since it is only a nicety."""
        if self._reading_credits or self._closed:
            return
        self._reading_credits = True
        future = self._runtime.submit(self._read_credits())
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    async def _read_credits(self) -> None:
        try:
            await self._assistant.credits()  # shown through CreditsChanged
        except Exception as exc:
            logger.debug("could not read the credits: %s", exc)
        finally:
            self._reading_credits = False

    async def _export_from_browser(self) -> None:
        try:
            await self._assistant.export()
        except NemoError:
            pass  # the assistant reported it (ExportChanged with the error)
        except Exception as exc:
            logger.debug("export failed", exc_info=True)
            with self._lock:
                self._export = {
                    "state": "error",
                    "progress": 0,
                    "error": f"The export failed ({type(exc).__name__}). Try again.",
                }

    def _stop_turn(self) -> None:
        if not self._closed:
            self._assistant.stop()

    def _call_later(self, delay: float, callback: Any) -> None:
        self._loop.call_soon_threadsafe(self._loop.call_later, delay, callback)

    def _shut_down(self) -> None:
        if self._client.on_notice == self._add_notice:
            self._client.on_notice = None  # a client the notebook keeps logs its notices again

        def stop_on_loop() -> None:
            self._assistant.stop()
            for future in list(self._futures):
                future.cancel()
            if self._owns_client:
                self._loop.create_task(self._client.aclose())

        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(stop_on_loop)
        self._uploads.close()
        self._video.close()

    # -- trait helpers ---------------------------------------------------------------------

    def _syncing(self) -> Any:
        """Several trait changes as one comm message, safe from any thread."""
        return _Syncing(self)

    def _add_attachments(self, *attachments: dict[str, Any]) -> None:
        with self._lock:
            self.attachments = [*self.attachments, *attachments]

    def _update_attachment(self, *attachment_ids: str, **changes: Any) -> None:
        with self._lock:
            self.attachments = [
                {**a, **changes} if a["id"] in attachment_ids else a for a in self.attachments
            ]


class _Syncing:
    """``with widget._syncing():`` = the widget's lock + ``hold_sync``."""

    def __init__(self, widget: NemoStudio):
        self._widget = widget
        self._hold: Any = None

    def __enter__(self) -> None:
        self._widget._lock.acquire()
        self._hold = self._widget.hold_sync()
        self._hold.__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self._hold.__exit__(*exc_info)
        finally:
            self._widget._lock.release()


def backend_label(settings: Settings) -> str:
    """The ``backend`` trait: which server the widget talks to, in a few words."""
    if settings.backend_kind == "cloud":
        return "NemoVideo cloud"
    if settings.backend_kind == "local":
        return "Local engine"
    url = settings.base_url
    try:
        host = URL(url).netloc.decode("ascii") or url
    except Exception:
        host = url
    return f"Server at {host}"


def credits_label(credits: Credits) -> str:
    """The ``credits`` trait: "Unlimited credits", "85 credits", "1 credit"."""
    if credits.unlimited:
        return "Unlimited credits"
    available = credits.available
    return f"{available:g} credit" + ("" if available == 1 else "s")


def _attachment(
    attachment_id: str, name: str, size: int, state: str = "uploading", progress: float = 0.0
) -> dict[str, Any]:
    return {
        "id": attachment_id,
        "name": name,
        "size": size,
        "state": state,
        "progress": progress,
        "error": None,
    }


def _reply_text(reply: Any) -> str:
    error = getattr(reply, "error", None)
    if error:
        raise NemoError(str(error))
    return str(getattr(reply, "text", "") or "")

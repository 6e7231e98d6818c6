"""NemoStudio's upload glue: files from the browser (in pieces) or from Python to the session.

The browser's pieces are checked and reassembled by :class:`~.uploads.UploadReceiver`; this mixin
shows each file as an attachment, makes its thumbnail and hands it to the assistant, one file at
a time in the order they arrived (that order is the photos' order). The comm handler only checks
and writes pieces; the upload itself runs on the runtime loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..api import NemoError
from .outbox import RateMeter
from .thumbs import thumbnail_data_url
from .uploads import Incoming, UploadReceiver, UploadRefused

logger = logging.getLogger("nemo_widgets.widget")

_PROGRESS_EVERY = 0.25  # seconds between two progress updates of one upload's attachment
_PHOTO_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".webp",
    ".gif",
    ".bmp",
    ".heic",
    ".heif",
    ".tif",
    ".tiff",
}


@dataclass
class UploadGroup:
    """The files attached together: one "Added 25 photos" line instead of one per file."""

    item_id: str
    size: int
    added: int = 0
    all_photos: bool = True
    duplicates: list[str] = field(default_factory=list)
    lang: str = "en"

    def text(self) -> str:
        zh = self.lang == "zh"
        parts = []
        if self.added:
            if zh:
                unit = "张照片" if self.all_photos else "个文件"
                parts.append(f"已添加 {self.added} {unit}。")
            else:
                noun = "photo" if self.all_photos else "file"
                parts.append(f"Added {self.added} {noun}{'' if self.added == 1 else 's'}.")
        if self.duplicates:
            parts.append(duplicate_note(self.duplicates, self.lang))
        return " ".join(parts)


async def _none() -> None:
    """No digest: a path that is not a file is left for the upload to refuse with its reason."""
    return None


def duplicate_note(names: list[str], lang: str = "en") -> str:
    listed = ", ".join(names)
    if lang == "zh":
        return f"{listed} 已经添加过（内容相同），未重复添加。"
    verb = "was" if len(names) == 1 else "were"
    return f"{listed} {verb} already added (same content), so not added again."


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's content: the same photo under another name is a duplicate."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


class UploadGlue:
    """Upload handling of :class:`~.studio.NemoStudio` (a mixin: it uses the studio's state)."""

    # What the studio provides.
    attachments: list[dict[str, Any]]
    upload_window: int
    _lock: threading.RLock
    _meter: RateMeter
    _uploads: UploadReceiver
    _assistant: Any
    _thumbs: dict[str, str]
    _progress_shown: dict[str, float]
    _attachment_ids: itertools.count[int]
    _session_uploads: asyncio.Lock
    _batches: dict[str, UploadGroup]  # upload id -> its group (several files attached together)
    _groups: dict[str, UploadGroup]  # the browser's batch id -> its group
    _upload_group: UploadGroup | None  # the group whose "Added" line the assistant is writing
    _digests: dict[str, str]  # content hash -> name, of the files this studio uploaded

    def _on_upload_begin(self, content: dict[str, Any], _buffers: list[Any] | None = None) -> None:
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
        self._join_group(upload_id, content.get("batch"), content.get("batch_size"))
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

    def _on_upload_end(self, content: dict[str, Any], _buffers: list[Any] | None = None) -> None:
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

    def _on_upload_cancel(self, content: dict[str, Any], _buffers: list[Any] | None = None) -> None:
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

    def _with_thumb(self, attachment: dict[str, Any]) -> dict[str, Any]:
        """A finished attachment carries its thumbnail: the view has no local file after a page
        reload, nor for a file uploaded from Python."""
        if attachment.get("state") == "done" and not attachment.get("thumb"):
            thumb = self._thumbs.get(str(attachment.get("name")))
            if thumb:
                return {**attachment, "thumb": thumb}
        return attachment

    def _join_group(self, upload_id: str, batch: object, size: object) -> None:
        if not isinstance(batch, str) or not isinstance(size, int) or size < 2:
            return
        group = self._groups.get(batch)
        if group is None:
            group = self._groups[batch] = UploadGroup(item_id=f"batch-{batch}", size=size)
        self._batches[upload_id] = group

    async def _send_received(self, incoming: Incoming) -> None:
        group = self._batches.pop(incoming.id, None)
        digest = await asyncio.to_thread(file_digest, incoming.path)
        if digest in self._digests:
            note = duplicate_note([incoming.name], group.lang if group else "en")
            self._update_attachment(incoming.id, state="error", error=note)
            if group is None:
                self._add_widget_item("status", note)
            else:
                group.duplicates.append(incoming.name)
                self._show_group(group)
            return
        if group is not None and Path(incoming.name).suffix.lower() not in _PHOTO_SUFFIXES:
            group.all_photos = False
        self._upload_group = group
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
        finally:
            self._upload_group = None
        self._digests[digest] = incoming.name
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
        fresh = await self._refuse_duplicates(ids, paths)
        if not fresh:
            return []
        async with self._session_uploads:
            return await self._send_paths([i for i, _ in fresh], [p for _, p in fresh])

    async def _refuse_duplicates(self, ids: list[str], paths: list[Path]) -> list[tuple[str, Path]]:
        """The (attachment id, path) pairs whose content is new; the others get a note, as a
        browser upload of the same photo would (it would otherwise appear twice in the video)."""
        digests = await asyncio.gather(
            *(asyncio.to_thread(file_digest, p) if p.is_file() else _none() for p in paths)
        )
        fresh: list[tuple[str, Path]] = []
        seen: set[str] = set()
        for attachment_id, path, digest in zip(ids, paths, digests, strict=True):
            if digest is not None and (digest in self._digests or digest in seen):
                note = duplicate_note([path.name], self._assistant.language)
                self._update_attachment(attachment_id, state="error", error=note)
                self._add_widget_item("status", note)
                continue
            if digest is not None:
                seen.add(digest)
            fresh.append((attachment_id, path))
        return fresh

    async def _send_paths(self, ids: list[str], paths: list[Path]) -> list[str]:
        try:
            await self._make_thumbs(paths)
            names = await self._assistant.upload(*paths)
        except BaseException as exc:
            message = exc.message if isinstance(exc, NemoError) else "The upload did not finish."
            self._update_attachment(*ids, state="error", error=message)
            raise
        self._adopt_stored_names(paths, names)
        for path in paths:  # a later browser upload of the same content is a duplicate
            self._digests[await asyncio.to_thread(file_digest, path)] = path.name
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

    def _add_attachments(self, *attachments: dict[str, Any]) -> None:
        with self._lock:
            self.attachments = [*self.attachments, *attachments]

    def _update_attachment(self, *attachment_ids: str, **changes: Any) -> None:
        with self._lock:
            self.attachments = [
                self._with_thumb({**a, **changes}) if a["id"] in attachment_ids else a
                for a in self.attachments
            ]
        if changes.get("state") == "done":
            self._save_record()


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

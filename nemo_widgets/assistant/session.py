"""The agent session: made on first need, replaced (and told) when the server lost it.

A lost session (code 1002) means the request never ran, so the action is retried once in the
new session. The files this assistant uploaded go to the new session first: it keeps their
local paths (and the URLs it added) for that.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TypeVar

from ..api.client import AsyncNemoClient
from ..api.errors import NemoError, SessionNotFound
from .events import SessionChanged
from .transcript import Transcript
from .wording import Language, say

logger = logging.getLogger("nemo_widgets.assistant")

T = TypeVar("T")


class SessionKeeper:
    """Holds the session id and what was uploaded to it; ``on_renewed`` runs after a renewal."""

    def __init__(
        self,
        client: AsyncNemoClient,
        transcript: Transcript,
        session_id: str | None,
        on_renewed: Callable[[], None],
    ):
        self._client = client
        self._transcript = transcript
        self._on_renewed = on_renewed
        self.session_id = session_id
        self._files: list[Path] = []
        self._urls: list[str] = []
        self._lock = asyncio.Lock()

    def remember(self, files: Iterable[Path] = (), urls: Iterable[str] = ()) -> None:
        """Files and URLs now in the session, to upload again should it be lost."""
        self._files.extend(file.resolve() for file in files)
        self._urls.extend(urls)

    async def ensure(self, lang: Language) -> str:
        """The session id, creating the session on first need."""
        async with self._lock:
            if self.session_id is None:
                session = await self._client.create_session(lang)
                self.session_id = session.session_id
                self._transcript.emit(SessionChanged(session.session_id, renewed=False))
            return self.session_id

    async def run(self, action: Callable[[str], Awaitable[T]], lang: Language) -> T:
        """``action(session_id)``; if the server lost the session, renew it and retry once."""
        session_id = await self.ensure(lang)
        try:
            return await action(session_id)
        except SessionNotFound:
            await self.renew(session_id, lang)
            assert self.session_id is not None
            return await action(self.session_id)

    async def renew(self, stale: str, lang: Language) -> None:
        """A new session in place of ``stale`` (unless already replaced), said to the user."""
        async with self._lock:
            if self.session_id != stale:
                return
            session = await self._client.create_session(lang)
            self.session_id = session.session_id
            self._transcript.emit(SessionChanged(session.session_id, renewed=True))
            item = self._transcript.add("assistant", say(lang, "session_renewed"))
            count, lost = await self._upload_again(session.session_id)
            if count:
                text = say(lang, "session_renewed_files", count=count)
            else:
                text = say(lang, "session_renewed_done")
            if lost:
                text += say(lang, "files_lost", count=lost)
            self._transcript.update(item.id, text=text)
            self._on_renewed()

    async def _upload_again(self, session_id: str) -> tuple[int, int]:
        """Upload the remembered files and URLs to a new session; (uploaded, lost) counts."""
        files = [file for file in self._files if file.is_file()]
        lost = len(self._files) - len(files)
        count = 0
        if files:
            try:
                await self._client.upload(session_id, *files)
                count += len(files)
            except NemoError as exc:
                logger.warning("uploading the files again failed: %s", exc)
                files, lost = [], lost + len(files)
        self._files = files
        if self._urls:
            try:
                await self._client.upload_urls(session_id, self._urls)
                count += len(self._urls)
            except NemoError as exc:
                logger.warning("adding the URLs again failed: %s", exc)
                self._urls, lost = [], lost + len(self._urls)
        return count, lost

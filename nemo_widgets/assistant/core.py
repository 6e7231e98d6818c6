"""``Assistant``: the conversation with the agent, free of any UI.

It routes each message (a few commands are answered here, everything else goes to the agent),
runs one piece of work at a time in arrival order, and reports everything as events
(docs/widget-protocol.md, "Assistant events"). The widget and the CLI are views of it.

Rules kept from docs/protocol.md#stream-recovery: a message is never sent twice once it may
have reached the agent (stop closes the stream, nothing is resent); a session the server no
longer knows is replaced, said to the user, and the action retried once (code 1002 means it
never ran); a turn without text is described from the state diff.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..api import events as wire
from ..api.client import AsyncNemoClient
from ..api.errors import NemoError, OutOfCredits, SessionNotFound
from ..api.models import Credits, RenderJob, State
from ..paths import default_data_dir
from ..timeline import Timeline
from .events import (
    BusyChanged,
    ChatItem,
    CreditsChanged,
    ExportChanged,
    Reply,
    TimelineChanged,
    VideoReady,
)
from .routing import language_of, route
from .session import SessionKeeper
from .transcript import EventHandler, Transcript
from .turn import AgentTurn
from .wording import (
    Language,
    credits_text,
    error_text,
    file_size,
    format_answer,
    join_names,
    notice_text,
)
from .wording import say as phrase

logger = logging.getLogger("nemo_widgets.assistant")

BUSY_STATUS = 409  # the local engine refuses a turn while another runs in the session
Stream = AsyncGenerator[wire.ChatEvent, None]


@dataclass(eq=False)
class _Job:
    """One piece of work in the queue: a message, an answer to a question, or an export."""

    work: Callable[[_Job], Awaitable[Reply]]
    lang: Language = "en"
    user_item: ChatItem | None = None
    kind: str = "local"  # "agent" once it goes to the agent, "export" for an export
    task: asyncio.Task[Reply] | None = None
    sent: bool = False  # the message may have reached the agent
    stopped: bool = False
    dropped: bool = False
    turn: AgentTurn | None = None
    render_id: str | None = None  # an export still running on the server
    export_state: tuple[str, float] | None = None
    path: Path | None = None
    error: NemoError | None = None


class Assistant:
    """The conversation: ``await say(text)``, ``stop()``, ``upload``, ``answer``, ``export``.

    All methods run on one event loop (the runtime loop in the widget); ``on_event`` is called
    there, in order, with the events of :mod:`nemo_widgets.assistant.events`.
    """

    #: How long a message waits while an earlier turn still runs on the server (HTTP 409).
    busy_wait: float = 30.0
    #: After a stop, the timeline is read again after these many seconds.
    refresh_after_stop: tuple[float, ...] = (2.0, 10.0)

    def __init__(
        self,
        client: AsyncNemoClient,
        *,
        session_id: str | None = None,
        on_event: EventHandler | None = None,
        videos_dir: str | os.PathLike[str] | None = None,
        still_working_every: float = 120.0,
    ):
        self._client = client
        self._transcript = Transcript(on_event)
        self._session = SessionKeeper(
            client,
            self._transcript,
            str(session_id) if session_id else None,
            on_renewed=lambda: self._set_timeline(Timeline()),
        )
        self.videos_dir = Path(videos_dir) if videos_dir else default_data_dir() / "videos"
        self.still_working_every = still_working_every
        self.video: VideoReady | None = None
        self._timeline = Timeline()
        # The conversation's language: of the latest message that showed one ("15s" does not).
        self._lang: Language = "en"
        self._queue_lock = asyncio.Lock()
        self._waiting: deque[_Job] = deque()
        self._active: _Job | None = None
        self._background: set[asyncio.Task[Any]] = set()

    def __repr__(self) -> str:
        return f"<Assistant session={self.session_id} items={len(self.history)}>"

    @property
    def session_id(self) -> str | None:
        return self._session.session_id

    @property
    def timeline(self) -> Timeline:
        return self._timeline

    @property
    def history(self) -> list[ChatItem]:
        return self._transcript.items

    @property
    def language(self) -> Language:
        """The conversation's language: that of the last message with a sign of one."""
        return self._lang

    def notice_text(self, notice: str) -> str:
        """A one-time notice of the client, in the conversation's language."""
        return notice_text(notice, self._lang)

    # -- public API ------------------------------------------------------------------------

    async def say(self, text: str) -> Reply:
        """Route the message and run it after the work before it. Never raises for problems
        the user can act on: they become an error item and ``Reply.error``."""
        text = text.strip() if isinstance(text, str) else ""
        lang = language_of(text) or self._lang
        if not text:
            return Reply(error=phrase(lang, "empty_message"))
        self._lang = lang
        item = self._transcript.add("user", text)
        return await self._enqueue(
            _Job(lambda job: self._handle(job, text), lang=lang, user_item=item)
        )

    def stop(self) -> int:
        """Stop the running turn (its stream is closed, it is never sent again) and drop the
        queued messages; returns how many were dropped. Call it on the loop thread."""
        dropped = list(self._waiting)
        self._waiting.clear()
        for job in dropped:
            job.dropped = True
            if job.user_item is not None:
                self._transcript.update(job.user_item.id, stopped=True)
        active = self._active
        if active is not None and active.task is not None and not active.task.done():
            active.stopped = True
            active.task.cancel()
        if dropped:
            self._transcript.emit(BusyChanged(active is not None, 0))
        return len(dropped)

    async def upload(self, *paths: str | os.PathLike[str]) -> list[str]:
        """Upload files to the session; returns their names as stored.

        Raises :class:`NemoError` (or ``OSError`` for an unreadable file): the caller shows it
        next to the file.
        """
        files = [Path(path).expanduser() for path in paths]
        if not files:
            return []
        try:
            result = await self._session.run(
                lambda session_id: self._client.upload(session_id, *files), self._lang
            )
        except NemoError as exc:  # shown next to the file: in the conversation's language
            raise _worded(exc, self._lang) from None
        self._session.remember(files=files)
        names = [file.filename for file in result.files] or [file.name for file in files]
        self._transcript.add(
            "status", phrase(self._lang, "uploaded", names=join_names(names, self._lang))
        )
        await self._read_state_quietly()
        return names

    async def answer(self, item_id: str, choices: Sequence[Sequence[str]]) -> Reply:
        """Answer a question item: ``choices`` holds the chosen option labels per question
        (``[]`` skips one). The answer is sent as the next message (docs/protocol.md#questions)."""
        item = self._transcript.get(item_id)
        if item is None or item.question is None:
            return Reply(error=phrase(self._lang, "no_question"))
        if item.answered:
            return Reply(error=phrase(self._lang, "answered_already"))
        self._transcript.update(item_id, answered=True)
        text = format_answer(item.question, [list(chosen) for chosen in choices], self._lang)
        user_item = self._transcript.add("user", text)
        return await self._enqueue(
            _Job(lambda job: self._agent(job, text), lang=self._lang, user_item=user_item)
        )

    async def export(self, dest: str | os.PathLike[str] | None = None) -> Path:
        """Render the timeline to MP4 and download it to ``dest`` (a file or a folder; by
        default ``videos_dir``). Progress and problems are reported as events as well;
        problems are then raised as :class:`NemoError`."""
        job = _Job(lambda job: self._export(job, dest), lang=self._lang)
        reply = await self._enqueue(job)
        if job.path is not None:
            return job.path
        if job.error is not None:
            raise job.error
        raise NemoError(reply.error or phrase(job.lang, "export_stopped"))

    async def credits(self) -> Credits:
        """Read the balance (``CreditsChanged``) without saying anything in the chat."""
        credits = await self._client.credits()
        self._transcript.emit(CreditsChanged(credits))
        return credits

    async def refresh(self) -> Timeline:
        """Read the session's draft again (``TimelineChanged``)."""
        if self.session_id is not None:
            state = await self._session.run(self._client.state, self._lang)
            self._set_timeline(state.timeline)
        return self._timeline

    # -- the queue -------------------------------------------------------------------------

    async def _enqueue(self, job: _Job) -> Reply:
        """Serve jobs one at a time, in arrival order."""
        self._waiting.append(job)
        if self._active is not None or self._queue_lock.locked():
            self._transcript.emit(BusyChanged(True, len(self._waiting)))
        try:
            await self._queue_lock.acquire()
        except asyncio.CancelledError:
            if job in self._waiting:
                self._waiting.remove(job)
            raise
        try:
            if job.dropped:
                return Reply(stopped=True)
            self._waiting.remove(job)
            self._active = job
            self._transcript.emit(BusyChanged(True, len(self._waiting)))
            return await self._run(job)
        finally:
            if self._active is job:
                self._active = None
                if not self._waiting:
                    self._transcript.emit(BusyChanged(False, 0))
            self._queue_lock.release()

    async def _run(self, job: _Job) -> Reply:
        """Run the job as its own task, so that stop() can cancel it without cancelling the
        caller; a cancelled caller stops the job too."""
        task = asyncio.get_running_loop().create_task(self._guarded(job))
        job.task = task
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            job.stopped = True
            task.cancel()
            await asyncio.wait({task})
            raise
        return task.result()

    async def _guarded(self, job: _Job) -> Reply:
        """Run the job; problems become error items, a stop becomes ``Reply(stopped=True)``."""
        try:
            return await job.work(job)
        except asyncio.CancelledError:
            partial = job.turn.partial_text if job.turn is not None else ""
            self._after_stop(job)
            if job.stopped:
                return Reply(text=partial, stopped=True)
            raise
        except Exception as exc:
            return self._report(job, exc)

    def _report(self, job: _Job, exc: Exception) -> Reply:
        message = error_text(exc, job.lang)
        if isinstance(exc, OutOfCredits):
            self._transcript.add("error", message, link=exc.link)
        else:
            if not isinstance(exc, NemoError):
                logger.error("the assistant failed", exc_info=exc)
            self._transcript.add("error", message)
        job.error = exc if isinstance(exc, NemoError) else NemoError(message)
        return Reply(error=message, exception=job.error)

    def _after_stop(self, job: _Job) -> None:
        if job.kind == "agent":
            if job.turn is not None:
                job.turn.stop()
            if job.sent:
                self._transcript.add("status", phrase(job.lang, "stopped_turn"))
                self._in_background(self._refresh_later())
            else:
                self._transcript.add("status", phrase(job.lang, "stopped"))
        elif job.kind == "export":
            progress = job.export_state[1] if job.export_state else 0.0
            message = phrase(job.lang, "export_stopped")
            self._transcript.emit(ExportChanged("error", progress, message))
            self._transcript.add("status", message)
            if job.render_id is not None:
                self._in_background(self._cancel_render(job.render_id))
        else:
            self._transcript.add("status", phrase(job.lang, "stopped"))

    def _in_background(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _refresh_later(self) -> None:
        """After a stop the server may still finish the edit: show it when it lands."""
        for delay in self.refresh_after_stop:
            await asyncio.sleep(delay)
            if self.session_id is None:
                return
            try:
                state = await self._client.state(self.session_id)
            except Exception as exc:  # in the background: a closed client, a lost session, ...
                logger.info("reading the timeline after a stop failed: %s", exc)
                continue
            if state.timeline.raw != self._timeline.raw:
                self._set_timeline(state.timeline)

    async def _cancel_render(self, render_id: str) -> None:
        try:
            await self._client.cancel_render(render_id)
        except Exception as exc:  # best effort, in the background
            logger.info("cancelling the export %s failed: %s", render_id, exc)

    # -- messages --------------------------------------------------------------------------

    async def _handle(self, job: _Job, text: str) -> Reply:
        where = route(text)
        if where.intent == "export":
            return await self._export(job, None)
        if where.intent == "credits":
            return await self._credits(job)
        if where.intent == "status":
            return await self._status(job)
        if where.intent == "upload":
            return await self._upload_urls(job, where.urls)
        return await self._agent(job, text)

    def _tell(self, text: str) -> Reply:
        self._transcript.add("assistant", text)
        return Reply(text=text)

    async def _credits(self, job: _Job) -> Reply:
        return self._tell(credits_text(await self.credits(), job.lang))

    async def _status(self, job: _Job) -> Reply:
        timeline = await self.refresh()
        if not timeline.ready_for_export:
            return self._tell(phrase(job.lang, "timeline_empty"))
        return self._tell(timeline.summary(job.lang))

    async def _upload_urls(self, job: _Job, urls: tuple[str, ...]) -> Reply:
        if not urls:
            return self._tell(phrase(job.lang, "upload_help"))
        result = await self._session.run(
            lambda session_id: self._client.upload_urls(session_id, list(urls)), job.lang
        )
        self._session.remember(urls=urls)
        names = [file.filename for file in result.files] or list(urls)
        await self._read_state_quietly()
        return self._tell(phrase(job.lang, "uploaded", names=join_names(names, job.lang)))

    # -- agent turns -----------------------------------------------------------------------

    async def _agent(self, job: _Job, text: str) -> Reply:
        job.kind = "agent"
        turn = job.turn = AgentTurn(self._transcript, job.lang, self.still_working_every)
        before, stream, first = await self._open_turn(job, text)
        try:
            if first is not None:
                turn.handle(first)
                async for event in stream:
                    turn.handle(event)
        except NemoError:  # the stream broke off (StreamTimeout, ...): keep what was said
            turn.finish()
            await self._read_state_quietly()
            raise
        finally:
            await stream.aclose()
        turn.finish()
        after = await self._read_state_quietly()
        if turn.silent:
            self._describe_change(turn, before, after or turn.recovered, job.lang)
        return Reply(text=turn.reply_text, error=turn.errors[0] if turn.errors else None)

    async def _open_turn(self, job: _Job, text: str) -> tuple[State, Stream, wire.ChatEvent | None]:
        """Send the message and wait for the stream's first event.

        A refusal before the first event means the turn never ran, so sending again is safe:
        after SessionNotFound in a new session (once), after "busy" (409) with a short backoff.
        """
        loop = asyncio.get_running_loop()
        renewed = False
        waiting_since: float | None = None
        delay = 0.25
        while True:
            session_id = await self._session.ensure(job.lang)
            try:
                before = await self._client.state(session_id)
                stream = self._client.chat(session_id, text, before=before, streaming=True)
                job.sent = True
                return before, stream, await _first_event(stream)
            except SessionNotFound:
                job.sent = False
                if renewed:
                    raise
                renewed = True
                await self._session.renew(session_id, job.lang)
            except NemoError as exc:
                job.sent = False
                if exc.status != BUSY_STATUS:
                    raise
                if waiting_since is None:
                    waiting_since = loop.time()
                    self._transcript.add("status", phrase(job.lang, "busy_wait"))
                if loop.time() + delay - waiting_since > self.busy_wait:
                    raise NemoError(phrase(job.lang, "busy_gave_up"), status=BUSY_STATUS) from None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 4.0)

    def _describe_change(
        self, turn: AgentTurn, before: State, after: State | None, lang: Language
    ) -> None:
        """A turn without text: say what changed in one sentence.

        docs/protocol.md#stream-recovery
        """
        changes = before.timeline.diff(after.timeline, lang) if after is not None else []
        if changes:
            text = phrase(lang, "silent_done", sentence=changes[0])
        else:
            text = phrase(lang, "silent_nothing")
        self._transcript.add("assistant", text)
        turn.shown.append(text)

    # -- export ----------------------------------------------------------------------------

    async def _export(self, job: _Job, dest: str | os.PathLike[str] | None) -> Reply:
        job.kind = "export"
        state = None
        if self.session_id is not None:
            state = await self._session.run(self._client.state, job.lang)
            self._set_timeline(state.timeline)
        if state is None or not state.timeline.ready_for_export:
            text = phrase(job.lang, "not_ready")
            job.error = NemoError(text)
            return self._tell(text)
        # An anonymous cloud user hears once, before the first export, that it may need a
        # signed-in token (docs/protocol.md#exports-on-anonymous-tokens).
        notice = await self._client.export_notice()
        if notice:
            self._transcript.add("status", notice_text(notice, job.lang))
        try:
            render = await self._client.start_render(self.session_id or "", state.draft)
            job.render_id = render.id
            self._export_changed(job, "rendering", render.progress or 0)

            def progress(update: RenderJob) -> None:
                self._export_changed(job, "rendering", update.progress or 0)

            done = await self._client.wait_render(render, on_progress=progress)
            job.render_id = None  # finished: nothing left to cancel
            self._export_changed(job, "downloading", 0)
            path = await self._client.download(done, self._video_path(dest, done, state.timeline))
        except Exception as exc:
            message = error_text(exc, job.lang)
            progress_so_far = job.export_state[1] if job.export_state else 0.0
            self._transcript.emit(ExportChanged("error", progress_so_far, message))
            raise
        size = path.stat().st_size
        duration = await asyncio.to_thread(_probe_duration, path)
        video = VideoReady(
            path, done.output_url, size, duration or state.timeline.duration_s, done.id
        )
        self.video = video
        self._export_changed(job, "done", 100)
        self._transcript.emit(video)
        job.path = path
        size_text = file_size(size, job.lang)
        ready = phrase(job.lang, "video_ready", name=path.name, size=size_text)
        return self._tell(ready + self._left_out_note(state.timeline, job.lang))

    def _left_out_note(self, timeline: Timeline, lang: Language) -> str:
        """Our renderer leaves out title characters no font has (emoji): say which. The cloud
        renders with fonts of its own, so nothing is said there."""
        if self._client.settings.backend_kind == "cloud":
            return ""
        from ..engine.titles import undrawable  # Pillow: only where our renderer ran

        texts = [seg.text for track in timeline.tracks for seg in track.segments if seg.text]
        chars = "".join(dict.fromkeys("".join(undrawable(text) for text in texts)))
        return phrase(lang, "left_out", chars=" ".join(chars)) if chars else ""

    def _export_changed(self, job: _Job, state: str, progress: float) -> None:
        current = (state, round(max(0.0, min(100.0, float(progress))), 1))
        if current != job.export_state:
            job.export_state = current
            self._transcript.emit(ExportChanged(state, current[1], None))

    def _video_path(
        self, dest: str | os.PathLike[str] | None, job: RenderJob, timeline: Timeline
    ) -> Path:
        slug = re.sub(r"[^\w]+", "-", (timeline.title or "").lower()).strip("-")[:40]
        name = f"{slug or 'nemo-video'}-{re.sub(r'[^A-Za-z0-9]', '', job.id)[-8:]}.mp4"
        if dest is None:
            return self.videos_dir / name
        target = Path(dest).expanduser()
        if target.is_dir() or str(dest).endswith(("/", os.sep)):
            return target / name
        return target

    # -- timeline --------------------------------------------------------------------------

    def _set_timeline(self, timeline: Timeline) -> None:
        self._timeline = timeline
        self._transcript.emit(TimelineChanged(timeline))

    async def _read_state_quietly(self) -> State | None:
        """The state after a turn or an upload (TimelineChanged); None if it cannot be read."""
        if self.session_id is None:
            return None
        try:
            state = await self._client.state(self.session_id)
        except NemoError as exc:
            logger.info("reading the timeline failed: %s", exc)
            return None
        self._set_timeline(state.timeline)
        return state


def _worded(exc: NemoError, lang: Language) -> NemoError:
    """``exc`` with its message in ``lang`` (same class, code and status)."""
    exc.message = error_text(exc, lang)
    exc.args = (exc.message,)
    return exc


async def _first_event(stream: Stream) -> wire.ChatEvent | None:
    try:
        return await stream.__anext__()
    except StopAsyncIteration:
        return None


def _probe_duration(path: Path) -> float | None:
    """The video's length in seconds, read with PyAV; None if it cannot be read."""
    try:
        import av

        with av.open(str(path)) as container:
            if container.duration is None:
                return None
            return container.duration / av.time_base
    except Exception as exc:  # a probe is a nicety: never fail the export for it
        logger.info("could not read the length of %s: %s", path, exc)
        return None

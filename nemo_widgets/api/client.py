"""``AsyncNemoClient``: one coroutine per NemoVideo endpoint, with the protocol's recovery rules.

The rules, from docs/protocol.md (the section's anchor in brackets):

* every request carries the attribution headers and a bearer token [#request-headers]; with no
  token configured an anonymous one is fetched once and cached [#anonymous-tokens];
* code 1001 / HTTP 401: an anonymous token is renewed (same client id) and the request sent once
  more; a token the user gave is reported as :class:`AuthError` [#errors];
* code 1002: :class:`SessionNotFound` — the session id is never swapped silently [#errors];
* HTTP 429: wait ``Retry-After`` (else 30 s) and retry once [#errors];
* connect errors (the request never left) are retried for every call; 5xx, 408 and read errors
  only for GETs, render polling included, with bounded exponential backoff and jitter
  [#render-polling];
* ``/run_sse`` is never sent again once its body may have reached the server: a dropped stream is
  followed by state polling, reported as events [#stream-recovery];
* tokens never appear in ``repr``, messages or logs [#secrets].
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import random
import tempfile
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from ..backend import running as backend_running
from ..config import Settings, Timings
from ..protocol import (
    ANONYMOUS_TOKEN_PATH,
    APP_NAME,
    CLAIM_TOKEN_PATH,
    CREDITS_PATH,
    ENGINE_INFO_PATH,
    ENGINE_NAME,
    PREVIEW_PATH,
    RENDER_CANCEL_PATH,
    RENDER_DOWNLOAD_PATH,
    RENDER_PATH,
    RENDER_SETTINGS_PATH,
    RENDER_STATUS_PATH,
    SESSION_PATH,
    STATE_PATH,
    UPLOAD_PATH,
)
from ..timeline import Timeline
from . import cloud_formats, uploads
from .auth import AnonymousToken, Secret, TokenCache, load_or_create_client_id, redact
from .envelope import ErrorContext, is_json, unwrap
from .errors import (
    AuthError,
    ExportBlocked,
    NemoError,
    OutOfCredits,
    RateLimited,
    RenderFailed,
    RenderTimeout,
    ServerError,
    SessionNotFound,
    StreamTimeout,
)
from .events import (
    ChatEvent,
    ChatStreamParser,
    Heartbeat,
    Recovered,
    RecoveryCheck,
    StreamError,
    StreamLost,
    Unknown,
)
from .models import Credits, RenderJob, RenderSettings, Session, State, Upload

logger = logging.getLogger("nemo_widgets.api")

# Errors after which the request cannot have reached the server, so sending it again is safe.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_DOWNLOAD_CHUNK = 1024 * 1024
# Said once, at the first HEIC/HEIF photo sent to a server other than the local engine.
HEIC_NOTICE = (
    "{name} is a HEIC photo, which NemoVideo's cloud does not list, so it is sent as a "
    "high-quality JPEG ({new}) with its orientation and colour profile; this happens for every "
    "HEIC/HEIF photo. The original file is not changed."
)
# Said once before the first export from a server other than the local engine on an anonymous
# token (docs/protocol.md#exports-on-anonymous-tokens).
EXPORT_NOTICE = (
    "Note: this export runs on an anonymous NemoVideo token, and anonymous tokens have no "
    "'render' scope, so the cloud may refuse it. If it does: register at {web}/register, "
    "create a token under Settings -> API Tokens, set NEMO_TOKEN to it and export again."
)

ProgressCallback = Callable[[RenderJob], Any]
PREVIEW_POLL_INTERVAL = 0.1  # seconds between two reads of a preview (a local call: cheap)
PREVIEW_TIMEOUT = 300.0  # a preview not rendered by then is given up
RENDER_CANCELLED = ("cancelled", "canceled")
_CANCELLED_POLLS = 10  # a preview cancelled this many polls in a row: nothing replaced it


class Notice(str):
    """Something the client tells the person once, as English text.

    A plain ``str`` for whoever just shows it; ``kind`` and ``values`` let a front end say it
    in the person's language instead (the assistant does).
    """

    kind: str
    values: dict[str, str]

    def __new__(cls, kind: str, template: str, **values: str) -> Notice:
        notice = super().__new__(cls, template.format(**values))
        notice.kind = kind
        notice.values = values
        return notice


class AsyncNemoClient:
    """Async client for the NemoVideo HTTP API (or any server speaking it).

    Use it as ``async with AsyncNemoClient() as nemo: ...``. Arguments override the
    environment (see :mod:`nemo_widgets.config`).
    """

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        client_id: str | None = None,
        web_url: str | None = None,
        config_dir: str | os.PathLike[str] | None = None,
        skill_source: str | None = None,
        skill_version: str | None = None,
        skill_platform: str | None = None,
        timings: Timings | None = None,
        max_upload_bytes: int | None = None,
    ):
        self.settings = backend_running(
            Settings.resolve(
                base_url=base_url,
                token=token,
                client_id=client_id,
                web_url=web_url,
                config_dir=config_dir,
                skill_source=skill_source,
                skill_version=skill_version,
                skill_platform=skill_platform,
                timings=timings,
                max_upload_bytes=max_upload_bytes,
            )
        )
        logger.info("using the %s", self.settings.backend)
        t = self.settings.timings
        self._http = httpx.AsyncClient(
            base_url=self.settings.base_url,
            headers=self.settings.attribution_headers,
            timeout=httpx.Timeout(t.read_timeout, connect=t.connect_timeout),
        )
        self._token: Secret | None = self.settings.token
        self._anonymous_user_id: str | None = None
        self._token_lock: asyncio.Lock | None = None
        self._tokens = TokenCache(self.settings.config_dir)
        self._local_engine: bool | None = None  # known after is_local_engine()
        self._export_notice_given = False
        self._told_about_heic = False
        #: Where one-time notices go (a photo converted for the cloud, ...): an app sets it to
        #: show them; by default they are logged at WARNING level.
        self.on_notice: Callable[[str], Any] | None = None
        #: The raw data of the latest ``/run_sse`` events, for pinning down the wire format.
        self.raw_events: deque[str] = deque(maxlen=500)

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> AsyncNemoClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        who = "anonymous token" if self.uses_anonymous_token else "token from settings"
        return f"<AsyncNemoClient {self.settings.backend} ({who})>"

    @property
    def backend(self) -> str:
        """Which backend this client talks to, in words (the cloud, the local engine, …)."""
        return self.settings.backend

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    @property
    def uses_anonymous_token(self) -> bool:
        return self.settings.token is None

    async def is_local_engine(self) -> bool:
        """Whether the server is nemo-widgets' own engine: this process's, or another one
        (``nemo-widgets serve``), which says so at ``/api/engine/info``. Asked once."""
        if self._local_engine is None:
            kind = self.settings.backend_kind
            if kind != "server":
                self._local_engine = kind == "local"
            else:
                try:
                    info = await self._call("GET", ENGINE_INFO_PATH)
                except ServerError:
                    raise  # unreachable or failing: undecided, and the caller's call would fail
                except NemoError:  # refused (an unknown path): another server
                    info = None
                self._local_engine = isinstance(info, dict) and info.get("engine") == ENGINE_NAME
        return self._local_engine

    async def export_notice(self) -> Notice | None:
        """What to tell the person once, before their first export on an anonymous token from
        a server that is not the local engine: the cloud may want a signed-in token.

        ``None`` afterwards, with a token of one's own, or on the local engine.
        """
        if self._export_notice_given or not self.uses_anonymous_token:
            return None
        if await self.is_local_engine():
            return None
        self._export_notice_given = True
        return Notice("anonymous_export", EXPORT_NOTICE, web=self.settings.web_url)

    # -- endpoints -------------------------------------------------------------------------

    async def create_session(self, language: str = "en", *, task_name: str = "project") -> Session:
        """Create a project and its agent session (docs/protocol.md#sessions)."""
        data = await self._call(
            "POST",
            SESSION_PATH.format(app=APP_NAME),
            json={"task_name": task_name, "language": language},
        )
        try:
            session = Session.from_data(data)
        except ValueError as exc:  # its message quotes the answer, which may echo the token
            raise NemoError(
                f"{self._redact(str(exc))}. Try again; if it persists, check NEMO_API_URL."
            ) from None
        if session.user_id and self.uses_anonymous_token:
            self._anonymous_user_id = self._anonymous_user_id or session.user_id
        return session

    async def claim_link(self, session: Session) -> str:
        """A link that opens the project in NemoVideo's web app; it never holds the API token.

        The claim-token link (``/workspace/claim?ct=…``) when the server issues a claim token,
        otherwise the task link of the newer official skills
        (``/workspace/task/<task_id>?session=<session_id>``), which needs a browser signed in
        to NemoVideo (docs/protocol.md#claim-links).
        """
        if not session.task_id:
            raise ValueError(
                "claim_link() needs the Session from create_session(), with its task_id"
            )
        web = self.settings.web_url
        try:
            data = await self._call(
                "POST",
                CLAIM_TOKEN_PATH,
                json={"task_id": session.task_id, "session_id": session.session_id},
            )
        except NemoError as exc:
            logger.info("no claim token (%s); linking to the task instead", exc)
            data = None
        claim = data.get("claim_token") if isinstance(data, dict) else None
        # A claim token that is (or holds) an API token must never reach a URL.
        if isinstance(claim, str) and claim and claim == self._redact(claim):
            return str(httpx.URL(f"{web}/workspace/claim", params={"ct": claim}))
        task = httpx.URL(f"{web}/workspace/task/").join(quote(session.task_id, safe=""))
        return str(task.copy_merge_params({"session": session.session_id}))

    async def credits(self) -> Credits:
        """The credit balance (docs/protocol.md#credits)."""
        return Credits.from_data(await self._call("GET", CREDITS_PATH))

    async def state(self, session_id: str) -> State:
        """The session state with its draft (docs/protocol.md#session-state)."""
        path = STATE_PATH.format(app=APP_NAME, session_id=session_id)
        return State.from_data(await self._call("GET", path))

    async def upload(self, session_id: str, *files: uploads.FileInput) -> Upload:
        """Upload files in one multipart request (field ``files``), streamed from disk
        (docs/protocol.md#uploads).

        Each file is checked first (format by content, extension, size); a bad one raises
        :class:`UnsupportedFile` or :class:`FileTooLarge` before anything is sent. For any
        server but the local engine, HEIC/HEIF photos are sent as JPEGs and ``.m4v`` clips as
        ``.mp4`` (:mod:`~nemo_widgets.api.cloud_formats`); the person is told once.
        """
        with contextlib.ExitStack() as keep:
            prepared = uploads.prepare(files, self.settings.max_upload_bytes, keep)
            if (
                any(map(cloud_formats.needs_adapting, prepared))
                and not await self.is_local_engine()
            ):
                prepared = await self._adapt_for_cloud(prepared, keep)

            def body(attempt: contextlib.ExitStack) -> dict[str, Any]:
                parts = [("files", (f.name, f.open(attempt), f.mime)) for f in prepared]
                return {"files": parts}

            data = await self._call("POST", self._upload_path(session_id), body=body)
        return Upload.from_data(data)

    async def _adapt_for_cloud(
        self, prepared: list[uploads.PreparedFile], keep: contextlib.ExitStack
    ) -> list[uploads.PreparedFile]:
        """HEIC photos as JPEGs (one at a time, off the event loop), ``.m4v`` as ``.mp4``."""
        adapted = []
        for file in prepared:
            if cloud_formats.needs_adapting(file):
                new = await asyncio.to_thread(cloud_formats.adapt, file, keep)
                if new.size > self.settings.max_upload_bytes:
                    raise uploads.too_large(new.name, new.size, self.settings.max_upload_bytes)
                if file.format == "heic" and not self._told_about_heic:
                    self._told_about_heic = True
                    self._notify(
                        Notice("heic_converted", HEIC_NOTICE, name=file.name, new=new.name)
                    )
                file = new
            adapted.append(file)
        return adapted

    def _notify(self, text: Notice) -> None:
        """Tell the person something once: through ``on_notice`` if set, else the log."""
        if self.on_notice is not None:
            self.on_notice(text)
        else:
            logger.warning(text)

    async def upload_urls(self, session_id: str, urls: list[str]) -> Upload:
        """Let the server fetch media from http(s) URLs (docs/protocol.md#uploads)."""
        urls = [urls] if isinstance(urls, str) else list(urls)
        bad = [url for url in urls if httpx.URL(url).scheme not in ("http", "https")]
        if not urls or bad:
            raise ValueError(f"upload_urls() takes http(s) URLs; not usable: {bad or urls}")
        payload = {"urls": urls, "source_type": "url"}
        return Upload.from_data(
            await self._call("POST", self._upload_path(session_id), json=payload)
        )

    async def chat(
        self,
        session_id: str,
        text: str,
        *,
        before: State | None = None,
        streaming: bool = False,
    ) -> AsyncIterator[ChatEvent]:
        """Send a message to the agent and yield its events as they stream
        (docs/protocol.md#the-agent-stream).

        ``before`` is the session state before the turn, used to recover from a dropped
        connection; when omitted it is read first. ``streaming`` asks an ADK server for partial
        text (:class:`TextDelta`) — not documented for the cloud, so off by default.

        Raises :class:`StreamTimeout` when only heartbeats arrive for too long or the turn
        passes its cap. The message is never sent twice once it may have reached the server.
        """
        if not text or not text.strip():
            raise ValueError("chat() needs a non-empty message")
        session_id = str(session_id)
        if before is None:
            before = await self._snapshot(session_id)
        body: dict[str, Any] = {
            "app_name": APP_NAME,
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": text}]},
        }
        if streaming:
            body["streaming"] = True
        lost: httpx.TransportError | None = None
        try:
            response, _ = await self._send(
                "POST", "/run_sse", json=body, headers={"Accept": "text/event-stream"}, stream=True
            )
        except httpx.TransportError as exc:  # the body may have gone out: never resend
            lost = exc
        else:
            try:
                if not response.headers.get("content-type", "").startswith("text/event-stream"):
                    # A 2xx JSON answer instead of a stream: nothing to show, nothing hidden.
                    answer = self._redact(response.text)
                    self.raw_events.append(answer)
                    yield Unknown(answer)
                    return
                async for event in self._read_turn(response):
                    yield event
            except httpx.TransportError as exc:
                lost = exc
            finally:
                await response.aclose()
        if lost is not None:
            async for event in self._recover(session_id, before, lost):
                yield event

    async def start_render(
        self, session_id: str, draft: dict[str, Any], quality: str = "high"
    ) -> RenderJob:
        """Start an export of ``draft`` (as returned by :meth:`state`) to MP4
        (docs/protocol.md#render-submit).

        A failed submission is retried once with a new render id, as the protocol advises.
        """
        if not Timeline.from_draft(draft).ready_for_export:
            raise NemoError(
                "The timeline is empty, so there is nothing to export yet: ask the agent to "
                "build the video first (for example 'turn these images into a video')."
            )
        notice = await self.export_notice()
        if notice:  # not taken by an app that shows it itself
            self._notify(notice)
        for attempt in (1, 2):
            render_id = f"render_{uuid.uuid4().hex}"
            body = {
                "id": render_id,
                "sessionId": str(session_id),
                "draft": draft,
                "output": {"format": "mp4", "quality": quality},
            }
            try:
                data = await self._call("POST", RENDER_PATH, json=body)
            except (AuthError, ExportBlocked, OutOfCredits, RateLimited, SessionNotFound):
                raise  # a new id cannot help with these
            except NemoError as exc:
                if attempt == 2:
                    raise
                logger.info("render submit failed (%s); retrying once with a new id", exc)
                continue
            return RenderJob.from_data(data, fallback_id=render_id)
        raise AssertionError("unreachable")  # pragma: no cover

    async def render_status(self, render_id: str) -> RenderJob:
        """One poll of an export (docs/protocol.md#render-polling); transient failures are
        retried on the same id."""
        data = await self._call("GET", RENDER_STATUS_PATH.format(render_id=render_id))
        job = RenderJob.from_data(data, fallback_id=render_id)
        # The server's error text is shown to people: it must not carry the token.
        return job if job.error is None else replace(job, error=self._redact(job.error))

    async def preview(self, session_id: str) -> RenderJob | None:
        """The local engine's preview of the session's latest draft (docs/protocol.md,
        "Previews"): ``None`` before a turn changed the video, and always ``None`` on any other
        server, which is never asked (a render there may cost the person)."""
        if not await self.is_local_engine():
            return None
        data = await self._call("GET", PREVIEW_PATH.format(session_id=quote(str(session_id))))
        if not isinstance(data, dict):
            return None
        return RenderJob.from_data(data, fallback_id="")

    async def wait_preview(
        self,
        session_id: str,
        *,
        known: str | None = None,
        on_progress: ProgressCallback | None = None,
        timeout: float = PREVIEW_TIMEOUT,
        interval: float = PREVIEW_POLL_INTERVAL,
    ) -> RenderJob | None:
        """Poll the session's preview until it is rendered: the finished job (``completed``,
        or ``failed`` with its error). ``None`` when there is nothing new to show: no preview
        (another server, previews off, no draft), the one with the id ``known`` (the caller
        has it), one cancelled and not replaced (previews were turned off), or none finished
        within ``timeout``. ``on_progress(job)`` is called for each poll of an unfinished one.
        A cancelled preview is waited out: a newer draft's replaces it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        cancelled = 0
        while loop.time() < deadline:
            job = await self.preview(session_id)
            if job is None or job.id == known:
                return None
            if job.done:
                return job
            cancelled = cancelled + 1 if job.status in RENDER_CANCELLED else 0
            if cancelled >= _CANCELLED_POLLS:
                return None
            if job.failed and not cancelled:
                return job
            if on_progress is not None:
                result = on_progress(job)
                if inspect.isawaitable(result):
                    await result
            await asyncio.sleep(interval)
        logger.info("no preview for session %s within %.0f s", session_id, timeout)
        return None

    async def render_settings(
        self,
        session_id: str,
        *,
        previews: bool | None = None,
        speculative_export: bool | None = None,
    ) -> RenderSettings | None:
        """The local engine's render settings of a session (docs/protocol.md, "Previews"):
        whether it renders a preview after every turn that changes the video (off until asked)
        and exports a draft left alone (on). With neither argument they are read; otherwise the
        given ones are changed (``None`` leaves one as it is). The answer holds the effective
        settings; always ``None`` on any other server, which is never asked."""
        if not await self.is_local_engine():
            return None
        path = RENDER_SETTINGS_PATH.format(session_id=quote(str(session_id)))
        changes = {
            name: value
            for name, value in (("previews", previews), ("speculativeExport", speculative_export))
            if value is not None
        }
        if changes:
            data = await self._call("POST", path, json=changes)
        else:
            data = await self._call("GET", path)
        return RenderSettings.from_data(data)

    async def cancel_render(self, render_id: str) -> None:
        """Ask the server to cancel a pending export (documented only in an older note)."""
        await self._call("POST", RENDER_CANCEL_PATH.format(render_id=render_id))

    async def wait_render(
        self, render_id: str | RenderJob, on_progress: ProgressCallback | None = None
    ) -> RenderJob:
        """Poll until the export is done; ``on_progress(job)`` is called after every poll.

        Raises :class:`RenderFailed` if the server reports a failure and
        :class:`RenderTimeout` after ``timings.render_timeout``.
        """
        render_id = render_id.id if isinstance(render_id, RenderJob) else render_id
        t = self.settings.timings
        loop = asyncio.get_running_loop()
        deadline = loop.time() + t.render_timeout
        delay = t.poll_initial
        completed_polls = 0
        trouble = ""
        while True:
            try:
                job = await self.render_status(render_id)
            except (ServerError, RateLimited) as exc:
                # Still transient after the request's own retries: keep polling the same id.
                job, trouble = None, f" (last poll: {exc})"
            if job is not None:
                trouble = ""
                if on_progress is not None:
                    result = on_progress(job)
                    if inspect.isawaitable(result):
                        await result
                if job.failed:
                    reason = f": {self._redact(job.error)}" if job.error else ""
                    raise RenderFailed(
                        f"The export failed on the server{reason}. Try exporting again."
                    )
                if job.done:
                    # "completed" may come a poll before its URL; the fallback download needs none.
                    completed_polls += 1
                    if job.output_url or completed_polls > 2:
                        return job
            if loop.time() + delay > deadline:
                raise RenderTimeout(
                    f"The export {render_id} did not finish within {t.render_timeout:.0f} s"
                    f"{trouble}. It may still finish: call wait_render('{render_id}') again later."
                )
            await asyncio.sleep(delay)
            delay = min(delay * t.poll_factor, t.poll_max)

    async def download(self, job: RenderJob | str, dest: str | os.PathLike[str] = ".") -> Path:
        """Save a finished export to ``dest`` (a file, or a folder for ``<render id>.mp4``).

        Reads the job's output URL; falls back to ``/api/render/proxy/{id}/download``. The file
        is streamed to disk and appears only when complete.
        """
        if isinstance(job, str):
            job = await self.render_status(job)
        target = Path(dest)
        if target.is_dir() or str(dest).endswith(("/", os.sep)):
            target = target / f"{job.id}.mp4"
        target.parent.mkdir(parents=True, exist_ok=True)
        if job.output_url:
            try:
                return await self._download_to(job.output_url, target)
            except (NemoError, httpx.TransportError) as exc:
                logger.info("download from the output URL failed (%s); using the fallback", exc)
        return await self._download_to(RENDER_DOWNLOAD_PATH.format(render_id=job.id), target)

    # -- the agent stream ------------------------------------------------------------------

    async def _read_turn(self, response: httpx.Response) -> AsyncIterator[ChatEvent]:
        t = self.settings.timings
        loop = asyncio.get_running_loop()
        started = last_activity = loop.time()
        parser = ChatStreamParser(on_payload=lambda raw: self.raw_events.append(self._redact(raw)))
        chunks = response.aiter_bytes()
        while True:
            turn_left = started + t.turn_timeout - loop.time()
            quiet_left = last_activity + t.heartbeat_timeout - loop.time()
            try:
                chunk = await asyncio.wait_for(
                    chunks.__anext__(), max(0.0, min(turn_left, quiet_left))
                )
            except StopAsyncIteration:
                break
            except asyncio.TimeoutError:
                raise self._turn_timeout(turn_left <= quiet_left) from None
            for event in parser.feed(chunk):
                if not isinstance(event, Heartbeat):
                    last_activity = loop.time()
                yield self._redacted_event(event)
            if parser.finished:
                # "done" ends the turn even if the server keeps the
                # connection open; chat() then closes it (docs/protocol.md#stream-end).
                return
        for event in parser.close():
            yield self._redacted_event(event)

    def _redacted_event(self, event: ChatEvent) -> ChatEvent:
        """A server's error inside the stream is shown to people: never with the token."""
        if not isinstance(event, StreamError):
            return event
        return StreamError(self._redact(event.message), self._redact_data(event.details))

    def _redact_data(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._redact(value)
        if isinstance(value, dict):
            return {key: self._redact_data(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._redact_data(item) for item in value]
        return value

    def _turn_timeout(self, whole_turn: bool) -> StreamTimeout:
        t = self.settings.timings
        if whole_turn:
            what = f"The agent's turn ran for {t.turn_timeout / 60:g} minutes, the longest allowed"
        else:
            what = (
                f"The agent sent only keep-alive signals for {t.heartbeat_timeout / 60:g} minutes"
            )
        return StreamTimeout(
            f"{what}. The work may still finish on the server: look at the timeline (state()) "
            f"before sending the message again, since a resend can be charged twice."
        )

    async def _snapshot(self, session_id: str) -> State | None:
        """The state before a turn; None when the server cannot tell (the turn still runs)."""
        try:
            return await self.state(session_id)
        except (SessionNotFound, AuthError):
            raise
        except NemoError as exc:
            logger.debug("no state snapshot before the turn: %s", exc)
            return None

    async def _recover(
        self, session_id: str, before: State | None, error: Exception
    ) -> AsyncIterator[ChatEvent]:
        """Never resend; watch the state until it changes or we give up
        (docs/protocol.md#stream-recovery)."""
        waits = self.settings.timings.recovery_waits
        yield StreamLost(f"The connection to the agent dropped ({type(error).__name__}).")
        baseline = before
        for attempt, wait in enumerate(waits, 1):
            await asyncio.sleep(wait)
            try:
                state = await self.state(session_id)
            except NemoError as exc:
                logger.info("state read %d after a dropped stream failed: %s", attempt, exc)
                yield RecoveryCheck(attempt, len(waits), changed=False)
                continue
            if baseline is None:  # no snapshot before the turn: compare from here on
                baseline = state
            changed = state.fingerprint != baseline.fingerprint
            yield RecoveryCheck(attempt, len(waits), changed)
            if changed:
                yield Recovered(state)
                return
        minutes = sum(waits) / 60
        yield StreamError(
            f"The connection to the agent dropped and the project did not change in "
            f"{minutes:.0f} minutes, so the request probably failed. Send it again to retry "
            f"(it may use credits again).",
            {"recovery": "failed"},
        )

    # -- requests and recovery rules -------------------------------------------------------

    async def _call(self, method: str, path: str, **options: Any) -> Any:
        """Send a JSON request with the recovery rules; return the envelope's ``data``."""
        _, data = await self._send(method, path, **options)
        return data

    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        body: Callable[[contextlib.ExitStack], dict[str, Any]] | None = None,
        auth: bool = True,
        headers: dict[str, str] | None = None,
        stream: bool = False,
    ) -> tuple[httpx.Response, Any]:
        """Send with every recovery rule; return the response and its unwrapped data.

        With ``stream=True`` a 2xx answer that is not JSON comes back unread (data None) and
        must be closed by the caller. For a non-idempotent streamed request a transport error
        after sending is re-raised as it is, so that the caller can recover without resending.
        """
        idempotent = method == "GET"
        failures = 0
        renewed = rate_limited = False
        while True:
            token_used = await self._ensure_token() if auth else None
            request_headers = dict(headers or {})
            if token_used is not None:
                request_headers["Authorization"] = f"Bearer {token_used.reveal()}"
            with contextlib.ExitStack() as attempt:
                extra = body(attempt) if body else {}
                request = self._http.build_request(
                    method, path, json=json, headers=request_headers, **extra
                )
                try:
                    response = await self._http.send(request, stream=stream)
                except httpx.TransportError as exc:
                    retry = idempotent or isinstance(exc, _NEVER_SENT)
                    if retry and failures < self.settings.timings.max_retries:
                        failures += 1
                        await self._backoff(failures, exc)
                        continue
                    if stream and not idempotent and not isinstance(exc, _NEVER_SENT):
                        raise
                    raise self._unreachable(exc) from None
            logger.debug("%s %s -> %s", method, request.url.path, response.status_code)
            if stream and response.is_success and not is_json(response):
                return response, None
            if stream:
                await response.aread()
                await response.aclose()
            try:
                return response, unwrap(response, self._error_context())
            except AuthError:
                if renewed or token_used is None or not self.uses_anonymous_token:
                    raise
                renewed = True
                await self._renew_token(token_used)
            except RateLimited as exc:
                if rate_limited:
                    raise
                rate_limited = True
                await asyncio.sleep(self._rate_limit_wait(exc.retry_after))
            except ServerError as exc:
                if not idempotent or failures >= self.settings.timings.max_retries:
                    raise
                failures += 1
                await self._backoff(failures, exc)

    def _error_context(self) -> ErrorContext:
        return ErrorContext(
            web_url=self.settings.web_url,
            anonymous_user_id=self._anonymous_user_id if self.uses_anonymous_token else None,
            redact=self._redact,
            anonymous=self.uses_anonymous_token,
        )

    def _redact(self, text: str) -> str:
        """``text`` without the token in use, the configured one, or anything token-shaped."""
        return redact(text, self._token, self.settings.token)

    def _unreachable(self, exc: httpx.TransportError) -> ServerError:
        return ServerError(
            f"Could not reach {self.settings.base_url} ({type(exc).__name__}: "
            f"{self._redact(str(exc)) or 'no details'}). Check the network connection and "
            f"NEMO_API_URL, then try again."
        )

    async def _backoff(self, failures: int, reason: object) -> None:
        t = self.settings.timings
        ceiling = min(t.backoff_max, t.backoff_initial * 2 ** (failures - 1))
        delay = ceiling / 2 + random.uniform(0, ceiling / 2)  # "equal jitter"
        logger.info("retry %d in %.2f s after: %s", failures, delay, self._redact(str(reason)))
        await asyncio.sleep(delay)

    def _rate_limit_wait(self, retry_after: float | None) -> float:
        t = self.settings.timings
        return min(t.rate_limit_wait if retry_after is None else retry_after, t.rate_limit_wait_max)

    # -- identity ----------------------------------------------------------------------------

    async def _ensure_token(self) -> Secret:
        if self._token is not None:
            return self._token
        async with self._lock():
            if self._token is None:
                cached = self._tokens.get(self.settings.base_url)
                if cached is not None:
                    self._adopt(cached)
                else:
                    await self._fetch_anonymous_token()
        assert self._token is not None
        return self._token

    async def _renew_token(self, stale: Secret) -> None:
        """Replace a refused anonymous token, unless another request already did."""
        async with self._lock():
            if self._token == stale:
                self._tokens.forget(self.settings.base_url)
                self._token = None
                await self._fetch_anonymous_token()

    async def _fetch_anonymous_token(self) -> None:
        client_id = self.settings.client_id or load_or_create_client_id(self.settings.config_dir)
        data = await self._call(
            "POST", ANONYMOUS_TOKEN_PATH, auth=False, headers={"X-Client-Id": client_id}
        )
        value = data.get("token") if isinstance(data, dict) else None
        if not isinstance(value, str) or not value:
            raise AuthError(
                "The server gave no anonymous token. Set NEMO_TOKEN to a token from "
                "nemovideo.com -> Settings -> API Tokens."
            )
        token = AnonymousToken(Secret(value), data.get("user_id"), data.get("expires_at"))
        self._tokens.put(self.settings.base_url, token)
        self._adopt(token)
        logger.info("obtained an anonymous NemoVideo token")

    def _adopt(self, token: AnonymousToken) -> None:
        self._token = token.token
        self._anonymous_user_id = token.user_id

    def _lock(self) -> asyncio.Lock:
        if self._token_lock is None:
            self._token_lock = asyncio.Lock()
        return self._token_lock

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _upload_path(session_id: str) -> str:
        return UPLOAD_PATH.format(app=APP_NAME, session_id=session_id)

    def _same_origin(self, url: httpx.URL) -> bool:
        base = httpx.URL(self.settings.base_url)
        return not url.is_absolute_url or (url.scheme, url.host, url.port) == (
            base.scheme,
            base.host,
            base.port,
        )

    async def _download_to(self, url: str, target: Path) -> Path:
        """Stream ``url`` into ``target``. The token goes only to the API's own origin."""
        response, data = await self._send(
            "GET", url, auth=self._same_origin(httpx.URL(url)), stream=True
        )
        if response.is_stream_consumed:
            # Some servers answer the download endpoint with JSON that points at the file.
            job = RenderJob.from_data(data, fallback_id=target.stem)
            if not job.output_url or job.output_url == url:
                raise NemoError(
                    f"The server sent no video at {self._redact(url)}. Try the export again."
                )
            return await self._download_to(job.output_url, target)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                async for chunk in response.aiter_bytes(_DOWNLOAD_CHUNK):
                    out.write(chunk)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        finally:
            await response.aclose()
        return target

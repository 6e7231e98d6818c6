"""The engine's HTTP routes: NemoVideo's paths, envelopes, codes and ADK-style SSE.

Every endpoint the client uses is here, answering as docs/protocol.md documents the cloud:
``{"code": 0, "data": …}`` envelopes (``{"success": true, "data": …}`` for renders, as their
notes show), 1001 for an unknown token, 1002 for an unknown session, 2001 when a configured
credit budget is spent, 4001/4002 for refused files.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import mimetypes
import re
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from .._version import __version__
from ..protocol import (
    ANONYMOUS_TOKEN_PATH,
    APP_NAME,
    AUTH_INVALID,
    CLAIM_TOKEN_PATH,
    CREDITS_PATH,
    ENGINE_INFO_PATH,
    ENGINE_NAME,
    MAX_UPLOAD_BYTES,
    OUT_OF_CREDITS,
    PREVIEW_PATH,
    RENDER_CANCEL_PATH,
    RENDER_DOWNLOAD_PATH,
    RENDER_PATH,
    RENDER_SETTINGS_PATH,
    RENDER_STATUS_PATH,
    RUN_SSE_PATH,
    SESSION_NOT_FOUND,
    SESSION_PATH,
    STATE_PATH,
    UPLOAD_PATH,
)
from . import adk, director, limits, notices
from .errors import ApiError
from .jobs import DEFAULT_RENDERER, RenderQueue, cache_key
from .media import MediaInfo, MediaRejected, ingest, is_heavy
from .media.child import ingest_in_child
from .preview import preview_draft
from .receive import MultipartReceiver, Received, fetch_url, refused
from .render import RENDERER_VERSION
from .store import RenderRecord, RenderSettingsRecord, SessionRecord, Store

T = TypeVar("T")


async def off_loop(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` in a worker thread: SQLite (the store) never blocks the
    event loop. The store serialises its own calls; a sequence of calls that must not
    interleave with another request's goes in ONE function run here."""
    return await anyio.to_thread.run_sync(partial(function, *args, **kwargs))


logger = logging.getLogger("nemo_widgets.engine")

DECODES_AT_ONCE = 2  # uploads checked and converted at the same time (one heavy one of them)
DIRECTORS_AT_ONCE = 4  # turns being directed at the same time, across sessions
TURN_COST = 1.0  # credits per chat turn that changes the draft, when a budget is set
_RENDER_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


# Browsers must take a served file for the type it is sent as, never guess it from its bytes.
NO_SNIFF = {"X-Content-Type-Options": "nosniff"}


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "ok", "data": data})


@dataclass
class EngineConfig:
    """How one engine behaves; the defaults are what ``nemo-widgets serve`` runs."""

    budget: float | None = None  # credits per anonymous user; None is unlimited
    heartbeat_interval: float = 15.0  # seconds between SSE comments while a turn works
    stream_pace: float = 0.03  # seconds between streamed pieces of a reply, as an agent types
    upload_limit: int = MAX_UPLOAD_BYTES
    url_timeout: float = 120.0  # whole download of one URL upload
    render_workers: int | None = None  # renders at once; None: one per few cores (jobs.py)
    render_timeout: float = 900.0
    max_queued_renders: int = limits.MAX_QUEUED_RENDERS  # per user, waiting or rendering
    renderer: str = DEFAULT_RENDERER  # "module:function", imported in the render child
    director: Callable[..., director.Edit] = director.direct
    turn_budget: float = 30.0  # seconds the director may take over one message
    # URL uploads from this machine and private networks (off: see netguard.py).
    allow_private_urls: bool = False
    # Host names the engine answers to besides localhost, 127.0.0.1, [::1] and the one it is
    # bound to: the names a proxy (jupyter-server-proxy, a reverse proxy) forwards with.
    allowed_hosts: tuple[str, ...] = ()
    # Keep photos' metadata (GPS, camera) and bytes after the picture (off: stripped on upload).
    keep_photo_metadata: bool = False
    # Sessions may ask for a small preview after every turn that changes the draft (preview.py,
    # render_settings below); off: no session gets one. A session gets none until it asks: a
    # preview nobody watches is wasted CPU.
    previews: bool = True
    # Start the full export of a draft left alone for speculative_delay seconds, at the lowest
    # priority, so that Export finds it done; any turn or upload cancels it (CPU while idle).
    # On for every session that did not turn it off; off: for none.
    speculative_export: bool = True
    # Half a second: it starts while the person reads the reply and watches the preview (it
    # queues behind the preview), so that an Export after a pause as long as a render finds it
    # done (benchmarks/bench_preview.py); quick turns in a row from a script still start none.
    speculative_delay: float = 0.5


@dataclass
class Engine:
    """What the routes share: the store, the render queue, the turns in flight."""

    store: Store
    config: EngineConfig = field(default_factory=EngineConfig)

    def __post_init__(self) -> None:
        self.renders = RenderQueue(
            self.store,
            workers=self.config.render_workers,
            timeout=self.config.render_timeout,
            renderer=self.config.renderer,
        )
        self._busy_sessions: set[str] = set()
        self._turns: set[asyncio.Task[Any]] = set()  # kept alive even if the client leaves
        self._decodes: anyio.CapacityLimiter | None = None
        self._directors: anyio.CapacityLimiter | None = None
        # Checking a person's queued exports and adding one is one step (start_render).
        self.render_admission = threading.Lock()
        self._idle_timers: dict[str, asyncio.TimerHandle] = {}  # session -> speculative start
        self._speculative: dict[str, str] = {}  # session -> its speculative export's render id

    # -- speculative exports ---------------------------------------------------------------

    def export_when_idle(self, session_id: str, user_id: str) -> None:
        """Start the session's export once nothing has happened in it for a moment."""
        if not self.config.speculative_export:
            return
        self._stop_idle_timer(session_id)
        loop = asyncio.get_running_loop()

        def start() -> None:
            self._idle_timers.pop(session_id, None)
            if session_id in self._busy_sessions:
                return  # a turn runs: it schedules again when it ends
            task = asyncio.ensure_future(off_loop(_start_speculative, self, session_id, user_id))
            self._turns.add(task)  # kept alive until done
            task.add_done_callback(self._turns.discard)

        self._idle_timers[session_id] = loop.call_later(self.config.speculative_delay, start)

    async def stop_speculative(
        self, session_id: str, reason: str = "the person went on editing"
    ) -> None:
        """Something happens in the session: no export of a draft that may change now."""
        self._stop_idle_timer(session_id)
        render_id = self._speculative.pop(session_id, None)
        if render_id is not None:
            await off_loop(self.renders.cancel, render_id, reason)

    def _stop_idle_timer(self, session_id: str) -> None:
        timer = self._idle_timers.pop(session_id, None)
        if timer is not None:
            timer.cancel()

    def directors(self) -> anyio.CapacityLimiter:
        """The turns whose director runs at once (the others wait, and may be dropped)."""
        if self._directors is None:
            self._directors = anyio.CapacityLimiter(DIRECTORS_AT_ONCE)
        return self._directors

    def decodes(self) -> anyio.CapacityLimiter:
        """The uploads being decoded at once: a few, not the thread pool's forty."""
        if self._decodes is None:  # made on the event loop, where it is used
            self._decodes = anyio.CapacityLimiter(DECODES_AT_ONCE)
        return self._decodes

    # -- turns -----------------------------------------------------------------------------

    def ensure_idle(self, session_id: str) -> None:
        """One turn at a time per session, as the protocol asks of clients
        (docs/protocol.md#stream-recovery)."""
        if session_id in self._busy_sessions:
            raise ApiError(
                409, 409, "a turn is already running in this session: wait for it to finish"
            )

    def start_turn(
        self, session_id: str, work: Coroutine[Any, Any, list[dict[str, Any]]]
    ) -> asyncio.Task[list[dict[str, Any]]]:
        """Run a turn as its own task, so that it finishes even if its client goes away."""
        self.ensure_idle(session_id)
        self._busy_sessions.add(session_id)
        turn = asyncio.create_task(work)
        self._turns.add(turn)
        turn.add_done_callback(self._turns.discard)
        turn.add_done_callback(lambda _: self._busy_sessions.discard(session_id))
        return turn

    # -- shared checks ---------------------------------------------------------------------

    async def user(self, request: Request) -> str:
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        user_id = await off_loop(self.store.user_for_token, token) if token else None
        if user_id is None:
            raise ApiError(
                401,
                AUTH_INVALID,
                f"token invalid or expired: get a new one at {ANONYMOUS_TOKEN_PATH}",
            )
        return user_id

    async def session(self, session_id: str, user_id: str) -> SessionRecord:
        record = await off_loop(self.store.session, str(session_id), user_id)
        if record is None:
            raise ApiError(404, SESSION_NOT_FOUND, "Session not found")
        return record

    async def media_items(self, request: Request, session_id: str) -> list[director.MediaItem]:
        return [
            director.MediaItem(
                mid=item.mid,
                kind=item.info["kind"],
                name=item.info["filename"],
                url=media_url(request, item.mid, item.info["filename"]),
                width=item.info.get("width"),
                height=item.info.get("height"),
                duration=item.info.get("duration"),
            )
            for item in await off_loop(self.store.media, session_id)
        ]


def base_url(request: Request) -> str:
    """This engine's URL as the client reached it (a restart may change the port)."""
    return str(request.base_url).rstrip("/")


def media_url(request: Request, mid: str, filename: str) -> str:
    return f"{base_url(request)}/media/{mid}/{quote(filename)}"


def video_info(request: Request, mid: str, info: dict[str, Any]) -> dict[str, Any]:
    """One upload as the upload answer and ``state.video_infos`` show it."""
    return {
        "mid": mid,
        "filename": info["filename"],
        "file_type": info["kind"],
        "cdn_url": media_url(request, mid, info["filename"]),
        "duration": info.get("duration"),
        "width": info.get("width"),
        "height": info.get("height"),
        "fps": info.get("fps"),
        "hash": info.get("sha256"),
    }


async def json_body(request: Request) -> dict[str, Any]:
    """The JSON object a request sent, within the size and nesting limits."""
    limits.check_declared_length(
        request.headers.get("content-length"), limits.MAX_JSON_BYTES, "the JSON body"
    )
    raw = await limits.read_capped(request.stream(), limits.MAX_JSON_BYTES)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, 400, "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, 400, "the request body must be a JSON object")
    limits.check_depth(body)
    return body


# -- identity, sessions, credits --------------------------------------------------------------


async def anonymous_token(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    client_id = request.headers.get("x-client-id", "").strip()
    if not client_id or len(client_id) > 64:
        raise ApiError(400, 400, "X-Client-Id header required: a stable id of up to 64 characters")
    record = await off_loop(engine.store.issue_token, client_id, engine.config.budget)
    budget, spent = await off_loop(engine.store.credits, record.user_id)
    return ok(
        {
            "token": record.token,
            "user_id": record.user_id,
            "credits": None if budget is None else budget - spent,
            "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.expires_at)),
        }
    )


async def create_session(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    user_id = await engine.user(request)
    body = await json_body(request)
    record = await off_loop(
        engine.store.create_session,
        user_id,
        str(body.get("task_name") or "project")[:200],
        str(body.get("language") or "en")[:16],
    )
    return ok({"task_id": record.task_id, "session_id": record.session_id, "user_id": user_id})


async def claim_token(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    user_id = await engine.user(request)
    body = await json_body(request)
    session = await engine.session(str(body.get("session_id") or ""), user_id)
    claim = await off_loop(engine.store.create_claim, session.session_id)
    return ok({"claim_token": claim, "expires_in": 604800})


async def credits(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    budget, spent = await off_loop(engine.store.credits, await engine.user(request))
    if budget is None:
        return ok({"available": None, "frozen": 0, "total": None, "unlimited": True})
    return ok(
        {"available": max(0.0, budget - spent), "frozen": 0, "total": budget, "unlimited": False}
    )


async def state(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    session = await engine.session(request.path_params["session_id"], await engine.user(request))
    version, draft = await off_loop(engine.store.draft, session.session_id)
    media = await off_loop(engine.store.media, session.session_id)
    meta = draft.get("m", {}) if isinstance(draft.get("m"), dict) else {}
    width, height = meta.get("width"), meta.get("height")
    return ok(
        {
            "session_id": session.session_id,
            "task_id": session.task_id,
            "task_name": session.task_name,
            "draft_version": version,
            "state": {
                "draft": draft,
                "video_infos": [video_info(request, item.mid, item.info) for item in media],
                "canvas_config": {
                    "width": width,
                    "height": height,
                    "aspect_ratio": meta.get("aspect"),
                    "fps": meta.get("fps"),
                }
                if draft
                else {},
                "generated_media": [],
                "video_analyses": {},
            },
        }
    )


# -- uploads ----------------------------------------------------------------------------------


async def upload(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    user_id = await engine.user(request)
    session = await engine.session(request.path_params["session_id"], user_id)
    await engine.stop_speculative(session.session_id)  # the upload needs the CPU
    try:
        return await _upload(request, engine, session)
    finally:
        engine.export_when_idle(session.session_id, user_id)


async def _upload(request: Request, engine: Engine, session: SessionRecord) -> Response:
    limit = engine.config.upload_limit
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        received = await _receive_urls(engine, await json_body(request), limit)
    else:
        request_limit = limits.upload_request_limit(limit)
        limits.check_declared_length(
            request.headers.get("content-length"), request_limit, "one upload request"
        )
        receiver = MultipartReceiver(engine.store, content_type, limit, request_limit)
        received = await receiver.receive(request.stream())
    try:
        keep = engine.config.keep_photo_metadata
        infos = [
            await anyio.to_thread.run_sync(_ingest, item, limit, keep, limiter=engine.decodes())
            for item in received
        ]
    except ApiError:
        await off_loop(_discard, engine, received)
        raise
    stored = [
        (item.mid, _stored_info(engine, info)) for item, info in zip(received, infos, strict=True)
    ]
    await off_loop(engine.store.add_media, session.session_id, stored)
    files = [video_info(request, mid, info) for mid, info in stored]
    return ok({"files": files, "session_state_applied": True})


async def _receive_urls(engine: Engine, body: dict[str, Any], limit: int) -> list[Received]:
    urls = body.get("urls")
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise ApiError(400, 400, 'send {"urls": ["https://…"], "source_type": "url"}')
    if len(urls) > limits.MAX_FILES_PER_REQUEST:
        raise ApiError(
            413,
            413,
            f"at most {limits.MAX_FILES_PER_REQUEST} files per request: send the rest next",
        )
    if any(len(url) > limits.MAX_URL_CHARS for url in urls):
        raise ApiError(400, 400, f"a URL is longer than {limits.MAX_URL_CHARS} characters")
    received: list[Received] = []
    try:
        for url in urls:
            received.append(
                await fetch_url(
                    engine.store,
                    url,
                    limit,
                    timeout=engine.config.url_timeout,
                    allow_private=engine.config.allow_private_urls,
                )
            )
    except BaseException:
        # Also when cancelled, where nothing can be awaited: a few quick deletes, done here.
        _discard(engine, received)
        raise
    return received


def _discard(engine: Engine, received: list[Received]) -> None:
    for item in received:
        engine.store.discard_media(item.mid)


def _ingest(item: Received, limit: int, keep_metadata: bool) -> MediaInfo:
    # Large and animated images are decoded in a child process (see media/child.py).
    run = ingest_in_child if is_heavy(item.path) else ingest
    try:
        return run(
            item.path, item.filename, item.folder, max_bytes=limit, keep_metadata=keep_metadata
        )
    except MediaRejected as exc:
        raise refused(exc) from None


def _stored_info(engine: Engine, info: MediaInfo) -> dict[str, Any]:
    stored = info.to_json()
    stored["path"] = str(info.path.relative_to(engine.store.root))
    return stored


async def media_file(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    item = await off_loop(engine.store.media_item, request.path_params["mid"])
    if item is None:
        raise ApiError(404, 404, "no such media")
    # The stored file may differ from the upload (a HEIC kept as JPEG, a GIF as MP4):
    # its own suffix gives the type.
    path = engine.store.root / item.info["path"]
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type, headers=NO_SNIFF)


# -- the agent stream -------------------------------------------------------------------------


async def run_sse(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    user_id = await engine.user(request)
    body = await json_body(request)
    session = await engine.session(str(body.get("session_id") or ""), user_id)
    message = body.get("new_message") if isinstance(body.get("new_message"), dict) else {}
    parts = message.get("parts") if isinstance(message.get("parts"), list) else []
    text = "\n".join(
        p["text"] for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str)
    )
    streaming = body.get("streaming") is True
    if len(text) > limits.MAX_MESSAGE_CHARS:
        lang = notices.language(session.language, text)
        raise ApiError(
            413,
            413,
            notices.say("too_long", lang, length=len(text), limit=limits.MAX_MESSAGE_CHARS),
        )
    engine.ensure_idle(session.session_id)
    budget = await off_loop(_charge_turn, engine.store, user_id)
    try:
        engine.ensure_idle(session.session_id)  # a turn may have started while we charged
    except ApiError:
        if budget is not None:
            await off_loop(engine.store.spend, user_id, -TURN_COST)
        raise
    client_gone = asyncio.Event()
    turn = engine.start_turn(
        session.session_id,
        _run_turn(request, engine, session, user_id, text, budget, client_gone),
    )
    return StreamingResponse(
        _stream_turn(turn, engine.config, streaming, client_gone),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _charge_turn(store: Store, user_id: str) -> float | None:
    """Take a turn's credits (one step in the store); the budget, None when unlimited."""
    budget, _ = store.credits(user_id)
    if budget is not None and not store.spend(user_id, TURN_COST):
        raise ApiError(
            402,
            OUT_OF_CREDITS,
            f"the local engine's budget of {budget:g} credits is used up: restart it without "
            "--credits for unlimited use",
        )
    return budget


async def _run_turn(
    request: Request,
    engine: Engine,
    session: SessionRecord,
    user_id: str,
    text: str,
    budget: float | None,
    client_gone: asyncio.Event,
) -> list[dict[str, Any]]:
    """Direct one message and store its edit; the ADK events that report it.

    The director runs in a worker thread, a few at a time, within the turn budget. A turn
    whose client left before the director started is dropped; once it has started, its edit
    is kept (the client finds it in the state)."""
    invocation = adk.Invocation()
    sid = session.session_id
    await engine.stop_speculative(sid)
    try:
        return await _direct_turn(
            request, engine, session, user_id, text, budget, client_gone, invocation
        )
    finally:
        engine.export_when_idle(sid, user_id)


async def _direct_turn(
    request: Request,
    engine: Engine,
    session: SessionRecord,
    user_id: str,
    text: str,
    budget: float | None,
    client_gone: asyncio.Event,
    invocation: adk.Invocation,
) -> list[dict[str, Any]]:
    sid = session.session_id
    config = engine.config
    try:
        version, draft, previous = await off_loop(engine.store.draft_and_previous, sid)
        media = await engine.media_items(request, sid)
        async with engine.directors():
            if client_gone.is_set():
                if budget is not None:
                    await off_loop(engine.store.spend, user_id, -TURN_COST)
                return []
            # A thread cannot be stopped: past the budget it is abandoned, its edit unused.
            with anyio.fail_after(config.turn_budget):
                edit = await anyio.to_thread.run_sync(
                    lambda: config.director(text, draft, media, previous=previous),
                    abandon_on_cancel=True,
                )
        changed = edit.draft is not None and (edit.undo or edit.draft != draft)
        if edit.undo and changed:
            stored = await off_loop(engine.store.undo_draft, sid, based_on=version)
        elif changed:
            saved = await off_loop(engine.store.save_draft, sid, edit.draft, text, based_on=version)
            stored = saved is not None
        else:
            stored = True
        if not stored:
            return [adk.error_event("the draft changed during this turn: send the message again")]
        if budget is not None and not changed:
            await off_loop(engine.store.spend, user_id, -TURN_COST)  # only edits cost credits
    except TimeoutError:
        logger.warning("a turn in session %s took over %g s", sid, config.turn_budget)
        if budget is not None:
            await off_loop(engine.store.spend, user_id, -TURN_COST)
        lang = notices.language(session.language, text)
        return [adk.error_event(notices.say("too_slow", lang, budget=config.turn_budget))]
    except Exception as exc:
        logger.exception("turn failed in session %s", sid)
        if budget is not None:
            await off_loop(engine.store.spend, user_id, -TURN_COST)
        return [adk.error_event(f"The local director failed: {type(exc).__name__}: {exc}")]
    if changed and config.previews:
        await off_loop(_schedule_preview, engine, sid, user_id)
    call_id = f"adk-{invocation.id[2:]}"
    delta = {"draft_version": (await off_loop(engine.store.draft, sid))[0]}
    return [
        invocation.function_call(call_id, edit.tool, edit.args),
        invocation.function_response(call_id, edit.tool, edit.result, delta),
        invocation.text(edit.reply),
    ]


async def _stream_turn(
    turn: asyncio.Task[list[dict[str, Any]]],
    config: EngineConfig,
    streaming: bool,
    client_gone: asyncio.Event,
) -> AsyncIterator[bytes]:
    # The turn is shielded: a client that disconnects does not undo its edit; it only stops
    # a turn that has not reached the director yet.
    try:
        while True:
            try:
                events = await asyncio.wait_for(asyncio.shield(turn), config.heartbeat_interval)
                break
            except asyncio.TimeoutError:
                yield adk.HEARTBEAT
    finally:
        if not turn.done():
            client_gone.set()
    for event in events:
        if streaming:
            for partial in adk.partials(event):
                yield adk.sse(partial)
                await asyncio.sleep(config.stream_pace)
        yield adk.sse(event)


# -- renders ----------------------------------------------------------------------------------


def render_json(request: Request, record: RenderRecord, engine: Engine) -> dict[str, Any]:
    total = max(record.frames_total, 0)
    progress = (
        100
        if record.status == "completed"
        else (int(99 * record.frames_done / total) if total else 0)
    )
    data: dict[str, Any] = {
        "id": record.public_id,
        "status": record.status,
        "progress": progress,
        "framesDone": record.frames_done,
        "framesTotal": record.frames_total,
        "createdAt": int(record.created_at * 1000),
    }
    if record.kind != "export":
        data["kind"] = record.kind  # "preview": the engine's own small render
    if record.draft_version is not None:
        data["draftVersion"] = record.draft_version  # the draft version a preview shows
    if record.error and record.status != "completed":
        data["error"] = record.error
    if record.completed_at:
        data["completedAt"] = int(record.completed_at * 1000)
    path = engine.store.render_path(record.cache_key)
    if record.status == "completed" and path.exists():
        url = f"{base_url(request)}/outputs/{record.output_key}/{record.public_id}.mp4"
        data["outputUrl"] = url
        data["output"] = {"url": url, "size": path.stat().st_size, "format": "mp4"}
    return data


def _render_answer(request: Request, record: RenderRecord, engine: Engine) -> JSONResponse:
    return JSONResponse({"success": True, "data": render_json(request, record, engine)})


async def start_render(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    user_id = await engine.user(request)
    body = await json_body(request)
    session = await engine.session(str(body.get("sessionId") or ""), user_id)
    render_id = body.get("id")
    if not isinstance(render_id, str) or not _RENDER_ID.match(render_id):
        raise ApiError(400, 400, "'id' must be a unique render id such as render_<uuid>")
    output = body.get("output") if isinstance(body.get("output"), dict) else {}
    if str(output.get("format") or "mp4").lower() != "mp4":
        raise ApiError(400, 400, "the local engine exports MP4 only: set output.format to 'mp4'")
    draft = body.get("draft")
    if not isinstance(draft, dict):
        raise ApiError(400, 400, "'draft' must be the draft object from the session state")
    record = await off_loop(_admit_render, engine, session.session_id, user_id, render_id, draft)
    return _render_answer(request, record, engine)


def _admit_render(
    engine: Engine, session_id: str, user_id: str, render_id: str, draft: dict[str, Any]
) -> RenderRecord:
    """Check the draft and the person's queue, add the render, start it or reuse the video
    made before: one step, so that two exports at once cannot both pass the queue check."""
    with engine.render_admission:
        hashes = _media_hashes(engine, session_id, draft)
        waiting = engine.store.active_renders(user_id)
        if waiting >= engine.config.max_queued_renders:
            raise ApiError(
                429,
                429,
                f"you have {waiting} exports waiting or running, the most this engine queues for "
                "one person: wait for one to finish or cancel one, then export again",
            )
        key = cache_key(draft, hashes, RENDERER_VERSION)
        record = engine.store.add_render(render_id, session_id, user_id, draft, key)
        if record is None:
            raise ApiError(409, 409, f"you already have a render {render_id!r}: use a new id")
        _reuse_or_submit(engine, record)
        record = engine.store.render(record.render_id)
        assert record is not None
        return record


def _schedule_preview(engine: Engine, session_id: str, user_id: str) -> None:
    """Queue the preview of the session's draft if the session asked for previews, cancelling
    the older draft's at once; a preview of the same video made before is reused. A draft that
    cannot be rendered gets no preview (Export tells the person why)."""
    with engine.render_admission:
        if not _effective(engine, engine.store.render_settings(session_id)).previews:
            return
        earlier = engine.store.latest_preview(session_id)
        version, draft = engine.store.draft(session_id)
        if not draft:
            return
        small = preview_draft(draft)
        try:
            hashes = _media_hashes(engine, session_id, small)
        except ApiError as exc:
            logger.info("no preview for session %s: %s", session_id, exc)
            return
        key = cache_key(small, hashes, f"{RENDERER_VERSION}:preview")
        if earlier is not None and earlier.cache_key == key:
            if earlier.status not in ("cancelled", "failed"):
                engine.store.preview_shows(earlier.render_id, version)
                return  # this very preview is rendering or done
        elif earlier is not None and not earlier.finished:
            engine.renders.cancel(earlier.render_id, "a newer draft's preview replaced it")
        record = engine.store.add_render(
            f"preview_{secrets.token_hex(8)}",
            session_id,
            user_id,
            small,
            key,
            kind="preview",
            draft_version=version,
        )
        if record is None:
            return
        _reuse_or_submit(engine, record)


def _reuse_or_submit(engine: Engine, record: RenderRecord) -> None:
    """Complete ``record`` at once when the same video (same draft, same media) was made
    before and is still on disk; otherwise queue it."""
    earlier = engine.store.completed_render_with_key(record.cache_key)
    if earlier is not None and engine.store.render_path(record.cache_key).exists():
        engine.store.update_render(
            record.render_id,
            status="completed",
            frames_done=earlier.frames_total,
            frames_total=earlier.frames_total,
        )
    else:
        engine.renders.submit(record)


def _start_speculative(engine: Engine, session_id: str, user_id: str) -> None:
    """Queue the full export of the session's draft at the lowest priority, unless its video
    exists or is being made; Export of the same draft then finds it (start_render's cache)."""
    with engine.render_admission:
        if not _effective(engine, engine.store.render_settings(session_id)).speculative_export:
            return
        _, draft = engine.store.draft(session_id)
        if not draft:
            return
        try:
            hashes = _media_hashes(engine, session_id, draft)
        except ApiError:
            return  # Export will say what is wrong with it
        key = cache_key(draft, hashes, RENDERER_VERSION)
        if engine.store.render_path(key).exists() or engine.store.unfinished_with_key(key):
            return
        record = engine.store.add_render(
            f"speculative_{secrets.token_hex(8)}",
            session_id,
            user_id,
            draft,
            key,
            kind="speculative",
        )
        if record is not None:
            engine._speculative[session_id] = record.render_id
            engine.renders.submit(record)


async def preview(request: Request) -> Response:
    """The preview of the session's latest draft: its render answer, or ``null`` before the
    first turn that changed the video (a local engine extra, docs/protocol.md)."""
    engine: Engine = request.app.state.engine
    session = await engine.session(request.path_params["session_id"], await engine.user(request))
    record = await off_loop(engine.store.latest_preview, session.session_id)
    if record is None:
        return JSONResponse({"success": True, "data": None})
    return _render_answer(request, record, engine)


# -- render settings: each session's previews and speculative export ----------------------------

_SETTINGS = {"previews": "previews", "speculativeExport": "speculative"}  # JSON -> store names
_SEND_SETTINGS = 'send {"previews": true|false, "speculativeExport": true|false} (either or both)'


def _effective(engine: Engine, asked: RenderSettingsRecord) -> RenderSettingsRecord:
    """What the session gets: what it asked for, unless the engine's configuration says no."""
    return RenderSettingsRecord(
        previews=engine.config.previews and asked.previews,
        speculative_export=engine.config.speculative_export and asked.speculative_export,
    )


def _settings_changes(body: dict[str, Any]) -> dict[str, bool]:
    """The settings a POST changes, by their store names; a 400 that says what to send."""
    unknown = sorted(set(body) - set(_SETTINGS))
    if unknown:
        raise ApiError(400, 400, f"unknown render setting {_shown(unknown[0])}: {_SEND_SETTINGS}")
    for name, value in body.items():
        if not isinstance(value, bool):
            message = f"{_shown(name)} must be true or false, not {_shown(value)}: {_SEND_SETTINGS}"
            raise ApiError(400, 400, message)
    return {_SETTINGS[name]: value for name, value in body.items()}


def _shown(value: Any) -> str:
    """``value`` as JSON, cut short: a message quotes what was sent, never all of it."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _change_render_settings(
    engine: Engine, session_id: str, changes: dict[str, bool]
) -> RenderSettingsRecord:
    """Store the session's new settings; previews turned off cancel its pending preview. One
    step with the admission of previews and speculative exports, which read the settings: none
    can be queued on the old settings once this returns."""
    with engine.render_admission:
        asked = engine.store.set_render_settings(session_id, **changes)
        if changes.get("previews") is False:
            latest = engine.store.latest_preview(session_id)
            if latest is not None and not latest.finished:
                engine.renders.cancel(latest.render_id, "previews were turned off")
    return asked


async def render_settings(request: Request) -> Response:
    """GET: the session's previews and speculative export, on or off; POST: change either
    (a local engine extra, docs/protocol.md). Both answer the effective settings."""
    engine: Engine = request.app.state.engine
    user_id = await engine.user(request)
    session = await engine.session(request.path_params["session_id"], user_id)
    sid = session.session_id
    if request.method == "POST":
        changes = _settings_changes(await json_body(request))
        asked = await off_loop(_change_render_settings, engine, sid, changes)
        if changes.get("speculative") is False:
            await engine.stop_speculative(sid, "speculative export was turned off")
        elif changes.get("speculative") is True:
            engine.export_when_idle(sid, user_id)
        if changes.get("previews") is True:
            # A studio opened on an old session shows its video without waiting for a turn.
            await off_loop(_schedule_preview, engine, sid, user_id)
    else:
        asked = await off_loop(engine.store.render_settings, sid)
    settings = _effective(engine, asked)
    return JSONResponse(
        {
            "success": True,
            "data": {
                "previews": settings.previews,
                "speculativeExport": settings.speculative_export,
            },
        }
    )


def _media_hashes(engine: Engine, session_id: str, draft: dict[str, Any]) -> dict[str, str]:
    """The content hash of every medium the draft uses; refuse media of other sessions."""
    limits.check_draft(draft)
    known = {item.mid: item.info for item in engine.store.media(session_id)}
    hashes = {}
    for track in draft.get("t", []):
        for segment in track.get("sg", []) if isinstance(track, dict) else []:
            mid = segment.get("mid") if isinstance(segment, dict) else None
            if mid is None:
                continue
            if mid not in known:
                raise ApiError(
                    400, 400, f"the draft uses media {mid!r}, which is not part of this session"
                )
            hashes[mid] = known[mid]["sha256"]
    return hashes


async def _owned_render(request: Request, engine: Engine) -> RenderRecord:
    user_id = await engine.user(request)
    record = await off_loop(engine.store.user_render, user_id, request.path_params["render_id"])
    if record is None:
        raise ApiError(404, 404, "no render with this id")
    return record


async def render_status(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    return _render_answer(request, await _owned_render(request, engine), engine)


async def cancel_render(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    record = await _owned_render(request, engine)
    await off_loop(engine.renders.cancel, record.render_id)
    record = await off_loop(engine.store.render, record.render_id)
    assert record is not None
    return _render_answer(request, record, engine)


async def download(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    return _video_file(engine, await _owned_render(request, engine))


async def output_file(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    record = await off_loop(engine.store.render_by_output_key, request.path_params["key"])
    if record is None:
        raise ApiError(404, 404, "no such video")
    return _video_file(engine, record)


def _video_file(engine: Engine, record: RenderRecord) -> Response:
    path = engine.store.render_path(record.cache_key)
    if record.status != "completed" or not path.exists():
        raise ApiError(409, 409, f"the render is {record.status}, not completed: no video yet")
    # FileResponse answers Range requests (206), which browsers use to seek.
    return FileResponse(
        path, media_type="video/mp4", filename=f"{record.public_id}.mp4", headers=NO_SNIFF
    )


# -- a page for claim links -------------------------------------------------------------------


async def claim_page(request: Request) -> Response:
    """What a claim link opens on the local engine: the project's uploads and videos."""
    engine: Engine = request.app.state.engine
    session_id = await off_loop(engine.store.claimed_session, request.query_params.get("ct", ""))
    if session_id is None:
        return HTMLResponse("<h1>This link has expired or is unknown.</h1>", status_code=404)
    items = "".join(
        f"<li>{html.escape(item.info['filename'])} ({item.info['kind']})</li>"
        for item in await off_loop(engine.store.media, session_id)
    )
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>nemo-widgets project</title>"
        f"<h1>Project {html.escape(session_id)}</h1><p>Uploads:</p><ul>{items}</ul>"
    )


async def engine_info(request: Request) -> Response:
    engine: Engine = request.app.state.engine
    return ok(
        {
            "engine": ENGINE_NAME,
            "version": __version__,
            "renderer": RENDERER_VERSION,
            "credits": "unlimited" if engine.config.budget is None else engine.config.budget,
        }
    )


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse({"code": exc.code, "message": str(exc)}, status_code=exc.status)


async def internal_error(request: Request, exc: Exception) -> Response:
    """A bug still answers in the protocol's envelope (Starlette logs the traceback)."""
    return JSONResponse(
        {"code": 500, "message": f"internal error in the local engine ({type(exc).__name__})"},
        status_code=500,
    )


LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_SESSION_ID = "{session_id}"  # the path parameter, in Starlette's route syntax


def allowed_hosts(config: EngineConfig, bound_host: str | None = None) -> list[str]:
    """The Host header values the engine answers to: a web page on another name cannot
    drive it through DNS rebinding."""
    hosts = [*LOCAL_HOSTS, *config.allowed_hosts]
    if bound_host in ("0.0.0.0", "::", ""):
        hosts.append(socket.gethostname())  # every interface: the machine's own name too
    elif bound_host:
        hosts.append(f"[{bound_host}]" if ":" in bound_host else bound_host)
    return [host.lower() for host in dict.fromkeys(hosts)]


def create_app(engine: Engine, bound_host: str | None = None) -> Starlette:
    """The ASGI app; the render queue runs while the app is up."""
    routes = [
        Route(ENGINE_INFO_PATH, engine_info),
        Route(ANONYMOUS_TOKEN_PATH, anonymous_token, methods=["POST"]),
        Route(SESSION_PATH.format(app=APP_NAME), create_session, methods=["POST"]),
        Route(CLAIM_TOKEN_PATH, claim_token, methods=["POST"]),
        Route(CREDITS_PATH, credits),
        Route(STATE_PATH.format(app=APP_NAME, session_id="{session_id}"), state),
        Route(
            UPLOAD_PATH.format(app=APP_NAME, session_id="{session_id}"), upload, methods=["POST"]
        ),
        Route(RUN_SSE_PATH, run_sse, methods=["POST"]),
        Route(RENDER_PATH, start_render, methods=["POST"]),
        Route(RENDER_STATUS_PATH, render_status),
        Route(RENDER_CANCEL_PATH, cancel_render, methods=["POST"]),
        Route(RENDER_DOWNLOAD_PATH, download),
        Route(PREVIEW_PATH, preview),
        Route(RENDER_SETTINGS_PATH, render_settings, methods=["GET", "POST"]),
        Route("/media/{mid}/{name:path}", media_file),
        Route("/outputs/{key}/{name}", output_file),
        Route("/workspace/claim", claim_page),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        removed = await anyio.to_thread.run_sync(engine.store.remove_leftovers)
        if removed:
            logger.info("removed what an engine that crashed left behind: %s", removed)
        engine.renders.start()
        try:
            yield
        finally:
            engine.renders.close()
            engine.store.lease.close()  # stopped: its unfinished work is anyone's now

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                TrustedHostMiddleware, allowed_hosts=allowed_hosts(engine.config, bound_host)
            )
        ],
        exception_handlers={ApiError: api_error, Exception: internal_error},
        lifespan=lifespan,
    )
    app.state.engine = engine
    return app

"""A scriptable stand-in for NemoVideo's HTTP API (host A), served over real HTTP for tests.

The real backend can never be reached from the test machine, so the API client is tested against
this server instead. It speaks the protocol of ``docs/protocol.md`` (host A: envelope, tokens,
sessions, uploads, the agent stream, export, errors) and can inject every fault it mentions.

Typical use from a pytest fixture::

    server = FaultServer().start()
    server.inject("GET", "/api/credits", code=2001)   # the next credits call fails with 2001
    server.script_turn(data(adk_text("Hi")), drop())   # next /run_sse: one event, then it dies
    ...
    server.stop()

Layout of this module:

1. Constants
2. Recorded requests
3. SSE script steps (``data``, ``raw``, ``comment``, ``sleep``, ``drop``, ``update_draft``)
4. ADK event builders (``adk_text``, ``adk_tool_call``, ...)
5. Internal helpers (faults, render jobs, multipart byte counter, response helpers)
6. ``FaultServer``: lifecycle, test controls, the request pipeline, the endpoints

Every request goes through the same pipeline (``FaultServer._dispatch``): record it, read its body,
apply a matching injected fault, check the bearer token, then run the endpoint handler.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import logging
import secrets
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Literal
from urllib.parse import quote, urlparse

import uvicorn
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

# ---------------------------------------------------------------------------------------------
# 1. Constants
# ---------------------------------------------------------------------------------------------

TEST_TOKEN = "nmv_usr_test"
"""A bearer token that is valid after ``start()`` and after every ``reset()``."""

TEST_USER_ID = "anon_test"
"""The user id behind ``TEST_TOKEN`` (and behind sessions made with ``create_session``)."""

AGENT_NAME = "nemo_agent"
"""The ADK app name in paths and ``/run_sse`` bodies, and the ``author`` of scripted events."""

INVOCATION_ID = "e-00000000-0000-4000-8000-00000000cafe"
"""Default ``invocationId`` of built ADK events (one ADK run shares one invocation id)."""

ACCEPTED_EXTENSIONS: dict[str, str] = {
    **dict.fromkeys(("mp4", "mov", "avi", "webm", "mkv"), "video"),
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "webp"), "image"),
    **dict.fromkeys(("mp3", "wav", "m4a", "aac"), "audio"),
}
"""Upload extensions the server accepts (docs/protocol.md#upload-formats), mapped to the
reported ``file_type``."""

DEFAULT_RENDER_OUTPUT_URL = "{url}/cdn/render-result/{id}.mp4"
"""Default of ``FaultServer.render_output_url``; ``{url}`` = server URL, ``{id}`` = render id."""

ANONYMOUS_CREDITS = 100
TOKEN_LIFETIME = timedelta(days=7)
CLAIM_TOKEN_LIFETIME_S = 604800
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _fake_mp4(payload_size: int = 4096) -> bytes:
    """Bytes that look like the start of an MP4 file: an ``ftyp`` box, then an ``mdat`` box."""
    ftyp = (24).to_bytes(4, "big") + b"ftyp" + b"isom" + (512).to_bytes(4, "big") + b"isommp42"
    payload = bytes(range(256)) * (payload_size // 256)
    mdat = (8 + len(payload)).to_bytes(4, "big") + b"mdat" + payload
    return ftyp + mdat


DEFAULT_RENDER_BYTES = _fake_mp4()


# ---------------------------------------------------------------------------------------------
# 2. Recorded requests
# ---------------------------------------------------------------------------------------------


@dataclass
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    """Header names in lower case; repeated headers joined with ``", "``."""
    json: Any | None = None
    """The parsed body when the content type mentions JSON and the body parses, else ``None``."""
    body_size: int = 0
    files: list[tuple[str, str, int]] = field(default_factory=list)
    """``(filename, content_type, size)`` for every part of the multipart field ``files``
    (``content_type`` is ``""`` when the part had none)."""
    file_bytes: dict[str, bytes] = field(default_factory=dict)
    """filename -> content of the ``files`` parts, only while ``FaultServer.keep_upload_bytes``."""


# ---------------------------------------------------------------------------------------------
# 3. SSE script steps
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a scripted ``/run_sse`` turn. Build steps with the functions below."""

    kind: Literal["send", "sleep", "drop", "draft"]
    payload: bytes = b""
    seconds: float = 0.0
    draft: dict[str, Any] | None = None


def data(payload: dict[str, Any] | list[Any] | str) -> Step:
    """An SSE message ``data: <payload>\\n\\n``.

    A dict or list is JSON-encoded compactly with raw UTF-8 (the way ADK writes events). A str is
    sent verbatim, so malformed JSON, the ADK error line and empty heartbeats (``data("")``) can be
    sent too.
    """
    if isinstance(payload, str):
        text = payload
    else:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return Step("send", payload=b"data: " + text.encode("utf-8") + b"\n\n")


def raw(payload: bytes) -> Step:
    """Exactly these bytes (split data lines, CRLF line endings, invalid UTF-8, ...)."""
    return Step("send", payload=bytes(payload))


def comment(text: str = "keepalive") -> Step:
    """An SSE comment ``: <text>\\n\\n`` (one of the heartbeat forms)."""
    return Step("send", payload=b": " + text.encode("utf-8") + b"\n\n")


def sleep(seconds: float) -> Step:
    """Pause the stream; nothing is sent meanwhile."""
    return Step("sleep", seconds=seconds)


def drop() -> Step:
    """Abort the connection mid-stream: the client sees an incomplete chunked body, no clean end."""
    return Step("drop")


def update_draft(draft: dict[str, Any]) -> Step:
    """Replace ``state.draft`` of the turn's session at this point of the stream (nothing is sent).

    Lets a test change the state *during* a turn, e.g. for the silent-turn fallback.
    """
    return Step("draft", draft=copy.deepcopy(draft))


# ---------------------------------------------------------------------------------------------
# 4. ADK event builders (the camelCase ADK 2.x shape of /work/shared/research/adk_sse/*.sse)
# ---------------------------------------------------------------------------------------------


def _adk_event(
    *,
    content: dict[str, Any] | None = None,
    partial: bool = False,
    extra: dict[str, Any] | None = None,
    state_delta: dict[str, Any] | None = None,
    id: str | None = None,
    invocation_id: str = INVOCATION_ID,
) -> dict[str, Any]:
    """Builds one ADK ``Event`` dict with the key order of the captures."""
    event: dict[str, Any] = {}
    if content is not None:
        event["content"] = content
    if partial:
        event["partial"] = True
    if extra:
        event.update(extra)
    event["invocationId"] = invocation_id
    event["author"] = AGENT_NAME
    event["actions"] = {
        "stateDelta": dict(state_delta or {}),
        "artifactDelta": {},
        "requestedAuthConfigs": {},
        "requestedToolConfirmations": {},
    }
    event["nodeInfo"] = {"path": ""}
    event["id"] = id if id is not None else str(uuid.uuid4())
    event["timestamp"] = time.time()
    return event


def adk_text(
    text: str, *, partial: bool = False, id: str | None = None, invocation_id: str = INVOCATION_ID
) -> dict[str, Any]:
    """A model text event; ``partial=True`` marks a streamed chunk (a delta)."""
    content = {"parts": [{"text": text}], "role": "model"}
    return _adk_event(content=content, partial=partial, id=id, invocation_id=invocation_id)


def adk_tool_call(
    name: str, args: dict[str, Any], *, id: str = "adk-1", invocation_id: str = INVOCATION_ID
) -> dict[str, Any]:
    """A ``functionCall`` event; ``id`` is the function call id shared with its result."""
    content = {"parts": [{"functionCall": {"id": id, "args": args, "name": name}}], "role": "model"}
    return _adk_event(content=content, invocation_id=invocation_id)


def adk_tool_result(
    name: str, response: dict[str, Any], *, id: str = "adk-1", invocation_id: str = INVOCATION_ID
) -> dict[str, Any]:
    """A ``functionResponse`` event (role ``user``, author still the agent, as ADK sends it)."""
    part = {"functionResponse": {"id": id, "name": name, "response": response}}
    return _adk_event(content={"parts": [part], "role": "user"}, invocation_id=invocation_id)


def adk_silent(
    state_delta: dict[str, Any], *, invocation_id: str = INVOCATION_ID
) -> dict[str, Any]:
    """An event with no content, only ``actions.stateDelta``."""
    return _adk_event(state_delta=state_delta, invocation_id=invocation_id)


def adk_error_code(
    code: str, message: str, *, invocation_id: str = INVOCATION_ID
) -> dict[str, Any]:
    """A model-level failure event: ``finishReason``/``errorCode``/``errorMessage``, no content."""
    extra = {"finishReason": code, "errorCode": code, "errorMessage": message}
    return _adk_event(extra=extra, invocation_id=invocation_id)


def adk_error_line(message: str) -> str:
    """The in-band error line of ADK 2.x, as ``json.dumps`` writes it (ASCII escapes, spaces).

    Send it with ``data(adk_error_line("boom"))``.
    """
    return json.dumps(
        {
            "error": f"RuntimeError: {message}",
            "error_details": {
                "error_type": "RuntimeError",
                "error_message": message,
                "timestamp": time.time(),
            },
        }
    )


# ---------------------------------------------------------------------------------------------
# 5. Internal helpers
# ---------------------------------------------------------------------------------------------


@dataclass
class _Fault:
    """An injected answer for the next ``times`` matching requests."""

    method: str
    path_prefix: str
    status: int
    code: int | None
    message: str
    body: Any
    headers: dict[str, str]
    delay: float
    times: int
    drop: bool

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and path.startswith(self.path_prefix)

    def response(self) -> Response | None:
        """The injected response, or ``None`` when the normal handler should answer."""
        if self.code is not None:
            body = {"code": self.code, "message": self.message, "data": None}
            return JSONResponse(body, status_code=self.status, headers=self.headers)
        if isinstance(self.body, bytes):
            return Response(
                self.body, self.status, self.headers, media_type="application/octet-stream"
            )
        if isinstance(self.body, str):
            return Response(self.body, self.status, self.headers, media_type="text/plain")
        if self.body is not None:
            return JSONResponse(self.body, status_code=self.status, headers=self.headers)
        if self.status != 200:
            return Response(b"", self.status, self.headers)
        return None


@dataclass
class RenderJob:
    """A submitted render, as the server tracks it."""

    id: str
    session_id: str
    draft: Any
    output: Any
    created_at_ms: int
    polls: int = 0
    status: str = "pending"
    """``pending`` -> ``processing`` -> ``completed`` | ``failed``; or ``cancelled``."""
    progress: int = 0
    completed_at_ms: int | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")


@dataclass
class _Part:
    """One part of a multipart body: its names and how many bytes it carried."""

    field_name: str = ""
    filename: str | None = None
    content_type: str = ""
    size: int = 0
    data: bytearray | None = None


class _MultipartCounter:
    """Feeds a multipart body through python-multipart, keeping only part names and sizes.

    The file contents are counted and thrown away, so a 200 MB upload costs no memory, unless
    ``keep`` asks for them (tests that look inside small uploads).
    """

    def __init__(self, boundary: bytes, *, keep: bool = False) -> None:
        self.keep = keep
        self.parts: list[_Part] = []
        self._part = _Part()
        self._headers: dict[bytes, bytes] = {}
        self._header_field = b""
        self._header_value = b""
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._on_part_begin,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_headers_finished": self._on_headers_finished,
            },
        )

    def write(self, chunk: bytes) -> None:
        self._parser.write(chunk)

    def finish(self) -> None:
        self._parser.finalize()

    def _on_part_begin(self) -> None:
        self._part = _Part(data=bytearray() if self.keep else None)
        self._headers = {}

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._part.size += end - start
        if self._part.data is not None:
            self._part.data += data[start:end]

    def _on_part_end(self) -> None:
        self.parts.append(self._part)

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field = b""
        self._header_value = b""

    def _on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._part.field_name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            self._part.filename = options[b"filename"].decode("utf-8", "replace")
        self._part.content_type = self._headers.get(b"content-type", b"").decode("latin-1")


class _DropConnection(Exception):
    """Raised inside an SSE body to make uvicorn close the connection mid-response."""


def _is_drop(exc: BaseException | None) -> bool:
    """True for ``_DropConnection``, also when wrapped in an exception group."""
    if isinstance(exc, _DropConnection):
        return True
    return any(_is_drop(inner) for inner in getattr(exc, "exceptions", ()))


class _HideDeliberateDrops(logging.Filter):
    """Keeps uvicorn from logging "Exception in ASGI application" for a scripted ``drop()``."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and _is_drop(record.exc_info[1]))


_DROP_LOG_FILTER = _HideDeliberateDrops()


def _envelope(
    data: Any = None, *, code: int = 0, message: str = "ok", status: int = 200
) -> JSONResponse:
    """The envelope of docs/protocol.md#response-envelope: ``{"code", "message", "data"}``."""
    return JSONResponse({"code": code, "message": message, "data": data}, status_code=status)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _media_info(file_type: str) -> dict[str, Any]:
    """Plausible media metadata for an upload entry (durations in seconds, as in 2.5)."""
    if file_type == "video":
        return {"duration": 10.0, "width": 1920, "height": 1080, "fps": 30}
    if file_type == "image":
        return {"width": 1920, "height": 1080}
    return {"duration": 30.0}


Handler = Callable[[Request, Recorded], Awaitable[Response]]


# ---------------------------------------------------------------------------------------------
# 6. The server
# ---------------------------------------------------------------------------------------------


class FaultServer:
    """NemoVideo's host-A API on 127.0.0.1, with fault injection and scripted agent turns.

    All public attributes may be read and changed by tests at any time; ``reset()`` restores the
    defaults documented below.
    """

    url: str
    """``http://127.0.0.1:PORT`` once started, else ``""``."""
    requests: list[Recorded]
    """Every request in arrival order (including ones answered by a fault or a 404)."""
    valid_tokens: set[str]
    """Tokens accepted as ``Bearer``; starts as ``{TEST_TOKEN}``; issued tokens are added."""
    auth_failure_style: str
    """``"envelope"`` (HTTP 200 + code 1001, default) or ``"http401"`` (HTTP 401 + code 1001)."""
    sessions: dict[str, dict[str, Any]]
    """session id -> ``{"task_id", "task_name", "user_id", "state": {...}}``."""
    credits: dict[str, int]
    """What ``GET /api/credits/balance/simple`` returns."""
    renders: dict[str, RenderJob]
    """render id -> job, for every accepted render submission."""
    render_polls_until_done: int
    """How many polls answer ``processing`` before the job finishes (default 2: the 3rd poll
    reports ``completed``)."""
    render_shape: str
    """``"sk"`` (default; envelope, top-level ``status``/``progress``/``output.url``) or
    ``"skref"`` (``{"success": true, "data": {..., "outputUrl"}}``)."""
    render_output_url: str | None
    """Template of the finished job's URL (``{url}`` and ``{id}`` are replaced); ``None`` leaves
    the URL out, so the client must use ``/api/render/proxy/{id}/download``."""
    render_bytes: bytes
    """The rendered "video" both download paths return."""
    render_failure: str | None
    """When set, jobs end ``failed`` with this error text instead of ``completed``."""
    require_attribution: bool
    """When True, a render submit without all three ``X-Skill-*`` headers gets HTTP 402."""
    keep_upload_bytes: bool
    """When True, uploaded files are kept in ``Recorded.file_bytes`` (default False)."""

    def __init__(self) -> None:
        self.url = ""
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.app = Starlette(routes=self._routes())
        self.reset()

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FaultServer:
        """Serves the app from a daemon thread; returns once the port accepts connections."""
        if self._server is not None:
            raise RuntimeError("FaultServer is already running")
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=0,
            http="h11",
            ws="none",
            loop="asyncio",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        logging.getLogger("uvicorn.error").addFilter(_DROP_LOG_FILTER)
        thread = threading.Thread(target=server.run, name="fault-server", daemon=True)
        thread.start()
        deadline = time.monotonic() + 10.0
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("FaultServer: uvicorn exited during startup")
            if time.monotonic() > deadline:
                server.should_exit = True
                raise TimeoutError("FaultServer: uvicorn did not start within 10 s")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Shuts uvicorn down (open streams are cut after 1 s) and joins the thread."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=5.0)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout=5.0)
        self._server = None
        self._thread = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- test controls --------------------------------------------------------------------------

    def reset(self) -> None:
        """Forgets requests, faults, scripts, sessions, tokens and renders; restores defaults."""
        with self._lock:
            self.requests = []
            self._faults: list[_Fault] = []
            self._scripts: list[list[Step]] = []
        self.valid_tokens = {TEST_TOKEN}
        self._token_users: dict[str, str] = {TEST_TOKEN: TEST_USER_ID}
        self.auth_failure_style = "envelope"
        self.sessions = {}
        self.credits = {"available": ANONYMOUS_CREDITS, "frozen": 0, "total": ANONYMOUS_CREDITS}
        self.renders = {}
        self.render_polls_until_done = 2
        self.render_shape = "sk"
        self.render_output_url = DEFAULT_RENDER_OUTPUT_URL
        self.render_bytes = DEFAULT_RENDER_BYTES
        self.render_failure = None
        self.require_attribution = False
        self.keep_upload_bytes = False

    def requests_to(self, method: str, path_prefix: str) -> list[Recorded]:
        """Recorded requests with this method (``"*"``: any) whose path starts with the prefix."""
        method = method.upper()
        return [
            r
            for r in list(self.requests)
            if method in ("*", r.method) and r.path.startswith(path_prefix)
        ]

    def expire_tokens(self) -> None:
        """Every token valid now becomes invalid (the next call with it gets 1001)."""
        self.valid_tokens.clear()

    def inject(
        self,
        method: str,
        path_prefix: str,
        *,
        status: int = 200,
        code: int | None = None,
        message: str = "injected",
        body: Any = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        times: int = 1,
        drop: bool = False,
    ) -> None:
        """The next ``times`` requests matching ``method`` (``"*"`` for any) and ``path_prefix``
        get this answer instead of the normal one. Faults are tried in injection order.

        * ``code`` -> envelope ``{"code": code, "message": message, "data": null}`` with ``status``
        * ``body`` -> that JSON value (or raw ``bytes``/``str``) with ``status``
        * neither, ``status != 200`` -> an empty body with ``status``
        * neither, ``status == 200`` -> the normal handler answers (after ``delay``), with
          ``headers`` added to its response
        * ``drop=True`` -> the connection is closed without any response (after ``delay``)

        The request body is always read and recorded first. Injected answers skip the token check.
        """
        if code is not None and body is not None:
            raise ValueError("inject(): give either code or body, not both")
        if times < 1:
            raise ValueError("inject(): times must be at least 1")
        fault = _Fault(
            method=method.upper(),
            path_prefix=path_prefix,
            status=status,
            code=code,
            message=message,
            body=body,
            headers=dict(headers or {}),
            delay=delay,
            times=times,
            drop=drop,
        )
        with self._lock:
            self._faults.append(fault)

    def script_turn(self, *steps: Step) -> None:
        """Queues a script: the next ``/run_sse`` call plays these steps (no steps = empty body).

        Calls without a queued script play one complete ``adk_text("OK")`` event.
        """
        with self._lock:
            self._scripts.append(list(steps))

    def create_session(
        self,
        task_name: str = "project",
        *,
        session_id: str | None = None,
        user_id: str = TEST_USER_ID,
    ) -> str:
        """Creates a session directly (as ``POST /api/tasks/me/with-session/nemo_agent`` does)."""
        if session_id is None:
            session_id = str(10**18 + secrets.randbelow(9 * 10**18))
        self.sessions[session_id] = {
            "task_id": "task_" + secrets.token_hex(4),
            "task_name": task_name,
            "user_id": user_id,
            "state": {
                "draft": {},
                "video_infos": [],
                "canvas_config": {},
                "generated_media": [],
                "video_analyses": {},
            },
        }
        return session_id

    def set_draft(self, session_id: str, draft: dict[str, Any]) -> None:
        """Replaces ``state.draft`` of an existing session (``KeyError`` if there is none)."""
        self.sessions[session_id]["state"]["draft"] = draft

    # -- request pipeline -----------------------------------------------------------------------

    def _routes(self) -> list[Route]:
        return [
            self._route("POST", "/api/auth/anonymous-token", self._anonymous_token, auth=False),
            self._route("POST", "/api/tasks/me/with-session/nemo_agent", self._create_task),
            self._route("POST", "/api/auth/claim-token", self._claim_token),
            self._route("POST", "/run_sse", self._run_sse),
            self._route("POST", "/api/upload-video/nemo_agent/me/{session_id}", self._upload),
            self._route("GET", "/api/credits/balance/simple", self._balance),
            self._route("GET", "/api/state/nemo_agent/me/{session_id}/latest", self._state),
            self._route("POST", "/api/render/proxy/lambda", self._render_submit),
            self._route("GET", "/api/render/proxy/lambda/{render_id}", self._render_poll),
            self._route("POST", "/api/render/proxy/lambda/{render_id}/cancel", self._render_cancel),
            self._route("GET", "/api/render/proxy/{render_id}/download", self._render_download),
            self._route(
                "GET", "/cdn/render-result/{render_id}.mp4", self._render_download, auth=False
            ),
            Route("/{path:path}", self._endpoint(self._not_found, auth=False), methods=ALL_METHODS),
        ]

    def _route(self, method: str, path: str, handler: Handler, *, auth: bool = True) -> Route:
        return Route(path, self._endpoint(handler, auth=auth), methods=[method])

    def _endpoint(
        self, handler: Handler, *, auth: bool
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return await self._dispatch(request, handler, auth=auth)

        return endpoint

    async def _dispatch(self, request: Request, handler: Handler, *, auth: bool) -> Response:
        """Record -> read body -> injected fault -> token check -> handler."""
        record = Recorded(
            method=request.method,
            path=request.url.path,
            headers=self._header_dict(request),
        )
        with self._lock:
            self.requests.append(record)
        try:
            problem = await self._read_body(request, record)
        except ClientDisconnect:
            return Response(status_code=499)  # nobody is listening any more
        fault = self._take_fault(record.method, record.path)
        if fault is not None:
            if fault.delay > 0:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                return await self._close_connection(request)
            injected = fault.response()
            if injected is not None:
                return injected
        if problem is not None:
            return problem
        if auth and not self._authorized(record):
            return self._auth_failure()
        response = await handler(request, record)
        if fault is not None:
            response.headers.update(fault.headers)
        return response

    @staticmethod
    def _header_dict(request: Request) -> dict[str, str]:
        headers: dict[str, str] = {}
        for raw_name, raw_value in request.headers.raw:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return headers

    async def _read_body(self, request: Request, record: Recorded) -> Response | None:
        """Reads the body into ``record``; multipart bodies are streamed and only counted.

        Returns an error response for a malformed multipart body, else ``None``.
        """
        content_type = record.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            _, options = parse_options_header(content_type)
            if b"boundary" not in options:
                return _envelope(code=400, message="multipart body without boundary", status=400)
            counter = _MultipartCounter(options[b"boundary"], keep=self.keep_upload_bytes)
            try:
                async for chunk in request.stream():
                    record.body_size += len(chunk)
                    counter.write(chunk)
                counter.finish()
            except MultipartParseError as exc:
                return _envelope(code=400, message=f"malformed multipart: {exc}", status=400)
            record.files = [
                (part.filename, part.content_type, part.size)
                for part in counter.parts
                if part.field_name == "files" and part.filename is not None
            ]
            record.file_bytes = {
                part.filename: bytes(part.data)
                for part in counter.parts
                if part.field_name == "files" and part.filename and part.data is not None
            }
            return None
        body = await request.body()
        record.body_size = len(body)
        if body and "json" in content_type:
            try:
                record.json = json.loads(body)
            except ValueError:
                record.json = None
        return None

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    async def _close_connection(self, request: Request) -> Response:
        """Closes this request's TCP connection without sending a response.

        ASGI has no "hang up" message, so this finds uvicorn's protocol object for the
        connection (same client address) and closes its transport.
        """
        assert self._server is not None
        client = request.scope.get("client")
        for protocol in list(self._server.server_state.connections):
            if getattr(protocol, "client", None) == client:
                protocol.transport.close()  # type: ignore[attr-defined]
                break
        else:
            raise RuntimeError(f"FaultServer: no connection found for client {client}")
        # Wait until uvicorn noticed, so that the response below is silently discarded.
        while (await request.receive())["type"] != "http.disconnect":
            pass
        return Response(status_code=499)

    def _authorized(self, record: Recorded) -> bool:
        return self._token(record) in self.valid_tokens

    @staticmethod
    def _token(record: Recorded) -> str | None:
        scheme, _, token = record.headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def _auth_failure(self) -> JSONResponse:
        status = 401 if self.auth_failure_style == "http401" else 200
        return _envelope(code=1001, message="token invalid or expired", status=status)

    @staticmethod
    def _session_missing(session_id: object) -> JSONResponse:
        return _envelope(code=1002, message=f"session not found: {session_id}")

    @staticmethod
    def _bad_request(message: str) -> JSONResponse:
        return _envelope(code=400, message=message, status=400)

    # -- identity and sessions ------------------------------------------------------------------

    async def _anonymous_token(self, request: Request, record: Recorded) -> Response:
        client_id = record.headers.get("x-client-id", "").strip()
        if not client_id:
            return self._bad_request("X-Client-Id header is required")
        token = "nmv_usr_" + secrets.token_hex(12)
        user_id = "anon_" + hashlib.sha256(client_id.encode("utf-8")).hexdigest()[:12]
        self.valid_tokens.add(token)
        self._token_users[token] = user_id
        expires_at = datetime.now(timezone.utc) + TOKEN_LIFETIME
        return _envelope(
            {
                "token": token,
                "user_id": user_id,
                "credits": ANONYMOUS_CREDITS,
                "expires_at": expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )

    async def _create_task(self, request: Request, record: Recorded) -> Response:
        body = record.json if isinstance(record.json, dict) else {}
        user_id = self._token_users.get(self._token(record) or "", TEST_USER_ID)
        session_id = self.create_session(str(body.get("task_name", "project")), user_id=user_id)
        session = self.sessions[session_id]
        return _envelope(
            {"task_id": session["task_id"], "session_id": session_id, "user_id": user_id}
        )

    async def _claim_token(self, request: Request, record: Recorded) -> Response:
        body = record.json if isinstance(record.json, dict) else {}
        session_id = body.get("session_id")
        if session_id not in self.sessions:
            return self._session_missing(session_id)
        claim_token = "clm_" + secrets.token_hex(12)
        return _envelope({"claim_token": claim_token, "expires_in": CLAIM_TOKEN_LIFETIME_S})

    async def _balance(self, request: Request, record: Recorded) -> Response:
        return _envelope(dict(self.credits))

    async def _state(self, request: Request, record: Recorded) -> Response:
        session_id = request.path_params["session_id"]
        session = self.sessions.get(session_id)
        if session is None:
            return self._session_missing(session_id)
        return _envelope(
            {
                "session_id": session_id,
                "task_id": session["task_id"],
                "task_name": session["task_name"],
                "state": session["state"],
            }
        )

    async def _not_found(self, request: Request, record: Recorded) -> Response:
        return _envelope(
            code=404, message=f"no such endpoint: {record.method} {record.path}", status=404
        )

    # -- the agent stream -----------------------------------------------------------------------

    async def _run_sse(self, request: Request, record: Recorded) -> Response:
        body = record.json
        if not isinstance(body, dict) or not isinstance(body.get("session_id"), str):
            return JSONResponse({"detail": "a JSON body with session_id is required"}, 422)
        if body.get("app_name") != AGENT_NAME:
            return JSONResponse({"detail": f"Agent not found: {body.get('app_name')!r}"}, 404)
        session_id = body["session_id"]
        if session_id not in self.sessions:
            return self._session_missing(session_id)
        message = body.get("new_message")
        if not isinstance(message, dict) or not isinstance(message.get("parts"), list):
            return JSONResponse({"detail": "new_message.parts is required"}, 422)
        with self._lock:
            steps = self._scripts.pop(0) if self._scripts else [data(adk_text("OK"))]
        return StreamingResponse(self._play(steps, session_id), media_type="text/event-stream")

    async def _play(self, steps: list[Step], session_id: str) -> AsyncIterator[bytes]:
        """The body of a scripted turn."""
        for step in steps:
            if step.kind == "send":
                yield step.payload
            elif step.kind == "sleep":
                await asyncio.sleep(step.seconds)
            elif step.kind == "draft":
                self.set_draft(session_id, copy.deepcopy(step.draft or {}))
            elif step.kind == "drop":
                # uvicorn answers an exception after the response started by closing the
                # transport without the final chunk; _HideDeliberateDrops keeps its log quiet.
                raise _DropConnection("scripted drop()")

    # -- uploads --------------------------------------------------------------------------------

    async def _upload(self, request: Request, record: Recorded) -> Response:
        session_id = request.path_params["session_id"]
        session = self.sessions.get(session_id)
        if session is None:
            return self._session_missing(session_id)

        sources: list[tuple[str, int]] = []  # (filename, size)
        if record.headers.get("content-type", "").startswith("multipart/form-data"):
            if not record.files:
                return self._bad_request("multipart field 'files' is missing")
            sources = [(filename, size) for filename, _, size in record.files]
        else:
            body = record.json if isinstance(record.json, dict) else {}
            urls = body.get("urls")
            if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
                return self._bad_request("expected multipart field 'files' or JSON {'urls': [...]}")
            sources = [(urlparse(url).path.rsplit("/", 1)[-1] or "file", 0) for url in urls]

        unsupported = [name for name, _ in sources if _extension(name) not in ACCEPTED_EXTENSIONS]
        if unsupported:
            return _envelope(code=4001, message=f"unsupported file type: {unsupported[0]}")

        entries = []
        for filename, size in sources:
            file_type = ACCEPTED_EXTENSIONS[_extension(filename)]
            entries.append(
                {
                    "filename": filename,
                    "file_type": file_type,
                    "cdn_url": f"{self.url}/cdn/uploads/{session_id}/{quote(filename)}",
                    "size": size,
                    "hash": hashlib.sha256(f"{filename}:{size}".encode()).hexdigest()[:16],
                    **_media_info(file_type),
                }
            )
        session["state"]["video_infos"].extend(copy.deepcopy(entries))
        return _envelope({"files": entries, "session_state_applied": True})

    # -- renders --------------------------------------------------------------------------------

    def _render_response(self, job: RenderJob) -> Response:
        """A job in the current ``render_shape``."""
        url = self._output_url(job) if job.status == "completed" else None
        if self.render_shape == "skref":
            payload: dict[str, Any] = {
                "id": job.id,
                "status": job.status,
                "progress": job.progress,
                "createdAt": job.created_at_ms,
            }
            if url is not None:
                payload["outputUrl"] = url
            if job.completed_at_ms is not None:
                payload["completedAt"] = job.completed_at_ms
            if job.error is not None:
                payload["error"] = job.error
            return JSONResponse({"success": True, "data": payload})
        payload = {"id": job.id, "status": job.status, "progress": job.progress}
        if job.status == "completed":
            output: dict[str, Any] = {"size": len(self.render_bytes), "duration": 10.0}
            if url is not None:
                output["url"] = url
            payload["output"] = output
        if job.error is not None:
            payload["error"] = job.error
        return _envelope(payload)

    def _render_error(self, status: int, message: str) -> JSONResponse:
        """An error in the current ``render_shape``."""
        if self.render_shape == "skref":
            return JSONResponse({"success": False, "error": message}, status_code=status)
        return _envelope(code=status, message=message, status=status)

    def _output_url(self, job: RenderJob) -> str | None:
        if self.render_output_url is None:
            return None
        return self.render_output_url.replace("{url}", self.url).replace("{id}", job.id)

    async def _render_submit(self, request: Request, record: Recorded) -> Response:
        if self.require_attribution:
            names = ("x-skill-source", "x-skill-version", "x-skill-platform")
            if not all(record.headers.get(name, "").strip() for name in names):
                return self._render_error(402, "export not allowed: attribution headers missing")
        body = record.json if isinstance(record.json, dict) else {}
        render_id = body.get("id")
        if not isinstance(render_id, str) or not render_id:
            return self._render_error(400, "render id is required")
        if body.get("sessionId") not in self.sessions:
            return self._session_missing(body.get("sessionId"))
        if render_id in self.renders:
            return self._render_error(409, f"render id already exists: {render_id}")
        job = RenderJob(
            id=render_id,
            session_id=body["sessionId"],
            draft=body.get("draft"),
            output=body.get("output"),
            created_at_ms=_now_ms(),
        )
        self.renders[render_id] = job
        return self._render_response(job)

    async def _render_poll(self, request: Request, record: Recorded) -> Response:
        job = self.renders.get(request.path_params["render_id"])
        if job is None:
            return self._render_error(404, "render not found")
        if not job.finished:
            job.polls += 1
            if job.polls <= self.render_polls_until_done:
                job.status = "processing"
                job.progress = round(100 * job.polls / (self.render_polls_until_done + 1))
            else:
                job.completed_at_ms = _now_ms()
                if self.render_failure is None:
                    job.status, job.progress = "completed", 100
                else:
                    job.status, job.error = "failed", self.render_failure
        return self._render_response(job)

    async def _render_cancel(self, request: Request, record: Recorded) -> Response:
        job = self.renders.get(request.path_params["render_id"])
        if job is None:
            return self._render_error(404, "render not found")
        if not job.finished:
            job.status = "cancelled"
            job.completed_at_ms = _now_ms()
        return self._render_response(job)

    async def _render_download(self, request: Request, record: Recorded) -> Response:
        """Both the authenticated proxy download and the unauthenticated CDN URL."""
        job = self.renders.get(request.path_params["render_id"])
        if job is None:
            return self._render_error(404, "render not found")
        if job.status != "completed":
            return self._render_error(409, f"render is {job.status}, not completed")
        return Response(self.render_bytes, media_type="video/mp4")

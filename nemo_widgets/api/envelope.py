"""The response envelope (docs/protocol.md#response-envelope) and the mapping of failures to
exceptions (docs/protocol.md#errors)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from time import time
from typing import Any

import httpx

from ..protocol import (
    AUTH_INVALID,
    FILE_TOO_LARGE,
    OUT_OF_CREDITS,
    SESSION_NOT_FOUND,
    UNSUPPORTED_FILE,
)
from .errors import (
    ACCEPTED_FORMATS_TEXT,
    AuthError,
    ExportBlocked,
    FileTooLarge,
    NemoError,
    OutOfCredits,
    RateLimited,
    ServerError,
    SessionNotFound,
    UnsupportedFile,
)


@dataclass(frozen=True)
class ErrorContext:
    """What the messages need to know besides the response itself."""

    web_url: str
    anonymous_user_id: str | None  # set when the client runs on an anonymous token
    redact: Any  # callable(str) -> str
    anonymous: bool = False  # the client runs on an anonymous token (its user id may be unknown)


def unwrap(response: httpx.Response, context: ErrorContext) -> Any:
    """The ``data`` of a successful answer; raise the matching :class:`NemoError` otherwise.

    1. a non-2xx status is an error, with ``code``/``message`` from the JSON body if any;
    2. a body with ``code`` is an error unless the code is 0; the result is ``data``;
    3. a body with ``success`` is an error unless it is true; the result is ``data`` or the body;
    4. any other body is the result itself.
    """
    body = _json_or_none(response)
    status = response.status_code
    fields = body if isinstance(body, dict) else {}
    code = _int_or_none(fields.get("code"))
    if status >= 400 or (code not in (None, 0)) or fields.get("success") is False:
        message = fields.get("message") or fields.get("error") or fields.get("detail")
        if not message:
            message = response.text[:300].strip() or response.reason_phrase
        raise error_for(
            status,
            code,
            context.redact(str(message)),
            context,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    if "code" in fields:
        return fields.get("data")
    if "success" in fields:
        return fields.get("data", fields)
    return body


def error_for(
    status: int,
    code: int | None,
    message: str,
    context: ErrorContext,
    *,
    retry_after: float | None = None,
) -> NemoError:
    """The exception for a failed answer, with a message that says what to do next."""
    where = {"code": code, "status": status}
    if code == AUTH_INVALID or status == 401:
        return AuthError(
            f"The NemoVideo token was refused ({message}). Set NEMO_TOKEN to a valid token "
            f"(nemovideo.com -> Settings -> API Tokens), or unset it to use a free anonymous one.",
            **where,
        )
    if code == SESSION_NOT_FOUND or (status == 404 and "session not found" in message.lower()):
        return SessionNotFound(
            f"The session was not found on the server ({message}). It may have expired or belong "
            f"to another token: start a new one with create_session().",
            **where,
        )
    if code == OUT_OF_CREDITS:
        if context.anonymous_user_id:
            link = f"{context.web_url}/register?bind={context.anonymous_user_id}"
            hint = f"Register at {link}: it keeps this project and adds free credits."
        else:
            link = f"{context.web_url}/dashboard/billing"
            hint = f"Top up at {link}."
        return OutOfCredits(f"Not enough credits ({message}). {hint}", link=link, status=status)
    if code == UNSUPPORTED_FILE:
        return UnsupportedFile(
            f"The server does not accept this file ({message}). Accepted: {ACCEPTED_FORMATS_TEXT}.",
            **where,
        )
    if code == FILE_TOO_LARGE:
        return FileTooLarge(
            f"The file is too large for the server ({message}). Compress or trim it, then upload "
            f"it again.",
            **where,
        )
    if status == 402:
        return export_blocked(message, context, **where)
    if status == 429:
        return RateLimited(
            f"NemoVideo is rate limiting this client ({message}). Wait a minute and try again.",
            retry_after=retry_after,
            **where,
        )
    if status >= 500 or status == 408:
        return ServerError(
            f"The NemoVideo server failed (HTTP {status}: {message}). Try again in a moment.",
            **where,
        )
    return NemoError(
        f"The server refused the request (HTTP {status}, code {code}): {message}", **where
    )


def export_blocked(message: str, context: ErrorContext, **where: Any) -> ExportBlocked:
    """HTTP 402 on export, with the exact way to a token that may export.

    Anonymous tokens carry the scopes read, write and upload but not render, and one official
    skill calls 402 "export requires account" (docs/protocol.md#exports-on-anonymous-tokens).
    """
    web = context.web_url
    if context.anonymous or context.anonymous_user_id is not None:
        bind = context.anonymous_user_id
        link = f"{web}/register?bind={bind}" if bind else f"{web}/register"
        how = (
            f"Anonymous tokens may not export. To get a token that can: 1. register at {link} "
            f"(free; it keeps this project); 2. create a token under Settings -> API Tokens; "
            f"3. set NEMO_TOKEN to it (in a terminal: export NEMO_TOKEN=<token>; in a "
            f"notebook: %env NEMO_TOKEN=<token>, then restart the kernel) and export again."
        )
    else:
        link = f"{web}/dashboard/billing"
        how = (
            f"Check that your token has the 'render' scope (Settings -> API Tokens at {web}; "
            f"set NEMO_TOKEN to a new one if not) and that your plan includes export ({link})."
        )
    return ExportBlocked(
        f"Export was refused (HTTP 402: {message}). This is a plan restriction, not a lack of "
        f"credits. {how}",
        link=link,
        **where,
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time())
    except (TypeError, ValueError):
        return None


def is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _int_or_none(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

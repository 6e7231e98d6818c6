"""Exceptions raised by the NemoVideo client: one class per case a user must tell apart.

Every message is plain language and ends with what to do next. Messages never contain a
token: anything that came from a server is passed through :func:`nemo_widgets.api.auth.redact`
before it lands here.
"""

from __future__ import annotations

from ..formats import ACCEPTED_TEXT as ACCEPTED_FORMATS_TEXT

__all__ = ["ACCEPTED_FORMATS_TEXT"]


class NemoError(Exception):
    """Base class of every error the client raises on purpose.

    ``code`` is the envelope code (docs/protocol.md#errors) when the server sent one, ``status`` the
    HTTP status when there was a response.
    """

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code}, status={self.status})"


class AuthError(NemoError):
    """The token was refused (code 1001 or HTTP 401) and cannot be renewed automatically."""


class SessionNotFound(NemoError):
    """The session id is unknown to the server (code 1002): start a new session."""


class OutOfCredits(NemoError):
    """Not enough credits for the operation (code 2001). ``link`` is where to fix it."""

    def __init__(
        self, message: str, *, link: str, code: int | None = 2001, status: int | None = None
    ):
        super().__init__(message, code=code, status=status)
        self.link = link


class UnsupportedFile(NemoError):
    """A file's type is not one NemoVideo accepts (code 4001, or refused before upload)."""


class FileTooLarge(NemoError):
    """A file is over the upload limit (code 4002, or refused before upload)."""


class ExportBlocked(NemoError):
    """Export refused with HTTP 402: a plan or token restriction, not a lack of credits.

    ``link`` is where to register (anonymous tokens) or manage tokens and plans.
    """

    def __init__(
        self,
        message: str,
        *,
        link: str | None = None,
        code: int | None = None,
        status: int | None = 402,
    ):
        super().__init__(message, code=code, status=status)
        self.link = link


class RateLimited(NemoError):
    """HTTP 429 that persisted after the one retry the protocol allows."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(NemoError):
    """The server failed (HTTP 5xx) or could not be reached, also after the allowed retries."""


class StreamTimeout(NemoError):
    """An agent turn ran past its limits: heartbeats only for too long, or the whole-turn cap."""


class RenderFailed(NemoError):
    """The server reported the export as failed."""


class RenderTimeout(NemoError):
    """The export did not finish in the time the client waits; it may still finish later."""

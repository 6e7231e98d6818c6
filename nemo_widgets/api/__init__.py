"""The NemoVideo HTTP protocol, for any compatible server (the cloud or the local engine)."""

from . import errors, events
from .client import AsyncNemoClient
from .errors import (
    AuthError,
    ExportBlocked,
    FileTooLarge,
    NemoError,
    OutOfCredits,
    RateLimited,
    RenderFailed,
    RenderTimeout,
    ServerError,
    SessionNotFound,
    StreamTimeout,
    UnsupportedFile,
)
from .models import Credits, RenderJob, RenderSettings, Session, State, Upload, UploadedFile
from .sync_client import NemoClient

__all__ = [
    "AsyncNemoClient",
    "AuthError",
    "Credits",
    "ExportBlocked",
    "FileTooLarge",
    "NemoClient",
    "NemoError",
    "OutOfCredits",
    "RateLimited",
    "RenderFailed",
    "RenderJob",
    "RenderSettings",
    "RenderTimeout",
    "ServerError",
    "Session",
    "SessionNotFound",
    "State",
    "StreamTimeout",
    "UnsupportedFile",
    "Upload",
    "UploadedFile",
    "errors",
    "events",
]

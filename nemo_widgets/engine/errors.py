"""The one exception the engine's routes answer with: the cloud's error envelope."""

from __future__ import annotations


class ApiError(Exception):
    """An answer ``{"code": code, "message": message}`` with HTTP ``status``."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

"""The response envelope (docs/protocol.md#response-envelope) and the error mapping (#errors)."""

from __future__ import annotations

import httpx
import pytest

from nemo_widgets.api.envelope import ErrorContext, error_for, parse_retry_after, unwrap
from nemo_widgets.api.errors import (
    AuthError,
    ExportBlocked,
    NemoError,
    OutOfCredits,
    RateLimited,
    ServerError,
    SessionNotFound,
)

CONTEXT = ErrorContext("https://nemovideo.com", "anon_1", lambda text: text)


def response(status=200, json=None, content=None, headers=None) -> httpx.Response:
    return httpx.Response(status, json=json, content=content, headers=headers)


@pytest.mark.parametrize(
    ("answer", "data"),
    [
        (response(json={"code": 0, "data": {"a": 1}}), {"a": 1}),
        (response(json={"code": "0", "data": [1]}), [1]),
        (response(json={"success": True, "data": {"id": "r"}}), {"id": "r"}),
        (response(json={"success": True, "status": "x"}), {"success": True, "status": "x"}),
        (response(json={"status": "completed"}), {"status": "completed"}),
        (response(content=b"not json"), None),
    ],
)
def test_unwrap_success_shapes(answer, data):
    assert unwrap(answer, CONTEXT) == data


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (response(json={"code": 1001, "message": "expired"}), AuthError),
        (response(401, content=b""), AuthError),
        (response(json={"code": 1002}), SessionNotFound),
        (response(404, json={"detail": "Session not found: x"}), SessionNotFound),
        (response(json={"code": 2001}), OutOfCredits),
        (response(402, json={"message": "upgrade"}), ExportBlocked),
        (response(429, content=b"", headers={"Retry-After": "7"}), RateLimited),
        (response(503, content=b"<html>busy</html>"), ServerError),
        (response(json={"success": False, "error": "duplicate id"}), NemoError),
        (response(400, json={"code": 9, "message": "bad"}), NemoError),
    ],
)
def test_unwrap_errors(answer, error):
    with pytest.raises(error) as caught:
        unwrap(answer, CONTEXT)
    assert type(caught.value) is error


def test_rate_limit_carries_retry_after():
    with pytest.raises(RateLimited) as caught:
        unwrap(response(429, headers={"Retry-After": "7"}), CONTEXT)
    assert caught.value.retry_after == 7


def test_retry_after_forms():
    assert parse_retry_after("12") == 12
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_every_message_says_what_to_do():
    advice = {
        1001: "NEMO_TOKEN",
        1002: "create_session",
        2001: "register?bind=anon_1",
        4001: "Accepted",
        4002: "Compress",
    }
    for code, hint in advice.items():
        assert hint in str(error_for(200, code, "m", CONTEXT))
    assert "NEMO_TOKEN" in str(error_for(402, None, "m", CONTEXT))
    assert "register?bind=anon_1" in str(error_for(402, None, "m", CONTEXT))
    assert "Wait" in str(error_for(429, None, "m", CONTEXT))
    assert "Try again" in str(error_for(500, None, "m", CONTEXT))

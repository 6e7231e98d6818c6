"""Loopback servers for the benchmarks, run in a child process so they do not share our CPU
time or memory with the client being measured."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

# A child that accepts HTTP/1.1 requests on 127.0.0.1: it drains the request body (whatever its
# size) and answers either a canned SSE body (POST /run_sse) or a small JSON envelope.
_SERVER = r"""
import json, socket, sys
sse = open(sys.argv[1], "rb").read() if sys.argv[1] != "-" else b""
listener = socket.create_server(("127.0.0.1", 0))
print(listener.getsockname()[1], flush=True)
ok = json.dumps({"code": 0, "data": {"files": [], "session_state_applied": True}}).encode()
while True:
    conn, _ = listener.accept()
    reader = conn.makefile("rb")
    while True:
        line = reader.readline()
        if not line:
            break
        method, path, _ = line.decode().split(" ", 2)
        headers = {}
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        left = int(headers.get("content-length", 0))
        while left:
            left -= len(reader.read(min(left, 1 << 20)))
        if path == "/run_sse":
            head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            body = sse
        else:
            head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            body = ok
        conn.sendall(head + b"content-length: %d\r\n\r\n" % len(body) + body)
    conn.close()
"""


@contextlib.contextmanager
def loopback_server(sse_file: str | None = None) -> Iterator[str]:
    """Start the child server; yield its base URL."""
    child = subprocess.Popen(
        [sys.executable, "-c", _SERVER, sse_file or "-"], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(child.stdout.readline())
        _wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        child.kill()
        child.wait()


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.02)
    raise TimeoutError("benchmark server did not start")

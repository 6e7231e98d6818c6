"""Decoding a heavy upload in an interpreter of its own, like renders (see jobs.py).

A 400 KB PNG can hold 144 megapixels and a 200 KB GIF 180 frames of 16 megapixels: decoding
them takes hundreds of megabytes and, for such a GIF, over a minute of CPU. In the server that
memory stays with the process and the work competes with every request; in a child it is
returned when the child exits, a time limit and (on Linux) a memory limit stop it, and a crash
costs one upload.

:func:`ingest_in_child` runs ``python -m nemo_widgets.engine.media.child`` with the job as a
JSON line on stdin; the child answers one JSON line on stdout: ``{"info": ...}`` (a
:class:`MediaInfo`) or ``{"rejected": [code, reason]}``. One heavy decode runs at a time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from . import TOO_LARGE, UNSUPPORTED, MediaInfo, MediaRejected, ingest, safe_filename

DECODE_TIMEOUT = 120.0  # seconds for one heavy upload
# Address space of the child (Linux; macOS and Windows do not enforce it): the largest photo
# allowed, 150 MP with alpha, needs about 2.3 GB while it is converted; more is refused (4002).
MEMORY_LIMIT = 3 * 2**30
_one_at_a_time = threading.Semaphore(1)


def ingest_in_child(
    source: Path,
    filename: str | None,
    folder: Path,
    *,
    max_bytes: int | None = None,
    keep_metadata: bool = False,
    timeout: float | None = None,
) -> MediaInfo:
    """:func:`media.ingest`, run in a child process; raises :class:`MediaRejected` the same.
    ``timeout`` defaults to DECODE_TIMEOUT."""
    timeout = DECODE_TIMEOUT if timeout is None else timeout
    job = {
        "source": str(source),
        "filename": filename,
        "folder": str(folder),
        "max_bytes": max_bytes,
        "keep_metadata": keep_metadata,
        "memory_limit": MEMORY_LIMIT,
        "sys_path": list(sys.path),
    }
    label = safe_filename(filename)
    with _one_at_a_time:
        try:
            done = subprocess.run(
                [sys.executable, "-m", __name__],
                input=json.dumps(job).encode(),
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise MediaRejected(
                TOO_LARGE,
                f"{label} takes too long to process (over {timeout:.0f} s): make it smaller "
                "or shorter, or convert an animation to a video file, then upload it again.",
            ) from None
    answer = _answer(done.stdout)
    if "info" in answer:
        return MediaInfo.from_json(answer["info"])
    if "rejected" in answer:
        code, reason = answer["rejected"]
        raise MediaRejected(code, reason)
    how = f"exit code {done.returncode}" if done.returncode >= 0 else f"signal {-done.returncode}"
    raise MediaRejected(
        UNSUPPORTED if done.returncode != -9 else TOO_LARGE,
        f"{label} could not be processed (the decoder stopped: {how}). Export it again, "
        "smaller if it is large, then upload it again.",
    )


def _answer(stdout: bytes) -> dict[str, Any]:
    for line in reversed(stdout.decode(errors="replace").splitlines()):
        try:
            answer = json.loads(line)
        except ValueError:
            continue
        if isinstance(answer, dict):
            return answer
    return {}


def _limit_memory(limit: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, AttributeError, ValueError, OSError):
        pass  # no such limit here: the one-at-a-time rule and the pixel limits remain


def main() -> int:
    job = json.loads(sys.stdin.buffer.readline())
    _limit_memory(job["memory_limit"])
    parent_path = list(job["sys_path"])
    sys.path[:] = parent_path + [entry for entry in sys.path if entry not in parent_path]
    try:
        info = ingest(
            Path(job["source"]),
            job["filename"],
            Path(job["folder"]),
            max_bytes=job["max_bytes"],
            keep_metadata=job["keep_metadata"],
        )
    except MediaRejected as exc:
        answer: dict[str, Any] = {"rejected": [exc.code, exc.reason]}
    else:
        answer = {"info": info.to_json()}
    sys.stdout.write("\n" + json.dumps(answer) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

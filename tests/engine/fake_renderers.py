"""Renderers that fail the ways native code can, to prove a render cannot take the server down."""

from __future__ import annotations

import os
import time


def crash(draft, media, out, *, on_progress=None):
    """A native crash half-way: the process ends without a word, its unfinished file left."""
    if on_progress:
        on_progress(1, 10)
    out.with_name(f".{out.name}.dead.part").write_bytes(b"half a video")
    os._exit(3)


def hang(draft, media, out, *, on_progress=None):
    """A hang: progress stops and nothing ends."""
    if on_progress:
        on_progress(1, 10)
    while True:
        time.sleep(1)

"""Renderers that fail the ways native code can, to prove a render cannot take the server down."""

from __future__ import annotations

import os
import time


def crash(draft, media, out, *, on_progress=None):
    """A native crash: the process ends without a word."""
    if on_progress:
        on_progress(1, 10)
    os._exit(3)


def hang(draft, media, out, *, on_progress=None):
    """A hang: progress stops and nothing ends."""
    if on_progress:
        on_progress(1, 10)
    while True:
        time.sleep(1)

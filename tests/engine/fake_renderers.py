"""Renderers that misbehave the ways native code and libraries can.

They prove that a render cannot take the server down, nor be garbled by what it prints.
"""

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


def segfault(draft, media, out, *, on_progress=None):
    """A real native crash: native code reads address 0."""
    import ctypes

    if on_progress:
        on_progress(1, 10)
    ctypes.string_at(0)


def chatty(draft, media, out, *, on_progress=None):
    """The real renderer, with a library that prints to stdout, even lines that look like events."""
    from nemo_widgets.engine.render import render

    print('{"event": "error", "message": "printed by the renderer"}', flush=True)
    os.write(1, b"native code writing to stdout\n")
    return render(draft, media, out, on_progress=on_progress)


def records_threads(draft, media, out, *, on_progress=None, threads=0):
    """The real renderer, noting beside the video how many encoder threads the engine gave it."""
    from nemo_widgets.engine.render import render

    out.with_name(f"{out.name}.threads").write_text(str(threads))
    return render(draft, media, out, on_progress=on_progress, threads=threads)

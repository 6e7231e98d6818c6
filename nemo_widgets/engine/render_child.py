"""One export, rendered in an interpreter of its own: the child that :mod:`.jobs` starts.

Run as ``python -m nemo_widgets.engine.render_child``. It reads one job, a JSON line on stdin::

    {"renderer": "module:function", "draft": {...}, "media": {"mid": "/path"},
     "out": "/path/to.mp4", "sys_path": [...], "encoding": {"preset": "ultrafast", "crf": 30}}

(``encoding`` is optional: previews carry it.)

and reports on stdout, one JSON line per event::

    {"event": "progress", "done": 12, "total": 180}
    {"event": "done", "frames": 180}
    {"event": "error", "message": "what went wrong, in words"}

Whatever else is printed, by the renderer or by native code, goes to stderr, so it cannot garble
those lines; tracebacks and crash reports go there too. The child keeps reading stdin: when it
closes, the engine is gone, and the child exits at once rather than render for nobody.
"""

from __future__ import annotations

import faulthandler
import importlib
import inspect
import json
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO


def main() -> int:
    events = _take_stdout()
    faulthandler.enable()  # a native crash leaves its Python stack on stderr
    line = sys.stdin.buffer.readline()
    if not line.strip():
        print("render_child: no job on stdin; the engine starts this module", file=sys.stderr)
        return 2
    job = json.loads(line)
    threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    # The engine's import path first, so that renderers it can import are importable here too.
    parent_path = list(job["sys_path"])
    sys.path[:] = parent_path + [entry for entry in sys.path if entry not in parent_path]

    def send(event: dict[str, Any]) -> None:
        events.write(json.dumps(event).encode() + b"\n")
        events.flush()

    def progress(done: int, total: int) -> None:
        send({"event": "progress", "done": done, "total": total})

    outcome = _render(job, progress)
    try:
        send(outcome)
    except BrokenPipeError:
        return 1  # the engine is gone
    return 0


def _render(job: dict[str, Any], progress: Callable[[int, int], None]) -> dict[str, Any]:
    renderer = job["renderer"]
    module_name, _, function_name = renderer.partition(":")
    try:
        render = getattr(importlib.import_module(module_name), function_name)
    except Exception as exc:
        return {
            "event": "error",
            "message": f"the renderer {renderer!r} could not be loaded: "
            f"{type(exc).__name__}: {exc}; check the engine's renderer setting",
        }
    from .render import RenderError

    media = {mid: Path(path) for mid, path in job["media"].items()}
    try:
        options = {"on_progress": progress}
        # Custom renderers may not take a thread count; ours does.
        if "threads" in job and "threads" in inspect.signature(render).parameters:
            options["threads"] = job["threads"]
        # A preview's encoder settings (preset, crf), for renderers that take them.
        parameters = inspect.signature(render).parameters
        options.update({k: v for k, v in job.get("encoding", {}).items() if k in parameters})
        result = render(job["draft"], media, Path(job["out"]), **options)
    except RenderError as exc:
        return {"event": "error", "message": str(exc)}
    except Exception as exc:
        traceback.print_exc()
        return {
            "event": "error",
            "message": f"internal error in the renderer: {type(exc).__name__}: {exc}",
        }
    return {"event": "done", "frames": result.frames}


def _take_stdout() -> BinaryIO:
    """Keep stdout for the event lines; send everything else written to it to stderr."""
    events = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return events


def _exit_when_stdin_closes() -> None:
    # The engine writes nothing more, so this returns when stdin closes. It reads the file
    # descriptor, not sys.stdin, whose lock a daemon thread must not hold at interpreter exit.
    while os.read(sys.stdin.fileno(), 4096):
        pass
    os._exit(1)


if __name__ == "__main__":
    sys.exit(main())

"""A real Jupyter kernel driven like a front end: run cells, read IOPub, send comm messages.

``Kernel`` starts ``python -m ipykernel_launcher`` in a subprocess and talks to it with
jupyter_client, as JupyterLab or Colab would. Every IOPub message is kept, in arrival order, with
its decoded binary buffers. ``WidgetView`` replays one widget's messages into the state a front
end would hold (traits from ``comm_open`` + ``update``) and its custom messages.

Reading happens on the caller's thread (no reader thread): every wait drains IOPub.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file


class KernelError(AssertionError):
    """A cell raised, or the kernel did not answer in time (with the kernel's log attached)."""


@dataclass
class Message:
    """One IOPub message as received."""

    index: int  # position in Kernel.messages
    msg_type: str
    content: dict[str, Any]
    header: dict[str, Any]
    parent_id: str | None
    buffers: list[bytes]

    @property
    def date(self) -> datetime:
        """When the kernel sent it (the header's timestamp)."""
        return self.header["date"]

    @property
    def comm_id(self) -> str | None:
        return self.content.get("comm_id")

    @property
    def data(self) -> dict[str, Any]:
        """The comm payload (``comm_open`` / ``comm_msg``), else empty."""
        return self.content.get("data") or {}


def describe(messages: Iterable[Message], width: int = 160) -> str:
    """One line per message, for assertion messages: index, time, type and a short payload."""
    lines = []
    for m in messages:
        if m.msg_type == "status":
            payload = m.content.get("execution_state", "")
        elif m.msg_type in ("comm_open", "comm_msg"):
            data = m.data
            payload = json.dumps(data.get("content") or data.get("state") or data, default=str)
            payload = f"{data.get('method', 'open')} {payload}"
        else:
            payload = json.dumps(m.content, default=str)
        buffers = f" +{[len(b) for b in m.buffers]}" if m.buffers else ""
        lines.append(f"{m.index:5} {m.date:%H:%M:%S.%f} {m.msg_type} {payload[:width]}{buffers}")
    return "\n".join(lines)


class Kernel:
    """One ipykernel process run by ``python``, with a blocking client connected to it."""

    def __init__(self, python: str, *, env: dict[str, str], workdir: Path):
        self.python = str(Path(python).absolute())  # the kernel runs in workdir
        self.workdir = workdir
        self.log_path = workdir / "kernel.log"
        self.messages: list[Message] = []
        connection_file, _ = write_connection_file(
            str(workdir / "kernel.json"), ip="127.0.0.1", key=uuid.uuid4().hex.encode()
        )
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [self.python, "-m", "ipykernel_launcher", "-f", connection_file],
                env=env,
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.client = BlockingKernelClient(connection_file=connection_file)
        self.client.load_connection_file()
        # No heartbeat: without a KernelManager, jupyter_client takes a heartbeat that has not
        # started yet (a slow start on a busy machine) for a dead kernel.
        self.client.start_channels(hb=False)
        try:
            self.client.wait_for_ready(timeout=60)
        except RuntimeError as error:
            self.shutdown()
            raise KernelError(f"the kernel did not start: {error}\n{self.log_tail()}") from error

    # -- cells ------------------------------------------------------------------------------

    def execute(self, code: str, timeout: float = 60) -> str:
        """Run a cell, wait until the kernel is idle again; return its stdout.

        Raises ``KernelError`` with the traceback if the cell raised.
        """
        msg_id = self.client.execute(code)
        start = len(self.messages)
        self.wait_for(lambda m: m.msg_type == "status" and _idle_after(m, msg_id), timeout)
        produced = [m for m in self.messages[start:] if m.parent_id == msg_id]
        errors = [m for m in produced if m.msg_type == "error"]
        if errors:
            raise KernelError(f"cell failed:\n{code}\n" + "\n".join(errors[0].content["traceback"]))
        return "".join(
            m.content["text"]
            for m in produced
            if m.msg_type == "stream" and m.content["name"] == "stdout"
        )

    # -- comms ------------------------------------------------------------------------------

    def send_comm(self, comm_id: str, data: dict[str, Any], buffers: Iterable[bytes] = ()) -> str:
        """Send a ``comm_msg`` on the shell channel, as a front end does; return its msg_id."""
        msg = self.client.session.send(
            self.client.shell_channel.socket,
            "comm_msg",
            content={"comm_id": comm_id, "data": data},
            buffers=list(buffers),
        )
        return msg["header"]["msg_id"]

    def send_custom(
        self, comm_id: str, content: dict[str, Any], buffers: Iterable[bytes] = ()
    ) -> str:
        """``model.send(content, undefined, buffers)`` of an anywidget front end."""
        return self.send_comm(comm_id, {"method": "custom", "content": content}, buffers)

    # -- IOPub ------------------------------------------------------------------------------

    def drain(self, timeout: float = 0.0) -> None:
        """Read every IOPub message waiting (blocking up to ``timeout`` for the first one)."""
        while True:
            try:
                raw = self.client.get_iopub_msg(timeout=timeout)
            except Empty:
                return
            timeout = 0.0
            self.messages.append(
                Message(
                    index=len(self.messages),
                    msg_type=raw["msg_type"],
                    content=raw["content"],
                    header=raw["header"],
                    parent_id=(raw.get("parent_header") or {}).get("msg_id"),
                    buffers=[bytes(b) for b in raw.get("buffers") or []],
                )
            )

    def wait_for(
        self, predicate: Callable[[Message], bool], timeout: float = 30, *, since: int = 0
    ) -> Message:
        """The first message from index ``since`` on that matches, reading IOPub until it comes."""
        deadline = time.monotonic() + timeout
        checked = since
        while True:
            for message in self.messages[checked:]:
                if predicate(message):
                    return message
            checked = max(checked, len(self.messages))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise KernelError(
                    f"no matching IOPub message within {timeout:g} s; the last ones:\n"
                    + describe(self.messages[max(since, len(self.messages) - 40) :])
                    + f"\n{self.log_tail()}"
                )
            if self.process.poll() is not None:
                raise KernelError(
                    f"the kernel exited ({self.process.returncode})\n" + self.log_tail()
                )
            self.drain(min(remaining, 0.2))

    def mark(self) -> int:
        """The index the next message will have (to wait for or inspect only later ones)."""
        self.drain()
        return len(self.messages)

    # -- lifetime ---------------------------------------------------------------------------

    def log_tail(self, chars: int = 3000) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return f"--- kernel log ({self.python}) ---\n{text[-chars:]}"

    def shutdown(self) -> None:
        try:
            if self.process.poll() is None:
                self.client.shutdown()
                self.process.wait(10)
        except (subprocess.TimeoutExpired, RuntimeError):
            self.process.kill()
            self.process.wait(10)
        finally:
            self.client.stop_channels()


def _idle_after(message: Message, msg_id: str) -> bool:
    return message.parent_id == msg_id and message.content.get("execution_state") == "idle"


def kernel_env(**extra: str) -> dict[str, str]:
    """A clean environment for a kernel: no NEMO_* setting or proxy of this machine leaks in."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # the debugger's frozen-modules warning
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


class WidgetView:
    """What a front end knows of one widget: its traits and the custom messages it got."""

    def __init__(self, kernel: Kernel, comm_id: str):
        self.kernel = kernel
        self.comm_id = comm_id

    @classmethod
    def opened(cls, kernel: Kernel, model_name: str = "AnyModel", *, since: int = 0) -> WidgetView:
        """The widget whose ``comm_open`` (with that model) arrived first after ``since``."""
        message = kernel.wait_for(
            lambda m: (
                m.msg_type == "comm_open"
                and m.data.get("state", {}).get("_model_name") == model_name
            ),
            since=since,
        )
        return cls(kernel, message.comm_id)

    def comm_messages(self, since: int = 0) -> list[Message]:
        """comm_open / comm_msg of this widget, from index ``since`` on."""
        return [
            m
            for m in self.kernel.messages[since:]
            if m.comm_id == self.comm_id and m.msg_type in ("comm_open", "comm_msg")
        ]

    def state(self, upto: int | None = None) -> dict[str, Any]:
        """The traits as a front end holds them after the messages before index ``upto``."""
        state: dict[str, Any] = {}
        for message in self.comm_messages():
            if upto is not None and message.index >= upto:
                break
            if message.msg_type == "comm_open" or message.data.get("method") == "update":
                state.update(message.data.get("state", {}))
        return state

    def customs(self, kind: str | None = None, since: int = 0) -> list[Message]:
        """Custom messages (``widget.send``) of type ``kind``, from index ``since`` on."""
        return [
            m
            for m in self.comm_messages(since)
            if m.data.get("method") == "custom"
            and (kind is None or m.data["content"].get("type") == kind)
        ]

    def updates(self, since: int = 0) -> list[Message]:
        """Trait updates, from index ``since`` on."""
        return [m for m in self.comm_messages(since) if m.data.get("method") == "update"]

    def send(self, content: dict[str, Any], buffers: Iterable[bytes] = ()) -> str:
        return self.kernel.send_custom(self.comm_id, content, buffers)

    def wait_custom(
        self,
        kind: str,
        where: Callable[[dict[str, Any]], bool] = lambda c: True,
        *,
        since: int = 0,
        timeout: float = 30,
    ) -> Message:
        """The first custom message of type ``kind`` after ``since`` whose content matches."""
        return self.kernel.wait_for(
            lambda m: (
                m.comm_id == self.comm_id
                and m.data.get("method") == "custom"
                and m.data["content"].get("type") == kind
                and where(m.data["content"])
            ),
            timeout,
            since=since,
        )

    def wait_update(
        self, where: Callable[[dict[str, Any]], bool], *, since: int = 0, timeout: float = 30
    ) -> Message:
        """The first trait update from index ``since`` on after which the state matches."""
        return self.kernel.wait_for(
            lambda m: (
                m.comm_id == self.comm_id
                and m.data.get("method") == "update"
                and where(self.state(upto=m.index + 1))
            ),
            timeout,
            since=since,
        )

    def wait_state(
        self, where: Callable[[dict[str, Any]], bool], *, since: int = 0, timeout: float = 30
    ) -> dict[str, Any]:
        """Read until the state matches (after an update from index ``since`` on); return it."""
        return self.state(upto=self.wait_update(where, since=since, timeout=timeout).index + 1)

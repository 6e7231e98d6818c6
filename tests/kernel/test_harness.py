"""The harness itself, with a trivial anywidget: comm_open, custom messages with binary buffers
both ways, trait updates, and a message sent from a thread while no cell runs."""

from __future__ import annotations

import pytest

from tests.kernel.harness import Kernel, WidgetView

pytestmark = pytest.mark.kernel

ECHO_WIDGET = """
import threading
import anywidget, traitlets

class Echo(anywidget.AnyWidget):
    _esm = "export default { render() {} }"
    received = traitlets.Int(0).tag(sync=True)

    def __init__(self):
        super().__init__()
        self.on_msg(self._on_msg)

    def _on_msg(self, widget, content, buffers):
        self.received += len(buffers)
        self.send({"type": "echo", "sizes": [len(b) for b in buffers]},
                  [bytes(b)[::-1] for b in buffers])
        if content.get("later"):
            threading.Timer(0.2, lambda: self.send({"type": "later"})).start()

echo = Echo()
display(echo)
"""


@pytest.fixture(scope="module")
def kernel(start_kernel) -> Kernel:
    return start_kernel()


@pytest.fixture(scope="module")
def echo(kernel: Kernel) -> WidgetView:
    since = kernel.mark()
    kernel.execute(ECHO_WIDGET)
    return WidgetView.opened(kernel, since=since)


def test_cells_run_and_errors_surface(kernel: Kernel):
    assert kernel.execute("print(6 * 7)") == "42\n"
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        kernel.execute("1 / 0")


def test_custom_messages_carry_binary_buffers_both_ways(kernel: Kernel, echo: WidgetView):
    assert echo.state()["_model_module"] == "anywidget"

    big = bytes(range(256)) * 4096  # 1 MiB
    sent = kernel.mark()
    received = echo.state()["received"]
    echo.send({"type": "hello"}, [b"abc", big])

    reply = echo.wait_custom("echo", since=sent)
    assert reply.data["content"]["sizes"] == [3, len(big)]
    assert reply.buffers == [b"cba", big[::-1]]
    echo.wait_state(lambda s: s["received"] == received + 2, since=sent)


def test_a_thread_reaches_the_front_end_while_no_cell_runs(kernel: Kernel, echo: WidgetView):
    sent = kernel.mark()
    request = echo.send({"type": "hello", "later": True})
    handled = kernel.wait_for(
        lambda m: m.parent_id == request and m.content.get("execution_state") == "idle",
        since=sent,
    )
    later = echo.wait_custom("later", since=sent)
    assert later.index > handled.index
    statuses = [
        m for m in kernel.messages[handled.index + 1 : later.index] if m.msg_type == "status"
    ]
    assert statuses == [], "a request ran in between: the message needed the kernel to be woken"

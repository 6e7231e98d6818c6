"""NemoStudio's front end (studio.js + studio.css) in a real chromium, against a fake model.

No Jupyter here: tests/widget/frontend/harness.html loads the ES module the way anywidget
does (initialize once per model, render once per view, a model proxy per view) and a fake
kernel answers uploads and video requests. The widget-protocol doc is the contract checked.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.widget.browser import STATIC, harness_page

MIB = 1024 * 1024

# A 1x1 GIF, as the kernel's segment thumbnails are data URLs.
THUMB = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    with harness_page(browser, server, "harness.html", 1300, 1000) as page:
        yield page


# --------------------------------------------------------------------------- helpers


def setup(
    page: Page,
    state: dict[str, Any] | None = None,
    kernel: dict[str, Any] | None = None,
    views: int = 1,
) -> None:
    page.evaluate(
        "([state, kernel, views]) => nemo.setup({state, kernel, views})",
        [state or {}, kernel or {}, views],
    )


def push(page: Page, name: str, value: Any) -> None:
    page.evaluate("([name, value]) => nemo.push(name, value)", [name, value])


def custom(page: Page, content: dict[str, Any]) -> None:
    page.evaluate("(content) => nemo.custom(content)", content)


def sent(page: Page, kind: str | None = None) -> list[dict[str, Any]]:
    """Messages the front end sent: [{"content": {...}, "buffers": [byte lengths]}]."""
    return page.evaluate("(kind) => nemo.sent(kind)", kind)


def wait_sent(page: Page, kind: str, count: int = 1) -> list[dict[str, Any]]:
    page.wait_for_function("([k, n]) => nemo.sent(k).length >= n", arg=[kind, count])
    return sent(page, kind)


def message(
    item_id: str, role: str, text: str, *, streaming: bool = False, **extra: Any
) -> dict[str, Any]:
    item = {
        "id": item_id,
        "role": role,
        "text": text,
        "streaming": streaming,
        "stopped": False,
        "link": None,
        "question": None,
        "answered": False,
    }
    item.update(extra)
    return item


def events(seq: int, *items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "events", "seq": seq, "items": list(items), "t_kernel": 0}


def delta(item_id: str, text: str) -> dict[str, Any]:
    return {"kind": "delta", "id": item_id, "text": text}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assistant(page: Page, index: int = 0):
    return page.locator('[data-testid="nemo-message"][data-role="assistant"]').nth(index)


SAMPLE_TIMELINE = {
    "title": "Trip",
    "duration_s": 10.0,
    "width": 1280,
    "height": 720,
    "ready_for_export": True,
    "summary": "",
    "tracks": [
        {
            "index": 0,
            "kind": "video",
            "kind_word": "Video",
            "name": "2 images",
            "volume": None,
            "segments": [
                {
                    "start_s": 0,
                    "end_s": 4,
                    "kind": "video",
                    "media": "image",
                    "label": "beach.jpg",
                    "thumb": THUMB,
                    "volume": None,
                },
                {
                    "start_s": 4,
                    "end_s": 10,
                    "kind": "video",
                    "media": "image",
                    "label": "city.jpg",
                    "thumb": None,
                    "volume": None,
                },
            ],
        },
        {
            "index": 1,
            "kind": "audio",
            "kind_word": "BGM",
            "name": "Lo-fi",
            "volume": 35,
            "segments": [
                {
                    "start_s": 0,
                    "end_s": 10,
                    "kind": "audio",
                    "media": "audio",
                    "label": "Lo-fi",
                    "volume": 35,
                },
            ],
        },
        {
            "index": 2,
            "kind": "text",
            "kind_word": "Title",
            "name": "Hello",
            "volume": None,
            "segments": [
                {
                    "start_s": 1,
                    "end_s": 2.5,
                    "kind": "text",
                    "media": "text",
                    "label": "Hello",
                    "text": "Hello",
                    "volume": None,
                },
            ],
        },
    ],
}


# --------------------------------------------------------------------------- the module itself


def test_module_has_no_imports_and_the_right_exports() -> None:
    source = (STATIC / "studio.js").read_text()
    assert not re.search(r"^\s*import[\s({*]", source, re.MULTILINE)
    assert "import(" not in source
    assert not re.search(r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write", source)
    # The only export is the default one: a factory anywidget calls once per model for
    # {initialize, render} (issue 17; the harness page calls it the same way).
    assert re.search(r"export\s*\{\s*[\w$]+ as default\s*\};\s*$", source)  # a minified name


def test_every_css_rule_is_scoped_under_the_root_class() -> None:
    css = re.sub(r"/\*.*?\*/", "", (STATIC / "studio.css").read_text(), flags=re.DOTALL)
    depth = 0
    selector = ""
    in_keyframes = -1
    selectors: list[str] = []
    for char in css:
        if char == "{":
            text = selector.strip()
            if text.startswith("@keyframes"):
                in_keyframes = depth
            elif text.startswith("@"):
                pass  # @media and friends hold ordinary rules
            elif in_keyframes < 0:
                selectors.extend(part.strip() for part in text.split(","))
            depth += 1
            selector = ""
        elif char == "}":
            depth -= 1
            if depth == in_keyframes:
                in_keyframes = -1
            selector = ""
        elif char == ";" and depth > 0:
            selector = ""
        else:
            selector += char
    assert selectors
    unscoped = [s for s in selectors if not s.startswith(".nemo-studio")]
    assert not unscoped


# --------------------------------------------------------------------------- structure


@pytest.mark.browser
def test_dom_hooks_exist_and_buttons_are_labelled(page: Page) -> None:
    setup(page)
    expect(page.locator(".nemo-studio")).to_have_count(1)
    for testid in (
        "nemo-input",
        "nemo-send",
        "nemo-file-input",
        "nemo-timeline",
        "nemo-export",
        "nemo-progress",
        "nemo-backend",
        "nemo-credits",
    ):
        expect(page.get_by_test_id(testid)).to_have_count(1)
    expect(page.get_by_test_id("nemo-stop")).to_have_count(0)
    expect(page.get_by_test_id("nemo-backend")).to_have_text("Local engine")
    expect(page.get_by_test_id("nemo-credits")).to_have_text("Unlimited credits")
    expect(page.locator(".nemo-studio .nemo-title")).to_have_text("NemoStudio")
    log = page.locator('.nemo-studio [role="log"]')
    expect(log).to_have_attribute("aria-live", "polite")
    file_input = page.get_by_test_id("nemo-file-input")
    expect(file_input).to_have_attribute("type", "file")
    expect(file_input).to_have_attribute("multiple", "")
    expect(file_input).to_have_attribute("accept", "image/*,video/*,audio/*")
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('.nemo-studio button')]"
        ".filter(b => !b.getAttribute('aria-label')).map(b => b.outerHTML)"
    )
    assert unlabelled == []


@pytest.mark.browser
def test_panels_stack_in_a_narrow_cell_and_sit_side_by_side_in_a_wide_one(page: Page) -> None:
    setup(page, views=0)
    page.evaluate("nemo.render(560); nemo.render(1200)")
    boxes = page.evaluate(
        """[...document.querySelectorAll('.nemo-studio')].map(root => {
            const chat = root.querySelector('.nemo-chat').getBoundingClientRect();
            const side = root.querySelector('.nemo-side').getBoundingClientRect();
            return {chat: [chat.left, chat.top, chat.right, chat.bottom],
                    side: [side.left, side.top, side.right, side.bottom]};
        })"""
    )
    narrow, wide = boxes
    assert narrow["side"][1] >= narrow["chat"][3]  # below the chat
    assert wide["side"][0] >= wide["chat"][2]  # right of the chat
    assert wide["side"][1] < wide["chat"][3]


# --------------------------------------------------------------------------- composer


@pytest.mark.browser
def test_enter_and_the_send_button_send_and_shift_enter_or_ime_do_not(page: Page) -> None:
    setup(page)
    box = page.get_by_test_id("nemo-input")
    box.fill("hello there")
    box.press("Enter")
    assert wait_sent(page, "send")[0]["content"] == {"type": "send", "text": "hello there"}
    expect(box).to_have_value("")

    box.fill("line one")
    box.press("Shift+Enter")
    box.press_sequentially("line two")
    # An Enter that confirms an input-method composition must not send.
    page.evaluate(
        """document.querySelector('[data-testid=nemo-input]').dispatchEvent(
            new KeyboardEvent('keydown', {key: 'Enter', isComposing: true, bubbles: true,
                                          cancelable: true}))"""
    )
    page.get_by_test_id("nemo-send").click()
    texts = [m["content"]["text"] for m in wait_sent(page, "send", 2)]
    assert texts == ["hello there", "line one\nline two"]


@pytest.mark.browser
def test_stop_button_only_during_a_turn_and_queued_count(page: Page) -> None:
    setup(page)
    stop = page.get_by_test_id("nemo-stop")
    expect(stop).to_have_count(0)
    push(page, "busy", True)
    push(page, "queued", 2)
    expect(stop).to_be_visible()
    expect(page.locator(".nemo-studio .nemo-queued")).to_have_text("2 queued")
    expect(page.get_by_test_id("nemo-send")).to_be_enabled()  # typing ahead stays possible
    stop.click()
    assert wait_sent(page, "stop")[0]["content"] == {"type": "stop"}
    push(page, "busy", False)
    push(page, "queued", 0)
    expect(stop).to_have_count(0)
    expect(page.locator(".nemo-studio .nemo-queued")).to_be_hidden()


# --------------------------------------------------------------------------- chat


@pytest.mark.browser
def test_deltas_stream_into_the_bubble_and_the_final_text_replaces_them(page: Page) -> None:
    setup(page)
    push(
        page,
        "messages",
        [message("u1", "user", "make a video"), message("a1", "assistant", "", streaming=True)],
    )
    custom(page, events(1, delta("a1", "Here is ")))
    custom(page, events(2, delta("a1", "**your** plan")))
    bubble = assistant(page)
    expect(bubble).to_have_attribute("data-streaming", "true")
    expect(bubble.locator(".nemo-markdown")).to_have_text("Here is your plan")
    expect(bubble.locator("strong")).to_have_text("your")

    push(
        page,
        "messages",
        [message("u1", "user", "make a video"), message("a1", "assistant", "Done: three photos.")],
    )
    expect(bubble).to_have_attribute("data-streaming", "false")
    expect(bubble.locator(".nemo-markdown")).to_have_text("Done: three photos.")

    # Deltas for an item the kernel has not listed yet are kept until it arrives.
    custom(
        page,
        events(3, delta("a2", "Early ")),
    )
    custom(page, events(4, delta("a2", "words")))
    push(
        page,
        "messages",
        [
            message("u1", "user", "make a video"),
            message("a1", "assistant", "Done: three photos."),
            message("a2", "assistant", "", streaming=True),
        ],
    )
    expect(assistant(page, 1).locator(".nemo-markdown")).to_have_text("Early words")


@pytest.mark.browser
def test_events_apply_in_seq_order_once_and_a_gap_asks_for_a_poll(page: Page) -> None:
    setup(page)
    push(page, "messages", [message("a1", "assistant", "", streaming=True)])
    custom(page, events(1, delta("a1", "A")))
    custom(page, events(3, delta("a1", "C")))  # 2 went missing: wait for it and ask
    poll = wait_sent(page, "poll")[0]["content"]
    assert poll == {"type": "poll", "after": 1}
    custom(page, events(2, delta("a1", "B")))
    custom(page, events(2, delta("a1", "B")))  # replayed by the poll: ignored
    custom(page, events(4, delta("a1", "D"), {"kind": "status", "text": "Reading your photos"}))
    expect(assistant(page).locator(".nemo-markdown")).to_have_text("ABCD")


@pytest.mark.browser
def test_reconcile_keeps_the_nodes_of_unchanged_items(page: Page) -> None:
    setup(page)
    first = [message("u1", "user", "hi"), message("a1", "assistant", "Hello **there**")]
    push(page, "messages", first)
    page.evaluate(
        "document.querySelectorAll('[data-testid=nemo-message]').forEach((n, i) => n.__tag = i + 1)"
    )
    push(page, "messages", [*first, message("u2", "user", "again")])
    tags = page.evaluate(
        "[...document.querySelectorAll('[data-testid=nemo-message]')].map(n => n.__tag ?? null)"
    )
    assert tags == [1, 2, None]
    push(page, "messages", [first[1], message("u2", "user", "again")])  # u1 removed
    expect(page.get_by_test_id("nemo-message")).to_have_count(2)
    assert page.evaluate("document.querySelector('[data-testid=nemo-message]').__tag") == 2


MARKDOWN = """# Plan

First paragraph with **bold**, *italic* and `code`.
Second line.

- one
- two
  - nested

1. first
2. second

```python
print("hi")
```

See [docs](https://example.com/docs) or [bad](javascript:alert(1)) or [rel](/files/x).
Visit https://example.org/a_b_c now, snake_case_name stays plain.
"""


@pytest.mark.browser
def test_markdown_renders_with_only_http_links(page: Page) -> None:
    setup(page)
    push(page, "messages", [message("a1", "assistant", MARKDOWN)])
    body = assistant(page).locator(".nemo-markdown")
    expect(body.locator("h1")).to_have_text("Plan")
    expect(body.locator("strong")).to_have_text("bold")
    expect(body.locator("em")).to_have_text("italic")
    expect(body.locator("p code")).to_have_text("code")
    expect(body.locator("p").first.locator("br")).to_have_count(1)
    expect(body.locator(":scope > ul > li")).to_have_count(2)
    expect(body.locator("ul ul > li")).to_have_text("nested")
    expect(body.locator("ol > li")).to_have_text(["first", "second"])
    expect(body.locator("pre code")).to_have_text('print("hi")')
    expect(body.locator("pre code")).to_have_class("language-python")

    links = body.locator("a")
    expect(links).to_have_count(2)
    docs = body.get_by_role("link", name="docs")
    expect(docs).to_have_attribute("href", "https://example.com/docs")
    expect(docs).to_have_attribute("target", "_blank")
    expect(docs).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    expect(links.nth(1)).to_have_attribute("href", "https://example.org/a_b_c")
    expect(body).to_contain_text("[bad](javascript:alert(1))")
    expect(body).to_contain_text("[rel](/files/x)")
    expect(body).to_contain_text("snake_case_name stays plain")
    expect(body.locator("em")).to_have_count(1)


@pytest.mark.browser
def test_html_in_any_text_is_shown_as_text_never_run(page: Page) -> None:
    evil = (
        '<script>window.__pwned = true</script><img src=x onerror="window.__pwned = true"><b>b</b>'
    )
    setup(page, state={"backend": evil, "credits": evil})
    page.evaluate("window.__pwned = false")
    question = {
        "title": evil,
        "questions": [
            {
                "id": "q",
                "prompt": evil,
                "options": [{"id": "o", "label": evil}],
                "allow_multiple": False,
            }
        ],
    }
    push(
        page,
        "messages",
        [
            message("u1", "user", evil),
            message(
                "a1", "assistant", f"{evil}\n\n**{evil}** `{evil}`\n\n- {evil}", question=question
            ),
            message("s1", "status", evil),
            message("e1", "error", evil, link="javascript:window.__pwned=true"),
        ],
    )
    push(
        page,
        "attachments",
        [{"id": "x", "name": evil, "size": 1, "state": "error", "progress": 0, "error": evil}],
    )
    timeline = {**SAMPLE_TIMELINE, "title": evil}
    timeline["tracks"] = [{**SAMPLE_TIMELINE["tracks"][0], "name": evil}]
    timeline["tracks"][0]["segments"] = [
        {
            "start_s": 0,
            "end_s": 4,
            "kind": "video",
            "label": evil,
            "thumb": "javascript:window.__pwned=true",
        }
    ]
    push(page, "timeline", timeline)
    push(page, "export", {"state": "error", "progress": 0, "error": evil})
    expect(page.locator('[data-testid="nemo-message"][data-role="user"]')).to_have_text(evil)
    expect(page.get_by_test_id("nemo-error")).to_contain_text(evil)
    expect(page.get_by_test_id("nemo-status")).to_have_text(evil)
    expect(page.get_by_test_id("nemo-backend")).to_have_text(evil)
    created = page.evaluate(
        "document.querySelectorAll('.nemo-studio script, .nemo-studio img, .nemo-studio b').length"
    )
    assert created == 0
    expect(page.get_by_test_id("nemo-error").locator("a")).to_have_count(0)
    page.evaluate("new Promise(r => setTimeout(r, 50))")
    assert page.evaluate("window.__pwned") is False


@pytest.mark.browser
def test_error_bubble_links_only_to_http_addresses(page: Page) -> None:
    setup(page)
    push(
        page,
        "messages",
        [
            message(
                "e1",
                "error",
                "Your token expired. Get a new one.",
                link="https://nemo.example/keys",
            ),
            message("e2", "error", "Something odd.", link="data:text/html,hi"),
        ],
    )
    errors = page.get_by_test_id("nemo-error")
    expect(errors).to_have_count(2)
    link = errors.nth(0).get_by_role("link", name="Fix it here")
    expect(link).to_have_attribute("href", "https://nemo.example/keys")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    expect(errors.nth(0)).to_contain_text("Your token expired. Get a new one.")
    expect(errors.nth(1).locator("a")).to_have_count(0)


@pytest.mark.browser
def test_copy_button_copies_the_message_text(page: Page) -> None:
    setup(page)
    page.evaluate(
        """Object.defineProperty(navigator, 'clipboard', {configurable: true,
             value: {writeText: async (text) => { window.__copied = text; }}})"""
    )
    push(page, "messages", [message("a1", "assistant", "Use **three** photos.")])
    button = assistant(page).get_by_role("button", name="Copy message")
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("window.__copied") == "Use **three** photos."


@pytest.mark.browser
def test_auto_scroll_follows_until_the_user_scrolls_up(page: Page) -> None:
    setup(page)
    items = [
        message(f"m{i}", "user" if i % 2 else "assistant", f"message {i}\n" * 3) for i in range(40)
    ]
    push(page, "messages", items)
    at_bottom = (
        "(() => { const l = document.querySelector('.nemo-log');"
        " return l.scrollHeight - l.scrollTop - l.clientHeight < 2; })()"
    )
    assert page.evaluate(at_bottom)
    page.evaluate(
        """async () => {
            document.querySelector('.nemo-log').scrollTop = 0;
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        }"""
    )
    items.append(message("m40", "assistant", "something new"))
    push(page, "messages", items)
    pill = page.get_by_role("button", name="Scroll to the newest messages")
    expect(pill).to_be_visible()
    assert page.evaluate("document.querySelector('.nemo-log').scrollTop") == 0
    pill.click()
    page.wait_for_function(at_bottom)
    expect(pill).to_be_hidden()
    items.append(message("m41", "assistant", "and more"))
    push(page, "messages", items)
    assert page.evaluate(at_bottom)


@pytest.mark.browser
def test_question_options_send_an_answer_and_lock_once_answered(page: Page) -> None:
    setup(page)
    question = {
        "title": "A few choices",
        "questions": [
            {
                "id": "q1",
                "prompt": "Which style?",
                "allow_multiple": False,
                "options": [{"id": "o1", "label": "Calm"}, {"id": "o2", "label": "Upbeat"}],
            },
            {
                "id": "q2",
                "prompt": "Which photos?",
                "allow_multiple": True,
                "options": [
                    {"id": "p1", "label": "beach.jpg"},
                    {"id": "p2", "label": "city.jpg"},
                    {"id": "p3", "label": "park.jpg"},
                ],
            },
        ],
    }
    item = message("a1", "assistant", "Before I start:", question=question)
    push(page, "messages", [item])
    bubble = assistant(page)
    expect(bubble.get_by_role("checkbox")).to_have_count(3)
    bubble.get_by_role("radio", name="Upbeat").click()
    bubble.get_by_role("radio", name="Calm").click()
    bubble.get_by_role("checkbox", name="beach.jpg").click()
    bubble.get_by_role("checkbox", name="park.jpg").click()
    expect(bubble.get_by_role("radio", name="Upbeat")).to_have_attribute("aria-checked", "false")
    bubble.get_by_role("button", name="Send answer").click()
    answer = wait_sent(page, "answer")[0]["content"]
    assert answer == {
        "type": "answer",
        "item_id": "a1",
        "choices": [["Calm"], ["beach.jpg", "park.jpg"]],
    }
    expect(bubble.get_by_role("button", name="Send answer")).to_be_disabled()
    push(page, "messages", [{**item, "answered": True}])
    expect(bubble.get_by_role("button", name="Send answer")).to_have_text("Answered")
    expect(bubble.get_by_role("checkbox", name="city.jpg")).to_be_disabled()


# --------------------------------------------------------------------------- uploads


@pytest.mark.browser
def test_upload_sends_windowed_chunks_one_file_after_another(page: Page) -> None:
    setup(page, state={"upload_window": 2}, kernel={"ackDelayMs": 30})
    big = os.urandom(3 * MIB + 100)
    small = os.urandom(1000)
    page.get_by_test_id("nemo-file-input").set_input_files(
        [
            {"name": "big.jpg", "mimeType": "image/jpeg", "buffer": big},
            {"name": "small.png", "mimeType": "image/png", "buffer": small},
        ]
    )
    wait_sent(page, "upload_end", 2)
    log = [m for m in sent(page) if m["content"]["type"].startswith("upload_")]
    begins = [m["content"] for m in log if m["content"]["type"] == "upload_begin"]
    big_id, small_id = begins[0]["id"], begins[1]["id"]
    assert big_id != small_id
    # Issue 14 item 5: files attached together carry their batch (one "Added 2 photos" line).
    batch = begins[0]["batch"]
    assert begins[0] == {
        "type": "upload_begin",
        "id": big_id,
        "name": "big.jpg",
        "size": len(big),
        "mime": "image/jpeg",
        "batch": batch,
        "batch_size": 2,
    }
    assert begins[1]["batch"] == batch
    chunks = [
        m for m in log if m["content"]["type"] == "upload_chunk" and m["content"]["id"] == big_id
    ]
    assert [c["content"]["seq"] for c in chunks] == [0, 1, 2, 3]
    assert [c["content"]["offset"] for c in chunks] == [0, MIB, 2 * MIB, 3 * MIB]
    assert [c["buffers"] for c in chunks] == [[MIB], [MIB], [MIB], [100]]
    # One file at a time: the second begins after the first ended.
    kinds = [(m["content"]["type"], m["content"]["id"]) for m in log]
    assert kinds.index(("upload_end", big_id)) < kinds.index(("upload_begin", small_id))
    stats = page.evaluate(
        """(id) => { const u = nemo.kernel.uploads.get(id);
                     return {max: u.maxOutstanding, atEnd: u.outstandingAtEnd}; }""",
        big_id,
    )
    # Never more than the window unacknowledged, and the end only after the last ack.
    assert stats == {"max": 2, "atEnd": 0}
    assert (
        page.evaluate("(id) => nemo.kernel.sha256(id)", big_id) == hashlib.sha256(big).hexdigest()
    )
    assert (
        page.evaluate("(id) => nemo.kernel.sha256(id)", small_id)
        == hashlib.sha256(small).hexdigest()
    )
    chips = page.get_by_test_id("nemo-attachment")
    expect(chips).to_have_count(2)
    expect(chips.nth(0)).to_have_attribute("data-state", "done")
    expect(chips.nth(1)).to_have_attribute("data-state", "done")


@pytest.mark.browser
def test_cancel_sends_upload_cancel_and_stops_sending(page: Page) -> None:
    setup(page, state={"upload_window": 2}, kernel={"autoAck": False})
    input_ = page.get_by_test_id("nemo-file-input")
    input_.set_input_files(
        [{"name": "big.jpg", "mimeType": "image/jpeg", "buffer": os.urandom(3 * MIB)}]
    )
    wait_sent(page, "upload_chunk", 2)  # the window is full: nothing more until an ack
    big_id = sent(page, "upload_begin")[0]["content"]["id"]
    chip = page.get_by_test_id("nemo-attachment")
    expect(chip).to_have_attribute("data-state", "uploading")
    chip.get_by_role("button", name="Cancel big.jpg").click()
    assert wait_sent(page, "upload_cancel")[0]["content"] == {"type": "upload_cancel", "id": big_id}
    page.evaluate("nemo.kernel.releaseAcks()")  # late acks must not restart the cancelled file
    input_.set_input_files([{"name": "next.png", "mimeType": "image/png", "buffer": b"x" * 10}])
    wait_sent(page, "upload_end")
    big_messages = [m["content"]["type"] for m in sent(page) if m["content"].get("id") == big_id]
    assert big_messages == ["upload_begin", "upload_chunk", "upload_chunk", "upload_cancel"]
    expect(page.get_by_test_id("nemo-attachment")).to_have_count(1)


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 160, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.browser
def test_attachment_chip_follows_the_trait(page: Page) -> None:
    setup(page, kernel={"listAttachments": False, "autoAck": False})
    photo = png_bytes()
    page.get_by_test_id("nemo-file-input").set_input_files(
        [{"name": "photo.png", "mimeType": "image/png", "buffer": photo}]
    )
    chip = page.get_by_test_id("nemo-attachment")
    expect(chip).to_have_attribute("data-state", "uploading")  # from local state, before the kernel
    expect(chip.locator("img")).to_have_attribute("src", re.compile(r"^blob:"))
    page.wait_for_function(  # the local file is the thumbnail (retried: chips may re-render)
        """() => { const img = document.querySelector('[data-testid=nemo-attachment] img');
                   return Boolean(img) && img.complete && img.naturalWidth > 0; }"""
    )
    expect(chip).to_contain_text("photo.png")
    upload_id = wait_sent(page, "upload_begin")[0]["content"]["id"]
    entry = {
        "id": upload_id,
        "name": "photo.png",
        "size": 2000,
        "state": "uploading",
        "progress": 0.5,
        "error": None,
    }
    push(page, "attachments", [entry])
    expect(chip.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")
    expect(chip).to_contain_text("2.0 kB")
    push(page, "attachments", [{**entry, "state": "done", "progress": 1}])
    expect(chip).to_have_attribute("data-state", "done")
    # Issue 14 item 5: a finished upload can be removed from the strip too.
    expect(chip.get_by_role("button")).to_have_count(1)
    expect(chip.get_by_role("button")).to_have_attribute("aria-label", "Remove photo.png")
    push(page, "attachments", [{**entry, "state": "error", "error": "The server refused it."}])
    expect(chip).to_have_attribute("data-state", "error")
    expect(chip).to_contain_text("The server refused it.")
    push(page, "attachments", [])
    expect(page.get_by_test_id("nemo-attachment")).to_have_count(0)


@pytest.mark.browser
def test_a_photo_the_browser_cannot_draw_gets_an_icon(page: Page) -> None:
    setup(page, kernel={"autoAck": False})
    page.get_by_test_id("nemo-file-input").set_input_files(
        [{"name": "IMG_0001.heic", "mimeType": "image/heic", "buffer": b"not a picture" * 50}]
    )
    chip = page.get_by_test_id("nemo-attachment")
    expect(chip.locator("svg")).to_have_count(1)
    expect(chip.locator("img")).to_have_count(0)


@pytest.mark.browser
def test_a_file_over_the_limit_is_refused_before_any_byte_is_sent(page: Page) -> None:
    setup(page, state={"max_upload_bytes": 1000})
    page.get_by_test_id("nemo-file-input").set_input_files(
        [{"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"0" * 5000}]
    )
    chip = page.get_by_test_id("nemo-attachment")
    expect(chip).to_have_attribute("data-state", "error")
    expect(chip).to_contain_text("at most 1.0 kB")
    assert sent(page) == []
    chip.get_by_role("button", name="Remove huge.jpg").click()
    expect(chip).to_have_count(0)


@pytest.mark.browser
def test_drop_and_paste_attach_files(page: Page) -> None:
    setup(page)
    page.evaluate(
        """() => {
            const root = document.querySelector('.nemo-studio');
            const dt = new DataTransfer();
            dt.items.add(new File(['abc'], 'dropped.png', {type: 'image/png'}));
            const init = {dataTransfer: dt, bubbles: true, cancelable: true};
            root.dispatchEvent(new DragEvent('dragenter', init));
            window.__highlighted = root.classList.contains('nemo-dropping');
            root.dispatchEvent(new DragEvent('drop', init));
            window.__highlightedAfter = root.classList.contains('nemo-dropping');
        }"""
    )
    assert page.evaluate("[window.__highlighted, window.__highlightedAfter]") == [True, False]
    assert wait_sent(page, "upload_begin")[0]["content"]["name"] == "dropped.png"
    page.evaluate(
        """() => {
            const dt = new DataTransfer();
            dt.items.add(new File(['png'], 'pasted.png', {type: 'image/png'}));
            document.querySelector('[data-testid=nemo-input]').dispatchEvent(
                new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
        }"""
    )
    assert wait_sent(page, "upload_begin", 2)[1]["content"]["name"] == "pasted.png"


# --------------------------------------------------------------------------- timeline


@pytest.mark.browser
def test_timeline_bars_are_placed_by_time_with_kinds_and_a_table_view(page: Page) -> None:
    setup(page)
    expect(page.get_by_test_id("nemo-timeline")).to_contain_text(
        "Add photos and tell me what to make"
    )
    push(page, "timeline", SAMPLE_TIMELINE)
    segments = page.get_by_test_id("nemo-segment")
    expect(segments).to_have_count(4)
    placed = page.evaluate(
        """[...document.querySelectorAll('[data-testid=nemo-segment]')].map(s => {
            const lane = s.parentElement.getBoundingClientRect();
            const box = s.getBoundingClientRect();
            return {kind: s.dataset.kind, start: +s.dataset.start, end: +s.dataset.end,
                    left: (box.left - lane.left) / lane.width, width: box.width / lane.width,
                    border: getComputedStyle(s).borderTopColor, title: s.title,
                    thumb: !!s.querySelector('img')};
        })"""
    )
    assert [(p["kind"], p["start"], p["end"]) for p in placed] == [
        ("video", 0, 4),
        ("video", 4, 10),
        ("audio", 0, 10),
        ("text", 1, 2.5),
    ]
    for p in placed:
        assert p["left"] == pytest.approx(p["start"] / 10, abs=0.01)
        assert p["width"] == pytest.approx((p["end"] - p["start"]) / 10, abs=0.01)
    assert placed[0]["border"] == "rgb(59, 130, 246)"
    assert placed[2]["border"] == "rgb(34, 163, 90)"
    assert placed[3]["border"] == "rgb(224, 161, 0)"
    assert [p["thumb"] for p in placed] == [True, False, False, False]
    assert "beach.jpg" in placed[0]["title"] and "0 s – 4 s" in placed[0]["title"]
    labels = page.locator(".nemo-studio .nemo-track:not(.nemo-ruler) .nemo-track-label")
    expect(labels).to_have_text(["Video · 2 images", "BGM · Lo-fi", "Title · Hello"])
    expect(page.locator(".nemo-studio .nemo-tick")).to_have_count(11)  # 0..10 s, every second
    expect(page.locator(".nemo-studio .nemo-panel-meta")).to_have_text("Trip · 10 s")

    page.get_by_role("button", name="Show the track table").click()
    table = page.get_by_test_id("nemo-track-table")
    expect(table).to_be_visible()
    expect(page.get_by_test_id("nemo-timeline")).to_be_hidden()
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table.locator("tbody tr").nth(0).locator("td")).to_have_text(
        ["1. Video", "image", "beach.jpg", "0 s", "4 s", "4 s", "—"]
    )
    expect(table.locator("tbody tr").nth(2).locator("td").nth(6)).to_have_text("35%")
    page.get_by_role("button", name="Show the timeline").click()
    expect(page.get_by_test_id("nemo-timeline")).to_be_visible()


@pytest.mark.browser
def test_ruler_ticks_thin_out_for_longer_videos(page: Page) -> None:
    setup(page)
    long = {**SAMPLE_TIMELINE, "duration_s": 45.0}
    push(page, "timeline", long)
    ticks = page.locator(".nemo-studio .nemo-tick")
    expect(ticks).to_have_count(10)  # every 5 s: 0..45
    assert ticks.evaluate_all("ts => ts.map(t => +t.dataset.t)") == list(range(0, 50, 5))


# --------------------------------------------------------------------------- export and video


@pytest.mark.browser
def test_export_button_follows_readiness_and_progress_shows(page: Page) -> None:
    setup(page)
    button = page.get_by_test_id("nemo-export")
    expect(button).to_be_disabled()
    push(page, "timeline", SAMPLE_TIMELINE)
    expect(button).to_be_enabled()
    button.click()
    assert wait_sent(page, "export")[0]["content"] == {"type": "export"}
    push(page, "export", {"state": "rendering", "progress": 42, "error": None})
    expect(button).to_be_disabled()
    progress = page.get_by_test_id("nemo-progress")
    expect(progress).to_be_visible()
    assert progress.evaluate("p => [p.value, p.max]") == [42, 100]
    expect(page.locator(".nemo-studio .nemo-progress-label")).to_have_text("Rendering 42%")
    push(page, "export", {"state": "downloading", "progress": 100, "error": None})
    expect(page.locator(".nemo-studio .nemo-progress-label")).to_have_text("Downloading…")
    push(page, "export", {"state": "error", "progress": 0, "error": "Rendering failed: try again."})
    expect(progress).to_be_hidden()
    expect(page.locator(".nemo-studio .nemo-export-error")).to_have_text(
        "Rendering failed: try again."
    )
    expect(button).to_be_enabled()


@pytest.mark.browser
def test_video_plays_from_the_server_url(page: Page, server: str, media_dir: Path) -> None:
    setup(page)
    url = f"{server}/media/clip.mp4"
    size = (media_dir / "clip.mp4").stat().st_size
    push(
        page, "video", {"token": 1, "url": url, "name": "clip.mp4", "size": size, "duration_s": 2.0}
    )
    page.wait_for_function("document.querySelector('[data-testid=nemo-video]')?.readyState >= 2")
    video = page.get_by_test_id("nemo-video")
    expect(video).to_have_attribute("src", url)
    expect(video).to_have_attribute("controls", "")
    download = page.get_by_test_id("nemo-download")
    expect(download).to_have_attribute("href", url)
    expect(download).to_have_attribute("download", "clip.mp4")
    expect(page.locator(".nemo-studio .nemo-video-size")).to_have_text(f"{size / 1000:.1f} kB")
    assert sent(page, "video_request") == []


@pytest.mark.browser
@pytest.mark.parametrize("buffer_kind", ["Uint8Array", "DataView"])
def test_video_falls_back_to_kernel_chunks_and_revokes_blob_urls(
    page: Page, server: str, media_dir: Path, buffer_kind: str
) -> None:
    data = (media_dir / "clip.mp4").read_bytes()
    chunk = max(512, len(data) // 5)
    setup(
        page,
        kernel={
            "videoUrl": f"{server}/media/clip.mp4",
            "bufferKind": buffer_kind,
            "videoChunkSize": chunk,
            "videoWindow": 2,
        },
    )
    unreachable = f"http://127.0.0.1:{closed_port()}/clip.mp4"
    push(
        page,
        "video",
        {"token": 7, "url": unreachable, "name": "clip.mp4", "size": len(data), "duration_s": 2.0},
    )
    page.wait_for_function(
        """(() => { const v = document.querySelector('[data-testid=nemo-video]');
                    return v && v.src.startsWith('blob:') && v.readyState >= 2; })()"""
    )
    assert [m["content"] for m in sent(page, "video_request")] == [
        {"type": "video_request", "token": 7}
    ]
    count = -(-len(data) // chunk)
    acks = sorted(m["content"]["seq"] for m in sent(page, "video_ack"))
    assert acks == list(range(count))
    first = page.get_by_test_id("nemo-video").get_attribute("src")
    assert page.evaluate("(u) => fetch(u).then(r => r.blob()).then(nemo.sha256Hex)", first) == (
        hashlib.sha256(data).hexdigest()
    )
    expect(page.get_by_test_id("nemo-download")).to_have_attribute("href", first)

    revoked = "(u) => fetch(u).then(() => false, () => true)"
    # A new video replaces the old one, whose Blob URL is revoked...
    push(
        page,
        "video",
        {"token": 8, "url": None, "name": "new.mp4", "size": len(data), "duration_s": 2.0},
    )
    page.wait_for_function(
        "(old) => { const v = document.querySelector('[data-testid=nemo-video]');"
        " return v && v.src.startsWith('blob:') && v.src !== old && v.readyState >= 2; }",
        arg=first,
    )
    assert page.evaluate(revoked, first) is True
    second = page.get_by_test_id("nemo-video").get_attribute("src")
    # ...and removing the view revokes the current one and its listeners.
    assert page.evaluate("nemo.cleanup(0)") == 0
    assert page.evaluate(revoked, second) is True
    expect(page.locator(".nemo-studio")).to_have_count(0)


@pytest.mark.browser
def test_a_video_already_in_the_state_also_falls_back(
    page: Page, server: str, media_dir: Path
) -> None:
    data = (media_dir / "clip.mp4").read_bytes()
    video = {
        "token": 3,
        "url": f"http://127.0.0.1:{closed_port()}/clip.mp4",
        "name": "clip.mp4",
        "size": len(data),
        "duration_s": 2.0,
    }
    setup(page, state={"video": video}, kernel={"videoUrl": f"{server}/media/clip.mp4"})
    page.wait_for_function(
        """(() => { const v = document.querySelector('[data-testid=nemo-video]');
                    return v && v.src.startsWith('blob:') && v.readyState >= 2; })()"""
    )
    assert [m["content"] for m in sent(page, "video_request")] == [
        {"type": "video_request", "token": 3}
    ]


# --------------------------------------------------------------------------- transport


@pytest.mark.browser
def test_poll_is_sent_while_busy_and_silent(page: Page) -> None:
    setup(page)
    for seq in (1, 2, 3):
        custom(page, events(seq, delta("a1", "x")))
    push(page, "busy", True)
    assert wait_sent(page, "poll")[0]["content"] == {"type": "poll", "after": 3}


@pytest.mark.browser
def test_several_views_share_one_transport(page: Page) -> None:
    setup(page, views=2)
    push(page, "messages", [message("a1", "assistant", "", streaming=True)])
    custom(page, events(1, delta("a1", "shared text")))
    expect(assistant(page, 0).locator(".nemo-markdown")).to_have_text("shared text")
    expect(assistant(page, 1).locator(".nemo-markdown")).to_have_text("shared text")

    page.locator(".view").nth(0).get_by_test_id("nemo-file-input").set_input_files(
        [{"name": "a.png", "mimeType": "image/png", "buffer": b"png"}]
    )
    expect(page.locator(".view").nth(1).get_by_test_id("nemo-attachment")).to_have_count(1)
    wait_sent(page, "upload_end")
    assert len(sent(page, "upload_begin")) == 1

    assert page.evaluate("nemo.cleanup(0)") == 0
    push(page, "messages", [message("a1", "assistant", "final")])
    expect(page.locator(".view").nth(1).locator(".nemo-markdown")).to_have_text("final")
    expect(page.locator(".view").nth(0).locator(".nemo-studio")).to_have_count(0)


@pytest.mark.browser
def test_tool_details_show_only_in_debug_mode(page: Page) -> None:
    status = {
        "id": "s-1",
        "role": "status",
        "text": "Editing the timeline…",
        "detail": 'edit_multitrack {"op": "add"}',
    }
    setup(page, {"messages": [status]})
    detail = page.locator(".nemo-status-detail")
    expect(page.get_by_test_id("nemo-status")).to_contain_text("Editing the timeline…")
    expect(detail).to_be_hidden()
    push(page, "debug", True)
    expect(detail).to_be_visible()
    expect(detail).to_have_text('edit_multitrack {"op": "add"}')
    push(page, "debug", False)
    expect(detail).to_be_hidden()


@pytest.mark.browser
def test_an_export_error_the_chat_shows_is_not_repeated_under_the_button(page: Page) -> None:
    setup(page)
    error = page.locator(".nemo-studio .nemo-export-error")
    push(page, "export", {"state": "error", "progress": 0, "error": "The render failed."})
    expect(error).to_have_text("The render failed.")  # said here when the chat does not
    item = {
        "id": "e1",
        "role": "error",
        "text": "The render failed.",
        "streaming": False,
        "stopped": False,
        "link": None,
        "question": None,
        "answered": False,
    }
    push(page, "messages", [item])
    expect(page.get_by_test_id("nemo-error")).to_have_count(1)
    expect(error).to_be_hidden()


@pytest.mark.browser
def test_the_chat_keeps_following_when_the_cell_narrows(page: Page) -> None:
    setup(page)
    text = "A reply long enough to wrap onto several lines when the cell is narrow. " * 3
    items = [
        {
            "id": f"m{n}",
            "role": "assistant" if n % 2 else "user",
            "text": text,
            "streaming": False,
            "stopped": False,
            "link": None,
            "question": None,
            "answered": False,
        }
        for n in range(12)
    ]
    push(page, "messages", items)
    at_bottom = """() => { const l = document.querySelector('.nemo-studio .nemo-log');
                           return l.scrollHeight - l.scrollTop - l.clientHeight <= 40; }"""
    page.wait_for_function(at_bottom, timeout=5_000)
    page.evaluate("document.querySelector('.nemo-studio').parentElement.style.width = '560px'")
    page.wait_for_function(at_bottom, timeout=5_000)  # followed after the re-wrap
    # Scrolled up by the person, a narrower cell offers the "new messages" pill.
    page.evaluate("document.querySelector('.nemo-studio .nemo-log').scrollTop = 0")
    page.wait_for_timeout(100)
    page.evaluate("document.querySelector('.nemo-studio').parentElement.style.width = '420px'")
    expect(page.locator(".nemo-studio .nemo-pill")).to_be_visible()

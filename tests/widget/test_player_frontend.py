"""VideoPlayer's front end (player.js + player.css) in a real chromium, against a fake model.

tests/widget/frontend/player_harness.html loads the module the way anywidget does (initialize
once per model, render once per view, a model proxy per view); the fake kernel of
fake_model.js answers ``video_request`` with ``video_chunk`` messages whose buffers are
``Uint8Array`` (Colab) or ``DataView`` (Jupyter) views into one larger buffer.
"""

from __future__ import annotations

import hashlib
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.widget.browser import STATIC, harness_page

PLAYABLE = """(() => {
    const v = document.querySelector('[data-testid=nemo-player-video]');
    return v && !v.hidden && v.src.startsWith('blob:') && v.readyState >= 1;
})()"""


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    with harness_page(browser, server, "player_harness.html", 900, 800) as page:
        yield page


def setup(page: Page, state: dict[str, Any], kernel: dict[str, Any] | None = None, **options):
    page.evaluate(
        "([state, kernel, options]) => nemo.setup({state, kernel, ...options})",
        [state, kernel or {}, options],
    )


def sent(page: Page, kind: str) -> list[dict[str, Any]]:
    return [m["content"] for m in page.evaluate("(kind) => nemo.sent(kind)", kind)]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def video_state(url: str | None, size: int, name: str = "clip.mp4") -> dict[str, Any]:
    return {"video": {"token": 1, "url": url, "name": name, "size": size}}


def blob_sha256(page: Page) -> str:
    src = page.get_by_test_id("nemo-player-video").get_attribute("src")
    return page.evaluate("(u) => fetch(u).then(r => r.blob()).then(nemo.sha256Hex)", src)


# --------------------------------------------------------------------------- the module itself


def test_module_has_no_imports_and_the_right_exports() -> None:
    source = (STATIC / "player.js").read_text()
    assert not re.search(r"^\s*import[\s({*]", source, re.MULTILINE)
    assert "import(" not in source
    assert not re.search(r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write", source)
    # The only export is the default one: a factory anywidget calls once per model for
    # {initialize, render} (issue 17; the harness page calls it the same way).
    assert re.search(r"export\s*\{\s*[\w$]+ as default\s*\};\s*$", source)  # a minified name


def test_every_css_rule_is_scoped_under_the_root_class() -> None:
    css = re.sub(r"/\*.*?\*/", "", (STATIC / "player.css").read_text(), flags=re.DOTALL)
    selectors = [
        part.strip()
        for block in re.findall(r"([^{}]+)\{[^{}]*\}", css)
        for part in block.split(",")
    ]
    assert selectors
    assert [s for s in selectors if not s.startswith(".nemo-player")] == []


# --------------------------------------------------------------------------- playing


@pytest.mark.browser
def test_plays_from_the_url_when_it_loads(page: Page, server: str, media_dir: Path) -> None:
    size = (media_dir / "clip.mp4").stat().st_size
    url = f"{server}/media/clip.mp4"
    setup(page, video_state(url, size))
    page.wait_for_function(
        "document.querySelector('[data-testid=nemo-player-video]')?.readyState >= 1"
    )
    video = page.get_by_test_id("nemo-player-video")
    expect(video).to_have_attribute("src", url)
    expect(video).to_have_attribute("controls", "")
    expect(page.get_by_test_id("nemo-player-name")).to_have_text("clip.mp4")
    meta = page.get_by_test_id("nemo-player-meta")
    expect(meta).to_have_text(re.compile(rf"^{size / 1000:.1f} kB · 2\.\d s$"))
    expect(page.get_by_test_id("nemo-player-download")).to_have_attribute("href", url)
    assert sent(page, "video_request") == []


@pytest.mark.browser
@pytest.mark.parametrize("buffer_kind", ["Uint8Array", "DataView"])
def test_an_unreachable_url_falls_back_to_chunks_from_the_kernel(
    page: Page, server: str, media_dir: Path, buffer_kind: str
) -> None:
    data = (media_dir / "clip.mp4").read_bytes()
    chunk = max(512, len(data) // 5)
    kernel = {
        "videoUrl": f"{server}/media/clip.mp4",
        "bufferKind": buffer_kind,
        "videoChunkSize": chunk,
        "videoWindow": 2,
    }
    setup(page, video_state(f"http://127.0.0.1:{closed_port()}/clip.mp4", len(data)), kernel)
    page.wait_for_function(PLAYABLE)
    assert sent(page, "video_request") == [{"type": "video_request", "token": 1}]
    acks = sorted(m["seq"] for m in sent(page, "video_ack"))
    assert acks == list(range(-(-len(data) // chunk)))
    assert blob_sha256(page) == hashlib.sha256(data).hexdigest()
    src = page.get_by_test_id("nemo-player-video").get_attribute("src")
    download = page.get_by_test_id("nemo-player-download")
    expect(download).to_have_attribute("href", src)
    expect(download).to_have_attribute("download", "clip.mp4")
    expect(page.get_by_test_id("nemo-player-status")).to_be_hidden()


@pytest.mark.browser
def test_without_a_url_the_chunks_are_asked_for_at_once(
    page: Page, server: str, media_dir: Path
) -> None:
    data = (media_dir / "clip.mp4").read_bytes()
    setup(page, video_state(None, len(data)), {"videoUrl": f"{server}/media/clip.mp4"})
    page.wait_for_function(PLAYABLE)
    assert sent(page, "video_request") == [{"type": "video_request", "token": 1}]
    assert blob_sha256(page) == hashlib.sha256(data).hexdigest()


@pytest.mark.browser
def test_two_views_share_one_stream_and_cleanup_revokes_the_blob(
    page: Page, server: str, media_dir: Path
) -> None:
    data = (media_dir / "clip.mp4").read_bytes()
    setup(page, video_state(None, len(data)), {"videoUrl": f"{server}/media/clip.mp4"}, views=2)
    page.wait_for_function(
        """(() => { const vs = [...document.querySelectorAll('[data-testid=nemo-player-video]')];
                    return vs.length === 2 && vs.every(v => v.src.startsWith('blob:')
                                                             && v.readyState >= 1); })()"""
    )
    assert len(sent(page, "video_request")) == 1
    first = page.get_by_test_id("nemo-player-video").first.get_attribute("src")
    assert page.evaluate("nemo.cleanup(0)") == 0  # no listener of that view is left
    revoked = "(u) => fetch(u).then(() => false, () => true)"
    assert page.evaluate(revoked, first)
    expect(page.get_by_test_id("nemo-player-video")).to_have_count(1)


@pytest.mark.browser
def test_a_host_without_initialize_still_plays(page: Page, server: str, media_dir: Path) -> None:
    data = (media_dir / "clip.mp4").read_bytes()
    setup(
        page,
        video_state(None, len(data)),
        {"videoUrl": f"{server}/media/clip.mp4"},
        initialize=False,
    )
    page.wait_for_function(PLAYABLE)
    assert blob_sha256(page) == hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- problems


@pytest.mark.browser
def test_a_missing_file_shows_its_message_and_asks_the_kernel_nothing(page: Page) -> None:
    message = "gone.mp4 is not on this machine (no file at /x/gone.mp4): check the path."
    setup(page, {**video_state(None, 0, "gone.mp4"), "error": message})
    expect(page.get_by_test_id("nemo-player-error")).to_have_text(message)
    expect(page.get_by_test_id("nemo-player-name")).to_have_text("gone.mp4")
    expect(page.get_by_test_id("nemo-player-video")).to_be_hidden()
    assert sent(page, "video_request") == []


@pytest.mark.browser
def test_a_missing_file_with_a_dead_url_shows_the_message(page: Page) -> None:
    message = "gone.mp4 is not on this machine: check the path."
    url = f"http://127.0.0.1:{closed_port()}/gone.mp4"
    setup(page, {**video_state(url, 0, "gone.mp4"), "error": message})
    expect(page.get_by_test_id("nemo-player-error")).to_have_text(message)
    expect(page.get_by_test_id("nemo-player-video")).to_be_hidden()
    assert sent(page, "video_request") == []


@pytest.mark.browser
def test_a_video_error_from_the_kernel_is_shown(page: Page) -> None:
    setup(page, video_state(None, 1000), views=0)
    page.evaluate("nemo.kernel.videoRequest = () => {}; nemo.render()")  # a kernel that only fails
    assert sent(page, "video_request") == [{"type": "video_request", "token": 1}]
    page.evaluate(
        "nemo.custom({type: 'video_error', token: 1, message: 'The file changed: play again.'})"
    )
    expect(page.get_by_test_id("nemo-player-error")).to_have_text("The file changed: play again.")
    expect(page.get_by_test_id("nemo-player-video")).to_be_hidden()


@pytest.mark.browser
def test_width_follows_the_trait(page: Page) -> None:
    setup(page, {**video_state(None, 0), "error": "missing", "width": "320px"})
    root = page.get_by_test_id("nemo-player")
    assert root.evaluate("el => el.getBoundingClientRect().width") == 320
    page.evaluate("nemo.push('width', '')")
    assert root.evaluate("el => el.getBoundingClientRect().width") == 640  # the default cap


# --------------------------------------------------------------------------- a preview first

SHOWN = """(preview) => {
    const v = document.querySelector('[data-testid=nemo-player-video]');
    return v && !v.hidden && v.readyState >= 2 && (v.dataset.preview === 'true') === preview
           && v.closest('[hidden]') === null;
}"""


@pytest.fixture(scope="module")
def preview_file(media_dir: Path) -> Path:
    """The same 2 s clip, small: the preview."""
    from tests.media_factory import make_video

    return make_video(media_dir / "clip.preview.mp4", seconds=2.0, size=(160, 120), fps=15)


def with_preview(video_url: str | None, size: int, preview_size: int, preview_url=None):
    state = video_state(video_url, size)
    state["preview"] = {
        "token": 2,
        "url": preview_url,
        "name": "clip.preview.mp4",
        "size": preview_size,
    }
    return state


@pytest.mark.browser
@pytest.mark.parametrize("playing", [False, True])
def test_a_failed_url_plays_the_preview_at_once_then_the_full_video_at_its_moment(
    page: Page, server: str, media_dir: Path, preview_file: Path, playing: bool
) -> None:
    data = (media_dir / "clip.mp4").read_bytes()
    chunk = max(512, len(data) // 6)
    kernel = {
        "files": {"1": f"{server}/media/clip.mp4", "2": f"{server}/media/{preview_file.name}"},
        "videoChunkSize": chunk,
        "holdAfter": {"1": 2},  # two pieces of the full video, then it waits for release(1)
    }
    dead = f"http://127.0.0.1:{closed_port()}/clip.mp4"
    setup(page, with_preview(dead, len(data), preview_file.stat().st_size), kernel)
    page.wait_for_function(SHOWN, arg=True)
    # The preview was asked for before the full video, so its pieces came first.
    assert [m["token"] for m in sent(page, "video_request")] == [2, 1]
    video = page.get_by_test_id("nemo-player-video")
    expect(video).to_have_attribute("data-preview", "true")
    expect(page.get_by_test_id("nemo-player-status")).to_have_text(
        f"Preview · full video {round(100 * 2 * chunk / len(data))}%"
    )
    expect(page.get_by_test_id("nemo-player-download")).to_be_hidden()  # no full file yet
    expect(page.get_by_test_id("nemo-player-meta")).to_contain_text("2.0 s")

    # The person moves to 1.2 s, and plays on or stays paused there.
    page.evaluate(
        """async (playing) => {
            const v = document.querySelector('[data-testid=nemo-player-video]');
            v.muted = true;
            v.currentTime = 1.2;
            await new Promise((done) => v.addEventListener('seeked', done, {once: true}));
            if (playing) await v.play();
        }""",
        playing,
    )
    before = page.evaluate("document.querySelector('[data-testid=nemo-player-video]').currentTime")
    page.evaluate("nemo.kernel.release(1)")
    page.wait_for_function(SHOWN, arg=False)
    expect(page.locator("[data-preview]")).to_have_count(0)  # the preview is gone
    expect(video).to_have_count(1)
    state = video.evaluate("v => ({time: v.currentTime, paused: v.paused, muted: v.muted})")
    assert state["paused"] is not playing
    assert state["muted"] is True
    if playing:
        assert before <= state["time"] < 2.0
    else:
        assert state["time"] == pytest.approx(before, abs=0.01)
    assert blob_sha256(page) == hashlib.sha256(data).hexdigest()
    expect(page.get_by_test_id("nemo-player-download")).to_have_attribute(
        "href", video.get_attribute("src")
    )
    expect(page.get_by_test_id("nemo-player-status")).to_be_hidden()


@pytest.mark.browser
def test_a_working_url_never_fetches_the_preview(
    page: Page, server: str, media_dir: Path, preview_file: Path
) -> None:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    size = (media_dir / "clip.mp4").stat().st_size
    preview_url = f"{server}/media/{preview_file.name}"
    state = with_preview(f"{server}/media/clip.mp4", size, preview_file.stat().st_size, preview_url)
    setup(page, state, {"files": {"2": preview_url}})
    page.wait_for_function(SHOWN, arg=False)
    page.wait_for_timeout(300)
    assert sent(page, "video_request") == []
    assert preview_url not in asked
    expect(page.locator("[data-preview]")).to_have_count(0)
    expect(page.get_by_test_id("nemo-player-video")).to_have_attribute(
        "src", f"{server}/media/clip.mp4"
    )


@pytest.mark.browser
def test_a_preview_the_kernel_no_longer_has_is_no_error(
    page: Page, server: str, media_dir: Path
) -> None:
    data = (media_dir / "clip.mp4").read_bytes()
    kernel = {"files": {"1": f"{server}/media/clip.mp4", "2": f"{server}/media/gone.mp4"}}
    setup(page, with_preview(None, len(data), 1234), kernel)
    page.wait_for_function(PLAYABLE)
    assert [m["token"] for m in sent(page, "video_request")] == [2, 1]
    expect(page.get_by_test_id("nemo-player-error")).to_be_hidden()
    expect(page.locator("[data-preview]")).to_have_count(0)
    assert blob_sha256(page) == hashlib.sha256(data).hexdigest()


@pytest.mark.browser
def test_without_any_url_the_preview_from_the_kernel_plays_first(
    page: Page, server: str, media_dir: Path, preview_file: Path
) -> None:
    data = (media_dir / "clip.mp4").read_bytes()
    kernel = {
        "files": {"1": f"{server}/media/clip.mp4", "2": f"{server}/media/{preview_file.name}"},
        "videoChunkSize": max(512, len(data) // 4),
        "holdAfter": {"1": 1},
    }
    setup(page, with_preview(None, len(data), preview_file.stat().st_size), kernel, views=2)
    page.wait_for_function(
        """(() => { const vs = [...document.querySelectorAll('[data-testid=nemo-player-video]')];
                    return vs.length === 2 && vs.every(v => v.dataset.preview === 'true'
                                                             && v.readyState >= 2); })()"""
    )
    assert [m["token"] for m in sent(page, "video_request")] == [2, 1]  # one each for 2 views
    page.evaluate("nemo.kernel.release(1)")
    page.wait_for_function(
        """(() => { const vs = [...document.querySelectorAll('[data-testid=nemo-player-video]')];
                    return vs.length === 2 && vs.every(v => !v.dataset.preview
                        && v.src.startsWith('blob:') && v.readyState >= 1
                        && v.closest('[hidden]') === null); })()"""
    )
    src = page.get_by_test_id("nemo-player-video").first.get_attribute("src")
    whole = page.evaluate("(u) => fetch(u).then(r => r.blob()).then(nemo.sha256Hex)", src)
    assert whole == hashlib.sha256(data).hexdigest()

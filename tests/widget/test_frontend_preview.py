"""The studio's live preview (preview-panel.ts) in chromium against the fake model: the poster
while it renders, playing without a click, the playhead and clip seeks, the kernel's pieces
routed by token, reduced motion and a Chinese page. Deterministic: the tests set the traits."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.widget.browser import harness_page
from tests.widget.test_frontend import THUMB, closed_port, push, sent, setup

pytestmark = pytest.mark.browser

# A 2-second draft of two photos, as long as the test clip; the first photo has a thumbnail.
TIMELINE = {
    "title": "Clip",
    "duration_s": 2.0,
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
                {"start_s": 0, "end_s": 1, "kind": "video", "media": "image", "label": "a.jpg",
                 "thumb": THUMB, "volume": None},
                {"start_s": 1, "end_s": 2, "kind": "video", "media": "image", "label": "b.jpg",
                 "thumb": None, "volume": None},
            ],
        }
    ],
}  # fmt: skip

_PLAYING = """() => { const v = document.querySelector('[data-testid=nemo-preview]');
  return Boolean(v) && v.dataset.state === 'ready' && v.readyState >= 2 && !v.paused
    && v.currentTime > 0; }"""


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    with harness_page(browser, server, "harness.html", 1300, 1000) as page:
        yield page


def ready(token: int, url: str | None, size: int) -> dict:
    return {"state": "ready", "token": token, "url": url, "name": "preview.mp4", "size": size,
            "duration_s": 2.0, "error": None}  # fmt: skip


def test_the_poster_shows_while_it_renders_then_the_preview_plays_without_a_click(
    page: Page, server: str, media_dir: Path
) -> None:
    setup(page, state={"timeline": TIMELINE}, kernel={"videoUrl": f"{server}/media/clip.mp4"})
    panel = page.locator(".nemo-studio .nemo-preview")
    expect(panel).to_be_hidden()  # no preview: no panel (another server, or previews off)

    push(page, "preview", {"state": "rendering", "token": None, "error": None})
    element = page.get_by_test_id("nemo-preview")
    expect(panel).to_be_visible()
    expect(element).to_have_attribute("data-state", "rendering")
    expect(element).to_have_attribute("poster", THUMB)  # the draft's first photo
    assert element.get_attribute("src") is None  # an outdated preview never plays meanwhile
    expect(page.get_by_test_id("nemo-preview-status")).to_have_text("Rendering the preview…")

    size = (media_dir / "clip.mp4").stat().st_size
    push(page, "preview", ready(2, f"{server}/media/clip.mp4", size))
    page.wait_for_function(_PLAYING)
    expect(page.get_by_test_id("nemo-preview-status")).to_be_hidden()
    expect(page.get_by_test_id("nemo-video")).to_have_count(0)  # the export's place is its own
    assert sent(page, "video_request") == []  # the URL played: nothing from the kernel

    # The playhead follows the preview on the timeline...
    page.wait_for_function(
        """() => { const p = document.querySelector('[data-testid=nemo-playhead]');
                   return p && !p.hidden && Number(p.dataset.t) > 0; }"""
    )

    # A new change: the poster again, then the new file replaces the old one (from the kernel
    # this time: the harness's server cannot seek, having no Range requests; a Blob can).
    push(page, "preview", {"state": "rendering", "token": None, "error": None})
    expect(element).to_have_attribute("data-state", "rendering")
    expect(page.get_by_test_id("nemo-playhead")).to_be_hidden()
    push(page, "preview", ready(3, f"http://127.0.0.1:{closed_port()}/p.mp4", size))
    page.wait_for_function(_PLAYING)
    expect(page.get_by_test_id("nemo-preview")).to_have_count(1)
    assert element.get_attribute("src").startswith("blob:")

    # A click on the second clip seeks the preview to it.
    page.get_by_test_id("nemo-segment").nth(1).click()
    at = page.evaluate("document.querySelector('[data-testid=nemo-preview]').currentTime")
    assert at == pytest.approx(1.0, abs=0.2)


def test_a_preview_from_the_kernel_gets_its_own_pieces_beside_the_exported_video(
    page: Page, server: str, media_dir: Path
) -> None:
    data = (media_dir / "clip.mp4").read_bytes()
    setup(
        page,
        state={"timeline": TIMELINE},
        kernel={"videoUrl": f"{server}/media/clip.mp4", "videoChunkSize": max(512, len(data) // 4)},
    )
    # The exported video plays from its URL; the preview's URL cannot be reached.
    push(page, "video", {"token": 4, "url": f"{server}/media/clip.mp4", "name": "v.mp4",
                         "size": len(data), "duration_s": 2.0})  # fmt: skip
    unreachable = f"http://127.0.0.1:{closed_port()}/preview.mp4"
    push(page, "preview", ready(5, unreachable, len(data)))
    page.wait_for_function(
        """() => { const v = document.querySelector('[data-testid=nemo-preview]');
                   return v && v.src.startsWith('blob:') && v.readyState >= 2; }"""
    )
    assert [m["content"] for m in sent(page, "video_request")] == [
        {"type": "video_request", "token": 5}
    ]
    exported = page.get_by_test_id("nemo-video")
    assert exported.get_attribute("src") == f"{server}/media/clip.mp4"  # untouched


def test_with_reduced_motion_the_preview_waits_for_a_click(
    page: Page, server: str, media_dir: Path
) -> None:
    page.emulate_media(reduced_motion="reduce")
    setup(page, state={"timeline": TIMELINE})
    size = (media_dir / "clip.mp4").stat().st_size
    push(page, "preview", ready(2, f"{server}/media/clip.mp4", size))
    page.wait_for_function(
        "() => document.querySelector('[data-testid=nemo-preview]')?.readyState >= 2"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelector('[data-testid=nemo-preview]').paused") is True


def test_a_chinese_page_gets_the_preview_in_chinese(page: Page) -> None:
    page.evaluate("document.documentElement.lang = 'zh-CN'")
    timeline = copy.deepcopy(TIMELINE)
    setup(page, state={"timeline": timeline})
    push(page, "preview", {"state": "failed", "token": None, "error": "磁盘已满"})
    expect(page.get_by_test_id("nemo-preview-status")).to_have_text(
        "无法生成预览：磁盘已满。导出仍会生成完整视频。"
    )
    expect(page.locator(".nemo-studio .nemo-preview .nemo-panel-title")).to_have_text("预览")

"""The director and framing (issue 14, item 4): the words that choose bars, fill or a blurred
copy, in English and Chinese, and replies that say the framing in plain words (never a code)."""

from __future__ import annotations

import re

import pytest

from nemo_widgets.engine import catalog
from nemo_widgets.engine.director import MediaItem, direct


def photo(name: str, size: tuple[int, int], n: int) -> MediaItem:
    return MediaItem(f"m_{n}", "image", name, f"http://e/media/m_{n}/{name}", *size)


LANDSCAPE = [photo(f"land{n}.jpg", (4000, 3000), n) for n in range(3)]
TALL = photo("tall.jpg", (3000, 4000), 9)
WIDE = [photo(f"wide{n}.jpg", (1920, 1080), n) for n in range(2)]
HEX = re.compile(r"#[0-9a-fA-F]{6}")


def conversation(*messages: str, media=LANDSCAPE):
    """Send ``messages`` in turn; the last Edit and the draft after it."""
    draft, previous, edit = {}, None, None
    for message in messages:
        edit = direct(message, draft, media, previous=previous)
        if edit.draft is not None:
            previous, draft = draft, edit.draft
    return edit, draft


@pytest.mark.parametrize(
    ("said", "fit"),
    [
        ("no black bars", "cover"),
        ("fill the frame", "cover"),
        ("blur the background", "blur"),
        ("keep the whole photo with black bars", "contain"),
        ("show the whole photo", "contain"),
        ("use a blurred background", "blur"),
        ("auto fit", "auto"),
        ("不要黑边", "cover"),
        ("铺满", "cover"),
        ("背景模糊", "blur"),
        ("背景虚化", "blur"),
        ("保留黑边", "contain"),
        ("不要裁剪", "contain"),
        ("自动适配", "auto"),
    ],
)
def test_the_words_that_choose_the_framing(said, fit):
    start = "fill the frame" if fit == "auto" else "make a vertical video"
    edit, draft = conversation("make a vertical video", start, said)
    assert draft["m"]["fit"] == fit, edit.reply
    assert not HEX.search(edit.reply)


def test_a_blur_effect_is_still_not_a_framing():
    edit, draft = conversation("make a video", "add a blur effect to the photos")
    assert edit.result["status"] == "cannot" and draft["m"]["fit"] == "auto"


def test_a_portrait_video_of_landscape_photos_says_they_sit_on_a_blurred_copy():
    edit, draft = conversation("make a vertical video")
    assert draft["m"]["fit"] == "auto"
    assert "The photos are much wider than the frame" in edit.reply
    assert "each one is shown whole on a blurred copy of itself" in edit.reply
    assert "“fill the frame”" in edit.reply and "“black bars”" in edit.reply
    zh, _ = conversation("做一个竖屏视频")
    assert "照片比画面宽很多" in zh.reply and "完整显示在模糊的照片背景上" in zh.reply
    assert "“铺满”" in zh.reply and "“黑边”" in zh.reply


def test_mixed_shapes_name_the_photos_that_get_a_blurred_copy():
    edit, _ = conversation("make a vertical video", media=[*LANDSCAPE[:2], TALL])
    assert "Photos close to the frame's shape fill it; land0.jpg and land1.jpg are much wider" in (
        edit.reply
    )
    assert "tall.jpg" not in edit.reply


def test_photos_a_little_off_the_frame_shape_fill_it_and_the_reply_says_so():
    edit, _ = conversation("make a video")  # 4:3 photos, 16:9 frame
    assert "The photos fill the frame, trimmed a little at the top and bottom" in edit.reply
    zh, _ = conversation("做一个视频")
    assert "照片铺满画面，上下略有裁剪" in zh.reply


def test_nothing_is_said_about_framing_when_the_shapes_match():
    edit, _ = conversation("make a video", media=WIDE)
    assert "frame" not in edit.reply.split("crossfades.", 1)[1]


def test_a_new_shape_says_the_framing_unless_the_message_chose_one():
    reshaped, _ = conversation("make a video", "9:16")
    assert reshaped.reply.startswith("Switched to 9:16 (1080x1920).")
    assert "blurred copy" in reshaped.reply
    chosen, draft = conversation("make a video", "9:16 and fill the frame")
    assert draft["m"]["fit"] == "cover" and "blurred" not in chosen.reply


def test_a_background_colour_asks_for_bars_and_is_named_in_words():
    edit, draft = conversation("make a vertical video", "white background")
    assert (draft["m"]["fit"], draft["m"]["background"]) == ("contain", "#ffffff")
    assert edit.reply == "Photos are now shown whole on a white background."
    zh, _ = conversation("做一个竖屏视频", "背景改成白色")
    assert zh.reply == "照片现在完整显示在白色背景上。"
    both, draft = conversation("make a video", "fill the frame, pink background")
    assert draft["m"]["fit"] == "cover"  # the framing asked for in the message wins
    assert "Set the background colour to pink." in both.reply


def test_keep_the_whole_photo_with_black_bars_says_it_once():
    edit, _ = conversation("make a vertical video", "keep the whole photo with black bars")
    assert edit.reply == "Photos are now shown whole, with black bars where needed."


def test_undo_names_the_framing_and_colour_in_words():
    edit, _ = conversation("make a vertical video", "white background", "undo")
    assert "background: white → black" in edit.reply
    assert "fit: whole, with bars → filling the frame when the shapes are close" in edit.reply
    zh, _ = conversation("做一个竖屏视频", "白色背景", "撤销")
    assert "背景色: 白色 → 黑色" in zh.reply and not HEX.search(zh.reply)


def test_a_colour_the_catalogue_does_not_name_is_said_as_the_nearest_one():
    assert catalog.colour_name("#ffffff", False) == "white"
    assert catalog.colour_name("#1e3a8b", False) == "a colour close to navy"
    assert catalog.colour_name("#1e3a8b", True) == "接近藏青色的颜色"
    assert catalog.colour_name("oops", False) == "a custom colour"

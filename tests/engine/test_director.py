"""The director: chat messages (English and Chinese) -> draft edits, and the draft helpers."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemo_widgets.engine import draft as schema
from nemo_widgets.engine.director import Edit, MediaItem, direct, parse
from nemo_widgets.engine.phrases import normalise
from nemo_widgets.timeline import Timeline


def photo(number: int) -> MediaItem:
    name = f"p{number}.jpg"
    return MediaItem(
        f"m_p{number}", "image", name, f"http://e/media/m_p{number}/{name}", 4000, 3000
    )


PHOTOS = [photo(n) for n in range(1, 6)]
SONG = MediaItem("m_song", "audio", "song.mp3", "http://e/media/m_song/song.mp3", duration=95.0)
CLIP = MediaItem("m_clip", "video", "clip.mp4", "http://e/media/m_clip/clip.mp4", 1920, 1080, 2.5)
BEACH = MediaItem("m_beach", "image", "Beach.JPG", "http://e/media/m_beach/Beach.JPG", 800, 600)
MEDIA = [*PHOTOS, SONG]


def visuals(draft: dict[str, Any]) -> list[dict[str, Any]]:
    return schema.segments(draft, schema.VISUAL)


def names(draft: dict[str, Any]) -> list[str]:
    return [seg["name"] for seg in visuals(draft)]


def transitions(draft: dict[str, Any]) -> set[tuple[str, int]]:
    return {(seg["tr"]["type"], seg["tr"]["d"]) for seg in visuals(draft)[1:]}


def title(draft: dict[str, Any]) -> dict[str, Any] | None:
    return next((s for s in schema.segments(draft, schema.TEXT) if s["role"] == "title"), None)


def music(draft: dict[str, Any]) -> dict[str, Any] | None:
    found = schema.segments(draft, schema.AUDIO)
    return found[0] if found else None


def assert_consistent(draft: dict[str, Any]) -> None:
    """The schema's timing rules, checked independently of ``validate``."""
    segs = visuals(draft)
    assert segs[0]["st"] == 0 and "tr" not in segs[0]
    for before, seg in itertools.pairwise(segs):
        overlap = seg.get("tr", {}).get("d", 0)
        assert seg["st"] == before["st"] + before["d"] - overlap
        assert 2 * overlap <= min(before["d"], seg["d"])
    assert draft["d"] == segs[-1]["st"] + segs[-1]["d"]
    for seg in schema.segments(draft, schema.AUDIO):
        assert (seg["st"], seg["d"]) == (0, draft["d"])
    by_id = {seg["id"]: seg for seg in segs}
    for seg in schema.segments(draft, schema.TEXT):
        if seg["role"] == "caption":
            assert (seg["st"], seg["d"]) == (by_id[seg["for"]]["st"], by_id[seg["for"]]["d"])
        assert seg["st"] + seg["d"] <= draft["d"]
    ids = [seg["id"] for track in draft["t"] for seg in track["sg"]]
    assert len(ids) == len(set(ids))
    schema.validate(draft)


def run(messages: list[str], media: list[MediaItem] = MEDIA) -> tuple[dict, dict | None, Edit]:
    """Send messages in turn, keeping (draft, previous) as the app does."""
    draft: dict[str, Any] = {}
    previous: dict[str, Any] | None = None
    edit = None
    for message in messages:
        edit = direct(message, draft, media, previous=previous)
        if edit.undo:
            draft, previous = edit.draft, None
        elif edit.draft is not None:
            previous, draft = draft, edit.draft
    assert edit is not None
    return draft, previous, edit


def built() -> dict[str, Any]:
    return run(["make a video"])[0]


# --------------------------------------------------------------------------- building


SEEDS: list[tuple[str, Callable[[dict, Edit], bool]]] = [
    (
        "convert three product photos in JPG format into a 1080p MP4",
        lambda d, e: (
            names(d) == ["p1.jpg", "p2.jpg", "p3.jpg"]
            and (d["m"]["width"], d["m"]["height"]) == (1920, 1080)
            and "first 3 of your 5" in e.reply
            and "Export" in e.reply
        ),
    ),
    (
        "turn these images into a 15-second video with smooth transitions",
        lambda d, e: (
            d["d"] == 15000
            and transitions(d) == {("crossfade", 1000)}
            and len(visuals(d)) == 5
            and e.reply.startswith("Made a 15 s 16:9 (1920x1080) slideshow of 5 photos with 1 s")
        ),
    ),
    (
        "turn my photos into a slideshow video with music and transitions",
        lambda d, e: (
            music(d)["name"] == "song.mp3"
            and music(d)["loop"] is True
            and transitions(d) == {("crossfade", 1000)}
        ),
    ),
    (
        "export 1080p MP4",
        lambda d, e: len(visuals(d)) == 5 and "client.start_render" in e.reply,
    ),
    (
        "把这三张照片做成15秒的视频，加上转场",
        lambda d, e: (
            names(d) == ["p1.jpg", "p2.jpg", "p3.jpg"]
            and d["d"] == 15000
            and transitions(d) == {("crossfade", 1000)}
            and "已用3张照片" in e.reply
        ),
    ),
    (
        "做一个带背景音乐的幻灯片",
        lambda d, e: music(d) is not None and "背景音乐「song.mp3」" in e.reply,
    ),
    ("导出1080P MP4", lambda d, e: len(visuals(d)) == 5 and "导出" in e.reply),
    (
        "make a slideshow",
        lambda d, e: (
            d["d"] == 5 * 3000 - 4 * 500  # defaults: 3 s photos, 0.5 s crossfades
            and transitions(d) == {("crossfade", 500)}
            and {seg["motion"] for seg in visuals(d)} == {"static"}
            and (d["m"]["fps"], d["m"]["fit"], d["m"]["background"]) == (30, "auto", "#000000")
            and music(d) is None
            and title(d) is None
        ),
    ),
]


@pytest.mark.parametrize(("message", "check"), SEEDS, ids=[s[0][:40] for s in SEEDS])
def test_building_from_an_empty_draft(message, check):
    edit = direct(message, {}, MEDIA)
    assert edit.tool == "edit_draft"
    assert edit.result["status"] == "ok"
    assert_consistent(edit.draft)
    assert check(edit.draft, edit), (edit.reply, edit.draft)


MULTI: list[tuple[str, Callable[[dict], bool]]] = [
    (
        "15 seconds, 9:16 for TikTok, title 'Summer' at the top, music at 30%",
        lambda d: (
            d["d"] == 15000
            and (d["m"]["width"], d["m"]["height"], d["m"]["aspect"]) == (1080, 1920, "9:16")
            and (title(d)["text"], title(d)["pos"], title(d)["st"], title(d)["d"])
            == ("Summer", "top", 0, 4000)
            and music(d)["vol"] == 0.3
        ),
    ),
    (
        "把这些照片做成15秒的竖屏视频，标题「夏日」放在顶部，背景音乐音量30%",
        lambda d: (
            d["d"] == 15000
            and d["m"]["aspect"] == "9:16"
            and (title(d)["text"], title(d)["pos"]) == ("夏日", "top")
            and music(d)["vol"] == 0.3
        ),
    ),
    (
        "a twenty second square video, 2 second wipes, ken burns, 24 fps, 720p",
        lambda d: (
            d["d"] == 20000
            and (d["m"]["width"], d["m"]["height"], d["m"]["fps"]) == (720, 720, 24)
            and transitions(d) == {("wipe_left", 2000)}
            and [s["motion"] for s in visuals(d)][:4]
            == ["zoom_in", "pan_right", "zoom_out", "pan_left"]
        ),
    ),
    (
        "横屏，每张照片4秒，淡入淡出，title “Trip” in the middle",
        lambda d: (
            d["m"]["aspect"] == "16:9"
            and all(s["d"] == 4000 for s in visuals(d))
            and transitions(d) == {("crossfade", 1000)}
            and title(d)["pos"] == "center"
        ),
    ),
]


@pytest.mark.parametrize(("message", "check"), MULTI, ids=[m[0][:40] for m in MULTI])
def test_one_message_holds_several_instructions(message, check):
    edit = direct(message, {}, MEDIA)
    assert_consistent(edit.draft)
    assert check(edit.draft), (edit.reply, edit.args)
    assert len(edit.result["changes"]) >= 3


def test_every_instruction_of_a_message_is_reported():
    edit = direct(
        "15 seconds, 9:16 for TikTok, title 'Summer' at the top, music at 30%", built(), MEDIA
    )
    assert [op["op"] for op in edit.args["ops"]] == [
        "set_aspect", "set_length", "set_title", "music_volume",
    ]  # fmt: skip
    reply = edit.reply
    assert "9:16 (1080x1920) for TikTok" in reply
    assert "15 s" in reply
    assert "“Summer” at the top, 0–4 s" in reply
    assert "30%" in reply


def test_music_asked_without_an_audio_upload_still_builds_the_rest():
    edit = direct("make a slideshow with music", {}, PHOTOS)
    assert len(visuals(edit.draft)) == 5 and music(edit.draft) is None
    assert "upload an MP3" in edit.reply
    zh = direct("做一个带背景音乐的视频", {}, PHOTOS)
    assert zh.draft is not None and "MP3" in zh.reply


def test_no_visual_upload_asks_for_photos_first():
    for message, words in (("make a video", "Upload photos first"), ("做成视频", "请先上传照片")):
        edit = direct(message, {}, [SONG])
        assert edit.draft is None and edit.result["status"] == "cannot"
        assert words in edit.reply


def test_videos_keep_their_length_and_cannot_be_stretched():
    draft = direct("make a video", {}, [photo(1), CLIP]).draft
    assert [seg["d"] for seg in visuals(draft)] == [3000, 2500]
    assert visuals(draft)[1]["sd"] == 2500
    assert_consistent(draft)
    only_clip = direct("make a video", {}, [CLIP]).draft
    edit = direct("make it 10 seconds", only_clip, [CLIP])
    assert edit.draft is None and edit.result["status"] == "cannot"
    assert "clips are too short" in edit.reply
    # With a photo next to it, the photo takes up what the clip cannot.
    longer = direct("make it 10 seconds", draft, [photo(1), CLIP]).draft
    assert [seg["d"] for seg in visuals(longer)] == [8000, 2500]
    assert longer["d"] == 10000


# --------------------------------------------------------------------------- editing

EDITS: list[tuple[str, Callable[[dict], bool]]] = [
    ("make it 12 seconds", lambda d: d["d"] == 12000),
    ("1 min", lambda d: d["d"] == 60000),
    ("make it twenty-five seconds long", lambda d: d["d"] == 25000),
    ("改成20秒", lambda d: d["d"] == 20000),
    ("改成十八秒", lambda d: d["d"] == 18000),
    ("1分30秒", lambda d: d["d"] == 90000),
    ("2 seconds per photo", lambda d: {s["d"] for s in visuals(d)} == {2000}),
    ("每张照片停留2.5秒", lambda d: {s["d"] for s in visuals(d)} == {2500}),
    ("use wipe transitions", lambda d: transitions(d) == {("wipe_left", 1000)}),
    ("slide right transitions of 0.8 s", lambda d: transitions(d) == {("slide_right", 800)}),
    ("zoom transitions", lambda d: transitions(d) == {("zoom", 1000)}),
    ("fade to black", lambda d: transitions(d) == {("fade_black", 1000)}),
    ("no transitions", lambda d: transitions(d) == {("none", 0)} and d["d"] == 5 * 3400),
    ("转场1秒", lambda d: transitions(d) == {("crossfade", 1000)}),
    ("硬切", lambda d: transitions(d) == {("none", 0)}),
    ("ken burns", lambda d: {s["motion"] for s in visuals(d)} == set(schema.MOTIONS) - {"static"}),
    ("slow zoom in on every photo", lambda d: {s["motion"] for s in visuals(d)} == {"zoom_in"}),
    ("pan", lambda d: [s["motion"] for s in visuals(d)][:2] == ["pan_right", "pan_left"]),
    ("拉远", lambda d: {s["motion"] for s in visuals(d)} == {"zoom_out"}),
    ("9:16", lambda d: (d["m"]["width"], d["m"]["height"]) == (1080, 1920)),
    ("for Instagram Reels", lambda d: d["m"]["aspect"] == "9:16"),
    ("make it vertical for youtube shorts", lambda d: d["m"]["aspect"] == "9:16"),
    ("square", lambda d: (d["m"]["width"], d["m"]["height"]) == (1080, 1080)),
    ("4:5", lambda d: (d["m"]["width"], d["m"]["height"]) == (1080, 1350)),
    ("竖屏", lambda d: d["m"]["aspect"] == "9:16"),
    ("方形", lambda d: d["m"]["aspect"] == "1:1"),
    ("720p", lambda d: (d["m"]["width"], d["m"]["height"]) == (1280, 720)),
    ("60 fps", lambda d: d["m"]["fps"] == 60),
    ("帧率25", lambda d: d["m"]["fps"] == 25),
    ("fill the frame", lambda d: d["m"]["fit"] == "cover"),
    ("white background", lambda d: d["m"]["background"] == "#ffffff"),
    ("title 'Summer'", lambda d: (title(d)["text"], title(d)["pos"]) == ("Summer", "bottom")),
    ("标题「夏日」", lambda d: title(d)["text"] == "夏日" and d["m"]["title"] == "夏日"),
    ("标题“夏日”放在中间", lambda d: (title(d)["text"], title(d)["pos"]) == ("夏日", "center")),
    ("title 『Remove the music』 for 2 seconds", lambda d: title(d)["d"] == 2000),
    (
        "caption 'At the beach' on photo 2",
        lambda d: (
            [(s["text"], s["for"], s["st"], s["d"]) for s in schema.segments(d, schema.TEXT)]
            == [("At the beach", visuals(d)[1]["id"], visuals(d)[1]["st"], visuals(d)[1]["d"])]
        ),
    ),
    ("给第3张加字幕「海边」", lambda d: schema.segments(d, schema.TEXT)[0]["for"] == "sg_3"),
    ("add music", lambda d: (music(d)["vol"], music(d)["fo"], music(d)["d"]) == (0.7, 2000, 15000)),
    ("music at 40%", lambda d: music(d)["vol"] == 0.4),
    ("音量百分之三十", lambda d: music(d)["vol"] == 0.3),
    ("quieter music", lambda d: music(d)["vol"] == 0.55),
    ("fade out the music over 4 seconds", lambda d: music(d)["fo"] == 4000),
    ("with song.mp3", lambda d: music(d)["name"] == "song.mp3"),
    ("move photo 3 to the start", lambda d: names(d)[:3] == ["p3.jpg", "p1.jpg", "p2.jpg"]),
    ("put the first photo last", lambda d: names(d)[-1] == "p1.jpg"),
    ("move photo 5 before photo 2", lambda d: names(d)[:3] == ["p1.jpg", "p5.jpg", "p2.jpg"]),
    ("把第3张移到第一", lambda d: names(d)[0] == "p3.jpg"),
    ("把最后一张移到开头", lambda d: names(d)[0] == "p5.jpg"),
    ("swap photos 1 and 2", lambda d: names(d)[:2] == ["p2.jpg", "p1.jpg"]),
    ("交换第1张和第3张", lambda d: names(d)[:3] == ["p3.jpg", "p2.jpg", "p1.jpg"]),
    ("reverse the order", lambda d: names(d) == [f"p{n}.jpg" for n in range(5, 0, -1)]),
    ("倒序", lambda d: names(d)[0] == "p5.jpg"),
    ("remove the second photo", lambda d: "p2.jpg" not in names(d) and d["d"] == 12100),
    ("delete photo 2", lambda d: names(d) == ["p1.jpg", "p3.jpg", "p4.jpg", "p5.jpg"]),
    ("remove photos 2 and 3", lambda d: names(d) == ["p1.jpg", "p4.jpg", "p5.jpg"]),
    ("删除第2张", lambda d: "p2.jpg" not in names(d)),
    ("去掉第二张照片", lambda d: "p2.jpg" not in names(d)),
    ("replace photo 2 with beach.jpg", lambda d: names(d)[1] == "Beach.JPG"),
    ("replace the 2nd photo with the last upload", lambda d: names(d)[1] == "Beach.JPG"),
    ("把第2张换成 beach.jpg", lambda d: names(d)[1] == "Beach.JPG"),
    # The base photos last 3.4 s: (15 s + 4 x 0.5 s) / 5.
    ("faster", lambda d: {s["d"] for s in visuals(d)} == {2600}),
    ("快一点", lambda d: {s["d"] for s in visuals(d)} == {2600}),
    ("slower", lambda d: {s["d"] for s in visuals(d)} == {4500}),
    ("慢一点", lambda d: {s["d"] for s in visuals(d)} == {4500}),
    ("shorter", lambda d: d["d"] == 11300),
    ("make it longer", lambda d: d["d"] == 20000),
]


@pytest.mark.parametrize(("message", "check"), EDITS, ids=[e[0] for e in EDITS])
def test_edits_of_a_built_draft(message, check):
    base = direct("make a 15 second video", {}, MEDIA).draft
    edit = direct(message, base, [*MEDIA, BEACH])
    assert edit.draft is not None, edit.reply
    assert edit.result["status"] == "ok" and edit.result["changes"]
    assert_consistent(edit.draft)
    assert check(edit.draft), (edit.reply, edit.draft)
    assert edit.reply.strip()


def test_replies_are_in_the_language_of_the_message():
    base = built()
    assert direct("删除第2张", base, MEDIA).reply.startswith("已删除第2张（p2.jpg）")
    assert direct("remove photo 2", base, MEDIA).reply.startswith("Removed photo 2 (p2.jpg)")
    # The new shape's framing follows in the same language (issue 14: blurred copies).
    portrait = direct("竖屏", base, MEDIA).reply
    assert portrait.startswith("已改为9:16（1080x1920）。") and "模糊的照片背景" in portrait
    portrait = direct("9:16", base, MEDIA).reply
    assert portrait.startswith("Switched to 9:16 (1080x1920).") and "blurred copy" in portrait


def test_captions_follow_their_photo():
    draft = direct("caption 'Hi' on photo 3", built(), MEDIA).draft
    caption_for = schema.segments(draft, schema.TEXT)[0]["for"]
    for message in ("move photo 3 to the start", "make it 20 seconds", "remove photo 2"):
        draft = direct(message, draft, MEDIA).draft
        assert_consistent(draft)
    caption = schema.segments(draft, schema.TEXT)[0]
    assert caption["for"] == caption_for == visuals(draft)[0]["id"]
    without = direct("remove the first photo", draft, MEDIA).draft
    assert schema.track(without, schema.TEXT) is None  # the caption went with its photo


def test_removing_things_that_are_not_there():
    base = built()
    for message in ("remove the title", "remove the music", "remove captions"):
        edit = direct(message, base, MEDIA)
        assert edit.draft is None and edit.tool == "explain"
        assert "no" in edit.reply.lower()


def test_photo_numbers_out_of_range_say_how_many_there_are():
    edit = direct("delete photo 9", built(), MEDIA)
    assert edit.draft is None and edit.result["status"] == "cannot"
    assert "only 5 photos" in edit.reply and "1 to 5" in edit.reply
    zh = direct("删除第9张", built(), MEDIA)
    assert "只有5张照片" in zh.reply


def test_photo_numbers_count_as_when_the_message_was_sent():
    edit = direct("remove photo 2 and delete photo 3", built(), MEDIA)
    assert names(edit.draft) == ["p1.jpg", "p4.jpg", "p5.jpg"]


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("make it 6 minutes", "more than 60 s"),
        ("make it 1 second", "less than 0.5 s"),
        ("120 fps", "1 to 60 fps"),
        ("480p", "720p or 1080p"),
        ("music at 150%", "0 to 100%"),
        ("replace photo 2 with nothing.jpg", "no photo or video upload called"),
        ("add a title", "Put the title in quotes"),
        ("改成6分钟", "超过60秒"),
    ],
)
def test_what_cannot_be_done_leaves_the_draft_untouched(message, words):
    base = built()
    before = copy.deepcopy(base)
    edit = direct(message, base, MEDIA)
    assert edit.draft is None
    assert edit.tool == "explain"
    assert edit.result["status"] == "cannot"
    assert words in edit.reply
    assert len(edit.result["suggestions"]) == 3
    assert base == before


def test_one_impossible_instruction_does_not_cancel_the_others():
    # Issue 11 item 4 changed this: what can be done is done, and the reply says what was not.
    edit = direct("9:16 and delete photo 9", built(), MEDIA)
    assert edit.draft["m"]["aspect"] == "9:16" and len(visuals(edit.draft)) == 5
    assert "only 5 photos" in edit.reply and "1 to 5" in edit.reply
    assert edit.args == {"ops": [{"op": "set_aspect", "aspect": "9:16"}]}


@pytest.mark.parametrize(
    ("message", "status", "words"),
    [
        ("add a dancing cat", "not_understood", "didn't understand"),
        ("what's the weather like?", "not_understood", "didn't understand"),
        ("generate a video of Paris", "cannot", "can't generate"),
        ("add a sparkle effect", "cannot", "can't do"),
        ("shuffle the photos", "cannot", "can't do"),
        ("今天天气怎么样", "not_understood", "没有看懂"),
        ("加一个滤镜", "cannot", "做不了"),
    ],
)
def test_not_understood_suggests_phrasings(message, status, words):
    for draft in ({}, built()):
        edit = direct(message, draft, MEDIA)
        assert edit.draft is None
        assert edit.tool == "explain"
        assert edit.result["status"] == status
        assert words in edit.reply
        assert len(edit.result["suggestions"]) == 3
        assert all(s in edit.reply for s in edit.result["suggestions"])


def test_saying_video_again_does_not_rebuild():
    draft = direct("9:16", built(), MEDIA).draft
    edit = direct("make a video", draft, MEDIA)
    assert edit.draft is None and "already made" in edit.reply
    rebuilt = direct("start over", draft, [*MEDIA, BEACH]).draft
    assert len(visuals(rebuilt)) == 6 and rebuilt["m"]["aspect"] == "9:16"


def test_4k_is_capped_at_1080p():
    edit = direct("4K please", direct("720p", built(), MEDIA).draft, MEDIA)
    assert (edit.draft["m"]["width"], edit.draft["m"]["height"]) == (1920, 1080)
    assert "capped at 1080p" in edit.reply
    unchanged = direct("4K please", built(), MEDIA)
    assert unchanged.draft is None and "capped at 1080p" in unchanged.reply


def test_export_does_not_change_a_built_draft():
    edit = direct("export", built(), MEDIA)
    assert edit.draft is None and edit.result["status"] == "ok"
    assert "Export button" in edit.reply or "press Export" in edit.reply
    assert "client.start_render" in edit.reply
    changed = direct("export 720p MP4", built(), MEDIA)
    assert changed.draft["m"]["height"] == 720


# --------------------------------------------------------------------------- undo


def test_build_then_vertical_then_remove_then_undo():
    draft, previous, _ = run(["make a 15 second video", "9:16", "remove photo 2"])
    assert names(draft) == ["p1.jpg", "p3.jpg", "p4.jpg", "p5.jpg"]
    assert draft["m"]["aspect"] == "9:16"
    undo = direct("undo", draft, MEDIA, previous=previous)
    assert undo.undo is True and undo.tool == "edit_draft"
    assert undo.draft == previous and undo.draft is not previous
    assert names(undo.draft) == [f"p{n}.jpg" for n in range(1, 6)]
    assert undo.draft["m"]["aspect"] == "9:16"
    assert "added p2.jpg" in undo.reply and "length" in undo.reply
    zh = direct("撤销", draft, MEDIA, previous=previous)
    assert zh.undo and zh.reply.startswith("已撤销上一步：加入了 p2.jpg")


def test_nothing_to_undo():
    for message, words in (("undo", "nothing to undo"), ("撤销", "没有可以撤销")):
        edit = direct(message, built(), MEDIA, previous=None)
        assert edit.draft is None and edit.undo is False and words in edit.reply


# --------------------------------------------------------------------------- timing


@pytest.mark.parametrize("count", [1, 2, 3, 5, 7])
@pytest.mark.parametrize("seconds", [1.5, 7, 10, 13.333, 15, 29.9, 61])
@pytest.mark.parametrize("transition", ["no transitions", "1 s crossfades", "smooth transitions"])
def test_total_length_is_exact(count, seconds, transition):
    media = PHOTOS[:5] + [photo(n) for n in range(6, count + 1)]
    draft = direct(f"make a video, {transition}", {}, media[:count]).draft
    edit = direct(f"make it {seconds} seconds", draft, media[:count])
    if edit.result["status"] == "cannot":  # 1.5 s is too fast for 5 photos, 61 s for 1
        assert edit.draft is None
        assert seconds / count < 0.5 or seconds / count > 60
        return
    result = edit.draft or draft  # None: it had that length already
    assert result["d"] == round(seconds * 1000)
    assert_consistent(result)
    lengths = [seg["d"] for seg in visuals(result)]
    assert max(lengths) - min(lengths) <= 1


def test_length_formula_counts_the_overlaps():
    draft = direct("a 15-second video with 1 s crossfades", {}, MEDIA).draft
    assert [seg["d"] for seg in visuals(draft)] == [3800] * 5  # (15000 + 4 * 1000) / 5
    assert [seg["st"] for seg in visuals(draft)] == [0, 2800, 5600, 8400, 11200]


def test_transitions_are_cut_to_half_a_segment():
    draft = direct("1 second per photo, 3 second crossfades", {}, MEDIA).draft
    assert transitions(draft) == {("crossfade", 500)}
    assert_consistent(draft)


EDIT_MESSAGES = [
    "make it 12 seconds", "20 seconds", "2 seconds per photo", "1.5 s per photo",
    "smooth transitions", "2 s wipes", "no transitions", "0.8 second crossfades", "ken burns",
    "static", "9:16", "16:9", "square", "4:5", "720p", "1080p", "24 fps", "faster", "slower",
    "shorter", "longer", "title 'Hi' at the top", "remove the title", "add music",
    "music at 20%", "louder", "fade out 5 s", "remove the music", "caption 'A' on photo 2",
    "caption 'B' on the last photo", "remove captions", "move photo 3 to the start",
    "move photo 1 to the end", "swap photos 1 and 2", "reverse the order", "remove photo 2",
    "replace photo 1 with beach.jpg", "replace photo 2 with clip.mp4", "undo",
    "删除第1张", "把第2张移到最后", "快一点", "慢一点", "转场2秒", "竖屏", "标题「夏」",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(EDIT_MESSAGES), min_size=1, max_size=12))
def test_any_sequence_of_edits_keeps_the_draft_valid(messages):
    media = [*PHOTOS, CLIP, BEACH, SONG]
    draft, _, _ = run(["make a video", *messages], media)
    if not draft:  # undone back to before the first edit
        return
    assert_consistent(draft)
    summary = Timeline.from_draft(draft).summary()
    assert summary.startswith("Timeline (") and "Video:" in summary


# --------------------------------------------------------------------------- contract


def test_same_input_gives_the_same_output():
    message = "15 seconds, 9:16 for TikTok, title 'Summer' at the top, music at 30%, ken burns"
    first = direct(message, {}, MEDIA)
    second = direct(message, {}, MEDIA)
    assert first == second
    base = first.draft
    assert direct("remove photo 2", base, MEDIA) == direct("remove photo 2", base, MEDIA)


def test_inputs_are_never_mutated():
    draft = direct("title 'X', add music, caption 'c' on photo 1", {}, MEDIA).draft
    previous = built()
    media = list(MEDIA)
    snapshot = copy.deepcopy((draft, previous, media))
    for message in EDIT_MESSAGES:
        edit = direct(message, draft, media, previous=previous)
        assert (draft, previous, media) == snapshot
        if edit.draft is not None:
            assert edit.draft is not draft and edit.draft is not previous


def test_the_edit_is_reported_as_a_function_call():
    edit = direct("make it 15 seconds and 9:16", built(), MEDIA)
    assert edit.tool == "edit_draft"
    assert edit.args == {
        "ops": [{"op": "set_aspect", "aspect": "9:16"}, {"op": "set_length", "seconds": 15.0}]
    }
    assert edit.result == {
        "status": "ok",
        "changes": [
            "Switched to 9:16 (1080x1920).",
            "Set the length to 15 s (about 3.4 s per photo).",
        ],
    }


def test_the_timeline_summary_describes_the_draft():
    draft = direct("15 seconds, title 'Summer' at the top, music at 30%", {}, MEDIA).draft
    summary = Timeline.from_draft(draft).summary()
    assert summary == (
        "Timeline (3 tracks): 1. Video: 5 images (0-15s) 2. BGM: song.mp3 (0-15s, 30%) "
        '3. Title: "Summer" (0-4s)'
    )
    mixed = direct("make a video", {}, [photo(1), CLIP]).draft
    assert "2 segments" in Timeline.from_draft(mixed).summary()


# --------------------------------------------------------------------------- draft helpers


@pytest.mark.parametrize(
    ("aspect", "resolution", "size"),
    [
        ("16:9", 1080, (1920, 1080)),
        ("16:9", 720, (1280, 720)),
        ("9:16", 1080, (1080, 1920)),
        ("9:16", 720, (720, 1280)),
        ("1:1", 1080, (1080, 1080)),
        ("1:1", 720, (720, 720)),
        ("4:5", 1080, (1080, 1350)),
        ("4:5", 720, (720, 900)),
    ],
)
def test_canvas_sizes(aspect, resolution, size):
    assert schema.canvas_size(aspect, resolution) == size


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["m"].update(width=1921), "even"),
        (lambda d: d["m"].update(width=2160, height=3840), "larger than"),
        (lambda d: d["m"].update(fps=0), "fps"),
        (lambda d: visuals(d)[2].update(st=1), "should start at"),
        (lambda d: d.update(d=1), "`d` is 1"),
        (lambda d: visuals(d)[1]["tr"].update(d=2000), "longer than half"),
        (lambda d: visuals(d)[1]["tr"].update(type="spin"), "unknown transition"),
        (lambda d: visuals(d)[0].pop("mid"), "`mid`"),
        (lambda d: d["t"].append({"tt": 3, "sg": []}), "track types"),
        (lambda d: d.update(t=[]), "non-empty list"),
    ],
)
def test_validate_names_the_problem(change, words):
    draft = copy.deepcopy(built())
    schema.validate(draft)
    change(draft)
    with pytest.raises(ValueError, match="invalid draft") as error:
        schema.validate(draft)
    assert words in str(error.value)


def test_validate_rejects_a_video_longer_than_its_source():
    draft = direct("make a video", {}, [CLIP, photo(1)]).draft
    visuals(draft)[0]["d"] = 3000
    schema.relayout(draft)  # relayout cuts it back
    schema.validate(draft)
    visuals(draft)[0]["d"] = 3000
    with pytest.raises(ValueError, match="longer than its video"):
        schema.validate(draft)


def test_describe_says_what_changed():
    before = built()
    after = direct("9:16, title 'T', remove photo 1", before, MEDIA).draft
    assert schema.describe(before, after) == [
        "removed p1.jpg",
        "length: 13 s → 10.5 s",
        "size: 1920x1080 (16:9) → 1080x1920 (9:16)",
        "title: none → “T” (bottom)",
    ]
    assert schema.describe(after, before, "zh")[0] == "加入了 p1.jpg"
    assert schema.describe(before, copy.deepcopy(before)) == []


@pytest.mark.parametrize(
    ("message", "text"),
    [
        ("Make it FIFTEEN seconds", "make it 15 seconds"),
        ("twenty-five photos", "25 photos"),
        ("half a minute", "30 seconds"),
        ("a minute", "1 minute"),
        ("the first one", "the first one"),
        ("第二张", "第2张"),
        ("十五秒", "15秒"),
        ("二十张", "20张"),
        ("百分之三十", "30%"),
        ("快一点", "快一点"),
        ("１５秒", "15秒"),
        ("title 'Don't stop' now", "title ⟦0⟧ now"),
    ],
)
def test_normalise(message, text):
    assert normalise(message)[0] == text


def test_quotes_of_every_kind_are_read():
    for quoted in ("'X Y'", '"X Y"', "“X Y”", "‘X Y’", "「X Y」", "『X Y』"):
        ops, _ = parse(f"title {quoted}")
        assert [op.args() for op in ops] == [{"op": "set_title", "text": "X Y"}], quoted


# -- what a whole Chinese conversation showed ------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    ["加个标题“夏天”，放在顶部", "add the title 'Summer', put it at the top"],
)
def test_a_title_placed_in_the_same_message_is_placed_once(message):
    draft, _, edit = run(["turn these photos into a 15 second video", message])
    assert title(draft)["text"] in ("夏天", "Summer") and title(draft)["pos"] == "top"
    assert "底部" not in edit.reply and "bottom" not in edit.reply, edit.reply


@pytest.mark.parametrize(
    ("message", "reason"),
    [("转场慢一点", "转场已经是最长的了（1秒）"), ("slower transitions", "already as long")],
)
def test_transitions_that_cannot_get_slower_say_why_and_what_to_do(message, reason):
    setup = ["use the first three photos, 4 seconds, 1 second transitions"]
    before, _, _ = run(setup)
    draft, _, edit = run([*setup, message])
    assert draft == before and edit.draft is None, "nothing changes"
    assert reason in edit.reply
    assert "12" in edit.reply, "says how to make room for longer ones"


def test_several_things_it_cannot_do_for_one_reason_are_said_once():
    _, _, edit = run(["turn these photos into a 15 second video", "再加点彩带特效吧"])
    assert edit.reply.count("我做不了") == 1
    assert "“彩带”和“特效”" in edit.reply

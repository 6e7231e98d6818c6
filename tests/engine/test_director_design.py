"""The director's design: one vocabulary (the catalogue) tied to the renderer, typed operations
each with a handler, partial understanding, questions and greetings answered without change."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from nemo_widgets.engine import catalog, compose
from nemo_widgets.engine import draft as schema
from nemo_widgets.engine.director import direct, ops, parse
from nemo_widgets.engine.director.editor import HANDLERS
from tests.engine.director_corpus import MORE, PHOTOS, UPLOADS


def built() -> dict:
    return direct("make a 15 second video", {}, UPLOADS).draft


def test_the_renderer_draws_exactly_the_catalogues_transitions_and_motions():
    assert set(compose.TRANSITION_DRAWERS) == set(catalog.TRANSITIONS)
    assert set(compose.MOTION_DRAWERS) == set(catalog.MOTIONS)
    assert set(compose.TRANSITIONS) == schema.TRANSITIONS == set(catalog.TRANSITIONS)
    assert set(compose.MOTIONS) == schema.MOTIONS == set(catalog.MOTIONS)
    assert set(catalog.POSITIONS) == schema.POSITIONS and set(catalog.FITS) == schema.FITS
    assert set(schema.ASPECTS) == set(catalog.ASPECTS)


@pytest.mark.parametrize("kind", sorted(catalog.TRANSITIONS))
def test_every_transition_of_the_catalogue_draws_a_frame(kind):
    canvas = compose.Canvas(64, 36, "contain", (0, 0, 0))
    a = np.full((54, 64), 16, np.uint8)
    b = np.full((54, 64), 235, np.uint8)
    frame = compose.transition(kind, a, b, 0.5, canvas, np.zeros_like(a))
    assert frame.shape == a.shape


@pytest.mark.parametrize("kind", sorted(catalog.TRANSITIONS))
def test_every_transition_can_be_asked_for_in_english_and_chinese(kind):
    entry = catalog.TRANSITIONS[kind]
    for word in (entry.words[0], entry.zh_words[0]):
        noun = "转场" if re.search(r"[\u4e00-\u9fff]", word) else " transitions"
        edit = direct(f"{word}{noun}", built(), UPLOADS)
        kinds = {seg["tr"]["type"] for seg in schema.segments(edit.draft, 0)[1:]}
        assert kinds == {kind}, (word, edit.reply)


def test_every_operation_type_has_a_handler():
    kinds = {
        value
        for value in vars(ops).values()
        if isinstance(value, type) and issubclass(value, ops.Op) and value is not ops.Op
    }
    assert kinds - {ops.Undo} <= set(HANDLERS)
    for kind in kinds:
        assert dataclasses.is_dataclass(kind) and kind.NAME


def test_the_parser_returns_typed_operations_in_the_order_they_apply():
    reading = parse("music at 30%, title 'A', 12 seconds, square, remove photo 2")
    assert [type(op) for op in reading.ops] == [
        ops.Remove, ops.SetAspect, ops.SetLength, ops.SetTitle, ops.MusicVolume,
    ]  # fmt: skip
    assert reading.ops[2] == ops.SetLength(seconds=12.0)


def test_an_explicit_value_beats_a_relative_word_and_nothing_is_applied_twice():
    reading = parse("make it shorter, 9 seconds, 9 seconds")
    assert reading.ops == [ops.SetLength(seconds=9.0)]
    edit = direct("make it 10 seconds and then 10 seconds", built(), UPLOADS)
    assert edit.draft["d"] == 10_000 and len(edit.result["changes"]) == 1


def test_an_explicit_shape_beats_the_platforms():
    assert parse("square for TikTok").ops == [ops.SetAspect(aspect="1:1", platform="TikTok")]
    edit = direct("square for TikTok", built(), UPLOADS)
    assert edit.draft["m"]["aspect"] == "1:1" and "TikTok" in edit.reply


def test_partial_understanding_does_what_it_can_and_says_what_it_did_not():
    before = built()
    edit = direct("make it square and add confetti", before, UPLOADS)
    assert edit.draft["m"]["aspect"] == "1:1"
    assert "confetti" in edit.reply and "can't" in edit.reply
    assert edit.args == {"ops": [{"op": "set_aspect", "aspect": "1:1"}]}
    zh = direct("做成方形，再加点彩带", before, UPLOADS)
    assert zh.draft["m"]["aspect"] == "1:1" and "彩带" in zh.reply and "做不了" in zh.reply


def test_what_is_not_understood_is_said_back_and_changes_nothing():
    edit = direct("make it vertical and make the sky bluer", built(), UPLOADS)
    assert edit.draft["m"]["aspect"] == "9:16"
    assert "make the sky bluer" in edit.reply
    assert [op["op"] for op in edit.args["ops"]] == ["set_aspect"]


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("how long is it?", "15 s"),
        ("what's the title?", "no title"),
        ("which photo is first?", "beach.jpg"),
        ("多长？", "15秒"),
        ("有几张照片？", "5张照片"),
    ],
)
def test_questions_are_answered_from_the_draft_without_changing_it(message, words):
    draft = built()
    edit = direct(message, draft, UPLOADS)
    assert edit.draft is None and words in edit.reply
    assert edit.result["status"] == "ok" and edit.result["changes"] == []


def test_greetings_offer_examples_that_fit_the_session():
    nothing = direct("hi", {}, [])
    assert "Upload" in nothing.reply
    fresh = direct("hello", {}, UPLOADS)
    assert "make a 15-second video of the 5 photos" in fresh.reply
    made = direct("help", built(), UPLOADS)
    assert "put the mountain photo first" in made.reply
    assert direct("你好", built(), UPLOADS).reply.startswith("你好！")
    for edit in (nothing, fresh, made):
        assert edit.draft is None


def test_photos_are_named_by_a_word_of_their_file_name_in_english_and_chinese():
    draft = built()
    first = direct("put the sunset photo first", draft, UPLOADS).draft
    assert schema.segments(first, 0)[0]["name"] == "sunset.jpg"
    gone = direct("删掉海边那张", draft, UPLOADS).draft
    assert "beach.jpg" not in [seg["name"] for seg in schema.segments(gone, 0)]


def test_starting_over_keeps_what_was_asked_for():
    draft = {}
    for message in ("make a video", "9:16", "title 'Trip'", "add music", "make it 20 seconds"):
        draft = direct(message, draft, PHOTOS + UPLOADS[-1:]).draft
    again = direct("start over", draft, [*UPLOADS, MORE[0]]).draft
    assert len(schema.segments(again, 0)) == 6
    assert again["d"] == 20_000 and again["m"]["aspect"] == "9:16"
    assert schema.texts(again, "title")[0]["text"] == "Trip"
    assert schema.segments(again, 1)[0]["name"] == "song.mp3"


def test_slower_transitions_keep_the_length_asked_for():
    draft = direct("make it 20 seconds", built(), UPLOADS).draft
    slower = direct("slower transitions", draft, UPLOADS).draft
    assert slower["d"] == 20_000
    assert {seg["tr"]["d"] for seg in schema.segments(slower, 0)[1:]} == {1000}


def test_replies_never_show_an_internal_name():
    internal = re.compile(r"edit_draft|explain|set_\w+|_music|scale_|remove_\w+|keep_photos")
    for message in ("make it 12 seconds", "多长？", "hi", "add confetti", "blah", "撤销", "undo"):
        for draft in ({}, built()):
            assert not internal.search(direct(message, draft, UPLOADS).reply), message


def test_any_requests_of_the_corpus_said_together_give_a_valid_draft():
    import random

    from tests.engine.director_corpus import load

    says = [row.say for row in load()]
    rng = random.Random(11)
    base = direct("a 15 second video with music, title 'A', caption 'b' on photo 2", {}, UPLOADS)
    for _ in range(300):
        separator = rng.choice([", ", " and ", "，", " then ", ". "])
        message = separator.join(rng.choice(says) for _ in range(rng.choice([2, 3])))
        draft = rng.choice([{}, base.draft])
        edit = direct(message, draft, [*UPLOADS, *MORE], previous=base.draft)
        assert edit.reply.strip()
        if edit.draft is not None:
            schema.validate(edit.draft)


def test_a_long_message_is_read_like_a_short_one():
    chatter = "We went to the coast last summer and it was lovely, the kids loved it. " * 30
    message = f"Make it 12 seconds. {chatter} Oh, and put the sunset photo first. {chatter}"
    assert 3000 < len(message) < 5000
    edit = direct(message, built(), UPLOADS)
    assert edit.draft["d"] == 12_000
    assert schema.segments(edit.draft, 0)[0]["name"] == "sunset.jpg"

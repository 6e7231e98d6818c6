"""Tests for nemo_widgets.timeline: parsing, summary, rows, diff and JSON of drafts."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemo_widgets.timeline import Segment, Timeline, Track

# A draft shaped like the protocol's own example (docs/protocol.md#the-draft).
EXAMPLE: dict[str, Any] = {
    "d": 9000,
    "m": {"title": "Island Getaway", "width": 1920, "height": 1080},
    "t": [
        {
            "tt": 0,
            "m": {"name": "Main"},
            "sg": [
                {"st": 0, "d": 3000, "kind": "image", "src": "https://cdn.example.com/u/beach.jpg"},
                {
                    "st": 3000,
                    "d": 3000,
                    "kind": "image",
                    "src": "https://cdn.example.com/u/palms.jpg",
                },
                {
                    "st": 6000,
                    "d": 3000,
                    "kind": "image",
                    "src": "https://cdn.example.com/u/sunset.jpg",
                },
            ],
        },
        {
            "tt": 1,
            "m": {"name": "BGM", "title": "Warm Breeze"},
            "sg": [
                {
                    "st": 0,
                    "d": 9000,
                    "kind": "audio",
                    "src": "https://cdn.example.com/u/warm-breeze.mp3",
                    "vol": 0.35,
                }
            ],
        },
        {
            "tt": 7,
            "m": {"name": "Title"},
            "sg": [{"st": 0, "d": 3000, "kind": "text", "text": "Island Getaway"}],
        },
    ],
}
EXAMPLE_SUMMARY = (
    "Timeline (3 tracks): 1. Video: 3 images (0-9s) 2. BGM: Warm Breeze (0-9s, 35%)"
    ' 3. Title: "Island Getaway" (0-3s)'
)


def example() -> dict[str, Any]:
    """A fresh deep copy of the 4.4 example draft."""
    return copy.deepcopy(EXAMPLE)


Change = Callable[[dict[str, Any]], Any]


def after(change: Change) -> Timeline:
    """The example timeline after applying ``change`` to a copy of the draft."""
    draft = example()
    change(draft)
    return Timeline.from_draft(draft)


# --------------------------------------------------------------------------- parsing


def test_example_parses_tracks_and_metadata() -> None:
    timeline = Timeline.from_draft(EXAMPLE)
    assert len(timeline) == 3
    assert timeline.duration_s == 9.0
    assert timeline.title == "Island Getaway"
    assert (timeline.width, timeline.height) == (1920, 1080)
    assert [track.kind for track in timeline] == ["video", "audio", "text"]
    assert [track.type_code for track in timeline] == [0, 1, 7]
    assert [track.name for track in timeline] == ["3 images", "Warm Breeze", "Island Getaway"]
    assert timeline.raw is not None and timeline.raw["d"] == 9000


def test_example_segments() -> None:
    video, bgm, title = Timeline.from_draft(EXAMPLE).tracks
    assert [(seg.start_s, seg.end_s) for seg in video.segments] == [
        (0.0, 3.0),
        (3.0, 6.0),
        (6.0, 9.0),
    ]
    first = video.segments[0]
    assert first.index == 0
    assert first.kind == "video"
    assert first.media == "image"
    assert first.label == "beach.jpg"
    assert first.source == "https://cdn.example.com/u/beach.jpg"
    assert first.duration_s == 3.0
    assert first.text is None and first.volume is None
    assert bgm.segments[0].volume == 35.0
    assert bgm.volume == 35.0
    assert (bgm.start_s, bgm.end_s) == (0.0, 9.0)
    assert title.segments[0].text == "Island Getaway"
    assert title.segments[0].kind == "text"


def test_track_and_segment_are_frozen() -> None:
    track = Timeline.from_draft(EXAMPLE).tracks[0]
    with pytest.raises(AttributeError):
        track.name = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        track.segments[0].start_s = 1.0  # type: ignore[misc]


def test_sequential_segments_without_start_keys() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"d": 2000}, {"d": 2500}, {"d": 1000}]}]}
    track = Timeline.from_draft(draft).tracks[0]
    assert [(seg.start_s, seg.end_s) for seg in track.segments] == [
        (0.0, 2.0),
        (2.0, 4.5),
        (4.5, 5.5),
    ]
    assert Timeline.from_draft(draft).duration_s == 5.5


def test_mixed_start_keys_continue_from_previous_end() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"start": 1000, "d": 1000}, {"d": 500}, {"ts": 5000}]}]}
    segments = Timeline.from_draft(draft).tracks[0].segments
    assert [(seg.start_s, seg.end_s) for seg in segments] == [(1.0, 2.0), (2.0, 2.5), (5.0, 5.0)]


@pytest.mark.parametrize("key", ["s", "st", "start", "ts", "o"])
def test_start_key_candidates_are_milliseconds(key: str) -> None:
    draft = {"t": [{"tt": 0, "sg": [{key: 1500, "d": 250}]}]}
    segment = Timeline.from_draft(draft).tracks[0].segments[0]
    assert (segment.start_s, segment.end_s, segment.duration_s) == (1.5, 1.75, 0.25)


def test_total_length_is_draft_d_else_longest_track() -> None:
    tracks = [{"tt": 0, "sg": [{"d": 4000}]}, {"tt": 1, "sg": [{"st": 1000, "d": 6000}]}]
    assert Timeline.from_draft({"t": tracks}).duration_s == 7.0
    assert Timeline.from_draft({"d": 12000, "t": tracks}).duration_s == 12.0
    assert Timeline.from_draft({"d": "oops", "t": tracks}).duration_s == 7.0


@pytest.mark.parametrize(
    ("segment", "percent"),
    [
        ({"vol": 0.35}, 35.0),
        ({"vol": 35}, 35.0),
        ({"volume": "0.5"}, 50.0),
        ({"v": 80}, 80.0),
        ({"vol": 1}, 100.0),
        ({"vol": 0}, 0.0),
        ({"vol": -3}, None),
        ({"vol": "loud"}, None),
        ({}, None),
    ],
)
def test_volume_is_normalised_to_percent(segment: dict[str, Any], percent: float | None) -> None:
    draft = {"t": [{"tt": 1, "sg": [{"d": 1000, **segment}]}]}
    assert Timeline.from_draft(draft).tracks[0].segments[0].volume == percent


@pytest.mark.parametrize("volume", [0.35, 35])
def test_volume_in_summary_from_fraction_or_percent(volume: float) -> None:
    draft = {"t": [{"tt": 1, "m": {"title": "Lo-fi"}, "sg": [{"d": 10000, "vol": volume}]}]}
    assert Timeline.from_draft(draft).summary() == "Timeline (1 track): 1. BGM: Lo-fi (0-10s, 35%)"


def test_track_level_volume_wins() -> None:
    draft = {"t": [{"tt": 1, "volume": 20, "sg": [{"d": 1000, "vol": 0.9}]}]}
    assert Timeline.from_draft(draft).tracks[0].volume == 20.0


@pytest.mark.parametrize(
    ("key", "value"),
    [("src", "a/b.png"), ("url", "a/b.png"), ("cdn_url", "a/b.png"), ("file", "a/b.png")],
)
def test_source_key_candidates(key: str, value: str) -> None:
    segment = Timeline.from_draft({"t": [{"tt": 0, "sg": [{key: value}]}]}).tracks[0].segments[0]
    assert segment.source == "a/b.png"
    assert segment.media == "image"
    assert segment.label == "b.png"


@pytest.mark.parametrize("key", ["text", "content", "txt", "value"])
def test_text_key_candidates(key: str) -> None:
    draft = {"t": [{"tt": 7, "sg": [{key: "Hello", "d": 2000}]}]}
    assert Timeline.from_draft(draft).summary() == 'Timeline (1 track): 1. Title: "Hello" (0-2s)'


def test_track_kind_inferred_from_segments_without_tt() -> None:
    draft = {"t": [{"sg": [{"kind": "audio", "d": 1000}]}, {"sg": [{"src": "x/clip.mp4"}]}]}
    assert [track.kind for track in Timeline.from_draft(draft)] == ["audio", "video"]
    assert [track.type_code for track in Timeline.from_draft(draft)] == [None, None]


def test_json_text_draft_is_decoded() -> None:
    assert Timeline.from_draft(json.dumps(EXAMPLE)).summary() == EXAMPLE_SUMMARY


# --------------------------------------------------------------------------- tolerance


@pytest.mark.parametrize(
    "junk",
    [
        None,
        {},
        [],
        "",
        "not json",
        b"{",
        42,
        {"t": "x"},
        {"t": None},
        {"t": {"tt": 0}},
        {"t": [None, 1, "x", []]},
        {"t": [], "d": "x", "m": "y"},
        {"m": {"title": 5, "width": "wide", "height": -3}},
    ],
)
def test_junk_gives_an_empty_timeline(junk: Any) -> None:
    timeline = Timeline.from_draft(junk)
    assert len(timeline) == 0
    assert timeline.duration_s == 0.0
    assert timeline.title is None
    assert (timeline.width, timeline.height) == (None, None)
    assert timeline.summary() == "Timeline (0 tracks): empty"
    assert timeline.rows() == []
    assert timeline.ready_for_export is False


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["t", "tt", "sg", "d", "m", "st", "src", "vol", "text", "kind", "title"]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, database=None)
@given(first=_JSON, second=_JSON)
def test_any_json_never_raises(first: Any, second: Any) -> None:
    before, later = Timeline.from_draft(first), Timeline.from_draft(second)
    assert before.summary().startswith("Timeline (")
    assert isinstance(before.diff(later), list)
    assert json.loads(json.dumps(before.to_json()))["duration_s"] == before.duration_s
    assert json.dumps(before.rows(), allow_nan=False)
    assert before.duration_s >= 0
    assert all(seg.end_s >= seg.start_s >= 0 for track in before for seg in track.segments)


def test_segments_that_are_not_dicts_are_skipped() -> None:
    draft = {"t": [{"tt": 0, "sg": [None, "x", 3, {"d": 1000}, ["d"], {"d": 2000}]}]}
    track = Timeline.from_draft(draft).tracks[0]
    assert [(seg.index, seg.start_s, seg.end_s) for seg in track.segments] == [
        (0, 0.0, 1.0),
        (1, 1.0, 3.0),
    ]


def test_string_and_odd_numbers() -> None:
    draft = {
        "d": "6000",
        "t": [
            {
                "tt": "0",
                "sg": [
                    {"d": "2500"},
                    {"d": -1000},
                    {"d": "abc"},
                    {"d": True},
                    {"st": -500, "d": 1000},
                    {"d": float("nan")},
                ],
            }
        ],
    }
    timeline = Timeline.from_draft(draft)
    track = timeline.tracks[0]
    assert track.type_code == 0 and track.kind == "video"
    assert [(seg.start_s, seg.end_s) for seg in track.segments] == [
        (0.0, 2.5),
        (2.5, 2.5),
        (2.5, 2.5),
        (2.5, 2.5),
        (0.0, 1.0),
        (1.0, 1.0),
    ]
    assert timeline.duration_s == 6.0


def test_track_with_odd_fields_still_summarises() -> None:
    draft = {"t": [{"tt": [0], "m": ["x"], "sg": "nope"}, {"tt": 1.0, "sg": [{"d": None}]}]}
    timeline = Timeline.from_draft(draft)
    assert timeline.summary() == "Timeline (2 tracks): 1. Track: empty 2. BGM: 1 segment (0-0s)"


def test_lone_segment_without_d_fills_its_track() -> None:
    draft = {"t": [{"tt": 1, "d": 8000, "sg": [{"src": "https://x/y/song.mp3?sig=1#t"}]}]}
    summary = Timeline.from_draft(draft).summary()
    assert summary == "Timeline (1 track): 1. BGM: song.mp3 (0-8s)"


# --------------------------------------------------------------------------- other writers' drafts


@pytest.mark.parametrize(("start", "end"), [("s", "e"), ("start", "end"), ("in", "out")])
def test_segments_given_by_start_and_end(start: str, end: str) -> None:
    draft = {
        "t": [
            {
                "tt": 0,
                "sg": [
                    {start: 0, end: 2500, "src": "https://x/a.jpg"},
                    {start: 2500, end: 6000, "src": "https://x/b.jpg"},
                ],
            }
        ]
    }
    timeline = Timeline.from_draft(draft)
    track = timeline.tracks[0]
    assert [(seg.start_s, seg.end_s) for seg in track.segments] == [(0.0, 2.5), (2.5, 6.0)]
    assert timeline.duration_s == 6.0
    assert timeline.summary() == "Timeline (1 track): 1. Video: 2 images (0-6s)"


def test_an_end_without_a_start_follows_the_segment_before() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"e": 2000}, {"e": 5000}, {"e": 1000}]}]}
    track = Timeline.from_draft(draft).tracks[0]
    assert [(seg.start_s, seg.end_s) for seg in track.segments] == [
        (0.0, 2.0),
        (2.0, 5.0),
        (5.0, 5.0),  # an end before the start is a zero-length segment, never negative
    ]


def test_a_length_beats_an_end() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"s": 1000, "e": 9000, "d": 2000}]}]}
    segment = Timeline.from_draft(draft).tracks[0].segments[0]
    assert (segment.start_s, segment.end_s) == (1.0, 3.0)


def test_a_name_kept_in_segment_metadata_labels_it() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"d": 1000, "m": {"name": "Harbour at dawn"}}]}]}
    timeline = Timeline.from_draft(draft)
    assert timeline.tracks[0].segments[0].label == "Harbour at dawn"
    assert timeline.summary() == "Timeline (1 track): 1. Video: Harbour at dawn (0-1s)"


def test_a_title_kept_in_segment_metadata_labels_it() -> None:
    draft = {"t": [{"tt": 1, "sg": [{"d": 4000, "m": {"title": "Warm Breeze"}}]}]}
    assert Timeline.from_draft(draft).summary() == "Timeline (1 track): 1. BGM: Warm Breeze (0-4s)"


def test_text_kept_in_segment_metadata_is_the_segment_text() -> None:
    draft = {"t": [{"tt": 7, "sg": [{"s": 0, "e": 3000, "m": {"text": "Summer 2026"}}]}]}
    timeline = Timeline.from_draft(draft)
    segment = timeline.tracks[0].segments[0]
    assert segment.text == "Summer 2026"
    assert timeline.summary() == 'Timeline (1 track): 1. Title: "Summer 2026" (0-3s)'


def test_a_url_kept_in_segment_metadata_is_the_segment_source() -> None:
    draft = {
        "t": [{"tt": 0, "sg": [{"start": 0, "end": 3000, "m": {"url": "https://cdn/u/lake.jpg"}}]}]
    }
    segment = Timeline.from_draft(draft).tracks[0].segments[0]
    assert segment.source == "https://cdn/u/lake.jpg"
    assert segment.media == "image"
    assert segment.label == "lake.jpg"


def test_diff_reads_segments_given_by_start_and_end() -> None:
    def draft(end: int) -> dict[str, Any]:
        return {"t": [{"tt": 0, "sg": [{"s": 0, "e": end, "m": {"name": "A"}}]}]}

    before, after = Timeline.from_draft(draft(2000)), Timeline.from_draft(draft(3000))
    assert before.diff(after) == [
        "Video track now lasts 3s (was 2s).",
        "Total length: 2s -> 3s.",
    ]


# --------------------------------------------------------------------------- summary


def test_example_summary() -> None:
    assert Timeline.from_draft(EXAMPLE).summary() == EXAMPLE_SUMMARY


def test_reference_skill_summary() -> None:
    draft = {
        "t": [
            {"tt": 0, "sg": [{"d": 10000, "kind": "video", "m": {"title": "city timelapse"}}]},
            {"tt": 1, "m": {"title": "Lo-fi"}, "sg": [{"d": 10000, "vol": 0.35}]},
            {"tt": 7, "sg": [{"d": 3000, "text": "Urban Dreams"}]},
        ]
    }
    assert Timeline.from_draft(draft).summary() == (
        "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%)"
        ' 3. Title: "Urban Dreams" (0-3s)'
    )


def test_empty_and_singular_summaries() -> None:
    assert Timeline.from_draft(None).summary() == "Timeline (0 tracks): empty"
    single = {"t": [{"tt": 0, "sg": [{"d": 2500, "kind": "image", "src": "a/b/c.jpg"}]}]}
    assert Timeline.from_draft(single).summary() == "Timeline (1 track): 1. Video: c.jpg (0-2.5s)"


@pytest.mark.parametrize(
    ("code", "word"),
    [(0, "Video"), (1, "BGM"), (7, "Title"), (3, "Track type 3"), (12, "Track type 12")],
)
def test_kind_words(code: int, word: str) -> None:
    draft = {"t": [{"tt": code, "m": {"title": "X"}, "sg": [{"d": 1000}]}]}
    assert Timeline.from_draft(draft).summary() == f"Timeline (1 track): 1. {word}: X (0-1s)"


def test_longest_audio_track_is_bgm_other_audio_is_audio() -> None:
    draft = {
        "t": [
            {"tt": 1, "m": {"title": "Voice"}, "sg": [{"d": 4000, "vol": 1}]},
            {"tt": 1, "m": {"title": "Lo-fi"}, "sg": [{"d": 10000}]},
        ]
    }
    assert Timeline.from_draft(draft).summary() == (
        "Timeline (2 tracks): 1. Audio: Voice (0-4s, 100%) 2. BGM: Lo-fi (0-10s)"
    )


@pytest.mark.parametrize(
    ("segments", "label"),
    [
        ([{"kind": "image"}] * 3, "3 images"),
        ([{"kind": "video"}] * 2, "2 clips"),
        ([{"kind": "video"}, {"kind": "image"}], "2 segments"),
        ([{}, {}], "2 segments"),
        ([{"src": "a.mp4"}, {"src": "b.mov"}], "2 clips"),
        ([{"kind": "image"}], "1 image"),
        ([{"kind": "video"}], "1 clip"),
        ([{}], "1 segment"),
    ],
)
def test_count_labels(segments: list[dict[str, Any]], label: str) -> None:
    draft = {"t": [{"tt": 0, "sg": segments}]}
    assert Timeline.from_draft(draft).tracks[0].name == label


@pytest.mark.parametrize(
    ("track", "label"),
    [
        ({"m": {"title": "Trip", "name": "Main"}}, "Trip"),
        ({"m": {"title": "Music"}}, "Music"),
        ({"m": {"name": "Holiday reel"}}, "Holiday reel"),
        ({"m": {"name": "Video 1"}}, "2 images"),
        (
            {"m": {"name": "Main"}, "sg": [{"m": {"name": "Beach day"}, "src": "x/a.jpg"}]},
            "Beach day",
        ),
        ({"sg": [{"src": "https://x/a%20b.jpg?w=1"}]}, "a b.jpg"),
        ({"m": {"name": "Main"}, "sg": []}, "Main"),
        ({"sg": []}, ""),
    ],
)
def test_track_label_order(track: dict[str, Any], label: str) -> None:
    raw = {"tt": 0, "sg": [{"kind": "image"}, {"kind": "image"}], **track}
    assert Timeline.from_draft({"t": [raw]}).tracks[0].name == label


def test_text_track_with_several_segments_uses_first_text() -> None:
    draft = {"t": [{"tt": 7, "sg": [{"d": 1000}, {"d": 1000, "text": "Hi"}, {"text": "Bye"}]}]}
    assert Timeline.from_draft(draft).summary() == 'Timeline (1 track): 1. Title: "Hi" (0-2s)'


def test_empty_track_summary() -> None:
    draft = {"t": [{"tt": 0, "sg": []}, {"tt": 1, "d": 5000}]}
    assert Timeline.from_draft(draft).summary() == (
        "Timeline (2 tracks): 1. Video: empty 2. BGM: empty (0-5s)"
    )


@pytest.mark.parametrize(
    ("ms", "printed"),
    [(9000, "9"), (2500, "2.5"), (2540, "2.5"), (2960, "3"), (100, "0.1"), (0, "0")],
)
def test_seconds_print_with_at_most_one_decimal(ms: int, printed: str) -> None:
    draft = {"t": [{"tt": 0, "m": {"title": "A"}, "sg": [{"d": ms}]}]}
    summary = Timeline.from_draft(draft).summary()
    assert summary == f"Timeline (1 track): 1. Video: A (0-{printed}s)"


def test_long_text_is_shortened_in_summary_only() -> None:
    text = "word " * 30
    timeline = Timeline.from_draft({"t": [{"tt": 7, "sg": [{"d": 1000, "text": text}]}]})
    assert timeline.tracks[0].name == text.strip()
    assert len(timeline.summary()) < 100
    assert timeline.summary().endswith('…" (0-1s)')


# --------------------------------------------------------------------------- rows / json / misc


def test_rows_keys_and_values() -> None:
    rows = Timeline.from_draft(EXAMPLE).rows()
    assert len(rows) == 5
    keys = ["track", "kind", "label", "start_s", "end_s", "duration_s", "volume", "text", "source"]
    assert all(list(row) == keys for row in rows)
    assert rows[1] == {
        "track": 1,
        "kind": "video",
        "label": "palms.jpg",
        "start_s": 3.0,
        "end_s": 6.0,
        "duration_s": 3.0,
        "volume": None,
        "text": None,
        "source": "https://cdn.example.com/u/palms.jpg",
    }
    assert rows[3]["track"] == 2 and rows[3]["volume"] == 35.0 and rows[3]["kind"] == "audio"
    assert rows[4] == {
        "track": 3,
        "kind": "text",
        "label": "Island Getaway",
        "start_s": 0.0,
        "end_s": 3.0,
        "duration_s": 3.0,
        "volume": None,
        "text": "Island Getaway",
        "source": None,
    }
    assert json.loads(json.dumps(rows)) == rows


def test_unlabelled_segment_gets_positional_label() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"kind": "image"}, {"kind": "video"}, {}]}]}
    labels = [row["label"] for row in Timeline.from_draft(draft).rows()]
    assert labels == ["photo 1", "clip 2", "clip 3"]


def test_to_json_is_serialisable() -> None:
    data = Timeline.from_draft(EXAMPLE).to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["duration_s"] == 9.0
    assert data["title"] == "Island Getaway"
    assert [track["kind"] for track in data["tracks"]] == ["video", "audio", "text"]
    assert [track["name"] for track in data["tracks"]] == [
        "3 images",
        "Warm Breeze",
        "Island Getaway",
    ]
    assert data["tracks"][1]["kind_word"] == "BGM"
    segment = data["tracks"][0]["segments"][2]
    assert {key: segment[key] for key in ("start_s", "end_s", "label", "kind", "source")} == {
        "start_s": 6.0,
        "end_s": 9.0,
        "label": "sunset.jpg",
        "kind": "video",
        "source": "https://cdn.example.com/u/sunset.jpg",
    }
    assert segment["text"] is None and segment["volume"] is None
    assert data["tracks"][1]["segments"][0]["volume"] == 35.0


def test_to_json_of_junk_is_serialisable() -> None:
    data = Timeline.from_draft({"t": [{"sg": [{"d": "x", "src": 5}]}]}).to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["tracks"][0]["segments"][0]["source"] is None


@pytest.mark.parametrize(
    ("draft", "ready"),
    [
        (EXAMPLE, True),
        (None, False),
        ({"t": []}, False),
        ({"t": [{"tt": 0, "sg": []}, {"tt": 1}]}, False),
        ({"t": [{"tt": 0, "sg": []}, {"tt": 7, "sg": [{"text": "x"}]}]}, True),
    ],
)
def test_ready_for_export(draft: Any, ready: bool) -> None:
    assert Timeline.from_draft(draft).ready_for_export is ready


def test_len_iter_repr() -> None:
    timeline = Timeline.from_draft(EXAMPLE)
    assert len(timeline) == 3
    assert [track.index for track in timeline] == [0, 1, 2]
    assert all(isinstance(track, Track) for track in timeline)
    assert repr(timeline) == "<Timeline 3 tracks, 9s>"
    one = Timeline.from_draft({"t": [{"tt": 0, "sg": [{"d": 2500}]}]})
    assert repr(one) == "<Timeline 1 track, 2.5s>"
    assert repr(Timeline.from_draft(None)) == "<Timeline 0 tracks, 0s>"


def test_equal_drafts_give_equal_hashable_timelines() -> None:
    first, second = Timeline.from_draft(EXAMPLE), Timeline.from_draft(example())
    assert first == second
    assert hash(first) == hash(second)
    assert Timeline.from_draft(first) is first


def test_segment_duration_property() -> None:
    segment = Segment(index=0, start_s=1.2, end_s=3.5, kind="video", label="x")
    assert segment.duration_s == 2.3
    assert segment.ref == "clip 1"


# --------------------------------------------------------------------------- diff


def test_diff_no_change_is_empty() -> None:
    assert Timeline.from_draft(EXAMPLE).diff(Timeline.from_draft(example())) == []
    assert Timeline.from_draft(None).diff(Timeline.from_draft({})) == []


def _longer_photo(draft: dict[str, Any]) -> None:
    draft["t"][0]["sg"][1]["d"] = 4000
    draft["t"][0]["sg"][2]["st"] = 7000
    draft["d"] = 10000


def _add_lofi(draft: dict[str, Any]) -> None:
    draft["t"].append({"tt": 1, "m": {"title": "Lo-fi"}, "sg": [{"d": 15000, "src": "a/l.mp3"}]})
    draft["d"] = 15000


def _new_title(draft: dict[str, Any]) -> None:
    draft["t"][2]["sg"][0]["text"] = "Island Dreams"


def _swap_photo(draft: dict[str, Any]) -> None:
    draft["t"][0]["sg"][0]["src"] = "https://cdn.example.com/u/lake.jpg?v=2"


def _quieter(draft: dict[str, Any]) -> None:
    draft["t"][1]["sg"][0]["vol"] = 20


def _add_photo(draft: dict[str, Any]) -> None:
    draft["t"][0]["sg"].append({"st": 9000, "d": 3000, "kind": "image", "src": "x/lake.jpg"})
    draft["d"] = 12000


def _drop_photo(draft: dict[str, Any]) -> None:
    del draft["t"][0]["sg"][2]


def _move_title(draft: dict[str, Any]) -> None:
    draft["t"][2]["sg"][0]["st"] = 1500


def _retime_title(draft: dict[str, Any]) -> None:
    draft["t"][2]["sg"][0].update(st=1000, d=4000)


def _project_title(draft: dict[str, Any]) -> None:
    draft["m"]["title"] = "Island Dreams"


def _portrait(draft: dict[str, Any]) -> None:
    draft["m"].update(width=1080, height=1920)


def _rename_bgm(draft: dict[str, Any]) -> None:
    draft["t"][1]["m"]["title"] = "Sea Breeze"


def _transition(draft: dict[str, Any]) -> None:
    draft["transitions"] = [{"type": "fade"}]


@pytest.mark.parametrize(
    ("change", "sentences"),
    [
        (
            _longer_photo,
            ["Video track: photo 2 now lasts 4s (was 3s).", "Total length: 9s -> 10s."],
        ),
        (_add_lofi, ['Added an audio track "Lo-fi" (0-15s).', "Total length: 9s -> 15s."]),
        (lambda d: d["t"].pop(1), ['Removed the audio track "Warm Breeze".']),
        (lambda d: d["t"].pop(0), ["Removed the video track with 3 images."]),
        (_new_title, ['Title track now reads "Island Dreams" (was "Island Getaway").']),
        (_swap_photo, ['Video track: photo 1 now uses "lake.jpg" (was "beach.jpg").']),
        (_quieter, ["BGM track volume is now 20% (was 35%)."]),
        (
            _add_photo,
            ['Video track: added photo 4 "lake.jpg" (9-12s).', "Total length: 9s -> 12s."],
        ),
        (_drop_photo, ['Video track: removed photo 3 "sunset.jpg".']),
        (_move_title, ["Title track now starts at 1.5s (was 0s)."]),
        (_retime_title, ["Title track now runs 1-5s (was 0-3s)."]),
        (_project_title, ['Project title: "Island Getaway" -> "Island Dreams".']),
        (_portrait, ["Canvas size: 1920x1080 -> 1080x1920."]),
        (_rename_bgm, ['BGM track is now called "Sea Breeze" (was "Warm Breeze").']),
        (_transition, ["Other details of the draft changed (not shown in the timeline)."]),
    ],
)
def test_diff_sentences(change: Change, sentences: list[str]) -> None:
    assert Timeline.from_draft(EXAMPLE).diff(after(change)) == sentences


def test_diff_sequential_shift_is_not_repeated() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"d": 3000}, {"d": 3000}, {"d": 3000}]}]}
    longer = copy.deepcopy(draft)
    longer["t"][0]["sg"][0]["d"] = 5000
    before, later = Timeline.from_draft(draft), Timeline.from_draft(longer)
    assert before.diff(later) == [
        "Video track: clip 1 now lasts 5s (was 3s).",
        "Total length: 9s -> 11s.",
    ]


def test_diff_from_empty_and_to_empty() -> None:
    empty, full = Timeline.from_draft(None), Timeline.from_draft(EXAMPLE)
    assert empty.diff(full) == [
        "Added a video track with 3 images (0-9s).",
        'Added an audio track "Warm Breeze" (0-9s, 35%).',
        'Added a title track "Island Getaway" (0-3s).',
        'Project title: none -> "Island Getaway".',
        "Canvas size: unknown -> 1920x1080.",
        "Total length: 0s -> 9s.",
    ]
    assert full.diff(Timeline.from_draft({"t": [], "m": EXAMPLE["m"]})) == [
        "Removed the video track with 3 images.",
        'Removed the audio track "Warm Breeze".',
        'Removed the title track "Island Getaway".',
        "Total length: 9s -> 0s.",
    ]


def test_diff_matches_tracks_by_kind_not_position() -> None:
    def insert_voice(draft: dict[str, Any]) -> None:
        draft["t"].insert(0, {"tt": 3, "m": {"title": "Sticker"}, "sg": [{"d": 1000}]})

    assert Timeline.from_draft(EXAMPLE).diff(after(insert_voice)) == [
        'Added a type 3 track "Sticker" (0-1s).'
    ]


def test_diff_names_repeated_track_words_by_number() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"d": 1000}]}, {"tt": 0, "sg": [{"d": 1000}]}]}
    longer = copy.deepcopy(draft)
    longer["t"][1]["sg"][0]["d"] = 2000
    assert Timeline.from_draft(draft).diff(Timeline.from_draft(longer)) == [
        "Video track 2 now lasts 2s (was 1s).",
        "Total length: 1s -> 2s.",
    ]


def test_diff_ignores_sub_display_jitter() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"d": 3000}]}]}
    jitter = {"t": [{"tt": 0, "sg": [{"d": 3010}]}]}
    assert Timeline.from_draft(draft).diff(Timeline.from_draft(jitter)) == [
        "Other details of the draft changed (not shown in the timeline)."
    ]


# --------------------------------------------------------------------------- Chinese wording


def _no_english(sentence: str) -> bool:
    """True when nothing but quoted names, sizes and file names is in Latin letters."""
    bare = re.sub(r"“[^”]*”|\d+x\d+", "", sentence)
    return re.search(r"[A-Za-z]", bare) is None


def test_summary_in_chinese() -> None:
    assert Timeline.from_draft(EXAMPLE).summary("zh") == (
        "时间线（3 条轨道）：1. 视频：3 张图片（0-9秒） 2. 背景音乐：Warm Breeze（0-9秒，35%）"
        " 3. 标题：“Island Getaway”（0-3秒）"
    )
    assert Timeline.from_draft(EXAMPLE).summary("zh-CN") == Timeline.from_draft(EXAMPLE).summary(
        "zh"
    )
    assert Timeline.from_draft(EXAMPLE).summary() == EXAMPLE_SUMMARY  # English stays the default


def test_summary_in_chinese_words_every_kind_of_track() -> None:
    assert Timeline().summary("zh") == "时间线（0 条轨道）：空"
    draft = {
        "t": [
            {"tt": 3, "sg": [{"d": 1000}, {"d": 1000}]},
            {"tt": 1, "sg": [{"d": 2000}, {"d": 2000}]},
            {"tt": 1, "sg": [{"d": 1000}]},
            {"tt": 0, "sg": [{"d": 1000, "src": "a.mp4"}, {"d": 1000, "src": "b.mp4"}]},
            {"tt": 0},
        ]
    }
    summary = Timeline.from_draft(draft).summary("zh")
    assert summary == (
        "时间线（5 条轨道）：1. 类型 3 的轨道：2 个片段（0-2秒） 2. 背景音乐：2 个片段（0-4秒）"
        " 3. 音频：1 个片段（0-1秒） 4. 视频：2 段视频（0-2秒） 5. 视频：空"
    )
    assert _no_english(summary)


def test_diff_in_chinese() -> None:
    after = copy.deepcopy(EXAMPLE)
    after["t"][0]["sg"][1]["d"] = 4000
    after["t"][0]["sg"][2]["st"] = 7000
    after["t"][0]["sg"].append(
        {"st": 10000, "d": 2000, "kind": "image", "src": "https://x/lake.jpg"}
    )
    after["t"][1]["sg"][0]["vol"] = 0.5
    after["d"] = 12000
    after["m"].update(title="Trip", width=1080)
    del after["t"][2]

    before = Timeline.from_draft(EXAMPLE)
    assert before.diff(Timeline.from_draft(after), "zh") == [
        "视频轨道：第 2 张照片现在时长 4秒（原为 3秒）。",
        "视频轨道：新增了第 4 张照片“lake.jpg”（10-12秒）。",
        "背景音乐轨道的音量现在是 50%（原为 35%）。",
        "删除了标题轨道“Island Getaway”。",
        "项目标题：“Island Getaway” -> “Trip”。",
        "画面尺寸：1920x1080 -> 1080x1080。",
        "总时长：9秒 -> 12秒。",
    ]


def _with(change: Callable[[dict[str, Any]], None]) -> Timeline:
    draft = copy.deepcopy(EXAMPLE)
    change(draft)
    return Timeline.from_draft(draft)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["t"].append({"tt": 7}),
        lambda d: d["t"].append({"tt": 0, "sg": [{"d": 1000, "kind": "image"}] * 2}),
        lambda d: d["t"].append({"tt": 5, "m": {"name": "FX"}}),
        lambda d: d["t"].pop(0),
        lambda d: d["t"][0]["sg"][0].update(st=500),
        lambda d: d["t"][0]["sg"][0].update(st=500, d=1000),
        lambda d: d["t"][0]["sg"][0].update(src="https://x/dawn.jpg"),
        lambda d: d["t"][2]["sg"][0].update(text="Hello"),
        lambda d: d["t"][1]["m"].update(title="Lo-fi"),
        lambda d: d["t"][1]["sg"][0].pop("vol"),
        lambda d: d["t"][0]["sg"].pop(),
        lambda d: d["m"].pop("width"),
        lambda d: d.update(extra=1),
    ],
)
def test_every_chinese_diff_sentence_is_chinese(change: Callable[[dict[str, Any]], None]) -> None:
    before = Timeline.from_draft(EXAMPLE)
    english = before.diff(_with(change))
    chinese = before.diff(_with(change), "zh")
    assert english and len(chinese) == len(english)
    for sentence in chinese:
        assert _no_english(sentence), sentence
        assert sentence.endswith("。")

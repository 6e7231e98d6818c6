"""PromptLab against the real local engine on 127.0.0.1: real sessions, real renders, real MP4s."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import av
import ipywidgets
import pytest

from nemo_widgets import AsyncNemoClient, NemoClient, PromptLab
from nemo_widgets.assistant import ExportChanged
from nemo_widgets.runtime import get_runtime
from nemo_widgets.widget import VideoPlayer
from nemo_widgets.workflows import prompt_lab as lab_module
from nemo_widgets.workflows.make import Stage
from nemo_widgets.workflows.prompt_lab import RECORD_NAME, LabTable, prompt_slug
from tests.helpers import FAST

# Renders take seconds on a busy machine: wait for them, keep every other wait short.
TIMINGS = replace(FAST, render_timeout=300.0)


def probe(path: Path) -> tuple[float, int, int]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return container.duration / av.time_base, stream.width, stream.height


def html_of(widget: Any) -> str:
    """All the HTML text inside a widget tree."""
    if isinstance(widget, ipywidgets.HTML):
        return widget.value
    return "".join(html_of(child) for child in getattr(widget, "children", ()))


def players_in(widget: Any) -> list[VideoPlayer]:
    if isinstance(widget, VideoPlayer):
        return [widget]
    return [p for child in getattr(widget, "children", ()) for p in players_in(child)]


def test_prompts_are_made_side_by_side_and_a_bad_one_does_not_stop_the_others(
    engine, photos, tmp_path, monkeypatch
):
    # The real make_video, watched: how many prompts are being made at the same moment.
    real_make_video = lab_module.make_video
    active = 0
    most_active = 0

    async def watched_make_video(*args: Any, **kwargs: Any) -> Any:
        nonlocal active, most_active
        active += 1
        most_active = max(most_active, active)
        try:
            return await real_make_video(*args, **kwargs)
        finally:
            active -= 1

    monkeypatch.setattr(lab_module, "make_video", watched_make_video)
    prompts = [
        "turn these images into a 4-second video",
        "hello there",
        "a 3 second video with wipe transitions",
    ]
    client = AsyncNemoClient(engine.url, timings=TIMINGS)
    lab = PromptLab(photos, prompts, folder=tmp_path / "lab", client=client, concurrency=2)
    assert "Not made yet" in html_of(lab.view())
    try:
        results = lab.run()
    finally:
        get_runtime().run(client.aclose())

    assert most_active == 2  # two at a time, as asked: the third waited for a free place
    assert results is lab.results
    assert [r.prompt for r in results] == prompts
    first, bad, third = results

    assert first.ok and first.error is None
    assert first.path == tmp_path / "lab" / "01-turn-these-images-into-a-4-second-video.mp4"
    assert first.video.path == first.path
    assert probe(first.path) == (pytest.approx(4.0, abs=0.1), 1920, 1080)
    assert first.duration_s == pytest.approx(4.0, abs=0.1)
    assert first.url and first.url.startswith(engine.url)
    assert first.video.timeline.summary().startswith("Timeline (1 track): 1. Video: 3 images")
    for made in (first, third):  # only a render queued behind the other one has waited
        assert made.waited_s is None or 0 <= made.waited_s <= made.video.render_s

    assert third.ok
    assert third.path.name == "03-a-3-second-video-with-wipe-transitions.mp4"
    assert probe(third.path)[0] == pytest.approx(3.0, abs=0.1)

    assert bad.video is None and not bad.ok
    assert "didn't understand" in bad.error and "hello there" in bad.error
    assert bad.session_id and f"NemoStudio(session_id={bad.session_id!r})" in bad.error
    assert not bad.path.exists()

    # Only the two videos and the lab's record are left in the folder.
    assert sorted(p.name for p in (tmp_path / "lab").iterdir()) == sorted(
        [first.path.name, third.path.name, RECORD_NAME]
    )
    record = json.loads((tmp_path / "lab" / RECORD_NAME).read_text())
    assert set(record["videos"]) == {first.path.name, third.path.name}

    text = str(lab.table())
    lines = text.splitlines()
    assert lines[0].split() == ["#", "prompt", "length", "tracks", "render", "file", "or", "error"]
    assert "4.0 s" in lines[1] and "Video" in lines[1] and first.path.name in lines[1]
    assert "failed: The agent made no video" in lines[2]
    assert lab.table()._repr_html_().count("<tr>") == 4
    assert [row["length_s"] for row in lab.table().rows()] == [
        pytest.approx(4.0, abs=0.1),
        None,
        pytest.approx(3.0, abs=0.1),
    ]

    view = lab.view()
    assert isinstance(view, ipywidgets.GridBox) and len(view.children) == 3
    card_players = [players_in(card) for card in view.children]
    assert [[p.path for p in found] for found in card_players] == [[first.path], [], [third.path]]
    assert card_players[0][0].url == first.url
    assert card_players[0][0].error == ""
    assert "Failed:" in html_of(view.children[1]) and "hello there" in html_of(view.children[1])
    details = html_of(view.children[0])
    assert "Made a 4 s 16:9" in details and "Timeline (1 track)" in details
    assert f"rendered in {first.video.render_s:.1f} s" in details
    assert lab.view() is view  # shown again: the same widgets
    bundle = lab._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.model_id
    assert bundle["text/plain"] == text
    assert repr(lab) == f"<PromptLab 3 prompts, 2 made, 1 failed -> {tmp_path / 'lab'}>"


@pytest.mark.anyio
async def test_run_async_on_the_callers_loop_and_again_replaces_its_own_video(
    engine, photos, tmp_path
):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
        lab = PromptLab(
            photos,
            ["a 2 second video"],
            folder=tmp_path / "lab",
            aspect="1:1",
            client=client,
            progress=False,
        )
        [result] = await lab.run_async()
        assert result.ok, result.error
        assert result.path == tmp_path / "lab" / "01-a-2-second-video.mp4"
        assert probe(result.path) == (pytest.approx(2.0, abs=0.1), 1080, 1080)
        made = result.path.stat().st_mtime_ns

        [again] = await lab.run_async()  # its own video: replaced without a word
    assert again.ok and again.path == result.path
    assert result.path.stat().st_mtime_ns != made
    assert again.video.session_id != result.video.session_id


def test_a_blocking_run_with_a_nemo_client(engine, photos, tmp_path):
    with NemoClient(engine.url, timings=TIMINGS) as client:
        lab = PromptLab(photos, "make a 2 second slideshow", folder=tmp_path, client=client)
        [result] = lab.run()
    assert result.ok, result.error
    assert result.path.name == "01-make-a-2-second-slideshow.mp4"
    assert probe(result.path)[0] == pytest.approx(2.0, abs=0.1)


def test_a_file_the_lab_did_not_make_is_left_alone(engine, photos, tmp_path):
    folder = tmp_path / "lab"
    folder.mkdir()
    mine = folder / "01-make-a-slideshow.mp4"
    mine.write_bytes(b"my own video")
    client = AsyncNemoClient(engine.url, timings=TIMINGS)
    lab = PromptLab(photos, ["make a slideshow"], folder=folder, client=client, progress=False)
    try:
        [result] = lab.run()
    finally:
        get_runtime().run(client.aclose())
    assert not result.ok
    assert "already exists and was not made by this prompt lab" in result.error
    assert "move or rename it" in result.error
    assert mine.read_bytes() == b"my own video"


def test_bad_input_is_refused_before_anything_is_sent(photos, tmp_path):
    prompts = ["make a slideshow"]
    with pytest.raises(FileNotFoundError):
        PromptLab([*photos, tmp_path / "missing.jpg"], prompts)
    with pytest.raises(ValueError, match="No photos given"):
        PromptLab([], prompts)
    with pytest.raises(ValueError, match="No prompts to compare"):
        PromptLab(photos, [])
    with pytest.raises(ValueError, match="Prompt 2 is empty"):
        PromptLab(photos, ["make a slideshow", "   "])
    with pytest.raises(TypeError, match="Prompt 1 is a int"):
        PromptLab(photos, [3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="concurrency"):
        PromptLab(photos, prompts, concurrency=0)
    with pytest.raises(ValueError, match="Aspect ratio '3:2' is not available"):
        PromptLab(photos, prompts, aspect="3:2")
    with pytest.raises(ValueError, match="not an audio file"):
        PromptLab(photos, prompts, music=photos[0])
    with pytest.raises(TypeError, match="client must be"):
        PromptLab(photos, prompts, client="http://example.com")  # type: ignore[arg-type]
    taken = tmp_path / "a-file"
    taken.write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        PromptLab(photos, prompts, folder=taken).run()


def test_run_on_the_runtime_thread_is_refused(photos, tmp_path):
    lab = PromptLab(photos, ["make a slideshow"], folder=tmp_path)

    async def inside() -> None:
        lab.run()

    with pytest.raises(RuntimeError, match=r"await lab\.run_async\(\)"):
        get_runtime().run(inside())


def test_output_names_number_and_slug_the_prompts(photos, tmp_path):
    lab = PromptLab(photos, ["9:16 for TikTok, 12 seconds, title 'Holiday' at the top"] * 2)
    assert lab.output_path(0).name == "01-9-16-for-tiktok-12-seconds-title-holiday.mp4"
    assert lab.output_path(1).name == "02-9-16-for-tiktok-12-seconds-title-holiday.mp4"
    assert prompt_slug("Make a SLIDESHOW!") == "make-a-slideshow"
    assert prompt_slug("把这些照片做成15秒的视频") == "把这些照片做成15秒的视频"
    assert prompt_slug("?!") == "prompt"
    assert prompt_slug("x" * 60) == "x" * 40
    assert prompt_slug("a_b c") == "a-b-c"
    assert str(LabTable([])) == "No results yet: run the lab with lab.run()."
    assert asyncio.iscoroutinefunction(PromptLab.run_async)


def test_only_a_render_asked_for_behind_others_counts_as_waiting():
    posted: list[Any] = []
    renders: set[int] = set()
    first, second, third = (lab_module._Watch(i, posted.append, renders) for i in range(3))
    first(Stage("render"))
    second(Stage("render"))  # the first one is rendering: the second waits for it
    first(ExportChanged("rendering", 0.0, None))
    first(ExportChanged("rendering", 50.0, None))
    first(ExportChanged("downloading", 0.0, None))  # the first one's render is over
    second(ExportChanged("rendering", 0.0, None))
    assert second.waited_s is None  # not started yet
    second(ExportChanged("rendering", 10.0, None))
    third(Stage("render"))  # only the second one is rendering now
    second(ExportChanged("done", 100.0, None))
    third(ExportChanged("rendering", 30.0, None))
    third.finished()  # its make_video ended (here: as if it failed while rendering)
    fourth = lab_module._Watch(3, posted.append, renders)
    fourth(Stage("render"))  # nothing is rendering any more
    fourth(ExportChanged("done", 100.0, None))

    assert first.waited_s is None
    assert second.waited_s is not None and second.waited_s >= 0
    assert third.waited_s is not None
    assert fourth.waited_s is None
    assert [u.text for u in posted if u.index == 0] == [
        "waiting to render",
        "rendering",
        "downloading",
    ]

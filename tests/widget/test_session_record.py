"""Resuming a session (issue 14, item 2): the studio keeps a record per session under the data
folder and a cell run again (or ``session=...``, or the empty studio's offer) shows it again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nemo_widgets.widget.session_record import SessionRecords, notebook_path
from tests.widget.studio_harness import browser_says, open_studio, wait_for

PROMPT = "turn these images into a 2-second video"


def records() -> SessionRecords:
    from nemo_widgets.config import default_data_dir

    return SessionRecords(default_data_dir())


@pytest.fixture
def notebook(monkeypatch) -> str:
    path = "work/holiday.ipynb"
    monkeypatch.setenv("JPY_SESSION_NAME", path)
    return path


def video_thumbs(studio) -> list:
    return [
        s["thumb"]
        for t in studio.get_state()["timeline"].get("tracks", [])
        if t["kind"] == "video"
        for s in t["segments"]
    ]


def make_session(url: str, photos: list[Path], **options) -> dict:
    with open_studio(url, **options) as studio:
        studio.upload(*photos[:2])
        studio.send_sync(PROMPT)
        studio.export()
        return {
            "session_id": studio.session_id,
            "messages": studio.messages,
            "video_path": studio.video_path,
        }


def test_a_cell_run_again_resumes_the_notebooks_last_session(engine, photos, notebook):
    assert notebook_path() == notebook
    first = make_session(engine.url, photos)
    with open_studio(engine.url) as again:
        assert again.session_id == first["session_id"]
        assert [m["text"] for m in again.messages] == [m["text"] for m in first["messages"]]
        state = again.get_state()
        assert [a["name"] for a in state["attachments"]] == [p.name for p in photos[:2]]
        assert all(a["state"] == "done" for a in state["attachments"])
        assert again.video_path == first["video_path"]
        assert state["video"]["token"] == 1 and state["video"]["stale"] is False
        # The timeline is read again from the engine, with the thumbnails kept.
        wait_for(lambda: len(video_thumbs(again)) == 2, "the timeline")
        assert all(str(t).startswith("data:image/jpeg") for t in video_thumbs(again))
        # And the conversation goes on in the same session.
        again.send_sync("make it 3 seconds")
        wait_for(lambda: again.video.get("stale") is True, "the old video marked out of date")


def test_another_notebook_or_session_new_starts_afresh(engine, photos, notebook, monkeypatch):
    make_session(engine.url, photos)
    with open_studio(engine.url, session="new") as fresh:
        assert fresh.session_id == "" and fresh.messages == []
    monkeypatch.setenv("JPY_SESSION_NAME", "work/other.ipynb")
    with open_studio(engine.url) as other:
        assert other.session_id == "" and other.messages == []


def test_without_a_notebook_path_the_empty_studio_offers_the_last_session(engine, photos):
    assert notebook_path() is None
    first = make_session(engine.url, photos)
    with open_studio(engine.url) as studio:
        assert studio.session_id == ""  # nothing resumed by itself
        offered = studio.get_state()["resumable"]
        assert offered["session_id"] == first["session_id"]
        assert offered["title"] == PROMPT
        browser_says(studio, {"type": "resume", "session_id": offered["session_id"]})
        assert studio.session_id == first["session_id"]
        assert len(studio.messages) == len(first["messages"])
        assert studio.get_state()["resumable"] == {}
    with open_studio(engine.url, session="last") as last:
        assert last.session_id == first["session_id"]
    with open_studio(engine.url, session=first["session_id"]) as named:
        assert named.video_path == first["video_path"]


def test_the_record_is_small_json_without_secrets(engine, photos, notebook):
    first = make_session(engine.url, photos)
    path = records().folder / f"{first['session_id']}.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["notebook"] == notebook
    assert set(record) >= {"session_id", "messages", "attachments", "thumbs", "video"}
    text = path.read_text(encoding="utf-8").lower()
    assert "token" not in text and "authorization" not in text
    index = json.loads((records().folder / "index.json").read_text(encoding="utf-8"))
    assert index["by_notebook"][notebook] == first["session_id"]


def test_a_bad_session_id_is_never_a_path(tmp_path):
    store = SessionRecords(tmp_path)
    assert store.load("../../etc/passwd") is None
    store.save({"session_id": "../x"}, None)
    assert not (tmp_path / "x.json").exists()

"""The engine's store: durable across reopening, consistent under concurrent writers."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from nemo_widgets.engine.store import Store


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "data")
    yield store
    store.close()


def test_records_survive_reopening(tmp_path):
    first = Store(tmp_path / "data")
    token = first.issue_token("client-1", budget=None)
    session = first.create_session(token.user_id, "trip", "en")
    mid, _ = first.new_media_folder()
    first.add_media(session.session_id, [(mid, {"kind": "image", "filename": "a.jpg"})])
    first.save_draft(session.session_id, {"d": 1000}, "make a video", based_on=0)
    first.close()
    second = Store(tmp_path / "data")
    assert second.user_for_token(token.token) == token.user_id
    assert second.session(session.session_id, token.user_id) == session
    assert [m.mid for m in second.media(session.session_id)] == [mid]
    assert second.draft(session.session_id) == (1, {"d": 1000})


def test_one_user_per_client_id_and_tokens_expire(store):
    first = store.issue_token("client-1", budget=None)
    assert store.issue_token("client-1", budget=None) == first
    with store._transaction() as db:
        db.execute("UPDATE tokens SET expires_at = 0")
    assert store.user_for_token(first.token) is None
    renewed = store.issue_token("client-1", budget=None)
    assert renewed.token != first.token and renewed.user_id == first.user_id


def test_sessions_belong_to_their_user(store):
    alice = store.issue_token("alice", None).user_id
    bob = store.issue_token("bob", None).user_id
    session = store.create_session(alice, "p", "en")
    assert store.session(session.session_id, alice) is not None
    assert store.session(session.session_id, bob) is None


def test_concurrent_edits_never_lose_one(store):
    """Writers racing on one session: each save names the version it read; none is lost."""
    session = store.create_session("u", "p", "en")
    saved: list[int] = []

    def writer(n: int) -> None:
        for attempt in range(200):
            version, draft = store.draft(session.session_id)
            new = {**draft, f"w{n}": attempt}
            result = store.save_draft(session.session_id, new, f"w{n}", based_on=version)
            if result is not None:
                saved.append(result)
                return
        raise AssertionError("never got a turn")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    version, draft = store.draft(session.session_id)
    assert sorted(saved) == list(range(1, 9)) and version == 8
    assert sorted(draft) == sorted(f"w{n}" for n in range(8))


def test_two_stores_on_one_folder_share_the_records(tmp_path):
    """Two engines on one data folder (say a notebook and `nemo-widgets serve`)."""
    a, b = Store(tmp_path / "data"), Store(tmp_path / "data")
    session = a.create_session("u", "p", "en")
    assert b.save_draft(session.session_id, {"d": 1}, "x", based_on=0) == 1
    assert a.save_draft(session.session_id, {"d": 2}, "y", based_on=0) is None
    assert a.draft(session.session_id) == (1, {"d": 1})


def test_undo_keeps_the_history(store):
    sid = store.create_session("u", "p", "en").session_id
    store.save_draft(sid, {"d": 1}, "one", based_on=0)
    store.save_draft(sid, {"d": 2}, "two", based_on=1)
    assert store.draft_and_previous(sid)[2] == {"d": 1}
    assert store.undo_draft(sid, based_on=2)
    assert store.draft(sid) == (1, {"d": 1})
    assert store.draft_and_previous(sid)[2] == {}
    assert not store.undo_draft(sid, based_on=2)  # already moved on
    store.save_draft(sid, {"d": 3}, "three", based_on=1)
    assert [(h["version"], h["undone"]) for h in store.draft_history(sid)] == [
        (1, 0),
        (2, 1),
        (3, 0),
    ]


def test_a_budget_is_never_overspent_by_concurrent_turns(store):
    user = store.issue_token("c", budget=5).user_id
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(store.spend(user, 1))) for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 5
    assert store.credits(user) == (5, 5)


def test_data_from_a_newer_version_is_refused_with_advice(tmp_path):
    Store(tmp_path / "data").close()
    with sqlite3.connect(tmp_path / "data" / "engine.sqlite3") as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(RuntimeError, match="Upgrade nemo-widgets"):
        Store(tmp_path / "data")


def test_renders_of_schema_1_keep_their_ids_per_user(tmp_path):
    """Schema 1 had one render id namespace: its ids become the per-user ids of schema 2."""
    (tmp_path / "data").mkdir()
    with sqlite3.connect(tmp_path / "data" / "engine.sqlite3") as db:
        db.execute(
            "CREATE TABLE renders (render_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, "
            "user_id TEXT NOT NULL, status TEXT NOT NULL, draft TEXT NOT NULL, "
            "cache_key TEXT NOT NULL, frames_done INTEGER NOT NULL DEFAULT 0, "
            "frames_total INTEGER NOT NULL DEFAULT 0, error TEXT, output_key TEXT NOT NULL, "
            "owner TEXT, created_at REAL NOT NULL, completed_at REAL)"
        )
        db.execute(
            "INSERT INTO renders (render_id, session_id, user_id, status, draft, cache_key, "
            "output_key, created_at) VALUES ('render_old', 's', 'alice', 'completed', '{}', "
            "'k', 'o', 1.0)"
        )
        db.execute("PRAGMA user_version = 1")
    store = Store(tmp_path / "data")
    assert store.user_render("alice", "render_old").public_id == "render_old"
    assert store.user_render("bob", "render_old") is None
    assert store.add_render("render_old", "s", "alice", {}, "k") is None
    assert store.add_render("render_old", "s2", "bob", {}, "k") is not None
    store.close()

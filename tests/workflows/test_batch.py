"""Batch against the real engine: videos made, failures recorded, runs resumed from the record."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sqlite3
from pathlib import Path

import anyio
import av
import pytest

from nemo_widgets import AsyncNemoClient, NemoClient
from nemo_widgets.workflows import batch as batch_module
from nemo_widgets.workflows.batch import MANIFEST_NAME, Batch, BatchResult
from tests.helpers import FAST
from tests.media_factory import PALETTE, make_photo

# Real turns and renders on a busy 2-core machine: only the render wait is long.
TIMINGS = dataclasses.replace(FAST, turn_timeout=120.0, render_timeout=300.0)
FOUR = "make a 4-second 720p slideshow"
THREE = "make a 3-second 720p slideshow"


@pytest.fixture
async def client(engine):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as nemo:
        yield nemo


@pytest.fixture
def sets(tmp_path: Path) -> dict[str, list[Path]]:
    """Three small photo sets in their own colours, and a "broken" set: text named .jpg."""
    root = tmp_path / "sets"
    found = {}
    for n, name in enumerate(("alpha", "beta", "gamma")):
        folder = root / name
        folder.mkdir(parents=True)
        found[name] = [
            make_photo(folder / f"{k + 1}.jpg", (320, 240), PALETTE[(2 * n + k) % len(PALETTE)])
            for k in range(2)
        ]
    broken = root / "broken"
    broken.mkdir()
    (broken / "not-a-photo.jpg").write_text("text, not a photo")
    found["broken"] = [broken / "not-a-photo.jpg"]
    return found


def counts(engine) -> tuple[int, int]:
    """(sessions, render jobs) the engine has recorded: each made video costs one of each."""
    with sqlite3.connect(engine.data_dir / "engine.sqlite3") as db:
        sessions = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        renders = db.execute("SELECT COUNT(*) FROM renders").fetchone()[0]
    return sessions, renders


def video_info(path: Path) -> tuple[float, int, int]:
    """(length in seconds, width, height) of an MP4, read with PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return container.duration / av.time_base, stream.width, stream.height


def recorded(folder: Path, name: str) -> bool:
    """Whether the batch record in ``folder`` has an entry for ``name`` yet."""
    path = folder / MANIFEST_NAME
    return path.exists() and name in json.loads(path.read_text())["items"]


def by_name(results: list[BatchResult]) -> dict[str, BatchResult]:
    return {result.name: result for result in results}


def mtimes(folder: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("*.mp4")}


# -- making --------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_items_are_made_with_their_lengths_and_frames(client, sets, tmp_path):
    out = tmp_path / "videos"
    batch = Batch(out, client=client, progress=False)
    batch.add("alpha", sets["alpha"], FOUR)
    batch.add("beta", sets["beta"], THREE, aspect="9:16")

    results = await batch.run_async()

    assert [(r.name, r.status, r.error) for r in results] == [
        ("alpha", "made", None),
        ("beta", "made", None),
    ]
    assert results == batch.results
    assert results[0].path == out / "alpha.mp4"
    assert video_info(out / "alpha.mp4") == pytest.approx((4.0, 1280, 720), abs=0.05)
    assert video_info(out / "beta.mp4") == pytest.approx((3.0, 720, 1280), abs=0.05)
    assert [r.duration_s for r in results] == pytest.approx([4.0, 3.0], abs=0.05)
    record = json.loads((out / MANIFEST_NAME).read_text())
    assert record["items"]["alpha"]["status"] == "made"
    assert record["items"]["beta"]["video"]["size"] == (out / "beta.mp4").stat().st_size
    # Nothing is left behind but the videos and the record.
    assert sorted(p.name for p in out.iterdir()) == ["alpha.mp4", "beta.mp4", MANIFEST_NAME]


@pytest.mark.anyio
async def test_a_bad_item_fails_with_its_message_while_the_others_are_made(
    client, engine, sets, tmp_path
):
    out = tmp_path / "videos"
    batch = Batch(out, client=client, progress=False)
    batch.add("alpha", sets["alpha"], FOUR)
    batch.add("broken", sets["broken"], FOUR)
    batch.add("missing", [sets["beta"][0], tmp_path / "nowhere.jpg"], FOUR)
    batch.add("refused", sets["gamma"], "add stickers to every photo")
    batch.add("beta", sets["beta"], FOUR)

    results = by_name(await batch.run_async())

    assert {name: r.status for name, r in results.items()} == {
        "alpha": "made",
        "broken": "failed",
        "missing": "failed",
        "refused": "failed",
        "beta": "made",
    }
    assert "not-a-photo.jpg is not a recognised image" in results["broken"].error
    assert "nowhere.jpg: no such file" in results["missing"].error
    # The agent answered but made nothing: its words, and the project to continue.
    refused = results["refused"]
    assert "made no video" in refused.error and "stickers" in refused.error
    assert refused.session_id and f"session_id={refused.session_id!r}" in refused.error
    assert all(results[n].path is None for n in ("broken", "missing", "refused"))
    assert sorted(p.name for p in out.glob("*.mp4")) == ["alpha.mp4", "beta.mp4"]
    # Bad files are refused before anything is sent: only the refused prompt cost a session.
    assert counts(engine) == (3, 2)

    text = str(batch.table())
    assert "broken" in text and "failed" in text and "not a recognised image" in text
    assert text.splitlines()[-1] == "2 made, 3 failed"
    page = batch.table()._repr_html_()
    assert "<table>" in page and "no such file" in page


@pytest.mark.anyio
async def test_a_failed_render_is_recorded_and_retried(start_engine, sets, tmp_path):
    out = tmp_path / "videos"
    crashing = start_engine(tmp_path / "crashing", renderer="tests.engine.fake_renderers:crash")
    async with AsyncNemoClient(crashing.url, timings=TIMINGS) as nemo:
        first = Batch(out, client=nemo, progress=False)
        first.add("alpha", sets["alpha"], FOUR)
        results = await first.run_async()
    assert results[0].status == "failed"
    assert "export failed" in results[0].error
    assert not (out / "alpha.mp4").exists()

    working = start_engine(tmp_path / "working")
    async with AsyncNemoClient(working.url, timings=TIMINGS) as nemo:
        again = Batch(out, client=nemo, progress=False)
        again.add("alpha", sets["alpha"], FOUR)
        (result,) = await again.run_async()
    assert (result.status, result.error) == ("made", None)
    assert video_info(out / "alpha.mp4")[0] == pytest.approx(4.0, abs=0.05)


# -- running again -------------------------------------------------------------------------


def same_batch(out: Path, client, sets, *, alpha: str = FOUR) -> Batch:
    batch = Batch(out, client=client, progress=False)
    batch.add("alpha", sets["alpha"], alpha)
    batch.add("beta", sets["beta"], FOUR)
    batch.add("broken", sets["broken"], FOUR)
    return batch


@pytest.mark.anyio
async def test_a_second_batch_skips_what_is_made_without_rendering(client, engine, sets, tmp_path):
    out = tmp_path / "videos"
    await same_batch(out, client, sets).run_async()
    before, made = mtimes(out), counts(engine)
    assert sorted(before) == ["alpha.mp4", "beta.mp4"]

    again = same_batch(out, client, sets)
    results = by_name(await again.run_async())

    assert {n: r.status for n, r in results.items()} == {
        "alpha": "skipped",
        "beta": "skipped",
        "broken": "failed",
    }
    assert results["alpha"].path == out / "alpha.mp4"
    assert results["alpha"].duration_s == pytest.approx(4.0, abs=0.05)
    assert mtimes(out) == before
    assert counts(engine) == made  # no session, no render
    assert "2 skipped, 1 failed" in str(again.table())


@pytest.mark.anyio
async def test_changed_inputs_are_made_again(client, engine, sets, tmp_path):
    out = tmp_path / "videos"
    batch = Batch(out, client=client, progress=False)
    for name in ("alpha", "beta", "gamma"):
        batch.add(name, sets[name], FOUR)
    await batch.run_async()
    before, (sessions, renders) = mtimes(out), counts(engine)

    # gamma's second photo is touched: same path, same bytes, a new modification time.
    stat = sets["gamma"][1].stat()
    os.utime(sets["gamma"][1], ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    again = Batch(out, client=client, progress=False)
    again.add("alpha", sets["alpha"], THREE)  # a new prompt
    again.add("beta", sets["beta"], FOUR)
    again.add("gamma", sets["gamma"], FOUR)
    results = by_name(await again.run_async())

    assert {n: r.status for n, r in results.items()} == {
        "alpha": "made",
        "beta": "skipped",
        "gamma": "made",
    }
    assert video_info(out / "alpha.mp4")[0] == pytest.approx(3.0, abs=0.05)
    assert mtimes(out)["beta.mp4"] == before["beta.mp4"]
    assert counts(engine) == (sessions + 2, renders + 2)


@pytest.mark.anyio
async def test_failed_items_are_tried_again(client, engine, sets, tmp_path):
    out = tmp_path / "videos"
    first = Batch(out, client=client, progress=False)
    first.add("broken", sets["broken"], FOUR)
    first.add("refused", sets["alpha"], "add stickers to every photo")
    await first.run_async()
    assert counts(engine) == (1, 0)

    # The broken file is replaced by a real photo; the refused prompt is left as it was.
    make_photo(sets["broken"][0], (320, 240), PALETTE[5])
    again = Batch(out, client=client, progress=False)
    again.add("broken", sets["broken"], FOUR)
    again.add("refused", sets["alpha"], "add stickers to every photo")
    results = by_name(await again.run_async())

    assert results["broken"].status == "made"
    assert results["refused"].status == "failed"
    assert counts(engine) == (3, 1)  # the refused item was sent to the agent again


@pytest.mark.anyio
async def test_an_item_that_failed_after_being_made_is_not_skipped(client, engine, sets, tmp_path):
    out = tmp_path / "videos"
    first = Batch(out, client=client, progress=False)
    first.add("alpha", sets["alpha"], FOUR)
    await first.run_async()
    made_at = (out / "alpha.mp4").stat().st_mtime_ns

    # A new prompt the agent makes nothing of: it fails, and the earlier video stays as it is.
    for _ in range(2):
        again = Batch(out, client=client, progress=False)
        again.add("alpha", sets["alpha"], "add stickers to every photo")
        (result,) = await again.run_async()
        assert (result.status, result.path) == ("failed", None)
        assert (out / "alpha.mp4").stat().st_mtime_ns == made_at
    assert counts(engine) == (3, 1)  # tried both times, never taken for the old video


@pytest.mark.anyio
async def test_an_interrupted_run_keeps_what_is_finished(client, engine, sets, tmp_path):
    out = tmp_path / "videos"
    alpha_done = asyncio.Event()
    first = Batch(
        out, client=client, concurrency=1, progress=False, on_result=lambda _: alpha_done.set()
    )
    first.add("alpha", sets["alpha"], FOUR)
    first.add("beta", sets["beta"], FOUR)
    running = asyncio.ensure_future(first.run_async())
    with anyio.fail_after(120):
        await alpha_done.wait()
    assert recorded(out, "alpha") and not recorded(out, "beta")  # beta is being made
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running

    assert [(r.name, r.status) for r in first.results] == [("alpha", "made")]
    assert sorted(p.name for p in out.iterdir()) == ["alpha.mp4", MANIFEST_NAME]
    made_at = (out / "alpha.mp4").stat().st_mtime_ns

    again = Batch(out, client=client, progress=False)
    again.add("alpha", sets["alpha"], FOUR)
    again.add("beta", sets["beta"], FOUR)
    assert [r.status for r in await again.run_async()] == ["skipped", "made"]
    assert (out / "alpha.mp4").stat().st_mtime_ns == made_at


# -- the record and the user's files -------------------------------------------------------


@pytest.mark.anyio
async def test_a_corrupted_record_is_kept_aside_and_made_videos_are_left_alone(
    client, engine, sets, tmp_path
):
    out = tmp_path / "videos"
    await same_batch(out, client, sets).run_async()
    before = mtimes(out)
    (out / MANIFEST_NAME).write_text('{"format": "nemo-widgets batch", "items": {')

    again = same_batch(out, client, sets)
    with pytest.warns(UserWarning, match="could not be read.*kept as nemo-batch.json.broken"):
        results = by_name(await again.run_async())

    assert (out / (MANIFEST_NAME + ".broken")).read_text().endswith('"items": {')
    # Without the record the batch cannot tell it made these videos: it does not replace them.
    for name in ("alpha", "beta"):
        assert results[name].status == "failed"
        assert f"{name}.mp4 already exists and was not made by this batch" in results[name].error
    assert mtimes(out) == before
    record = json.loads((out / MANIFEST_NAME).read_text())
    assert set(record["items"]) == {"alpha", "beta", "broken"}

    # Once the user moves a video away, it is made again, and its record is good again.
    (out / "alpha.mp4").unlink()
    third = same_batch(out, client, sets)
    results = by_name(await third.run_async())
    assert results["alpha"].status == "made"
    fourth = same_batch(out, client, sets)
    assert by_name(await fourth.run_async())["alpha"].status == "skipped"


@pytest.mark.anyio
async def test_a_record_from_a_newer_version_is_not_touched(client, sets, tmp_path):
    out = tmp_path / "videos"
    out.mkdir()
    newer = json.dumps({"format": "nemo-widgets batch", "version": 99, "items": {}})
    (out / MANIFEST_NAME).write_text(newer)
    batch = same_batch(out, client, sets)
    with pytest.raises(RuntimeError, match="newer nemo-widgets"):
        await batch.run_async()
    assert (out / MANIFEST_NAME).read_text() == newer


class UserSavesAFileMeanwhile(AsyncNemoClient):
    """The real client; while a video downloads, the user saves their own file at its path."""

    def __init__(self, *args, user_file: Path, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_file = user_file

    async def download(self, job, dest="."):
        path = await super().download(job, dest)
        self.user_file.write_bytes(b"saved by the user while the video was made")
        return path


@pytest.mark.anyio
async def test_a_file_that_appears_while_the_video_is_made_is_kept(engine, sets, tmp_path):
    out = tmp_path / "videos"
    user_file = out / "alpha.mp4"
    async with UserSavesAFileMeanwhile(engine.url, timings=TIMINGS, user_file=user_file) as nemo:
        batch = Batch(out, client=nemo, progress=False)
        batch.add("alpha", sets["alpha"], FOUR)
        (result,) = await batch.run_async()
    assert result.status == "failed" and "not made by this batch" in result.error
    assert user_file.read_bytes() == b"saved by the user while the video was made"
    assert sorted(p.name for p in out.iterdir()) == ["alpha.mp4", MANIFEST_NAME]


@pytest.mark.anyio
async def test_an_error_outside_the_items_stops_every_item(client, sets, tmp_path):
    def broken_callback(result):
        raise LookupError("a bug in the user's callback")

    batch = Batch(tmp_path / "videos", client=client, on_result=broken_callback, progress=False)
    batch.add("broken", sets["broken"], FOUR)  # fails at once, so the callback runs at once
    batch.add("alpha", sets["alpha"], FOUR)
    batch.add("beta", sets["beta"], FOUR)
    with pytest.raises(LookupError):
        await batch.run_async()
    # Nothing of the batch is left working after run_async() has returned.
    left = [t for t in asyncio.all_tasks() if "Batch._one" in t.get_coro().__qualname__]
    assert left == []
    assert [r.name for r in batch.results] == ["broken"]


@pytest.mark.anyio
async def test_a_file_the_batch_did_not_make_is_never_overwritten(client, engine, sets, tmp_path):
    out = tmp_path / "videos"
    out.mkdir()
    (out / "alpha.mp4").write_bytes(b"the user's own video")
    batch = same_batch(out, client, sets)
    results = by_name(await batch.run_async())

    assert results["alpha"].status == "failed"
    assert "alpha.mp4 already exists and was not made by this batch" in results["alpha"].error
    assert (out / "alpha.mp4").read_bytes() == b"the user's own video"
    assert results["beta"].status == "made"
    assert counts(engine) == (1, 1)  # refused before any work was sent

    # A video the batch made, then replaced by the user, is the user's file from then on.
    (out / "beta.mp4").write_bytes(b"edited by hand")
    changed = Batch(out, client=client, progress=False)
    changed.add("beta", sets["beta"], THREE)
    (result,) = await changed.run_async()
    assert result.status == "failed" and "not made by this batch" in result.error
    assert (out / "beta.mp4").read_bytes() == b"edited by hand"


def test_a_large_record_keeps_its_latest_items_in_a_journal_and_loses_none(tmp_path, monkeypatch):
    # As with thousands of items: every rewrite counts as slow, none is due again yet.
    monkeypatch.setattr(batch_module, "_QUICK_REWRITE_S", 0.0)
    monkeypatch.setattr(batch_module, "_REWRITE_EVERY", 1e9)
    path = tmp_path / MANIFEST_NAME
    manifest = batch_module._Manifest(path, {f"old{n}": {"status": "made"} for n in range(50)})
    manifest.save()
    for n in range(3):
        manifest.entries[f"new{n}"] = {"status": "made", "n": n}
        manifest.keep(f"new{n}")
    journal = tmp_path / f".{MANIFEST_NAME}.journal"
    assert len(journal.read_text().splitlines()) == 3
    assert "new0" not in json.loads(path.read_text())["items"]  # not rewritten for each item
    with journal.open("a") as out:
        out.write('{"new3": {"status": "ma')  # a line cut short by a crash

    # A restart reads the record and the journal: every finished item is there.
    loaded = batch_module._Manifest.load(path)
    expected = [*(f"old{n}" for n in range(50)), "new0", "new1", "new2"]
    assert sorted(loaded.entries) == sorted(expected)
    assert loaded.entries["new2"] == {"status": "made", "n": 2}

    loaded.finish()  # the end of a run folds the journal into the record
    assert not journal.exists()
    assert json.loads(path.read_text())["items"] == loaded.entries


@pytest.mark.anyio
async def test_a_run_folds_its_journal_into_the_record(client, sets, tmp_path, monkeypatch):
    monkeypatch.setattr(batch_module, "_QUICK_REWRITE_S", 0.0)
    monkeypatch.setattr(batch_module, "_REWRITE_EVERY", 1e9)
    out = tmp_path / "videos"
    results = await same_batch(out, client, sets).run_async()

    record = json.loads((out / MANIFEST_NAME).read_text())
    assert {name: entry["status"] for name, entry in record["items"].items()} == {
        r.name: r.status for r in results
    }
    assert sorted(p.name for p in out.iterdir()) == ["alpha.mp4", "beta.mp4", MANIFEST_NAME]


def test_run_blocks_with_a_progress_bar_over_the_items(engine, sets, tmp_path, capsys):
    out = tmp_path / "videos"
    with NemoClient(engine.url, timings=TIMINGS) as nemo:
        batch = Batch(out, client=nemo)
        batch.add("alpha", sets["alpha"], FOUR)
        batch.add("broken", sets["broken"], FOUR)
        results = batch.run()
    assert [r.status for r in results] == ["made", "failed"]
    bar = capsys.readouterr().err
    assert "2/2" in bar and "1 made, 1 failed" in bar


@pytest.mark.anyio
async def test_out_of_credits_stops_starting_new_items(start_engine, sets, tmp_path):
    poor = start_engine(budget=1.0)  # one edit, then no credits
    out = tmp_path / "videos"
    async with AsyncNemoClient(poor.url, timings=TIMINGS) as nemo:
        batch = Batch(out, client=nemo, concurrency=1, progress=False)
        for name in ("alpha", "beta", "gamma"):
            batch.add(name, sets[name], FOUR)
        results = await batch.run_async()
    assert [r.status for r in results] == ["made", "failed", "failed"]
    assert "credits" in results[1].error
    assert results[2].error.startswith("Not started: ") and "credits" in results[2].error


# -- building a batch ----------------------------------------------------------------------


def test_from_folders_makes_one_item_per_subfolder_with_photos(sets, tmp_path):
    root = tmp_path / "sets"
    (root / "empty").mkdir()
    (root / ".hidden").mkdir()
    make_photo(root / ".hidden" / "1.jpg", (64, 64))
    (root / "notes.txt").write_text("not a folder")
    make_photo(root / "alpha" / "10.jpg", (64, 64))
    (root / "alpha" / "readme.txt").write_text("not a photo")
    out = root / "videos"  # the output folder inside the root is not an item
    out.mkdir()
    (out / "old.mp4").write_bytes(b"x")

    batch = Batch.from_folders(root, FOUR, folder=out, aspect="1:1", progress=False)

    assert [item.name for item in batch.items] == ["alpha", "beta", "broken", "gamma"]
    alpha = batch.items[0]
    assert (alpha.prompt, alpha.aspect) == (FOUR, "1:1")
    assert [p.name for p in alpha.photo_files()] == ["1.jpg", "2.jpg", "10.jpg"]
    assert batch.folder == out

    with pytest.raises(ValueError, match=r"No subfolder of .* holds photos"):
        Batch.from_folders(root / "empty", FOUR)
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        Batch.from_folders(tmp_path / "nowhere", FOUR)


def test_wrong_use_is_refused_with_what_to_do(tmp_path):
    batch = Batch(tmp_path / "videos")
    with pytest.raises(ValueError, match=r"no items: add some with batch\.add"):
        batch.run()
    batch.add("Beach", ["a.jpg"], FOUR)  # files are checked when the batch runs
    with pytest.raises(ValueError, match="already has an item named 'Beach'"):
        batch.add("beach", ["b.jpg"], FOUR)
    for name in ("a/b", "..", ".hidden", " padded", "what?", ""):
        with pytest.raises(ValueError, match="name"):
            batch.add(name, ["a.jpg"], FOUR)
    with pytest.raises(ValueError, match=r"without \.mp4"):
        batch.add("clip.mp4", ["a.jpg"], FOUR)
    with pytest.raises(ValueError, match="no photos"):
        batch.add("none", [], FOUR)
    with pytest.raises(ValueError, match="empty prompt"):
        batch.add("quiet", ["a.jpg"], "  ")
    with pytest.raises(ValueError, match="use one of 16:9"):
        batch.add("wide", ["a.jpg"], FOUR, aspect="21:9")
    with pytest.raises(ValueError, match="concurrency"):
        Batch(tmp_path, concurrency=0)
    assert len(batch) == 1

    (tmp_path / "file").write_text("x")
    on_a_file = Batch(tmp_path / "file")
    on_a_file.add("a", ["a.jpg"], FOUR)
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        on_a_file.run()

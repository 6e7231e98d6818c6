"""The videos a tool made in a folder: ownership by size and mtime, refusals, records, staging."""

from __future__ import annotations

import json
import os

import pytest

from nemo_widgets.workflows.outputs import Outputs, is_ours, prepare_folder, stamp, write_json

OUTPUTS = Outputs(
    made_by="this test tool",
    what_to_do="move it away, then run again.",
    staging=".test-partial",
)


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"a video the tool made")
    return path


def test_the_folder_is_made_unless_a_file_is_in_the_way(tmp_path):
    folder = tmp_path / "deep" / "videos"
    prepare_folder(folder)
    prepare_folder(folder)  # already there: fine
    assert folder.is_dir()
    in_the_way = tmp_path / "videos.mp4"
    in_the_way.write_bytes(b"the user's file")
    with pytest.raises(NotADirectoryError, match="choose another folder for the videos"):
        prepare_folder(in_the_way)
    assert in_the_way.read_bytes() == b"the user's file"


def test_a_file_with_its_recorded_stamp_is_ours(video):
    assert stamp(video) == {"size": video.stat().st_size, "mtime_ns": video.stat().st_mtime_ns}
    assert is_ours(video, stamp(video))
    # What a record holds besides the stamp does not matter.
    assert is_ours(video, {"file": video.name, **stamp(video), "duration_s": 2.0})


def test_a_changed_missing_or_unrecorded_file_is_not_ours(video, tmp_path):
    recorded = stamp(video)
    assert not is_ours(video, None)
    assert not is_ours(video, "not an entry")
    assert not is_ours(video, {"size": recorded["size"]})  # no mtime recorded
    assert not is_ours(tmp_path / "gone.mp4", recorded)

    st = video.stat()
    os.utime(video, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert not is_ours(video, recorded)  # touched since

    video.write_bytes(b"edited by hand, longer than before")
    os.utime(video, ns=(st.st_atime_ns, recorded["mtime_ns"]))
    assert not is_ours(video, recorded)  # same mtime, other size


def test_a_folder_with_a_matching_stamp_is_not_ours(tmp_path):
    folder = tmp_path / "clip.mp4"
    folder.mkdir()
    assert not is_ours(folder, stamp(folder))


def test_a_foreign_file_is_refused_with_what_to_do(video):
    OUTPUTS.refuse_foreign(video.with_name("free.mp4"), None)  # nothing there: fine
    OUTPUTS.refuse_foreign(video, stamp(video))  # its own: fine
    with pytest.raises(FileExistsError) as refused:
        OUTPUTS.refuse_foreign(video, None)
    assert str(refused.value) == (
        f"{video} already exists and was not made by this test tool, so it was left as it is: "
        "move it away, then run again."
    )


def test_a_dangling_link_at_the_output_path_is_refused(tmp_path):
    link = tmp_path / "clip.mp4"
    link.symlink_to(tmp_path / "nowhere.mp4")
    with pytest.raises(FileExistsError, match="not made by this test tool"):
        OUTPUTS.refuse_foreign(link, None)
    assert link.is_symlink()


def test_a_record_is_written_whole_and_replaced_whole(tmp_path):
    record = tmp_path / "record.json"
    write_json(record, {"videos": {"a.mp4": {"prompt": "café ☕", "size": 1}}})
    assert json.loads(record.read_text(encoding="utf-8")) == {
        "videos": {"a.mp4": {"prompt": "café ☕", "size": 1}}
    }
    assert "café ☕" in record.read_text(encoding="utf-8")  # readable, not \u-escaped

    write_json(record, {"videos": {}})
    assert json.loads(record.read_text(encoding="utf-8")) == {"videos": {}}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


def test_a_record_that_cannot_be_written_leaves_the_old_one(tmp_path):
    record = tmp_path / "record.json"
    write_json(record, {"videos": {"a.mp4": {"size": 1}}})
    before = record.read_bytes()
    with pytest.raises(TypeError):
        write_json(record, {"videos": {"b.mp4": object()}})
    assert record.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]  # no temporary left


def test_a_video_is_staged_then_moved_into_place(tmp_path):
    target = tmp_path / "clip.mp4"
    with OUTPUTS.staged(target) as partial:
        assert partial == tmp_path / ".test-partial" / "clip.mp4"
        assert partial.parent.is_dir()
        partial.write_bytes(b"downloaded")
        OUTPUTS.move_into_place(partial, target, None)
    assert target.read_bytes() == b"downloaded"
    OUTPUTS.remove_staging(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]


def test_what_is_left_in_staging_is_removed_when_making_fails(tmp_path):
    target = tmp_path / "clip.mp4"
    with pytest.raises(RuntimeError), OUTPUTS.staged(target) as partial:
        partial.write_bytes(b"half a download")
        raise RuntimeError("the render failed")
    assert not partial.exists()
    assert not target.exists()


def test_a_file_that_appeared_meanwhile_is_not_replaced(video, tmp_path):
    made_earlier = stamp(video)
    video.write_bytes(b"the user's own video, saved meanwhile")
    with pytest.raises(FileExistsError), OUTPUTS.staged(video) as partial:
        partial.write_bytes(b"the new video")
        OUTPUTS.move_into_place(partial, video, made_earlier)
    assert video.read_bytes() == b"the user's own video, saved meanwhile"


def test_its_own_video_is_replaced(video):
    with OUTPUTS.staged(video) as partial:
        partial.write_bytes(b"the new video")
        OUTPUTS.move_into_place(partial, video, stamp(video))
    assert video.read_bytes() == b"the new video"


def test_the_staging_folder_is_kept_while_another_run_uses_it(tmp_path):
    other_run = tmp_path / ".test-partial" / "other.mp4"
    other_run.parent.mkdir()
    other_run.write_bytes(b"still downloading")
    OUTPUTS.remove_staging(tmp_path)
    assert other_run.read_bytes() == b"still downloading"
    OUTPUTS.remove_staging(tmp_path / "no such folder")  # nothing to remove: no error

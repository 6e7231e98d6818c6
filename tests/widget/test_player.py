"""VideoPlayer, the kernel side: the video section of docs/widget-protocol.md on a recording comm.

The tests play the browser: they send ``video_request`` and ``video_ack`` as the front end
does and read the ``video_chunk`` / ``video_error`` messages the widget sent.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from nemo_widgets.widget import VideoPlayer
from tests.widget.studio_harness import recording_comms

MIB = 1024 * 1024


def open_player(path: Path, **options: Any) -> VideoPlayer:
    with recording_comms():
        return VideoPlayer(path, **options)


def messages(player: VideoPlayer, kind: str) -> list[tuple[dict[str, Any], list[Any]]]:
    """The custom messages of one ``type`` the player sent, with their buffers."""
    return [
        (data["content"], buffers)
        for msg_type, data, buffers in player.comm.log
        if msg_type == "comm_msg"
        and data.get("method") == "custom"
        and data["content"].get("type") == kind
    ]


def browser_says(player: VideoPlayer, content: dict[str, Any]) -> None:
    """A message from the front end, handled as the kernel's comm handler would."""
    player._handle_custom_msg(content, [])


def fetch(player: VideoPlayer, token: int, rng: random.Random) -> bytes:
    """Request the video, then acknowledge pieces in a shuffled order until the last one came."""
    browser_says(player, {"type": "video_request", "token": token})
    received: dict[int, bytes] = {}
    acked: set[int] = set()
    while True:
        chunks = messages(player, "video_chunk")
        for content, buffers in chunks:
            assert len(buffers) == 1
            received.setdefault(content["seq"], bytes(buffers[0]))
        waiting = sorted(set(received) - acked)
        assert len(waiting) <= 8, "more pieces in flight than the window allows"
        if not waiting:
            break
        rng.shuffle(waiting)
        for seq in waiting[: rng.randint(1, len(waiting))]:
            acked.add(seq)
            browser_says(player, {"type": "video_ack", "token": token, "seq": seq})
    last = [content["seq"] for content, _ in messages(player, "video_chunk") if content["last"]]
    assert last == [max(received)]
    return b"".join(received[seq] for seq in range(len(received)))


def test_the_state_names_the_file_and_holds_no_bytes(tmp_path: Path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\0" * 5000)
    player = open_player(video, url="http://127.0.0.1:9/clip.mp4", width=480)
    assert player.video == {
        "token": 1,
        "url": "http://127.0.0.1:9/clip.mp4",
        "name": "clip.mp4",
        "size": 5000,
    }
    assert player.error == ""
    assert player.width == "480px"
    assert player.path == video
    # The state the comm opened with already holds all of it, and never the file.
    opened = next(data for kind, data, _ in player.comm.log if kind == "comm_open")
    state = opened["state"]
    assert state["video"]["name"] == "clip.mp4" and state["width"] == "480px"
    assert not any(buffers for _, _, buffers in player.comm.log)
    assert open_player(video, width="50%").width == "50%"
    assert open_player(video).width == ""


def test_a_request_streams_the_file_in_1_mib_pieces_acked_in_a_window(tmp_path: Path):
    video = tmp_path / "out.mp4"
    data = random.Random(7).randbytes(3 * MIB + 12345)  # 4 pieces of 1 MiB
    video.write_bytes(data)
    player = open_player(video)
    assert player._streamer.chunk_size == MIB
    assert fetch(player, 1, random.Random(1)) == data
    sizes = [len(buffers[0]) for _, buffers in messages(player, "video_chunk")]
    assert sizes == [MIB, MIB, MIB, 12345]
    assert all(content["size"] == len(data) for content, _ in messages(player, "video_chunk"))
    assert messages(player, "video_error") == []


def test_many_small_pieces_arrive_whole_in_any_ack_order(tmp_path: Path):
    video = tmp_path / "out.mp4"
    data = random.Random(3).randbytes(40_000 + 17)
    video.write_bytes(data)
    player = open_player(video)
    player._streamer.chunk_size = 1000  # 41 pieces: several windows of 8
    assert fetch(player, 1, random.Random(5)) == data
    # Played again (a second view, a reload): the same bytes again.
    player.comm.log.clear()
    assert fetch(player, 1, random.Random(6)) == data


def test_a_missing_file_is_said_plainly_and_answered_with_video_error(tmp_path: Path):
    missing = tmp_path / "gone.mp4"
    player = open_player(missing)
    assert "gone.mp4 is not on this machine" in player.error
    assert str(missing) in player.error
    assert player.video["size"] == 0
    browser_says(player, {"type": "video_request", "token": 1})
    [(content, buffers)] = messages(player, "video_error")
    assert content == {"type": "video_error", "token": 1, "message": player.error}
    assert buffers == []
    assert messages(player, "video_chunk") == []


def test_a_file_deleted_after_the_player_was_made_gives_video_error(tmp_path: Path):
    video = tmp_path / "out.mp4"
    video.write_bytes(b"x" * 2000)
    player = open_player(video)
    assert player.error == ""
    video.unlink()
    browser_says(player, {"type": "video_request", "token": 1})
    [(content, _)] = messages(player, "video_error")
    assert "out.mp4 is not on this machine" in content["message"]


def test_a_folder_is_not_a_video(tmp_path: Path):
    player = open_player(tmp_path)
    assert "is a folder" in player.error


def test_requests_and_acks_of_another_token_are_refused(tmp_path: Path):
    video = tmp_path / "out.mp4"
    video.write_bytes(b"x" * 2000)
    player = open_player(video)
    browser_says(player, {"type": "video_request", "token": 2})
    [(content, _)] = messages(player, "video_error")
    assert content["token"] == 2
    assert messages(player, "video_chunk") == []
    browser_says(player, {"type": "video_ack", "token": 2, "seq": 0})  # ignored, no error
    browser_says(player, {"type": "something else"})
    browser_says(player, "not even a dict")  # type: ignore[arg-type]
    assert len(messages(player, "video_error")) == 1


def test_close_stops_the_stream_and_lets_go_of_the_file(tmp_path: Path):
    video = tmp_path / "out.mp4"
    video.write_bytes(b"x" * 20_000)
    player = open_player(video)
    player._streamer.chunk_size = 1000
    browser_says(player, {"type": "video_request", "token": 1})
    assert player._streamer.in_flight == 8
    player.close()
    assert player._streamer.in_flight == 0


@pytest.mark.parametrize(
    ("width", "error"),
    [(0, ValueError), (-5, ValueError), (True, TypeError), (1.5, TypeError)],
)
def test_a_bad_width_is_refused(tmp_path: Path, width: Any, error: type[Exception]):
    with pytest.raises(error, match="width"):
        open_player(tmp_path / "x.mp4", width=width)


# -- a preview: a small MP4 of the same video, played while the full one comes -------------------


def fetch_both(player: VideoPlayer, rng: random.Random) -> dict[int, bytes]:
    """Ask for the preview (2) and the video (1) as the front end does, then acknowledge the
    pieces of both in one shuffled stream until neither sends more: the two files, by token."""
    browser_says(player, {"type": "video_request", "token": 2})
    browser_says(player, {"type": "video_request", "token": 1})
    received: dict[int, dict[int, bytes]] = {1: {}, 2: {}}
    acked: set[tuple[int, int]] = set()
    while True:
        for content, buffers in messages(player, "video_chunk"):
            received[content["token"]].setdefault(content["seq"], bytes(buffers[0]))
        waiting = [(t, s) for t in received for s in received[t] if (t, s) not in acked]
        for token in (1, 2):
            assert sum(t == token for t, _ in waiting) <= 8, "more in flight than the window"
        if not waiting:
            break
        rng.shuffle(waiting)
        for token, seq in waiting[: rng.randint(1, len(waiting))]:
            acked.add((token, seq))
            browser_says(player, {"type": "video_ack", "token": token, "seq": seq})
    return {
        token: b"".join(pieces[seq] for seq in range(len(pieces)))
        for token, pieces in received.items()
    }


def test_the_preview_is_a_second_file_with_its_own_token(tmp_path: Path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\0" * 5000)
    small = tmp_path / "clip.preview.mp4"
    small.write_bytes(b"\1" * 700)
    player = open_player(
        video, url="http://127.0.0.1:9/clip.mp4", preview=small, preview_url="http://127.0.0.1:9/p"
    )
    assert player.preview == {
        "token": 2,
        "url": "http://127.0.0.1:9/p",
        "name": "clip.preview.mp4",
        "size": 700,
    }
    assert player.video["token"] == 1
    assert player.preview_path == small
    opened = next(data for kind, data, _ in player.comm.log if kind == "comm_open")
    assert opened["state"]["preview"]["token"] == 2  # there from the first render
    assert open_player(video, preview=small).preview["url"] is None
    plain = open_player(video)
    assert plain.preview == {} and plain.preview_path is None


def test_both_files_stream_at_once_each_piece_and_ack_naming_its_file(tmp_path: Path):
    video = tmp_path / "out.mp4"
    full = random.Random(11).randbytes(30_000 + 5)
    video.write_bytes(full)
    small = tmp_path / "out.preview.mp4"
    preview = random.Random(12).randbytes(9_000 + 3)
    small.write_bytes(preview)
    player = open_player(video, preview=small)
    player._streamer.chunk_size = player._preview_streamer.chunk_size = 1000
    assert fetch_both(player, random.Random(2)) == {1: full, 2: preview}
    # The preview was asked for first: its first window went out before the video's.
    tokens = [content["token"] for content, _ in messages(player, "video_chunk")]
    assert tokens[:8] == [2] * 8 and tokens[8:16] == [1] * 8
    assert messages(player, "video_error") == []


def test_a_missing_preview_is_no_error_and_the_video_streams_as_without_one(tmp_path: Path):
    video = tmp_path / "out.mp4"
    data = b"v" * 3000
    video.write_bytes(data)
    player = open_player(video, preview=tmp_path / "never-made.mp4")
    assert player.preview == {} and player.preview_path is None
    assert player.error == ""
    assert fetch(player, 1, random.Random(3)) == data

    # A preview deleted after the player was made: the browser is told, the video still comes.
    small = tmp_path / "out.preview.mp4"
    small.write_bytes(b"p" * 500)
    player = open_player(video, preview=small)
    small.unlink()
    browser_says(player, {"type": "video_request", "token": 2})
    [(content, _)] = messages(player, "video_error")
    assert content["token"] == 2 and "out.preview.mp4 is not on this machine" in content["message"]
    assert player.error == ""
    player.comm.log.clear()
    assert fetch(player, 1, random.Random(4)) == data


def test_without_a_preview_its_token_is_refused_like_any_other(tmp_path: Path):
    video = tmp_path / "out.mp4"
    video.write_bytes(b"x" * 2000)
    player = open_player(video)
    browser_says(player, {"type": "video_request", "token": 2})
    [(content, _)] = messages(player, "video_error")
    assert content["token"] == 2 and "replaced" in content["message"]
    assert messages(player, "video_chunk") == []


def test_bad_preview_arguments_are_refused_with_what_to_do(tmp_path: Path):
    video = tmp_path / "out.mp4"
    video.write_bytes(b"x" * 10)
    with pytest.raises(ValueError, match=r"preview=\.\.\."):
        open_player(video, preview_url="http://127.0.0.1:9/p.mp4")
    with pytest.raises(TypeError, match="preview_url must be a string"):
        open_player(video, preview=video, preview_url=5)


def test_close_stops_both_streams(tmp_path: Path):
    video = tmp_path / "out.mp4"
    video.write_bytes(b"x" * 20_000)
    small = tmp_path / "small.mp4"
    small.write_bytes(b"y" * 20_000)
    player = open_player(video, preview=small)
    player._streamer.chunk_size = player._preview_streamer.chunk_size = 1000
    browser_says(player, {"type": "video_request", "token": 2})
    browser_says(player, {"type": "video_request", "token": 1})
    assert player._streamer.in_flight == 8 and player._preview_streamer.in_flight == 8
    player.close()
    assert player._streamer.in_flight == 0 and player._preview_streamer.in_flight == 0

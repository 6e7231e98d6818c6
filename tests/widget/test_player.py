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

"""Browser uploads: pieces reassembled into temp files, refused when they break the rules.

The first half drives :class:`UploadReceiver` directly; the second half sends the contract's
custom messages to a real :class:`NemoStudio` through a mock comm.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from nemo_widgets.widget.uploads import UploadReceiver, UploadRefused, safe_name
from tests.media_factory import PALETTE, make_photo
from tests.widget.studio_harness import (
    attachment,
    browser_says,
    customs,
    open_studio,
    upload_file,
    wait_for,
)

PIECE = 1000  # small pieces keep these tests fast; the widget uses 1 MiB


def pieces(data: bytes, size: int = PIECE) -> list[tuple[int, int, bytes]]:
    """(seq, offset, bytes) of ``data`` cut like the browser cuts a file."""
    return [
        (n, offset, data[offset : offset + size])
        for n, offset in enumerate(range(0, len(data), size))
    ]


@pytest.fixture
def receiver(tmp_path: Path):
    receiver = UploadReceiver(max_bytes=50_000, chunk_size=PIECE, window=8, root=tmp_path / "up")
    (tmp_path / "up").mkdir()
    yield receiver
    receiver.close()


@pytest.fixture
def data() -> bytes:
    return random.Random(7).randbytes(7_500)  # 7.5 pieces


def test_pieces_in_order_rebuild_the_file(receiver: UploadReceiver, data: bytes):
    incoming = receiver.begin("u1", "beach.jpg", len(data), "image/jpeg")
    assert incoming.path.name == "beach.jpg"
    assert incoming.path.parent.parent == receiver.root
    for seq, offset, piece in pieces(data):
        receiver.chunk("u1", seq, offset, memoryview(piece))
    done = receiver.end("u1")
    assert done.path.read_bytes() == data
    assert done.received == len(data)


def test_pieces_out_of_order_rebuild_the_file(receiver: UploadReceiver, data: bytes):
    receiver.begin("u1", "beach.jpg", len(data))
    shuffled = pieces(data)
    random.Random(3).shuffle(shuffled)
    assert [seq for seq, _, _ in shuffled] != sorted(seq for seq, _, _ in shuffled)
    for seq, offset, piece in shuffled:
        receiver.chunk("u1", seq, offset, piece)
    assert receiver.end("u1").path.read_bytes() == data


def test_a_duplicate_piece_is_harmless_and_acknowledged_again(
    receiver: UploadReceiver, data: bytes
):
    receiver.begin("u1", "beach.jpg", len(data))
    cut = pieces(data)
    receiver.chunk("u1", *cut[0])
    incoming = receiver.chunk("u1", *cut[0])
    assert incoming is not None and incoming.received == PIECE  # counted once
    acks = receiver.take_acks(force=True)
    assert acks == [{"type": "upload_ack", "id": "u1", "received": PIECE, "acked": [0, 0]}]
    for seq, offset, piece in cut[1:]:
        receiver.chunk("u1", seq, offset, piece)
    assert receiver.end("u1").path.read_bytes() == data


def test_cancel_mid_way_deletes_the_temp_file(receiver: UploadReceiver, data: bytes):
    incoming = receiver.begin("u1", "beach.jpg", len(data))
    receiver.chunk("u1", *pieces(data)[0])
    assert incoming.path.exists()
    assert receiver.cancel("u1") is incoming
    assert not incoming.path.exists()
    assert not incoming.path.parent.exists()
    assert receiver.chunk("u1", *pieces(data)[1]) is None  # pieces still in flight: ignored


def test_a_file_over_the_limit_is_refused_at_begin(receiver: UploadReceiver):
    with pytest.raises(UploadRefused) as refused:
        receiver.begin("u1", "huge.jpg", 60_000)
    message = refused.value.message
    assert "huge.jpg" in message and "over the 49 KB limit" in message
    assert "smaller" in message  # says what to do
    assert list(receiver.root.iterdir()) == []  # nothing created


def test_the_limit_is_said_in_megabytes(tmp_path: Path):
    receiver = UploadReceiver(max_bytes=200 * 1024 * 1024, root=tmp_path)
    with pytest.raises(UploadRefused, match=r"is 250 MB, over the 200 MB limit"):
        receiver.begin("u1", "huge.mov", 250 * 1024 * 1024)


@pytest.mark.parametrize("size", [0, -5, "12", None, True])
def test_an_empty_or_unsized_file_is_refused(receiver: UploadReceiver, size: object):
    with pytest.raises(UploadRefused, match="empty"):
        receiver.begin("u1", "a.jpg", size)


def test_a_piece_past_the_declared_size_is_refused_and_the_file_deleted(
    receiver: UploadReceiver, data: bytes
):
    incoming = receiver.begin("u1", "beach.jpg", len(data))
    receiver.chunk("u1", *pieces(data)[0])
    with pytest.raises(UploadRefused, match="more bytes than its declared 7500"):
        receiver.chunk("u1", 8, 7_000, b"x" * 600)
    assert not incoming.path.exists()
    assert receiver.chunk("u1", *pieces(data)[1]) is None  # the upload is gone
    assert receiver.end("u1") is None


def test_a_piece_over_the_chunk_size_is_refused(receiver: UploadReceiver, data: bytes):
    incoming = receiver.begin("u1", "beach.jpg", len(data))
    with pytest.raises(UploadRefused, match="over the 1000 allowed"):
        receiver.chunk("u1", 0, 0, data[:1001])
    assert not incoming.path.exists()


def test_an_incomplete_upload_is_refused_at_end(receiver: UploadReceiver, data: bytes):
    incoming = receiver.begin("u1", "beach.jpg", len(data))
    for seq, offset, piece in pieces(data)[:-1]:
        receiver.chunk("u1", seq, offset, piece)
    with pytest.raises(UploadRefused, match=r"arrived incomplete \(7000 of 7500 bytes\)"):
        receiver.end("u1")
    assert not incoming.path.exists()


def test_overlapping_pieces_do_not_pass_for_a_whole_file(receiver: UploadReceiver):
    data = bytes(range(200)) * 10  # 2000 bytes
    receiver.begin("u1", "a.jpg", len(data))
    receiver.chunk("u1", 0, 0, data[:1000])
    receiver.chunk("u1", 1, 500, data[500:1500])  # overlaps the first piece
    receiver.chunk("u1", 2, 1500, data[1500:])  # 500 bytes: 2000 in all, but byte 1500.. twice
    with pytest.raises(UploadRefused, match="incomplete"):
        receiver.end("u1")


def test_acks_travel_in_groups(receiver: UploadReceiver, data: bytes):
    receiver.begin("u1", "beach.jpg", len(data))
    cut = pieces(data)  # 8 pieces
    for piece in cut[:3]:
        receiver.chunk("u1", *piece)
        assert receiver.take_acks() == []  # fewer than half the window waiting
    receiver.chunk("u1", *cut[3])
    assert receiver.take_acks() == [
        {"type": "upload_ack", "id": "u1", "received": 4 * PIECE, "acked": [0, 1, 2, 3]}
    ]
    for piece in cut[4:7]:
        receiver.chunk("u1", *piece)
        assert receiver.take_acks() == []
    receiver.chunk("u1", *cut[7])  # the last byte arrived: acknowledge at once
    assert receiver.take_acks() == [
        {"type": "upload_ack", "id": "u1", "received": len(data), "acked": [4, 5, 6, 7]}
    ]


def test_acks_of_several_uploads_are_due_together(receiver: UploadReceiver, data: bytes):
    """Three uploads sharing the browser's window of 8 must not stall at 3 + 3 + 2."""
    for upload_id in ("a", "b", "c"):
        receiver.begin(upload_id, f"{upload_id}.jpg", len(data))
    cut = pieces(data)
    acks = []
    for upload_id, count in (("a", 3), ("b", 3), ("c", 2)):
        for piece in cut[:count]:
            receiver.chunk(upload_id, *piece)
            acks += receiver.take_acks()
    # Due at every 4th piece overall, whichever upload it belongs to: nothing waits.
    assert [ack["id"] for ack in acks] == ["a", "b", "b", "c"]
    assert sum(len(ack["acked"]) for ack in acks) == 8


def test_names_lose_their_folders_and_unsafe_characters(receiver: UploadReceiver):
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name(r"C:\Users\me\photo.jpg") == "photo.jpg"
    assert safe_name('a<b>:"c|?*.png') == "a_b___c___.png"
    assert safe_name("..") == ""
    incoming = receiver.begin("../../evil", "../../../x.jpg", 10)
    assert incoming.path.name == "x.jpg"
    assert incoming.path.resolve().is_relative_to(receiver.root.resolve())
    with pytest.raises(UploadRefused, match="no usable name"):
        receiver.begin("u2", "/tmp/", 10)
    with pytest.raises(UploadRefused, match="duplicate"):
        receiver.begin("../../evil", "y.jpg", 10)


def test_close_deletes_every_file(tmp_path: Path, data: bytes):
    receiver = UploadReceiver(max_bytes=50_000, chunk_size=PIECE)  # its own temp folder
    running = receiver.begin("u1", "a.jpg", len(data))
    finished = receiver.begin("u2", "b.jpg", PIECE)
    receiver.chunk("u2", 0, 0, data[:PIECE])
    receiver.end("u2")
    root = receiver.root
    assert root is not None and running.path.exists() and finished.path.exists()
    receiver.close()
    assert not root.exists()
    with pytest.raises(UploadRefused, match="closed"):
        receiver.begin("u3", "c.jpg", 10)


def test_pieces_are_written_without_holding_the_file(receiver: UploadReceiver):
    """A piece lands on disk when it arrives: nothing is gathered in memory."""
    incoming = receiver.begin("u1", "a.jpg", 3 * PIECE)
    receiver.chunk("u1", 2, 2 * PIECE, b"c" * PIECE)
    assert os.path.getsize(incoming.path) == 3 * PIECE
    with open(incoming.path, "rb") as written:
        written.seek(2 * PIECE)
        assert written.read() == b"c" * PIECE


# -- the same through the widget's custom messages (mock comm, real engine) -----------------


@pytest.fixture
def studio(engine):
    with open_studio(engine.url) as studio:
        yield studio


@pytest.fixture
def big_photo(tmp_path: Path) -> bytes:
    """A real JPEG of about 2.4 MB: three 1 MiB pieces."""
    path = make_photo(tmp_path / "big.jpg", (3000, 2000), PALETTE[1], detail=True, quality=95)
    data = path.read_bytes()
    assert 2 * 1024 * 1024 < len(data) <= 3 * 1024 * 1024
    return data


def test_upload_messages_out_of_order_reach_the_session(studio, big_photo: bytes):
    upload_file(studio, "b1", "big.jpg", big_photo, order=[2, 0, 1])

    done = wait_for(
        lambda: (a := attachment(studio, "b1")) and a["state"] != "uploading" and a,
        "the upload to finish",
    )
    # Issue 14 item 7: a finished attachment carries the kernel's thumbnail (page reloads).
    assert done.pop("thumb").startswith("data:image/jpeg")
    assert done == {
        "id": "b1",
        "name": "big.jpg",
        "size": len(big_photo),
        "state": "done",
        "progress": 1.0,
        "error": None,
    }
    acks = customs(studio, "upload_ack")
    assert acks[0] == {"type": "upload_ack", "id": "b1", "received": 0, "acked": []}
    assert sorted(seq for ack in acks for seq in ack["acked"]) == [0, 1, 2]
    assert acks[-1]["received"] == len(big_photo)
    assert customs(studio, "upload_error") == []
    # Kept until close: the assistant uploads it again if the server loses the session.
    kept = next(studio._uploads.root.glob("*/big.jpg"))
    assert kept.read_bytes() == big_photo
    assert any("big.jpg" in m["text"] for m in studio.messages if m["role"] == "status")


def test_cancel_mid_way_removes_the_attachment_and_the_temp_file(studio, big_photo: bytes):
    browser_says(
        studio,
        {
            "type": "upload_begin",
            "id": "c1",
            "name": "big.jpg",
            "size": len(big_photo),
            "mime": "image/jpeg",
        },
    )
    browser_says(
        studio,
        {"type": "upload_chunk", "id": "c1", "seq": 0, "offset": 0},
        big_photo[: 1024 * 1024],
    )
    temp = next(studio._uploads.root.glob("*/big.jpg"))
    assert attachment(studio, "c1")["state"] == "uploading"

    browser_says(studio, {"type": "upload_cancel", "id": "c1"})
    assert attachment(studio, "c1") is None
    assert not temp.exists()
    browser_says(
        studio,
        {"type": "upload_chunk", "id": "c1", "seq": 1, "offset": 1024 * 1024},
        big_photo[1024 * 1024 : 2 * 1024 * 1024],
    )  # still in flight: ignored
    assert not temp.exists()
    assert customs(studio, "upload_error") == []


def test_a_file_over_the_limit_is_refused_at_begin_with_what_to_do(studio):
    too_big = studio.max_upload_bytes + 1
    browser_says(
        studio,
        {
            "type": "upload_begin",
            "id": "h1",
            "name": "huge.jpg",
            "size": too_big,
            "mime": "image/jpeg",
        },
    )
    [error] = customs(studio, "upload_error")
    assert error["id"] == "h1"
    assert "over the 200 MB limit" in error["message"] and "smaller" in error["message"]
    assert attachment(studio, "h1") == {
        "id": "h1",
        "name": "huge.jpg",
        "size": too_big,
        "state": "error",
        "progress": 0.0,
        "error": error["message"],
    }
    assert customs(studio, "upload_ack") == []


def test_a_piece_past_the_declared_size_fails_the_upload(studio):
    browser_says(studio, {"type": "upload_begin", "id": "p1", "name": "a.jpg", "size": 1000})
    temp = next(studio._uploads.root.glob("*/a.jpg"))
    browser_says(studio, {"type": "upload_chunk", "id": "p1", "seq": 0, "offset": 0}, b"x" * 1001)
    browser_says(studio, {"type": "upload_end", "id": "p1"})  # the browser had sent it all
    [error] = customs(studio, "upload_error")
    assert "more bytes than its declared 1000" in error["message"]
    assert attachment(studio, "p1")["state"] == "error"
    assert attachment(studio, "p1")["error"] == error["message"]  # not replaced by the end
    assert not temp.exists()


def test_upload_end_with_missing_bytes_fails_the_upload(studio):
    browser_says(studio, {"type": "upload_begin", "id": "i1", "name": "a.jpg", "size": 2000})
    browser_says(studio, {"type": "upload_chunk", "id": "i1", "seq": 0, "offset": 0}, b"x" * 1000)
    browser_says(studio, {"type": "upload_end", "id": "i1"})
    [error] = customs(studio, "upload_error")
    assert "incomplete (1000 of 2000 bytes)" in error["message"]
    assert attachment(studio, "i1")["state"] == "error"
    assert list(studio._uploads.root.glob("*/a.jpg")) == []


def test_a_file_the_server_refuses_shows_why(studio):
    upload_file(studio, "t1", "notes.jpg", b"just some text, not a photo\n" * 10)
    failed = wait_for(
        lambda: (a := attachment(studio, "t1")) and a["state"] != "uploading" and a, "the refusal"
    )
    assert failed["state"] == "error"
    assert "notes.jpg" in failed["error"] and "Traceback" not in failed["error"]
    assert all(m["role"] != "error" for m in studio.messages)  # shown on the file, not as chat


def test_closing_deletes_uploads_and_ignores_late_pieces(engine, big_photo: bytes):
    with open_studio(engine.url) as studio:
        browser_says(
            studio, {"type": "upload_begin", "id": "z1", "name": "big.jpg", "size": len(big_photo)}
        )
        browser_says(
            studio,
            {"type": "upload_chunk", "id": "z1", "seq": 0, "offset": 0},
            big_photo[: 1024 * 1024],
        )
        root = studio._uploads.root
        assert any(root.rglob("big.jpg"))
        studio.close()
        assert not root.exists()
        browser_says(
            studio,
            {"type": "upload_chunk", "id": "z1", "seq": 1, "offset": 1024 * 1024},
            big_photo[1024 * 1024 : 2 * 1024 * 1024],
        )
        assert not root.exists()


# -- many files (issue 14, item 5) ---------------------------------------------------------------


def test_files_attached_together_get_one_line_and_a_duplicate_is_refused(engine, tmp_path):
    from nemo_widgets.widget.studio_uploads import file_digest
    from tests.media_factory import PALETTE, make_photo
    from tests.widget.studio_harness import open_studio, upload_file, wait_for

    folder = tmp_path / "batch"
    folder.mkdir()
    photos = [make_photo(folder / f"p{n}.jpg", (64 + n, 48), PALETTE[n % 3]) for n in range(5)]
    photos[4].write_bytes(photos[0].read_bytes())  # p4.jpg: the same photo as p0.jpg
    assert file_digest(photos[4]) == file_digest(photos[0])
    with open_studio(engine.url) as studio:
        for n, photo in enumerate(photos):
            upload_file(studio, f"u{n}", photo.name, photo.read_bytes(), batch="b1", batch_size=5)
        wait_for(
            lambda: (
                all(a["state"] != "uploading" for a in studio.attachments)
                and len(studio.attachments) == 5
            ),
            "the five uploads",
        )
        states = {a["name"]: a["state"] for a in studio.attachments}
        assert states == {
            "p0.jpg": "done",
            "p1.jpg": "done",
            "p2.jpg": "done",
            "p3.jpg": "done",
            "p4.jpg": "error",
        }
        [duplicate] = [a for a in studio.attachments if a["name"] == "p4.jpg"]
        assert "already added" in duplicate["error"]
        wait_for(lambda: "Added 4 photos." in str(studio.messages), "the grouped line")
        lines = [m["text"] for m in studio.messages if m["role"] == "status"]
        assert lines == [
            "Added 4 photos. p4.jpg was already added (same content), so not added again."
        ]


def test_a_photo_uploaded_again_from_python_is_refused_with_a_note(engine, tmp_path):
    from tests.media_factory import PALETTE, make_photo
    from tests.widget.studio_harness import open_studio

    first = make_photo(tmp_path / "beach.jpg", (64, 48), PALETTE[0])
    other = make_photo(tmp_path / "sunset.jpg", (64, 48), PALETTE[1])
    again = tmp_path / "beach copy.jpg"
    again.write_bytes(first.read_bytes())
    with open_studio(engine.url) as studio:
        assert studio.upload(first) == ["beach.jpg"]
        assert studio.upload(again, other, other) == ["sunset.jpg"]  # one of each content
        assert studio.upload(again) == []
        states = [(a["name"], a["state"]) for a in studio.attachments]
        assert states.count(("beach copy.jpg", "error")) == 2
        assert states.count(("sunset.jpg", "error")) == 1
        notes = [m["text"] for m in studio.messages if "already added" in m["text"]]
        assert len(notes) == 3 and "beach copy.jpg was already added" in notes[0]

"""Checks made before an upload: formats by content, extensions, size, the inputs accepted."""

from __future__ import annotations

import io
from contextlib import ExitStack

import pillow_heif
import pytest
from PIL import Image

from nemo_widgets.api import cloud_formats
from nemo_widgets.api.errors import FileTooLarge, UnsupportedFile
from nemo_widgets.api.uploads import PreparedFile, prepare
from nemo_widgets.formats import extension_of, formats_agree, sniff

HEADS = {
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "gif": b"GIF89a\x01\x00\x01\x00",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    "mp4": b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41",
    "mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ",
    "avi": b"RIFF\x24\x00\x00\x00AVI LIST",
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm",
    "mkv": b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska",
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
    "m4a": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42",
    "aac": b"\xff\xf1\x50\x80\x02\x1f\xfc",
}


@pytest.mark.parametrize(("name", "head"), HEADS.items())
def test_sniff_recognises_every_accepted_format(name, head):
    assert sniff(head) == name


def test_sniff_mp3_frame_sync_without_id3():
    assert sniff(b"\xff\xfb\x90\x64\x00") == "mp3"


AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"


@pytest.mark.parametrize(
    "head", [b"", b"hello world", b"%PDF-1.7", b"PK\x03\x04", b"\x00" * 16, AVIF]
)
def test_sniff_refuses_other_content(head):
    assert sniff(head) is None


def test_extension_of():
    assert extension_of("Photo.JPEG") == "jpeg"
    assert extension_of("dir.v2/noext") == ""
    assert extension_of(r"C:\x\clip.MoV") == "mov"


@pytest.mark.parametrize(
    ("extension", "content", "agree"),
    [("jpeg", "jpg", True), ("mp4", "mov", True), ("m4a", "mp4", True), ("aac", "m4a", True),
     ("jpg", "png", False), ("heic", "mp4", False), ("mp3", "wav", False), ("exe", "jpg", False)],
)  # fmt: skip
def test_formats_agree(extension, content, agree):
    assert formats_agree(extension, content) is agree


def prepared(*files, max_bytes=10_000):
    with ExitStack() as stack:
        return prepare(files, max_bytes, stack)


def test_paths_bytes_and_file_objects(tmp_path):
    photo = tmp_path / "beach.jpg"
    photo.write_bytes(HEADS["jpg"] + b"\x00" * 100)
    stream = io.BytesIO(b"skip" + HEADS["png"] + b"\x00" * 10)
    stream.seek(4)
    items = prepared(photo, HEADS["mp3"] + b"\x00" * 5, ("clip.mp4", HEADS["mp4"]), stream)
    assert [(i.name, i.mime) for i in items] == [
        ("beach.jpg", "image/jpeg"),
        ("upload-2.mp3", "audio/mpeg"),
        ("clip.mp4", "video/mp4"),
        ("upload-4.png", "image/png"),
    ]
    assert [i.size for i in items] == [len(HEADS["jpg"]) + 100, len(HEADS["mp3"]) + 5, 32, 26]
    # A file object is re-read from where it stood, for every attempt of the request.
    with ExitStack() as attempt:
        assert items[3].open(attempt).read() == HEADS["png"] + b"\x00" * 10
    with ExitStack() as attempt:
        assert items[3].open(attempt).read(4) == HEADS["png"][:4]


def test_unseekable_stream_is_spooled_to_disk_and_checked():
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buffer):
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    with ExitStack() as stack:
        [item] = prepare((("song.wav", Pipe(HEADS["wav"] * 3)),), 10_000, stack)
        with ExitStack() as attempt:
            assert item.open(attempt).read() == HEADS["wav"] * 3
    with pytest.raises(FileTooLarge, match="over"):
        prepared(("song.wav", Pipe(HEADS["wav"] * 1000)), max_bytes=1000)


def test_wrong_extension_for_the_content(tmp_path):
    fake = tmp_path / "holiday.jpg"
    fake.write_bytes(HEADS["png"] + b"\x00" * 10)
    with pytest.raises(
        UnsupportedFile, match=r"holiday\.jpg is named \.jpg but its content is PNG"
    ):
        prepared(fake)


def test_unaccepted_extension_lists_the_accepted_formats(tmp_path):
    doc = tmp_path / "notes.pdf"
    doc.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(UnsupportedFile, match=r"\.pdf files are not accepted.*jpg, png"):
        prepared(doc)


def test_unrecognised_content(tmp_path):
    text = tmp_path / "photo.png"
    text.write_text("not an image")
    with pytest.raises(UnsupportedFile, match="not a recognised image, video or audio file"):
        prepared(text)


def test_empty_file(tmp_path):
    empty = tmp_path / "a.jpg"
    empty.write_bytes(b"")
    with pytest.raises(UnsupportedFile, match="empty"):
        prepared(empty)


def test_too_large(tmp_path):
    big = tmp_path / "big.mp4"
    big.write_bytes(HEADS["mp4"] + b"\x00" * 3 * 2**20)
    with pytest.raises(FileTooLarge, match=r"big\.mp4 is 3 MB; the limit is 2 MB"):
        prepared(big, max_bytes=2 * 2**20)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        prepared(tmp_path / "nope.jpg")
    with pytest.raises(IsADirectoryError, match="folder"):
        prepared(tmp_path)


def test_nothing_to_upload_and_wrong_types():
    with pytest.raises(ValueError, match="at least one file"):
        prepared()
    with pytest.raises(TypeError, match="not int"):
        prepared(42)


# -- formats the cloud does not list (nemo_widgets.api.cloud_formats) ----------------------------


@pytest.mark.parametrize("mode", ["RGBA", "L", "RGB"])
def test_a_heic_without_metadata_becomes_a_plain_jpeg(mode):
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new(mode, (40, 30), 128 if mode == "L" else (10, 200, 30, 128)[: len(mode)]).save(
        buffer, "HEIF"
    )
    with ExitStack() as stack:
        [photo] = prepare((("shot.HEIF", buffer.getvalue()),), 10**6, stack)
        assert cloud_formats.needs_adapting(photo) and photo.format == "heic"
        jpeg = cloud_formats.adapt(photo, stack)
        assert (jpeg.name, jpeg.mime, jpeg.format) == ("shot.jpg", "image/jpeg", "jpg")
        data = jpeg.open(stack).read()
        assert len(data) == jpeg.size and data[:3] == b"\xff\xd8\xff"
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (40, 30) and image.mode in ("RGB", "L")
            assert "icc_profile" not in image.info and not image.getexif()


@pytest.mark.parametrize(
    ("name", "adapt"), [("a.jpg", False), ("a.jpeg", False), ("a.png", False), ("a.heic", True)]
)
def test_only_unlisted_files_are_adapted(name, adapt):
    fmt = "heic" if name.endswith("heic") else "jpg"
    assert cloud_formats.needs_adapting(PreparedFile(name, 1, "x", lambda _: None, fmt)) is adapt

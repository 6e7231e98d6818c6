"""Uploads in, stored render-ready media out: every refusal and every kind of good file."""

from __future__ import annotations

import hashlib
import shutil
import struct
import zlib
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image, ImageCms

from nemo_widgets.engine import media
from nemo_widgets.engine.media import (
    MediaInfo,
    MediaRejected,
    animation,
    check_head,
    ingest,
    safe_filename,
)
from tests.media_factory import (
    PALETTE,
    make_animated_gif,
    make_audio,
    make_photo,
    make_video,
    photo_array,
)

# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A scratch folder for inputs, the media item's folder, and a private working directory."""
    (tmp_path / "inputs").mkdir()
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    return tmp_path


def _files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def run_ingest(work: Path, content: bytes | Path, filename: str | None) -> MediaInfo:
    """Stream ``content`` into the item's folder as the HTTP layer does, then ingest it.

    Checks what must hold either way: nothing is written outside the folder.
    """
    folder = work / f"m_{len(list(work.glob('m_*'))) + 1}"
    folder.mkdir()
    source = folder / "upload.part"
    if isinstance(content, Path):
        shutil.copyfile(content, source)
    else:
        source.write_bytes(content)
    before = _files(work)
    try:
        info = ingest(source, filename, folder)
    finally:
        outside = {path for path in _files(work) - before if folder not in path.parents}
        assert not outside, f"written outside the media folder: {outside}"
    assert info.path.parent == folder
    assert _files(folder) == {info.path}, "the source is consumed, only the stored file is left"
    assert info.sha256 == hashlib.sha256(info.path.read_bytes()).hexdigest()
    return info


def rejected(work: Path, content: bytes | Path, filename: str | None, code: int) -> str:
    with pytest.raises(MediaRejected) as caught:
        run_ingest(work, content, filename)
    error = caught.value
    assert error.code == code, error.reason
    assert str(work) not in error.reason, "no server path in a user-facing reason"
    assert str(error) == error.reason
    return error.reason


def photo(work: Path, name: str, **options) -> Path:
    return make_photo(work / "inputs" / name, **options)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def icc_with_red_and_green_swapped() -> bytes:
    """A matrix/TRC RGB display profile whose red primary is sRGB's green and vice versa."""
    d50 = (0.9642, 1.0, 0.8249)
    red, green, blue = (
        (0.4360747, 0.2225045, 0.0139322),
        (0.3850649, 0.7168786, 0.0971045),
        (0.1430804, 0.0606169, 0.7141733),
    )

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + b"".join(struct.pack(">i", round(v * 65536)) for v in values)

    text = b"swapped primaries\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(d50)),
        (b"rXYZ", xyz(green)),
        (b"gXYZ", xyz(red)),
        (b"bXYZ", xyz(blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += bytes(-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I4sI4s4s4s", size, b"\0\0\0\0", 0x02100000, b"mntr", b"RGB ", b"XYZ ")
        + bytes(12)
        + b"acsp"
        + bytes(24)
        + struct.pack(">I", 0)
        + b"".join(struct.pack(">i", round(v * 65536)) for v in d50)
    )
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


def video_with_audio(path: Path, seconds: float = 1.0, rotation: int = 0) -> Path:
    """An H.264 + AAC MP4; ``rotation`` sets the display matrix, as phones do."""
    fps, rate, size = 25, 44100, (320, 240)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = *size, "yuv420p"
        if rotation:
            video.set_display_rotation(rotation)
        audio = container.add_stream("aac", rate=rate, layout="stereo")
        picture = av.VideoFrame.from_ndarray(photo_array(size, PALETTE[1]), format="rgb24")
        for index in range(round(seconds * fps)):
            picture.pts = index
            container.mux(video.encode(picture))
        container.mux(video.encode(None))
        samples = np.zeros((2, 1024), np.float32)
        for index in range(round(seconds * rate / 1024)):
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = rate, index * 1024
            container.mux(audio.encode(frame))
        container.mux(audio.encode(None))
    return path


def faststart_copy(source: Path, target: Path) -> Path:
    """The same video with its index (moov) first, as phones and web exports write it."""
    with (
        av.open(str(source)) as old,
        av.open(str(target), "w", options={"movflags": "+faststart"}) as new,
    ):
        stream = new.add_stream_from_template(old.streams.video[0])
        for packet in old.demux(old.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                new.mux(packet)
    return target


def probe(path: Path) -> tuple[str, str, int, int, int, float]:
    """codec, pixel format, width, height, decoded frames, duration (s) of a stored clip."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(stream))
        duration = float(stream.duration * stream.time_base)
        context = stream.codec_context
        return context.name, context.format.name, stream.width, stream.height, len(frames), duration


def mean_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        small = image.convert("RGB").reduce(max(1, max(image.size) // 256))
        return np.asarray(small, dtype=np.float64).reshape(-1, 3).mean(axis=0)


def close(actual, expected, tolerance: float) -> bool:
    return bool(
        np.all(np.abs(np.asarray(actual, float) - np.asarray(expected, float)) <= tolerance)
    )


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("beach.jpg", "beach.jpg"),
        ("夏天.jpg", "夏天.jpg"),
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\x\\..\\a.png", "a.png"),
        ("/abs/path/clip.mp4", "clip.mp4"),
        ("photo\x00.jpg", "photo.jpg"),
        ("a\nb\tc\x7f.jpg", "abc.jpg"),
        ("evil\u202egpj.exe", "evilgpj.exe"),  # a bidi override would show "exe.jpg"
        ("Cafe\u0301.jpg", "Café.jpg"),  # macOS sends decomposed accents
        ("what?<now>.jpg", "what__now_.jpg"),
        ("C:a.png", "C_a.png"),
        (".hidden.jpg", "hidden.jpg"),
        ("photo.jpg. ", "photo.jpg"),
        ("  my   trip .jpg", "my trip .jpg"),
        ("CON.jpg", "_CON.jpg"),
        ("lpt1", "_lpt1"),
        ("console.jpg", "console.jpg"),
        (None, "upload"),
        ("", "upload"),
        ("..", "upload"),
        ("../..", "upload"),
        ("\x00", "upload"),
        ("dir/", "upload"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected
    assert safe_filename(expected) == expected, "the HTTP layer may sanitise first: idempotent"


def test_safe_filename_default_and_lone_surrogates():
    assert safe_filename("...", default="clip") == "clip"
    assert safe_filename("bad\udcff.jpg") == "bad.jpg"  # undecodable bytes from a form field
    safe_filename("bad\udcff.jpg").encode()  # and the result is valid UTF-8


@pytest.mark.parametrize("stem", ["a" * 300, "夏" * 120, "x" * 199])
def test_safe_filename_limits_length_and_keeps_the_extension(stem):
    name = safe_filename(stem + ".jpeg")
    assert len(name.encode()) <= media.MAX_NAME_BYTES
    assert name.endswith(".jpeg")
    assert name[:-5] and stem.startswith(name[:-5])


# --- first bytes ---------------------------------------------------------------------------

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(50)
PNG_HEAD = b"\x89PNG\r\n\x1a\n" + bytes(56)
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + bytes(32)


@pytest.mark.parametrize(
    ("head", "name", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "report.jpg", ["report.jpg", "PDF document"]),
        (b"PK\x03\x04\x14\x00\x06\x00", "photos.png", ["ZIP archive"]),
        (b"MZ\x90\x00\x03\x00\x00\x00", "setup.mp4", ["Windows program"]),
        (b"\x7fELF\x02\x01\x01\x00", "a.jpg", ["Linux program"]),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">', "logo.png", ["SVG"]),
        (b"<svg width='10'>", None, ["SVG drawing"]),
        (b"<!DOCTYPE html><html><head>", "page.jpg", ["web page"]),
        (b"hello, this is not a video\n", "clip.mp4", ["clip.mp4", "text file"]),
        ("caf\u00e9 \u590f\u5929".encode()[:8], "notes.mp3", ["text file"]),
        (b"II*\x00\x08\x00\x00\x00", "scan.jpg", ["TIFF image"]),
        (bytes([0, 1, 2, 3, 250, 251, 252, 253]), "blob.jpg", ["matches none"]),
    ],
)
def test_check_head_names_what_a_refused_file_looks_like(head, name, words):
    with pytest.raises(MediaRejected) as caught:
        check_head(head, name)
    assert caught.value.code == 4001
    for word in [*words, "Accepted: images: jpg, png", "audio: mp3"]:
        assert word in caught.value.reason


def test_check_head_refuses_an_extension_the_content_contradicts():
    with pytest.raises(MediaRejected) as caught:
        check_head(PNG_HEAD, "photo.jpg")
    assert caught.value.code == 4001
    assert "named .jpg but its content is PNG" in caught.value.reason
    assert "rename it to .png" in caught.value.reason
    with pytest.raises(MediaRejected, match=r"named \.txt"):
        check_head(JPEG_HEAD, "photo.txt")
    with pytest.raises(MediaRejected, match="is empty"):
        check_head(b"", "photo.jpg")


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (JPEG_HEAD, "IMG_1.JPG", "jpg"),
        (JPEG_HEAD, "IMG_1.jpeg", "jpg"),
        (JPEG_HEAD, None, "jpg"),
        (JPEG_HEAD, "no extension", "jpg"),
        (MP4_HEAD, "clip.mov", "mp4"),  # one ISO family: formats_agree lets it through
        (PNG_HEAD, "../../x.png", "png"),
    ],
)
def test_check_head_accepts(head, name, expected):
    assert check_head(head, name) == expected


# --- refusals by ingest ----------------------------------------------------------------------


def test_pdf_named_jpg_is_refused(work):
    reason = rejected(work, b"%PDF-1.4\n" + bytes(5000), "holiday.jpg", 4001)
    assert "holiday.jpg is a PDF document" in reason


def test_text_named_mp4_and_zip_are_refused(work):
    assert "text file" in rejected(work, b"just some words\n" * 10, "clip.mp4", 4001)
    assert "ZIP archive" in rejected(work, b"PK\x03\x04" + bytes(100), "pics.png", 4001)


def test_content_that_disagrees_with_the_extension_is_refused(work):
    png = photo(work, "real.png")
    reason = rejected(work, png, "photo.jpg", 4001)
    assert "named .jpg but its content is PNG" in reason


def test_empty_upload_is_refused(work):
    assert "empty" in rejected(work, b"", "photo.jpg", 4001)


def test_truncated_jpeg_is_refused_after_decoding(work):
    data = photo(work, "full.jpg", detail=True).read_bytes()
    reason = rejected(work, data[: len(data) // 2], "cut.jpg", 4001)
    assert "cut.jpg could not be read (JPG: image file is truncated" in reason
    assert "damaged or incomplete" in reason


def test_jpeg_header_then_garbage_is_refused(work):
    data = photo(work, "full.jpg").read_bytes()
    garbage = np.random.default_rng(1).integers(0, 256, 20_000, dtype=np.uint8).tobytes()
    assert "could not be read" in rejected(work, data[:300] + garbage, "x.jpg", 4001)


def test_corrupt_mp4_is_refused(work):
    data = make_video(work / "inputs" / "v.mp4", 1.0).read_bytes()
    reason = rejected(work, data[: len(data) // 2], "v.mp4", 4001)
    assert "v.mp4 could not be read (MP4: Invalid data found when processing input)" in reason
    garbled = data[:200] + bytes(len(data) - 200)
    assert "could not be read" in rejected(work, garbled, "v.mp4", 4001)


def test_cut_mp4_with_its_index_first_is_refused(work):
    full = faststart_copy(make_video(work / "inputs" / "v.mp4", 2.0), work / "inputs" / "f.mp4")
    run_ingest(work, full, "whole.mp4")  # the intact file is fine
    data = full.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")
    reason = rejected(work, data[: len(data) * 9 // 10], "cut.mp4", 4001)
    assert "cut.mp4 is incomplete: its video stops at" in reason
    assert "could not be read" in rejected(work, data[: len(data) // 3], "cut.mp4", 4001)


def test_decompression_bomb_is_refused_before_decoding(work):
    bomb = png_declaring(30000, 30000)
    assert len(bomb) < 200
    reason = rejected(work, bomb, "bomb.png", 4002)
    assert "too many pixels" in reason and "150 megapixels" in reason


def test_image_over_our_pixel_limit_is_refused_even_if_pillow_allows_it(work, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    reason = rejected(work, png_declaring(13000, 12000), "huge.png", 4002)
    assert "too large (13000×12000, 156 megapixels)" in reason
    assert Image.MAX_IMAGE_PIXELS is None, "Pillow's global limit is left alone"


def test_upload_over_the_byte_limit_is_refused(work, monkeypatch):
    monkeypatch.setattr(media, "MAX_UPLOAD_BYTES", 1000)
    reason = rejected(work, photo(work, "p.jpg", detail=True), "p.jpg", 4002)
    assert reason.startswith("p.jpg is ") and "the limit is 1 KB" in reason


def test_animation_with_too_many_frames_is_refused(work, monkeypatch):
    monkeypatch.setattr(animation, "MAX_ANIMATION_FRAMES", 5)
    gif = make_animated_gif(work / "inputs" / "a.gif", frames=6)
    assert "more than 5 frames" in rejected(work, gif, "a.gif", 4002)
    monkeypatch.setattr(animation, "MAX_ANIMATION_PIXELS", 120 * 90 * 4)
    assert "too many frames of 120×90" in rejected(work, gif, "a.gif", 4002)
    monkeypatch.setattr(animation, "MAX_ANIMATION_SECONDS", 0.5)
    monkeypatch.setattr(animation, "MAX_ANIMATION_PIXELS", 10**9)
    assert "too big an animation" in rejected(work, gif, "a.gif", 4002)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("../../etc/passwd.jpg", "passwd.jpg"), ("C:\\x\\..\\a.jpg", "a.jpg"), ("b\x00.jpg", "b.jpg")],
)
def test_path_traversal_names_stay_inside_the_folder(work, name, expected):
    info = run_ingest(work, photo(work, "p.jpg"), name)
    assert info.filename == expected
    assert not (work / "etc").exists()


# --- photos --------------------------------------------------------------------------------


def test_upright_jpeg_is_kept_byte_for_byte(work):
    original = photo(work, "beach.jpg", size=(800, 600), detail=True)
    info = run_ingest(work, original, "beach.jpg")
    assert info.path.read_bytes() == original.read_bytes()
    assert (info.kind, info.format, info.filename) == ("image", "jpg", "beach.jpg")
    assert (info.width, info.height) == (800, 600)
    assert (info.duration, info.fps, info.has_audio) == (None, None, False)


def test_unnamed_upload_gets_a_name_from_its_content(work):
    assert run_ingest(work, photo(work, "p.jpg"), None).filename == "upload.jpg"
    assert run_ingest(work, photo(work, "p.jpg"), "IMG_0042").filename == "IMG_0042.jpg"


def test_multi_picture_jpeg_from_a_phone_is_a_photo(work):
    source = work / "inputs" / "mpo.jpg"
    first, second = (Image.fromarray(photo_array((160, 120), c)) for c in PALETTE[:2])
    first.save(source, "MPO", save_all=True, append_images=[second])
    with Image.open(source) as image:
        assert image.format == "MPO"
    info = run_ingest(work, source, "mpo.jpg")
    assert (info.kind, info.format, info.width, info.height) == ("image", "jpg", 160, 120)
    # The first picture, its pixels untouched; the second was appended after it: not kept
    # (issue 12.11: bytes after the image are stripped unless the engine keeps metadata).
    with Image.open(info.path) as stored, Image.open(source) as original:
        assert stored.format == "JPEG" and not getattr(stored, "is_animated", False)
        assert np.array_equal(np.asarray(stored), np.asarray(original))
    assert len(info.path.read_bytes()) < len(source.read_bytes())


def test_exif_orientation_is_applied_and_removed(work):
    original = photo(work, "portrait.jpg", size=(480, 640), exif_orientation=6)
    with Image.open(original) as stored_sideways:
        assert stored_sideways.size == (640, 480)
    info = run_ingest(work, original, "portrait.jpg")
    assert (info.width, info.height) == (480, 640)
    with Image.open(info.path) as image:
        assert image.size == (480, 640)
        assert image.getexif().get(0x0112) in (None, 1)
    assert close(mean_rgb(info.path), mean_rgb(original), 3)


def test_cmyk_jpeg_becomes_rgb(work):
    source = work / "inputs" / "print.jpg"
    Image.new("RGB", (200, 100), (200, 50, 30)).convert("CMYK").save(source, quality=95)
    info = run_ingest(work, source, "print.jpg")
    with Image.open(info.path) as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (200, 100))
    assert close(mean_rgb(info.path), (200, 50, 30), 6)


def test_embedded_profile_is_converted_to_srgb(work):
    source = work / "inputs" / "wide.jpg"
    # Pure "red" in a profile whose red primary is sRGB's green is green on screen.
    Image.new("RGB", (64, 64), (255, 0, 0)).save(
        source, quality=95, icc_profile=icc_with_red_and_green_swapped()
    )
    info = run_ingest(work, source, "wide.jpg")
    assert info.path.read_bytes() != source.read_bytes()
    with Image.open(info.path) as image:
        assert "icc_profile" not in image.info
    red, green, blue = mean_rgb(info.path)
    assert green > 200 and red < 60 and blue < 60


def test_srgb_or_broken_profiles_keep_the_fast_path(work):
    source = work / "inputs" / "srgb.jpg"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (64, 48), PALETTE[2]).save(source, icc_profile=srgb)
    assert run_ingest(work, source, "srgb.jpg").path.read_bytes() == source.read_bytes()
    Image.new("RGB", (64, 48), PALETTE[2]).save(source, icc_profile=b"not a profile at all")
    assert run_ingest(work, source, "broken.jpg").path.read_bytes() == source.read_bytes()


def test_16_bit_png_keeps_its_brightness(work):
    source = work / "inputs" / "deep.png"
    levels = np.array([0, 257, 40000, 65535], np.uint16)  # 65535 is white: 255 = 65535 / 257
    Image.fromarray(np.repeat(levels, 20)[None, :].repeat(60, axis=0)).save(source)
    with Image.open(source) as image:
        assert image.mode in ("I;16", "I")
    info = run_ingest(work, source, "deep.png")
    with Image.open(info.path) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "L", (80, 60))
        assert list(np.asarray(image)[0, ::20]) == [0, 1, 156, 255]


def test_rgba_png_keeps_its_transparency(work):
    """The renderer lays a transparent photo on the video's background (issue 14: not on
    black), so the stored picture keeps its alpha, as a PNG, with unchanged colours."""
    source = work / "inputs" / "logo.png"
    pixels = np.zeros((50, 40, 4), np.uint8)
    pixels[...] = (200, 100, 50, 255)
    pixels[:25] = (255, 0, 0, 128)  # the top half half-transparent red
    Image.fromarray(pixels).save(source)
    info = run_ingest(work, source, "logo.png")
    with Image.open(info.path) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (40, 50))
        result = np.asarray(image)
    assert tuple(result[0, 0]) == (255, 0, 0, 128)
    assert tuple(result[-1, -1]) == (200, 100, 50, 255)


def test_transparent_webp_is_stored_as_png(work):
    source = work / "inputs" / "sticker.webp"
    pixels = np.zeros((20, 30, 4), np.uint8)
    pixels[...] = (255, 255, 255, 128)
    Image.fromarray(pixels).save(source, lossless=True)
    info = run_ingest(work, source, "sticker.webp")
    with Image.open(info.path) as image:
        assert (image.format, image.mode) == ("PNG", "RGBA")
        assert tuple(np.asarray(image)[10, 10]) == (255, 255, 255, 128)


def test_opaque_rgba_png_is_stored_without_alpha(work):
    source = work / "inputs" / "opaque.png"
    Image.new("RGBA", (30, 20), (10, 20, 30, 255)).save(source)
    with Image.open(run_ingest(work, source, "opaque.png").path) as image:
        assert image.mode == "RGB"


def test_palette_png_with_transparency(work):
    source = work / "inputs" / "icon.png"
    image = Image.new("P", (30, 20), 1)
    image.putpalette([255, 255, 255, 40, 160, 60] + [0] * 762)  # transparent white
    image.paste(0, (0, 0, 10, 20))  # index 0 is transparent
    image.save(source, transparency=0)
    info = run_ingest(work, source, "icon.png")
    with Image.open(info.path) as stored:
        result = np.asarray(stored.convert("RGBA"))
    assert result[5, 5, 3] == 0  # still transparent
    assert tuple(result[5, 25]) == (40, 160, 60, 255)


@pytest.mark.parametrize("mode", ["LA", "1", "L"])
def test_other_modes_become_8_bit(work, mode):
    source = work / "inputs" / "m.png"
    level = 255 if mode == "1" else 200  # mode 1 would dither any grey
    Image.new("L", (20, 10), level).convert(mode).save(source)
    info = run_ingest(work, source, "m.png")
    with Image.open(info.path) as image:
        assert image.mode in ("L", "RGB")
    assert close(mean_rgb(info.path), (level,) * 3, 1)


@pytest.mark.parametrize("suffix", [".heic", ".webp"])
def test_heic_and_webp_become_jpeg(work, suffix):
    original = photo(work, "p" + suffix, size=(320, 240), color=PALETTE[2])
    info = run_ingest(work, original, "p" + suffix)
    assert (info.kind, info.format) == ("image", suffix[1:])
    assert (info.width, info.height) == (320, 240)
    with Image.open(info.path) as image:
        assert image.format == "JPEG"
    assert close(mean_rgb(info.path), mean_rgb(original), 4)


def test_huge_photo_is_scaled_down_once(work):
    original = photo(work, "big.jpg", size=(6000, 4000))
    info = run_ingest(work, original, "big.jpg")
    assert (info.width, info.height) == (4096, 2731)
    with Image.open(info.path) as image:
        assert (image.format, image.size) == ("JPEG", (4096, 2731))
    assert close(mean_rgb(info.path), mean_rgb(original), 3)


def test_very_wide_jpeg_is_scaled_through_dct_scaling(work):
    info = run_ingest(work, photo(work, "pano.jpg", size=(8200, 200)), "pano.jpg")
    assert (info.width, info.height) == (4096, 100)


def test_twelve_megapixel_phone_photo_keeps_its_size(work):
    info = run_ingest(work, photo(work, "phone.png", size=(4000, 3000)), "phone.png")
    assert (info.width, info.height) == (4000, 3000)
    assert info.path.suffix == ".png"


# --- animations ----------------------------------------------------------------------------


def test_animated_gif_becomes_a_clip_with_its_timing(work):
    gif = make_animated_gif(work / "inputs" / "dance.gif", frames=6, ms_per_frame=100)
    info = run_ingest(work, gif, "dance.gif")
    assert (info.kind, info.format, info.filename) == ("video", "gif", "dance.gif")
    assert info.path.suffix == ".mp4"
    assert (info.width, info.height, info.duration, info.fps) == (120, 90, 0.6, 10.0)
    assert info.has_audio is False
    codec, pixels, width, height, frames, duration = probe(info.path)
    assert (codec, pixels, width, height, frames) == ("h264", "yuv420p", 120, 90, 6)
    assert duration == pytest.approx(0.6, abs=0.01)
    with av.open(str(info.path)) as container:
        decoded = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert close(decoded[0].reshape(-1, 3)[0], PALETTE[0], 12)
    assert close(decoded[5].reshape(-1, 3)[0], PALETTE[5], 12)


def test_gif_with_mixed_delays_and_odd_size(work):
    source = work / "inputs" / "mixed.gif"
    frames = [Image.fromarray(photo_array((121, 91), color)) for color in PALETTE[:3]]
    frames[0].save(source, save_all=True, append_images=frames[1:], duration=[100, 300, 50])
    info = run_ingest(work, source, "mixed.gif")
    assert (info.width, info.height) == (122, 92)  # H.264 4:2:0 needs even sides
    assert info.fps == 20.0  # 50 ms is the grid every delay fits exactly
    assert info.duration == pytest.approx(0.45)
    assert probe(info.path)[4] == 2 + 6 + 1


def test_gif_zero_delays_play_at_browser_speed_and_slow_gifs_get_a_usable_rate(work):
    assert animation._clip_rate([100] * 3) == 10
    assert animation._clip_rate([2000, 1000]) == 10  # 1 fps grid doubled up to 10: still exact
    assert animation._clip_rate([30, 70]) == 30  # a 10 ms grid would be 100 fps: rounded to 30
    source = work / "inputs" / "zero.gif"
    frames = [Image.fromarray(photo_array((40, 30), color)) for color in PALETTE[:2]]
    frames[0].save(source, save_all=True, append_images=frames[1:], duration=0)
    assert run_ingest(work, source, "zero.gif").duration == pytest.approx(0.2)


def test_animated_webp_becomes_a_clip(work):
    source = work / "inputs" / "a.webp"
    frames = [Image.fromarray(photo_array((64, 48), color)) for color in PALETTE[:4]]
    frames[0].save(source, save_all=True, append_images=frames[1:], duration=250, lossless=True)
    info = run_ingest(work, source, "a.webp")
    assert (info.kind, info.format, info.duration, info.fps) == (
        "video",
        "webp",
        1.0,
        12.0,
    )  # a 4 fps grid, tripled


def test_single_frame_gif_is_a_photo(work):
    info = run_ingest(work, photo(work, "still.gif", size=(90, 60)), "still.gif")
    assert (info.kind, info.format, info.width, info.height) == ("image", "gif", 90, 60)
    assert info.path.suffix == ".png"
    with Image.open(info.path) as image:
        assert close(image.convert("RGB").getpixel((0, 0)), PALETTE[0], 8)


# --- video and audio -----------------------------------------------------------------------


def test_mp4_is_probed_and_kept(work):
    original = make_video(work / "inputs" / "v.mp4", 2.0, (320, 240), fps=25)
    info = run_ingest(work, original, "v.mp4")
    assert info.path.read_bytes() == original.read_bytes()
    assert (info.kind, info.format, info.width, info.height) == ("video", "mp4", 320, 240)
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert info.fps == pytest.approx(25.0)
    assert info.has_audio is False


def test_webm_is_probed(work):
    info = run_ingest(work, make_video(work / "inputs" / "v.webm", 1.0, (160, 120)), "v.webm")
    assert (info.kind, info.format, info.width, info.height) == ("video", "webm", 160, 120)
    assert info.duration == pytest.approx(1.0, abs=0.05)
    assert info.fps == pytest.approx(25.0)
    assert info.path.suffix == ".webm"


def test_video_with_sound_and_a_phone_rotation(work):
    info = run_ingest(work, video_with_audio(work / "inputs" / "v.mp4"), "v.mp4")
    assert (info.width, info.height, info.has_audio) == (320, 240, True)
    assert info.duration == pytest.approx(1.0, abs=0.05)
    turned = video_with_audio(work / "inputs" / "r.mov", rotation=90)
    info = run_ingest(work, turned, "r.mov")
    assert (info.width, info.height) == (240, 320)  # as displayed


@pytest.mark.parametrize("suffix", [".mp3", ".wav", ".m4a"])
def test_audio_is_probed_and_kept(work, suffix):
    original = make_audio(work / "inputs" / ("song" + suffix), seconds=3.0)
    info = run_ingest(work, original, "song" + suffix)
    assert info.path.read_bytes() == original.read_bytes()
    # FFmpeg writes .m4a with the generic "isom" brand, which formats.py reads as mp4.
    expected = {".m4a": "mp4"}.get(suffix, suffix[1:])
    assert (info.kind, info.format, info.has_audio) == ("audio", expected, True)
    assert (info.width, info.height, info.fps) == (None, None, None)
    assert info.duration == pytest.approx(3.0, abs=0.1)


def test_mp4_holding_only_sound_is_music(work):
    original = make_audio(work / "inputs" / "voice.m4a", seconds=1.0)
    info = run_ingest(work, original, "voice.mp4")
    assert (info.kind, info.format) == ("audio", "mp4")
    assert info.duration == pytest.approx(1.0, abs=0.1)


# --- the stored record ---------------------------------------------------------------------


def test_media_info_round_trips_through_json(work):
    import json

    info = run_ingest(work, make_video(work / "inputs" / "v.mp4", 1.0), "v.mp4")
    stored = json.loads(json.dumps(info.to_json()))
    assert stored["path"] == str(info.path)
    assert MediaInfo.from_json(stored) == info


def test_max_upload_bytes_is_the_configured_limit():
    from nemo_widgets.config import MAX_UPLOAD_BYTES

    assert media.MAX_UPLOAD_BYTES == MAX_UPLOAD_BYTES == 200 * 1024 * 1024

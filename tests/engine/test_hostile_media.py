"""Media under attack: photos that carry where they were taken or something appended, files
that cost far more to decode than to send."""

from __future__ import annotations

import asyncio
import io
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from tests.engine import hostile
from tests.media_factory import make_animated_gif, photo_array

pytestmark = pytest.mark.anyio

HIDDEN = b"PK\x03\x04 an archive appended after the picture <script>alert(1)</script>"


def located_photo(path: Path) -> Path:
    """A phone-like JPEG: GPS position and camera in its Exif, an XMP packet, a comment, and
    an archive appended after its end-of-image marker."""
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    Image.fromarray(photo_array((320, 240), (200, 120, 40))).save(
        buffer,
        "JPEG",
        exif=exif.tobytes(),
        comment=b"taken at home",
        xmp=b"<x:xmpmeta><exif:GPSLatitude>48,51N</exif:GPSLatitude></x:xmpmeta>",
    )
    path.write_bytes(buffer.getvalue() + HIDDEN)
    return path


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


async def upload_and_fetch(engine, path: Path) -> tuple[bytes, httpx.Headers]:
    async with httpx.AsyncClient(base_url=engine.url) as http:
        headers = await hostile.token(http)
        sid = await hostile.session(http, headers)
        (info,) = await hostile.upload(http, headers, sid, path)
        served = await http.get(info["cdn_url"])
    assert served.status_code == 200
    return served.content, served.headers


async def test_photos_are_served_without_location_or_appended_bytes(engine, tmp_path):
    original = located_photo(tmp_path / "IMG_0001.jpg")
    served, headers = await upload_and_fetch(engine, original)
    assert HIDDEN not in served and served.endswith(b"\xff\xd9")
    for secret in (b"Exif", b"PhoneMaker", b"taken at home", b"GPSLatitude", b"xmpmeta"):
        assert secret not in served
    with Image.open(io.BytesIO(served)) as image:
        assert not image.getexif()
    assert np.array_equal(pixels(served), pixels(original.read_bytes()))  # nothing re-encoded
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-type"] == "image/jpeg"


async def test_metadata_is_kept_when_the_engine_is_told_to(start_engine, tmp_path):
    original = located_photo(tmp_path / "IMG_0002.jpg")
    served, _ = await upload_and_fetch(start_engine(keep_photo_metadata=True), original)
    assert served == original.read_bytes()


async def test_rendered_videos_are_served_with_nosniff(engine, photos):
    async with httpx.AsyncClient(base_url=engine.url) as http:
        headers = await hostile.token(http)
        sid = await hostile.session(http, headers)
        files = await hostile.upload(http, headers, sid, photos[0])
        draft = hostile.slideshow([f["mid"] for f in files])
        answer = await hostile.start_render(http, headers, sid, draft)
        for _ in range(300):
            status = await http.get("/api/render/proxy/lambda/render_1", headers=headers)
            if status.json()["data"]["status"] == "completed":
                break
            await asyncio.sleep(0.1)
        video = await http.get(status.json()["data"]["outputUrl"])
        download = await http.get("/api/render/proxy/render_1/download", headers=headers)
    assert answer.status_code == 200
    assert video.headers["x-content-type-options"] == "nosniff"
    assert download.headers["x-content-type-options"] == "nosniff"


# -- decoding costs -----------------------------------------------------------------------------


def test_an_animation_is_refused_by_its_frame_count_before_any_frame_is_decoded(
    tmp_path, monkeypatch
):
    from nemo_widgets.engine import media
    from nemo_widgets.engine.media import animation

    gif = make_animated_gif(tmp_path / "a.gif", frames=6)
    monkeypatch.setattr(animation, "MAX_ANIMATION_PIXELS", 120 * 90 * 5)
    decoded = []
    monkeypatch.setattr(animation, "_frame_durations", lambda *a: decoded.append(a) or [100] * 6)
    folder = tmp_path / "m"
    folder.mkdir()
    with pytest.raises(media.MediaRejected, match="too many frames of 120×90"):
        media.ingest(gif, "a.gif", folder)
    assert decoded == []


def big_png(path: Path, size=(6000, 4200)) -> Path:
    """25 megapixels in about 100 KB: over what the server decodes itself."""
    Image.new("RGB", size, (30, 90, 160)).save(path, compress_level=1)
    return path


def refuse_in_process(monkeypatch, *names: str) -> None:
    """Make the server process unable to decode: only a child process can."""
    from nemo_widgets.engine.media import animation, photos

    def refuse(*args, **kwargs):
        raise AssertionError("decoded in the server process")

    for name in names:
        owner = photos if hasattr(photos, name) else animation
        assert hasattr(owner, name), name
        monkeypatch.setattr(owner, name, refuse)


async def test_large_and_animated_images_are_decoded_in_a_child_process(
    engine, tmp_path, monkeypatch
):
    refuse_in_process(monkeypatch, "_normalise_photo", "_ingest_animation")
    png = big_png(tmp_path / "scan.png")
    gif = make_animated_gif(tmp_path / "loop.gif", frames=4)
    async with httpx.AsyncClient(base_url=engine.url, timeout=60) as http:
        headers = await hostile.token(http)
        sid = await hostile.session(http, headers)
        stored = await hostile.upload(http, headers, sid, png, gif)
    assert [(f["file_type"], f["width"]) for f in stored] == [("image", 4096), ("video", 120)]


async def test_a_decode_that_takes_too_long_is_stopped(engine, tmp_path, monkeypatch):
    from nemo_widgets.engine.media import child as media_child

    monkeypatch.setattr(media_child, "DECODE_TIMEOUT", 0.01)
    gif = make_animated_gif(tmp_path / "loop.gif", frames=4)
    async with httpx.AsyncClient(base_url=engine.url, timeout=60) as http:
        headers = await hostile.token(http)
        sid = await hostile.session(http, headers)
        answer = await http.post(
            f"/api/upload-video/nemo_agent/me/{sid}",
            files=[("files", ("loop.gif", gif.read_bytes()))],
            headers=headers,
        )
    assert answer.status_code == 413 and "takes too long to process" in answer.json()["message"]
    assert list((engine.data_dir / "media").iterdir()) == []


async def test_only_a_few_uploads_are_decoded_at_once(engine, photos, monkeypatch):
    from nemo_widgets.engine import app

    running, most = 0, 0
    real = app.ingest

    def counting(*args, **kwargs):
        nonlocal running, most
        running += 1
        most = max(most, running)
        time.sleep(0.2)
        try:
            return real(*args, **kwargs)
        finally:
            running -= 1

    monkeypatch.setattr(app, "ingest", counting)
    async with httpx.AsyncClient(base_url=engine.url, timeout=60) as http:
        headers = await hostile.token(http)
        sessions = [await hostile.session(http, headers) for _ in range(6)]
        await asyncio.gather(*(hostile.upload(http, headers, s, photos[0]) for s in sessions))
    assert most == app.DECODES_AT_ONCE == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
async def test_a_decode_over_its_memory_budget_is_refused(engine, tmp_path, monkeypatch):
    from nemo_widgets.engine.media import child as media_child

    monkeypatch.setattr(media_child, "MEMORY_LIMIT", 400 * 2**20)  # the imports take ~270 MB
    png = big_png(tmp_path / "scan.png", size=(8000, 8000))  # 192 MB decoded
    async with httpx.AsyncClient(base_url=engine.url, timeout=60) as http:
        headers = await hostile.token(http)
        sid = await hostile.session(http, headers)
        answer = await http.post(
            f"/api/upload-video/nemo_agent/me/{sid}",
            files=[("files", ("scan.png", png.read_bytes()))],
            headers=headers,
        )
    assert answer.status_code == 413 and "too large to process" in answer.json()["message"]
    assert list((engine.data_dir / "media").iterdir()) == []

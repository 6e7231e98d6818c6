"""Media under attack: photos that carry where they were taken or something appended, files
that cost far more to decode than to send."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from tests.engine import hostile
from tests.media_factory import photo_array

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

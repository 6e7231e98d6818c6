"""Formats the local engine takes and the cloud lists do not (docs/protocol.md#upload-formats).

Against the loopback fault server, which refuses every extension off the official lists with
code 4001 as the cloud would: a HEIC photo arrives as a JPEG that looks the same (the right way
up, same colour profile, same EXIF), ``.m4v`` arrives as ``.mp4``, and the person is told once.
The local engine keeps getting HEIC as it is.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageOps

from nemo_widgets import AsyncNemoClient
from nemo_widgets.api import FileTooLarge, cloud_formats
from nemo_widgets.engine import server as engine_server
from tests.helpers import FAST
from tests.media_factory import PALETTE, make_photo, photo_array

pytestmark = pytest.mark.anyio

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
MAKE = 0x010F  # EXIF "Make"


def heic(path: Path, colour: int = 1) -> Path:
    """An iPhone-like HEIC: pixels stored sideways with EXIF orientation 6, an ICC profile and
    a camera make; a correct reader shows it 160x120, upright. ``colour`` picks the palette
    entry, so that two photos can differ in content."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = Image.fromarray(photo_array((160, 120), PALETTE[colour], detail=True))
    exif = Image.Exif()
    exif[MAKE] = "Apple"
    exif[0x0112] = 6
    stored = image.transpose(Image.Transpose.ROTATE_90)
    stored.save(path, "HEIF", exif=exif.tobytes(), icc_profile=SRGB, quality=90)
    return path


def upright(data: bytes | Path) -> np.ndarray:
    import pillow_heif

    pillow_heif.register_heif_opener()
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with Image.open(source) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"), dtype=np.int16)


async def test_heic_is_sent_to_the_cloud_as_a_jpeg_that_looks_the_same(server, client, tmp_path):
    photo = heic(tmp_path / "IMG_0001.HEIC")
    session = await client.create_session()
    server.keep_upload_bytes = True
    result = await client.upload(session.session_id, photo, make_photo(tmp_path / "b.jpg"))

    [request] = server.requests_to("POST", "/api/upload-video")
    assert [(name, mime) for name, mime, _ in request.files] == [
        ("IMG_0001.jpg", "image/jpeg"),
        ("b.jpg", "image/jpeg"),
    ]
    assert [f.filename for f in result.files] == ["IMG_0001.jpg", "b.jpg"]
    sent = request.file_bytes["IMG_0001.jpg"]
    with Image.open(io.BytesIO(sent)) as jpeg:
        assert jpeg.format == "JPEG"
        assert jpeg.info.get("icc_profile") == SRGB  # colour profile kept
        assert jpeg.getexif().get(MAKE) == "Apple"  # EXIF kept
        assert jpeg.info.get("progression") is None
    before, after = upright(photo), upright(sent)
    assert before.shape == after.shape == (120, 160, 3)  # the right way up
    assert np.abs(before - after).mean() < 3  # high quality: barely any loss
    assert photo.read_bytes()[4:12] == b"ftypheic", "the original file is not changed"


async def test_the_person_is_told_once(server, client, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="nemo_widgets.api")
    session = await client.create_session()
    await client.upload(session.session_id, heic(tmp_path / "a.heic"))
    await client.upload(session.session_id, heic(tmp_path / "b.heif"), heic(tmp_path / "c.heic"))
    told = [r.getMessage() for r in caplog.records if "HEIC" in r.getMessage()]
    assert len(told) == 1 and "a.heic" in told[0] and "a.jpg" in told[0]
    names = [f[0] for r in server.requests_to("POST", "/api/upload-video") for f in r.files]
    assert names == ["a.jpg", "b.jpg", "c.jpg"]


async def test_an_app_receives_the_notice_instead_of_the_log(server, client, tmp_path, caplog):
    shown: list[str] = []
    client.on_notice = shown.append
    session = await client.create_session()
    await client.upload(session.session_id, ("phone.heic", heic(tmp_path / "x.heic").read_bytes()))
    assert len(shown) == 1 and "phone.jpg" in shown[0]
    assert "HEIC" not in caplog.text


async def test_m4v_is_renamed_not_converted(server, client, tmp_path):
    clip = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 500
    session = await client.create_session()
    server.keep_upload_bytes = True
    await client.upload(session.session_id, ("clip.m4v", clip))
    [request] = server.requests_to("POST", "/api/upload-video")
    assert request.files == [("clip.mp4", "video/mp4", len(clip))]
    assert request.file_bytes["clip.mp4"] == clip


@pytest.mark.parametrize("separate_process", [False, True])
async def test_the_local_engine_takes_heic_as_it_is(
    engine, monkeypatch, tmp_path, separate_process
):
    if separate_process:  # `nemo-widgets serve`: recognised by its /api/engine/info answer
        monkeypatch.setattr(engine_server, "_served_urls", set())

    def never(*_: object) -> None:
        raise AssertionError("nothing is converted for the local engine")

    monkeypatch.setattr(cloud_formats, "adapt", never)
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session = await nemo.create_session()
        result = await nemo.upload(session.session_id, heic(tmp_path / "IMG_0002.heic"))
    assert len(result.files) == 1


async def test_a_converted_photo_over_the_limit_is_refused_before_sending(
    server, tmp_path, monkeypatch
):
    photo = heic(tmp_path / "big.heic")
    monkeypatch.setattr(cloud_formats, "JPEG_QUALITY", 100)  # a JPEG larger than its HEIC
    limit = photo.stat().st_size + 10  # the HEIC fits, its JPEG does not
    async with AsyncNemoClient(server.url, timings=FAST, max_upload_bytes=limit) as nemo:
        session = await nemo.create_session()
        with pytest.raises(FileTooLarge, match=r"big\.jpg is \d+ MB; the limit"):
            await nemo.upload(session.session_id, photo)
    assert not server.requests_to("POST", "/api/upload-video")


async def test_one_photo_at_a_time_and_the_jpegs_wait_on_disk(
    server, client, tmp_path, monkeypatch
):
    real = cloud_formats._heic_to_jpeg
    running, most, targets = 0, 0, []

    def watched(source, target):
        nonlocal running, most
        running += 1
        most = max(most, running)
        os.fstat(target.fileno())  # a real file, not bytes held in memory (BytesIO has none)
        targets.append(target)
        try:
            real(source, target)
        finally:
            running -= 1

    monkeypatch.setattr(cloud_formats, "_heic_to_jpeg", watched)
    session = await client.create_session()
    photos = [heic(tmp_path / f"p{n}.heic") for n in range(3)]
    await client.upload(session.session_id, *photos)
    assert most == 1 and len(targets) == 3, "one photo decoded at a time"
    assert all(t.closed for t in targets), "the temporary JPEGs are gone after the upload"

"""Framing (issue 14, item 4): how a photo whose shape differs from the video's fills the frame.

"auto" (the default) fills the frame when the shapes are close and shows the photo whole on a
blurred copy of itself when they are not; "contain" gives bars in the background colour,
"cover" crops to fill, "blur" always uses the blurred copy. Transparent photos are laid on
what is behind them (the colour or the blurred copy), never on black. Small canvases: fast.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from nemo_widgets.engine import draft as schema
from nemo_widgets.engine.media import ingest
from nemo_widgets.engine.render import RenderError, render
from tests.media_factory import PALETTE, make_photo, make_video

FPS = 10
PORTRAIT = (180, 320)  # a 9:16 frame
LANDSCAPE = (320, 180)  # a 16:9 frame
COLOUR = PALETTE[0]


def one_photo_draft(fit: str, frame: tuple[int, int], background: str = "#000000") -> dict:
    width, height = frame
    segment = {"id": "sg_1", "kind": "image", "mid": "p", "st": 0, "d": 300}
    meta = {"width": width, "height": height, "fps": FPS, "fit": fit, "background": background}
    return {"v": 1, "d": 300, "m": meta, "t": [{"tt": 0, "sg": [segment]}]}


def first_frame(draft: dict, media: dict[str, Path], out: Path) -> np.ndarray:
    with av.open(str(render(draft, media, out).path)) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb24")


def band(frame: np.ndarray, top: int, bottom: int) -> np.ndarray:
    """The mean colour of rows [top, bottom)."""
    return frame[top:bottom].reshape(-1, 3).mean(axis=0)


def close(actual, expected, tolerance: float = 14) -> bool:
    return bool(np.abs(np.asarray(actual, float) - np.asarray(expected, float)).max() <= tolerance)


@pytest.fixture
def landscape(tmp_path) -> dict[str, Path]:
    """A 4:3 landscape photo (a flat field with a lighter disc in the middle)."""
    return {"p": make_photo(tmp_path / "land.jpg", (640, 480), COLOUR)}


# -- the rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("photo", "frame", "framed"),
    [
        ((4000, 3000), (1920, 1080), "cover"),  # 4:3 in 16:9 keeps exactly 3/4: fills
        ((3000, 4000), (1080, 1920), "cover"),  # 3:4 in 9:16: fills
        ((3000, 2000), (1920, 1080), "cover"),  # 3:2 in 16:9 keeps 84 %
        ((1600, 2000), (1080, 1080), "cover"),  # 4:5 in 1:1 keeps 80 %
        ((1920, 1080), (1920, 1080), "cover"),  # the same shape
        ((4000, 3000), (1080, 1920), "blur"),  # landscape in portrait keeps 42 %
        ((1920, 1080), (1080, 1920), "blur"),  # 16:9 in 9:16 keeps 32 %
        ((4000, 3000), (1080, 1350), "blur"),  # 4:3 in 4:5 keeps 60 %
        ((2000, 2000), (1920, 1080), "blur"),  # a square photo in 16:9 keeps 56 %
        ((3000, 4000), (1920, 1080), "blur"),  # portrait in landscape
    ],
)
def test_auto_fills_close_shapes_and_blurs_far_ones(photo, frame, framed):
    assert schema.framing("auto", photo, frame) == framed


def test_a_chosen_fit_is_kept_whatever_the_shapes():
    for fit in ("contain", "cover", "blur"):
        assert schema.framing(fit, (4000, 3000), (1080, 1920)) == fit
        assert schema.framing(fit, (1920, 1080), (1920, 1080)) == fit


def test_new_drafts_frame_automatically_and_every_fit_validates():
    assert schema.new_draft()["m"]["fit"] == "auto"
    for fit in ("auto", "contain", "cover", "blur"):
        schema.validate(_with_fit(fit))
    with pytest.raises(ValueError, match=r"`m\.fit` must be one of auto, contain, cover, blur"):
        schema.validate(_with_fit("stretch"))


def _with_fit(fit: str) -> dict:
    draft = one_photo_draft(fit, LANDSCAPE)
    draft["t"][0]["sg"][0].update(name="p.jpg", src="http://e/p.jpg")
    return draft


# -- the renderer -------------------------------------------------------------------------------


def test_by_default_a_landscape_photo_in_a_portrait_frame_has_a_blurred_backdrop(
    tmp_path, landscape
):
    frame = first_frame(one_photo_draft("auto", PORTRAIT), landscape, tmp_path / "auto.mp4")
    # The photo, whole: 180 wide, 135 high, in the middle (rows 92..227); its field colour
    # just inside its top and bottom edges.
    assert close(band(frame[:, :30], 96, 110), COLOUR)
    assert close(band(frame[:, :30], 210, 224), COLOUR)
    # Above and below it a blurred, slightly darker copy of the photo: its colours, not black.
    for top, bottom in ((0, 80), (240, 320)):
        edge = band(frame, top, bottom)
        assert edge.max() > 60, edge
        assert close(edge, np.asarray(COLOUR) * 0.8, 20), edge


def test_black_bars_when_asked(tmp_path, landscape):
    frame = first_frame(one_photo_draft("contain", PORTRAIT), landscape, tmp_path / "bars.mp4")
    assert close(band(frame, 0, 80), (0, 0, 0), 6)
    assert close(band(frame, 240, 320), (0, 0, 0), 6)
    assert close(band(frame[:, :30], 96, 110), COLOUR)


def test_fill_crops_the_photo_to_fill_the_frame(tmp_path, landscape):
    frame = first_frame(one_photo_draft("cover", PORTRAIT), landscape, tmp_path / "fill.mp4")
    # The field's colour, at full brightness, up to the frame's edges; the disc (a third of the
    # photo's height) is now 320 / 3 rows high: the photo was enlarged and its sides cut.
    assert close(band(frame, 0, 40), COLOUR)
    assert close(band(frame, 280, 320), COLOUR)
    disc_rows = np.flatnonzero(frame[:, 90, 0] > COLOUR[0] + 30)
    assert abs(len(disc_rows) - 320 / 3) <= 6


def test_auto_fills_a_photo_close_to_the_frame_shape(tmp_path, landscape):
    auto = first_frame(one_photo_draft("auto", LANDSCAPE), landscape, tmp_path / "auto.mp4")
    cover = first_frame(one_photo_draft("cover", LANDSCAPE), landscape, tmp_path / "cover.mp4")
    assert close(auto[:, :20].reshape(-1, 3).mean(axis=0), COLOUR)  # no bars at the sides
    assert np.abs(auto.astype(int) - cover.astype(int)).max() <= 2


def test_blur_works_on_video_clips_too(tmp_path):
    clip = make_video(tmp_path / "clip.mp4", 1.0, (320, 240), colors=(PALETTE[2],))
    draft = one_photo_draft("blur", PORTRAIT)
    draft["t"][0]["sg"][0].update(kind="video", sd=1000)
    frame = first_frame(draft, {"p": clip}, tmp_path / "v.mp4")
    edge = band(frame, 0, 80)
    assert edge.max() > 60 and close(edge, np.asarray(PALETTE[2]) * 0.8, 20), edge


def test_an_unknown_fit_is_refused_with_the_choices(tmp_path, landscape):
    with pytest.raises(RenderError, match="use one of auto, contain, cover, blur"):
        render(one_photo_draft("stretch", PORTRAIT), landscape, tmp_path / "x.mp4")


# -- transparency -------------------------------------------------------------------------------


def stored_sticker(tmp_path: Path, size: tuple[int, int]) -> Path:
    """A half-transparent white PNG, uploaded as the engine stores it (media.ingest)."""
    source = tmp_path / "sticker.png"
    Image.new("RGBA", size, (255, 255, 255, 128)).save(source)
    folder = tmp_path / "m_sticker"
    folder.mkdir()
    shutil.copyfile(source, folder / "upload.part")
    return ingest(folder / "upload.part", "sticker.png", folder).path


@pytest.mark.parametrize("fit", ["contain", "cover", "auto"])
def test_half_transparent_white_stays_white_on_a_white_background(tmp_path, fit):
    media = {"p": stored_sticker(tmp_path, (320, 240))}
    draft = one_photo_draft(fit, LANDSCAPE, background="#ffffff")
    frame = first_frame(draft, media, tmp_path / f"{fit}.mp4")
    assert frame[60:120, 120:200].min() >= 245  # near-white, not the grey of black below it


def test_transparency_shows_the_blurred_copy_behind_it(tmp_path):
    """Half-transparent white over the blurred copy of itself (laid on the background colour,
    red): the photo area is between the two, never darkened towards black."""
    media = {"p": stored_sticker(tmp_path, (320, 240))}
    draft = one_photo_draft("blur", PORTRAIT, background="#dc2626")
    frame = first_frame(draft, media, tmp_path / "blur.mp4")
    backdrop = band(frame, 0, 60)
    photo = band(frame[:, 40:140], 130, 190)
    assert close(backdrop, np.asarray((237, 146, 146)) * 0.8, 16), backdrop
    assert close(photo, (255 + backdrop) / 2, 16), photo

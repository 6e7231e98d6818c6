"""Titles in any language render on a fresh install: the packaged Noto Sans CJK draws Chinese,
Japanese, Korean and accented Latin with no system font; what no font has is left out."""

from __future__ import annotations

import logging
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from nemo_widgets.engine import titles
from nemo_widgets.engine.compose import Canvas
from nemo_widgets.engine.render import render
from tests.media_factory import PALETTE, make_photo

WIDTH, HEIGHT, FPS = 320, 180, 10
CANVAS = Canvas(WIDTH, HEIGHT, "contain", (0, 0, 0))
TITLES = {
    "zh": "夏天的旅行",
    "ja": "夏の思い出",
    "ko": "여름 여행",
    "latin": "Café Niño Über Straße",
}


@pytest.fixture(autouse=True)
def no_system_fonts(monkeypatch):
    """A fresh install: no font on the system, only the packages pip installed."""
    monkeypatch.setattr(titles, "candidate_fonts", lambda chars: iter([]))


def mask(font: ImageFont.FreeTypeFont, text: str) -> np.ndarray:
    image = Image.new("L", (font.size * (len(text) + 2), font.size * 2))
    ImageDraw.Draw(image).text((font.size // 2, font.size // 4), text, fill=255, font=font)
    return np.asarray(image)


def tofu(font: ImageFont.FreeTypeFont, text: str) -> str:
    """The same text as the font's missing-glyph boxes, spaces kept."""
    return "".join(char if char.isspace() else titles.NOT_A_CHARACTER for char in text)


# -- fonts ----------------------------------------------------------------------------------------


def test_the_font_package_is_installed_with_the_project():
    path = titles.packaged_font_path()
    assert path is not None and path.name == "NotoSansCJK-Regular.ttc"


@pytest.mark.parametrize("language", TITLES)
def test_every_character_is_drawn_as_its_own_glyph_not_a_box(language):
    text = TITLES[language]
    font, left_out = titles.choose_font(text, 40)

    assert left_out == ""
    assert "Noto Sans CJK" in font.getname()[0]
    boxes = mask(font, tofu(font, text))
    drawn = mask(font, text)
    assert np.abs(drawn.astype(int) - boxes.astype(int)).mean() > 5
    glyphs = [font.getmask(char) for char in text if not char.isspace()]
    box = font.getmask(titles.NOT_A_CHARACTER)
    for char, glyph in zip(text.replace(" ", ""), glyphs, strict=True):
        assert bytes(glyph) != bytes(box), char
        assert max(bytes(glyph)) > 0, char  # ink, not an empty cell
    distinct = {bytes(glyph) for glyph in glyphs}
    assert len(distinct) == len(set(text.replace(" ", "")))


@pytest.mark.parametrize(
    ("text", "face"),
    [("夏天的旅行", "SC"), ("夏の思い出", "JP"), ("여름 여행", "KR"), ("Café", "SC")],
)
def test_each_language_gets_its_regional_face(text, face):
    assert titles.font_for(text, 30).getname()[0] == f"Noto Sans CJK {face}"


def test_basic_latin_keeps_the_builtin_font():
    assert titles.font_for("Summer Trip 2026", 30).getname()[0] == "Aileron"


@pytest.mark.parametrize("language", TITLES)
def test_make_title_draws_the_text_with_ink_in_every_glyph_cell(language):
    title = titles.make_title({"text": TITLES[language], "size": 0.2, "d": 1000}, CANVAS)

    assert title is not None and title.left_out == ""
    coverage = title.y_alpha > 128
    assert coverage.mean() > 0.05
    # Ink spreads over the whole width: one column band per character, none of them blank.
    bands = np.array_split(coverage.any(axis=0), len(TITLES[language].replace(" ", "")))
    assert sum(band.any() for band in bands) >= len(bands) - 1


def test_characters_no_font_has_are_left_out_with_a_warning(caplog):
    caplog.set_level(logging.WARNING, logger="nemo_widgets.engine")
    assert titles.undrawable("派对 🎉 Party") == "🎉"
    assert titles.without("派对 🎉 Party", "🎉") == "派对 Party"

    title = titles.make_title({"text": "派对 🎉 Party", "d": 1000}, CANVAS)

    assert title is not None and title.left_out == "🎉"
    assert "🎉" in caplog.text and "left out" in caplog.text
    same = titles.make_title({"text": "派对 Party", "d": 1000}, CANVAS)
    assert same is not None and np.array_equal(title.y_alpha, same.y_alpha)  # no box drawn


def test_a_title_of_emoji_only_shows_nothing():
    assert titles.make_title({"text": "🎉✨", "d": 1000}, CANVAS) is None


def test_without_the_font_package_cjk_is_left_out_naming_it(monkeypatch, caplog):
    monkeypatch.setattr(titles, "packaged_font_path", lambda: None)
    caplog.set_level(logging.WARNING, logger="nemo_widgets.engine")

    assert titles.make_title({"text": "夏天", "d": 1000}, CANVAS) is None
    assert "pip install noto-cjk-sans-otc" in caplog.text


# -- whole renders --------------------------------------------------------------------------------


def draft(texts: list[dict]) -> dict:
    photo = [{"id": "sg_0", "kind": "image", "mid": "m0", "st": 0, "d": 2000}]
    tracks: list[dict] = [{"tt": 0, "sg": photo}]
    if texts:
        tracks.append({"tt": 7, "sg": texts})
    meta = {"width": WIDTH, "height": HEIGHT, "fps": FPS, "fit": "contain", "background": "#000000"}
    return {"v": 1, "d": 2000, "m": meta, "t": tracks}


def decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_cjk_and_accented_titles_export_from_a_fresh_install(tmp_path):
    media = {"m0": make_photo(tmp_path / "p.jpg", (640, 480), PALETTE[0])}
    texts = [
        {"kind": "text", "text": text, "st": 500 * index, "d": 500, "size": 0.15}
        for index, text in enumerate(TITLES.values())
    ]
    plain = decode(render(draft([]), media, tmp_path / "plain.mp4").path)
    titled = decode(render(draft(texts), media, tmp_path / "titled.mp4").path)

    region = (slice(110, 180), slice(20, 300))
    difference = [
        np.abs(a[region].astype(int) - b[region].astype(int)).mean()
        for a, b in zip(plain, titled, strict=True)
    ]
    assert min(difference) > 5  # every frame shows one of the four titles
    # Each title looks different from the others: four distinct drawings.
    shots = [titled[5 * index + 2][region].astype(int) for index in range(len(TITLES))]
    for first in range(len(shots)):
        for second in range(first + 1, len(shots)):
            assert np.abs(shots[first] - shots[second]).mean() > 3


def test_an_emoji_title_exports_without_failing(tmp_path):
    media = {"m0": make_photo(tmp_path / "p.jpg", (640, 480), PALETTE[0])}
    texts = [
        {"kind": "text", "text": "🎉🥳", "st": 0, "d": 1000},
        {"kind": "text", "text": "Party 🎉 派对", "st": 1000, "d": 1000},
    ]

    result = render(draft(texts), media, tmp_path / "out.mp4")

    assert result.path.is_file() and result.frames == 20

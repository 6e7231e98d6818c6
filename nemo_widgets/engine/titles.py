"""Titles and captions: drawn once with Pillow, blended into the yuv420p frames they cover.

Fonts, in order: Pillow's built-in scalable font for text it covers (basic Latin); else Noto Sans
CJK, which ships as a dependency (``noto-cjk-sans-otc``), so Chinese, Japanese, Korean, accented
Latin, Greek and Cyrillic titles render on a fresh install; else an installed font that has every
character (fontconfig or the usual font folders: Hebrew, Thai, ...). Characters that no font has
(emoji, for instance) are left out of the drawing, with a warning, never drawn as empty boxes and
never a failed render; :func:`undrawable` tells which they are beforehand.
"""

from __future__ import annotations

import glob
import logging
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .compose import Canvas, RenderError, planes, rgb_to_yuv

logger = logging.getLogger("nemo_widgets.engine")

MARGIN = 0.06  # of the frame height, above a top title and below a bottom one
OUTLINE = (0, 0, 0)
NOT_A_CHARACTER = "\U0010fffd"  # never in a font: draws the font's "missing glyph" box

# Checked in this order when fontconfig is not there or finds nothing.
FONT_GLOBS = (
    "/usr/share/fonts/**/Noto*CJK*",
    "/usr/share/fonts/**/NotoSans*SC*",
    "/usr/share/fonts/**/wqy*",
    "/usr/share/fonts/**/DroidSansFallback*",
    "/usr/share/fonts/**/DejaVuSans.ttf",
    "/usr/local/share/fonts/**/*.[ot]t[fc]",
    "~/.local/share/fonts/**/*.[ot]t[fc]",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Hiragino*",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/YuGothM.ttc",
    "C:/Windows/Fonts/malgun.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
CJK = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
# Faces of the packaged Noto Sans CJK collection: each has every CJK glyph, in the shapes its
# region writes them, so Japanese text gets the Japanese face and Korean the Korean one.
NOTO_FACE_JP, NOTO_FACE_KR, NOTO_FACE_SC = 0, 1, 2
KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


@dataclass(frozen=True)
class Title:
    """A text segment, drawn and converted to YUV + alpha, placed at an even (x, y)."""

    x: int
    y: int
    y_plane: np.ndarray  # uint16, like the alphas, for blending without casts
    u_plane: np.ndarray
    v_plane: np.ndarray
    y_alpha: np.ndarray  # 0..256
    uv_alpha: np.ndarray
    start_ms: float
    end_ms: float
    fade_in_ms: float
    fade_out_ms: float
    left_out: str = ""  # characters no font could draw, not drawn

    def opacity(self, ms: float) -> int:
        """0..256 at timeline time ``ms``: 0 outside [start, end), ramps during the fades."""
        if not self.start_ms <= ms < self.end_ms:
            return 0
        level = 1.0
        if self.fade_in_ms > 0:
            level = min(level, (ms - self.start_ms) / self.fade_in_ms)
        if self.fade_out_ms > 0:
            level = min(level, (self.end_ms - ms) / self.fade_out_ms)
        return round(max(0.0, level) * 256)

    def draw(self, buf: np.ndarray, canvas: Canvas, opacity: int) -> None:
        """Blend the title into ``buf`` in place."""
        frame_planes = planes(buf, canvas.width, canvas.height)
        layers = zip(
            frame_planes,
            (self.y_plane, self.u_plane, self.v_plane),
            (self.y_alpha, self.uv_alpha, self.uv_alpha),
            strict=True,
        )
        for index, (dst, src, alpha) in enumerate(layers):
            div = 1 if index == 0 else 2
            x, y = self.x // div, self.y // div
            region = dst[y : y + src.shape[0], x : x + src.shape[1]]
            # 256 * 256 would overflow uint16; full opacity needs no scaling anyway.
            weight = alpha if opacity >= 256 else (alpha * np.uint16(opacity)) >> 8
            mixed = region.astype(np.uint16) * (256 - weight)
            mixed += src * weight + 128
            region[:] = mixed >> 8


def make_title(segment: dict, canvas: Canvas) -> Title | None:
    """Draw a text segment once; None when it has nothing to show.

    Characters no font has are left out (and logged); a text made only of them shows nothing.
    """
    text = str(segment.get("text") or "").strip("\n")
    if not text.strip():
        return None
    px = max(8, round(float(segment.get("size", 0.08)) * canvas.height))
    color = parse_color(segment.get("color", "#ffffff"))
    font, left_out = choose_font(text, px)
    if left_out:
        logger.warning(
            "No font can draw %s in the title %r: left out. %s", left_out, text, _font_hint(text)
        )
        text = without(text, left_out)
        if not text.strip():
            return None
    rgb, alpha = _draw(text, font, color, canvas)
    height, width = alpha.shape
    x = (canvas.width - width) // 4 * 2
    pos = segment.get("pos", "bottom")
    if pos == "top":
        y = round(canvas.height * MARGIN)
    elif pos == "center":
        y = (canvas.height - height) / 2
    else:
        y = canvas.height * (1 - MARGIN) - height
    y = max(0, min(canvas.height - height, int(y) // 2 * 2))
    y_plane, u_plane, v_plane = planes(rgb_to_yuv(rgb), width, height)
    # 0..255 -> 0..256 so that full coverage replaces the pixel exactly.
    y_alpha = (alpha.astype(np.uint16) * 256 + 127) // 255
    uv_alpha = y_alpha.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3)).astype(np.uint16)
    start = float(segment.get("st", 0))
    return Title(
        x=x,
        y=y,
        y_plane=y_plane.astype(np.uint16),
        u_plane=u_plane.astype(np.uint16),
        v_plane=v_plane.astype(np.uint16),
        y_alpha=y_alpha,
        uv_alpha=uv_alpha,
        start_ms=start,
        end_ms=start + float(segment.get("d", 0)),
        fade_in_ms=float(segment.get("fi", 0)),
        fade_out_ms=float(segment.get("fo", 0)),
        left_out=left_out,
    )


def parse_color(value: object) -> tuple[int, int, int]:
    text = str(value).strip().lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        raise RenderError(f"{value!r} is not a colour; write colours as #rrggbb, e.g. #ffffff.")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _draw(
    text: str, font: ImageFont.FreeTypeFont, color: tuple[int, int, int], canvas: Canvas
) -> tuple[np.ndarray, np.ndarray]:
    """The text as RGB and alpha arrays with even sides, no wider than the frame."""
    px = font.size
    stroke = max(1, round(px / 18))
    left, top, right, bottom = _bbox(text, font, stroke)
    limit = canvas.width * (1 - 2 * MARGIN)
    if right - left > limit:  # too long for one frame: shrink to fit
        font = font.font_variant(size=max(8, int(px * limit / (right - left))))
        stroke = max(1, round(font.size / 18))
        left, top, right, bottom = _bbox(text, font, stroke)
    width = min(canvas.width, 2 * ((right - left + 3) // 2))
    height = min(canvas.height, 2 * ((bottom - top + 3) // 2))
    origin = (1 - left, 1 - top)
    # Two masks: the outlined shape (alpha) and the letters alone (where the colour goes).
    outline = Image.new("L", (width, height))
    letters = Image.new("L", (width, height))
    ImageDraw.Draw(outline).multiline_text(
        origin, text, fill=255, font=font, align="center", stroke_width=stroke, stroke_fill=255
    )
    ImageDraw.Draw(letters).multiline_text(origin, text, fill=255, font=font, align="center")
    share = np.asarray(letters, np.uint16)[..., None]
    rgb = (np.array(color, np.uint16) * share + np.array(OUTLINE, np.uint16) * (255 - share)) // 255
    return rgb.astype(np.uint8), np.asarray(outline)


def _bbox(text: str, font: ImageFont.FreeTypeFont, stroke: int) -> tuple[int, int, int, int]:
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    box = draw.multiline_textbbox((0, 0), text, font=font, align="center", stroke_width=stroke)
    return tuple(int(edge) for edge in box)


# -- fonts --------------------------------------------------------------------------------------


def font_for(text: str, px: int) -> ImageFont.FreeTypeFont:
    """The font that draws ``text`` best (see the module's docstring for the order)."""
    return choose_font(text, px)[0]


def choose_font(text: str, px: int) -> tuple[ImageFont.FreeTypeFont, str]:
    """The font for ``text`` and the characters of ``text`` that it cannot draw ("" when none).

    The first font that has every character wins; when none has, the one that lacks the fewest.
    """
    builtin = ImageFont.load_default(size=px)
    best = (builtin, missing_glyphs(builtin, text))
    if not best[1]:
        return best
    for font in _fallback_fonts(text, px, best[1]):
        lacking = missing_glyphs(font, text)
        if not lacking:
            return font, ""
        if len(lacking) < len(best[1]):
            best = (font, lacking)
    return best


def undrawable(text: str) -> str:
    """The characters of ``text`` that no font can draw: a title leaves them out."""
    return choose_font(text, 32)[1] if text.strip() else ""


def without(text: str, chars: str) -> str:
    """``text`` less ``chars``, with the spaces they leave behind tidied."""
    kept = "".join(char for char in text if char not in chars)
    return "\n".join(re.sub(r" {2,}", " ", line).strip() for line in kept.split("\n"))


def _fallback_fonts(text: str, px: int, missing: str) -> Iterator[ImageFont.FreeTypeFont]:
    """The packaged Noto Sans CJK face for the text's language, then installed fonts."""
    packaged = packaged_font_path()
    if packaged is not None:
        yield _packaged_font(str(packaged), _noto_face(text), px)
    for path in candidate_fonts(missing):
        try:
            yield ImageFont.truetype(str(path), px)
        except OSError:  # not a font, or a bitmap-only one (colour emoji) at this size
            continue


def packaged_font_path() -> Path | None:
    """Noto Sans CJK from the ``noto-cjk-sans-otc`` dependency; None when it is not installed."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    return path if path.is_file() else None


def _noto_face(text: str) -> int:
    if KANA.search(text):
        return NOTO_FACE_JP
    if HANGUL.search(text):
        return NOTO_FACE_KR
    return NOTO_FACE_SC


@lru_cache(maxsize=32)
def _packaged_font(path: str, face: int, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, px, index=face)


def missing_glyphs(font: ImageFont.FreeTypeFont, text: str) -> str:
    """The characters of ``text`` that ``font`` would draw as its missing-glyph box."""
    notdef = _glyph(font, NOT_A_CHARACTER)
    unique = dict.fromkeys(char for char in text if not char.isspace())
    return "".join(char for char in unique if _glyph(font, char) == notdef)


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


def candidate_fonts(chars: str) -> Iterator[Path]:
    """Installed font files that may have ``chars``: fontconfig's answer, then usual places."""
    yield from dict.fromkeys((*_fontconfig(chars), *_globbed(FONT_GLOBS)))


def _fontconfig(chars: str) -> list[Path]:
    if not shutil.which("fc-list"):
        return []
    charset = " ".join(f"{ord(char):x}" for char in chars)
    try:
        result = subprocess.run(
            ["fc-list", f":charset={charset}", "file"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    files = (line.strip().rstrip(":") for line in result.stdout.splitlines())
    # Regular faces first: they read best as titles.
    return sorted((Path(file) for file in files if file), key=_style_rank)


def _style_rank(path: Path) -> tuple[int, str]:
    name = path.name.lower()
    odd = any(word in name for word in ("bold", "italic", "oblique", "light", "mono", "serif"))
    return (1 if odd else 0, name)


@lru_cache(maxsize=1)
def _globbed(patterns: Iterable[str]) -> tuple[Path, ...]:
    found: list[Path] = []
    for pattern in patterns:
        matches = glob.glob(str(Path(pattern).expanduser()), recursive=True)
        found.extend(Path(match) for match in sorted(matches))
    return tuple(found)


def _font_hint(text: str) -> str:
    """What would draw more of ``text``: the packaged font if it is missing, else a system one."""
    if packaged_font_path() is None and (CJK.search(text) or not text.isascii()):
        return "Install the font package with `pip install noto-cjk-sans-otc`."
    return "Titles never draw emoji; other scripts need a font installed on the system."

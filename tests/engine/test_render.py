"""The renderer: real MP4s from drafts, probed and decoded with PyAV."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import ImageFont

from nemo_widgets.engine import titles
from nemo_widgets.engine.render import RENDERER_VERSION, RenderError, RenderResult, render
from tests.media_factory import PALETTE, make_audio, make_photo, make_video

WIDTH, HEIGHT, FPS = 320, 180, 10
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


# -- helpers ------------------------------------------------------------------------------------


def make_draft(visuals, *, music=(), texts=(), fit="contain", background="#000000", fps=FPS):
    """A draft with ``st`` filled in by the schema's rule; ``d`` is the end of the last visual."""
    start = 0
    for index, seg in enumerate(visuals):
        seg.setdefault("kind", "image")
        seg.setdefault("id", f"sg_{index}")
        if index:
            start += visuals[index - 1]["d"] - seg.get("tr", {}).get("d", 0)
        seg["st"] = start
    meta = {"width": WIDTH, "height": HEIGHT, "fps": fps, "fit": fit, "background": background}
    tracks = [{"tt": 0, "sg": list(visuals)}]
    if music:
        tracks.append({"tt": 1, "sg": list(music)})
    if texts:
        tracks.append({"tt": 7, "sg": list(texts)})
    return {"v": 1, "d": start + visuals[-1]["d"], "m": meta, "t": tracks}


def photos(folder: Path, count: int, size=(640, 480)) -> dict[str, Path]:
    return {f"m{k}": make_photo(folder / f"p{k}.jpg", size, PALETTE[k]) for k in range(count)}


def slideshow(count: int, tr: str = "crossfade", tr_ms: int = 900, d: int = 2000, **seg) -> list:
    segs = [{"mid": f"m{k}", "d": d, **seg} for k in range(count)]
    for item in segs[1:]:
        item["tr"] = {"type": tr, "d": tr_ms}
    return segs


def decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def mean(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    return frame[y0:y1, x0:x1].reshape(-1, 3).mean(axis=0)


def close(actual, expected, tolerance: float = 12) -> bool:
    return bool(np.abs(np.asarray(actual, float) - np.asarray(expected, float)).max() <= tolerance)


# A region of the photo's flat colour, away from its lighter disc, inside a contain fit of a
# 4:3 photo on a 16:9 canvas (the photo spans x 40..280).
FLAT = (50, 10, 90, 40)


def top_level_boxes(path: Path) -> list[str]:
    data, boxes, offset = path.read_bytes(), [], 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        boxes.append(kind.decode("latin-1"))
        if size == 0:
            break
        offset += size
    return boxes


def audio_samples(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        parts = [frame.to_ndarray() for frame in container.decode(audio=0)]
    return np.concatenate(parts, axis=1)


def rms_db(samples: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(samples.astype(np.float64) ** 2)) + 1e-12)


# -- the file -----------------------------------------------------------------------------------


def test_output_is_a_streamable_bt709_h264_mp4_with_music(tmp_path):
    media = photos(tmp_path, 2)
    media["song"] = make_audio(tmp_path / "song.mp3", 3.0)
    music = {"kind": "audio", "mid": "song", "st": 0, "d": 3100, "vol": 0.5, "fi": 300, "fo": 300}
    draft = make_draft(slideshow(2), music=[music], fps=30)
    progress: list[tuple[int, int]] = []

    result = render(draft, media, tmp_path / "out.mp4", on_progress=lambda *p: progress.append(p))

    assert result == RenderResult(tmp_path / "out.mp4", WIDTH, HEIGHT, 30, 93, 3.1, True)
    with av.open(str(result.path)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert (video.width, video.height) == (WIDTH, HEIGHT)
        assert video.average_rate == 30
        audio = container.streams.audio[0]
        assert audio.codec_context.name == "aac"
        assert (audio.rate, audio.layout.name) == (44100, "stereo")
        assert abs(container.duration / 1e6 - 3.1) <= 1 / 30 + 0.03  # AAC ends on a packet
        decoded = list(container.decode(video=0))
    assert len(decoded) == 93
    assert abs(float(decoded[-1].time) + 1 / 30 - 3.1) <= 1 / 30
    first = decoded[0]
    assert first.format.name == "yuv420p"
    assert (first.colorspace, first.color_range) == (1, 1)  # BT.709, limited ("tv") range
    assert (video.codec_context.color_primaries, video.codec_context.color_trc) == (1, 1)
    boxes = top_level_boxes(result.path)
    assert boxes.index("moov") < boxes.index("mdat")  # +faststart
    assert progress[-1] == (93, 93)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert isinstance(RENDERER_VERSION, str) and RENDERER_VERSION


def test_without_music_there_is_no_audio_stream(tmp_path):
    result = render(make_draft(slideshow(1)), photos(tmp_path, 1), tmp_path / "out.mp4")
    with av.open(str(result.path)) as container:
        assert not container.streams.audio
    assert result.has_audio is False
    assert result.frames == 20
    assert [path.name for path in tmp_path.iterdir() if path.suffix == ".part"] == []


# -- pictures -----------------------------------------------------------------------------------


def test_crossfade_shows_photo_one_then_the_average_then_photo_two(tmp_path):
    # Photo 2 starts at 1.1 s; its 0.9 s crossfade is frames 11..19, midpoint frame 15.
    frames = decode(render(make_draft(slideshow(2)), photos(tmp_path, 2), tmp_path / "o.mp4").path)

    assert len(frames) == 31
    assert close(mean(frames[0], *FLAT), PALETTE[0])
    average = (np.array(PALETTE[0]) + np.array(PALETTE[1])) / 2
    assert close(mean(frames[15], *FLAT), average)
    assert close(mean(frames[25], *FLAT), PALETTE[1])


@pytest.mark.parametrize(
    ("kind", "left", "right"),
    [
        ("wipe_left", 0, 1),
        ("wipe_right", 1, 0),
        ("slide_left", 0, 1),
        ("slide_right", 1, 0),
    ],
)
def test_wipes_and_slides_split_the_frame_at_their_midpoint(tmp_path, kind, left, right):
    draft = make_draft(slideshow(2, tr=kind), fit="cover")
    frames = decode(render(draft, photos(tmp_path, 2), tmp_path / "o.mp4").path)

    middle = frames[15]  # progress 0.5: the edge is at x = 160
    assert close(mean(middle, 4, 4, 40, 40), PALETTE[left])
    assert close(mean(middle, 280, 4, 316, 40), PALETTE[right])


def test_fade_black_is_dark_at_its_midpoint(tmp_path):
    frames = decode(
        render(
            make_draft(slideshow(2, tr="fade_black")), photos(tmp_path, 2), tmp_path / "o.mp4"
        ).path
    )
    assert mean(frames[15], 40, 0, 280, 180).max() < 20
    assert close(mean(frames[12], *FLAT), np.array(PALETTE[0]) * (1 - 3 / 9))  # on the way down
    assert close(mean(frames[25], *FLAT), PALETTE[1])


@pytest.mark.parametrize("kind", ["zoom", "none"])
def test_zoom_blends_and_none_cuts(tmp_path, kind):
    frames = decode(
        render(make_draft(slideshow(2, tr=kind)), photos(tmp_path, 2), tmp_path / "o.mp4").path
    )

    expected = (np.array(PALETTE[0]) + PALETTE[1]) / 2 if kind == "zoom" else PALETTE[1]
    assert close(mean(frames[15], *FLAT), expected)
    assert close(mean(frames[10], *FLAT), PALETTE[0])


def test_exif_rotated_photo_comes_out_upright(tmp_path):
    # Stored 400x300 with Orientation=6: upright it is a 300x400 portrait.
    photo = make_photo(tmp_path / "rot.jpg", (300, 400), PALETTE[2], exif_orientation=6)
    frames = decode(
        render(make_draft([{"mid": "r", "d": 500}]), {"r": photo}, tmp_path / "o.mp4").path
    )

    lit = np.flatnonzero(frames[0].mean(axis=(0, 2)) > 40)
    assert abs(len(lit) - 135) <= 3  # 180 * 3 / 4 wide, not 240: upright
    assert abs(lit.mean() - WIDTH / 2) <= 2


def test_contain_shows_bars_in_the_background_colour_and_cover_fills(tmp_path):
    media = photos(tmp_path, 1)
    contain = make_draft([{"mid": "m0", "d": 500}], background="#ffffff")
    cover = make_draft([{"mid": "m0", "d": 500}], fit="cover", background="#ffffff")

    with_bars = decode(render(contain, media, tmp_path / "contain.mp4").path)[0]
    filled = decode(render(cover, media, tmp_path / "cover.mp4").path)[0]

    assert close(mean(with_bars, 0, 0, 36, 180), (255, 255, 255))
    assert close(mean(with_bars, 284, 0, 320, 180), (255, 255, 255))
    assert close(mean(filled, 0, 0, 36, 40), PALETTE[0])
    assert close(mean(filled, 284, 140, 320, 180), PALETTE[0])


def disc_pixels(frame: np.ndarray) -> np.ndarray:
    """Where media_factory's lighter disc is (its red channel is 60 above the field's)."""
    return frame[..., 0] > PALETTE[0][0] + 30


def test_ken_burns_zooms_and_pans_smoothly(tmp_path):
    media = photos(tmp_path, 1)
    zoom = decode(
        render(
            make_draft([{"mid": "m0", "d": 2000, "motion": "zoom_in"}]), media, tmp_path / "z.mp4"
        ).path
    )
    pan = decode(
        render(
            make_draft([{"mid": "m0", "d": 2000, "motion": "pan_right"}]), media, tmp_path / "p.mp4"
        ).path
    )

    areas = [disc_pixels(frame).sum() for frame in zoom]
    assert areas[-1] / areas[0] == pytest.approx(1.12**2, rel=0.06)
    thirds = [np.mean(part) for part in np.array_split(areas, 3)]
    assert thirds[0] < thirds[1] < thirds[2]  # grows all along
    centres = [np.flatnonzero(disc_pixels(frame).any(axis=0)).mean() for frame in pan]
    assert centres[-1] < centres[0] - 10  # the view moves right, so the picture moves left
    steps = np.diff(centres)
    assert steps.max() < 0.5 and steps.min() > -3  # no jumps: sub-pixel steps every frame


def test_ken_burns_moves_steadily_frame_by_frame(tmp_path):
    # At 30 fps the view is cut at whole pixels: a zoom grows in small steps and never shrinks
    # back, its centre holds still, and a pan moves the same way every frame, at most 2 px.
    media = photos(tmp_path, 1)

    def disc_columns(motion: str) -> list[np.ndarray]:
        draft = make_draft([{"mid": "m0", "d": 2000, "motion": motion}], fps=30)
        frames = decode(render(draft, media, tmp_path / f"{motion}.mp4").path)
        return [np.flatnonzero(disc_pixels(frame).any(axis=0)) for frame in frames]

    zoom = disc_columns("zoom_in")
    widths = np.array([len(cols) for cols in zoom])
    steps = np.diff(widths)
    assert steps.min() >= -1 and steps.max() <= 3  # no jumps (1 px of codec noise allowed)
    assert np.all(np.diff(widths[::5]) >= 0)  # growing over any few frames
    assert widths[-1] > widths[0] * 1.08
    centres = np.array([cols.mean() for cols in zoom])
    assert np.abs(centres - centres[0]).max() <= 1.0
    pan = np.diff([cols.mean() for cols in disc_columns("pan_right")])
    assert pan.min() >= -2 and pan.max() <= 0  # the picture only ever moves left, steadily
    assert pan.sum() < -30


def test_video_segment_follows_its_source_from_its_in_point(tmp_path):
    clip = make_video(tmp_path / "clip.mp4", 2.0, colors=(PALETTE[2], PALETTE[3]))
    media = {"v": clip, **photos(tmp_path, 1)}
    whole = make_draft([{"kind": "video", "mid": "v", "d": 2000}])
    later = make_draft([{"kind": "video", "mid": "v", "d": 800, "in": 1200}])
    # A video shorter than its segment holds its last frame.
    held = make_draft(
        [
            {"mid": "m0", "d": 1000},
            {"kind": "video", "mid": "v", "d": 3000, "tr": {"type": "crossfade", "d": 500}},
        ]
    )

    frames = decode(render(whole, media, tmp_path / "whole.mp4").path)
    assert len(frames) == 20
    assert close(mean(frames[2], *FLAT), PALETTE[2])  # 0.2 s: the first colour
    assert close(mean(frames[15], *FLAT), PALETTE[3])  # 1.5 s: the second colour
    assert close(
        mean(decode(render(later, media, tmp_path / "later.mp4").path)[0], *FLAT), PALETTE[3]
    )
    frames = decode(render(held, media, tmp_path / "held.mp4").path)
    assert len(frames) == 35
    assert close(mean(frames[12], *FLAT), PALETTE[2])
    assert close(mean(frames[-1], *FLAT), PALETTE[3])


# -- titles -------------------------------------------------------------------------------------


def title_difference(tmp_path: Path, text: str, **seg) -> np.ndarray:
    """Per frame: how much the title region differs from the same render without the title."""
    media = photos(tmp_path, 2)
    title = {"kind": "text", "text": text, "st": 500, "d": 1000, "pos": "bottom", "size": 0.15}
    title.update(seg)
    plain = decode(render(make_draft(slideshow(2)), media, tmp_path / "plain.mp4").path)
    titled = decode(render(make_draft(slideshow(2), texts=[title]), media, tmp_path / "t.mp4").path)
    region = (slice(120, 180), slice(60, 260))
    return np.array(
        [
            np.abs(a[region].astype(int) - b[region].astype(int)).mean()
            for a, b in zip(plain, titled, strict=True)
        ]
    )


def test_title_is_drawn_only_inside_its_time_range(tmp_path):
    difference = title_difference(tmp_path, "Summer Trip 2026", fi=0, fo=0)

    shown = difference > 5
    assert list(np.flatnonzero(shown)) == list(range(5, 15))  # [0.5 s, 1.5 s) at 10 fps
    assert difference[~shown].max() < 2


def test_title_fades_in_and_out(tmp_path):
    difference = title_difference(tmp_path, "Fade", fi=400, fo=400)

    assert difference[5] < difference[7] < difference[9]  # fading in
    assert difference[9] > difference[12] > difference[14]  # fading out


def test_text_the_builtin_font_lacks_uses_an_installed_font_that_has_it(tmp_path, monkeypatch):
    # Noto Sans CJK (packaged) draws CJK, Greek and accented Latin; Hebrew needs a system font.
    if not DEJAVU.is_file():
        pytest.skip("DejaVuSans.ttf is not installed")
    hebrew = "שלום"
    assert titles.missing_glyphs(ImageFont.load_default(size=20), hebrew)
    assert not titles.missing_glyphs(ImageFont.truetype(str(DEJAVU), 20), hebrew)
    monkeypatch.setattr(
        titles, "candidate_fonts", lambda chars: iter([tmp_path / "nope.ttf", DEJAVU])
    )

    assert titles.font_for(hebrew, 20).path == str(DEJAVU)
    difference = title_difference(tmp_path, hebrew, fi=0, fo=0)
    assert difference[5:15].min() > 5


# -- errors -------------------------------------------------------------------------------------


def assert_nothing_written(folder: Path) -> None:
    assert not (folder / "out.mp4").exists()
    assert not [path for path in folder.iterdir() if path.name.endswith(".part")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["t"][0]["sg"][0].update(mid="m_gone"), "m_gone"),
        (lambda d: d.update(t=[]), "no photos or video clips"),
        (lambda d: d["t"][0].update(sg=[]), "no photos or video clips"),
        (lambda d: d["m"].update(width=4000), "4000x180"),
        (lambda d: d["m"].update(height=181), "even"),
        (lambda d: d["m"].update(fps=0), "1 to 60"),
        (lambda d: d["t"][0]["sg"][0].update(tr={"type": "spin", "d": 0}), "spin"),
    ],
)
def test_impossible_drafts_fail_with_a_helpful_message(tmp_path, change, message):
    draft = make_draft(slideshow(1))
    change(draft)

    with pytest.raises(RenderError, match=message):
        render(draft, photos(tmp_path, 1), tmp_path / "out.mp4")
    assert_nothing_written(tmp_path)


def test_a_damaged_photo_fails_mid_render_and_leaves_no_file(tmp_path):
    media = photos(tmp_path, 1)
    media["m1"] = tmp_path / "broken.jpg"
    media["m1"].write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (tmp_path / "out.mp4").write_bytes(b"the previous render")

    with pytest.raises(RenderError, match="Cannot read the photo sg_1"):
        render(make_draft(slideshow(2)), media, tmp_path / "out.mp4")
    assert (tmp_path / "out.mp4").read_bytes() == b"the previous render"  # untouched
    assert not [path for path in tmp_path.iterdir() if path.name.endswith(".part")]


# -- music --------------------------------------------------------------------------------------


def test_music_level_follows_vol_and_loops(tmp_path):
    media = photos(tmp_path, 1)
    media["song"] = make_audio(tmp_path / "song.wav", 1.0)
    levels = {}
    for vol in (1.0, 0.25):
        music = {"kind": "audio", "mid": "song", "st": 0, "d": 2000, "vol": vol, "loop": True}
        out = render(make_draft(slideshow(1), music=[music]), media, tmp_path / f"{vol}.mp4").path
        samples = audio_samples(out)
        assert samples.shape[1] == pytest.approx(2 * 44100, abs=2048)
        levels[vol] = rms_db(samples[:, 4410:-4410])
        assert rms_db(samples[:, 55000:80000]) > levels[vol] - 1  # looped: still playing at 1.5 s
    assert levels[1.0] - levels[0.25] == pytest.approx(12.04, abs=0.5)

    music = {"kind": "audio", "mid": "song", "st": 0, "d": 2000, "fi": 500, "loop": False}
    samples = audio_samples(
        render(make_draft(slideshow(1), music=[music]), media, tmp_path / "n.mp4").path
    )
    assert rms_db(samples[:, 60000:85000]) < -60  # not looped: silence after the 1 s source
    assert rms_db(samples[:, 2048:6000]) < rms_db(samples[:, 30000:40000]) - 6  # fading in


def _music_peak_bytes(media: dict, seconds: int) -> int:
    """The most memory Python objects (numpy arrays included) hold while the music of a video
    of ``seconds`` is mixed block by block, as the encoder asks for it."""
    import tracemalloc

    from nemo_widgets.engine.render import AAC_FRAME, _mix_music

    music = {"kind": "audio", "mid": "song", "st": 0, "d": seconds * 1000, "loop": True}
    tracemalloc.start()
    try:
        mix = _mix_music([music], media, seconds)
        for _ in range(0, mix.total, AAC_FRAME):
            mix.read(AAC_FRAME)
        mix.close()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_music_is_mixed_as_it_is_encoded_not_held_whole(tmp_path):
    """A whole 10-minute track mixed in memory is 200 MB (float32 stereo) before encoding."""
    media = {"song": make_audio(tmp_path / "song.wav", 7.0)}
    one_minute = _music_peak_bytes(media, 60)
    ten_minutes = _music_peak_bytes(media, 600)
    assert ten_minutes < one_minute * 1.5 + 2**20, (one_minute, ten_minutes)
    assert ten_minutes < 8 * 2**20

"""Render speed and memory (goals: plain <= 1.15x the encode floor, full <= 1.35x; >= 3.5x faster
than moviepy; peak RSS <= 600 MB).

The job: a 15 s 1920x1080 30 fps slideshow of 5 photos (two 4000x3000 JPEGs, a 3000x4000
portrait JPEG, a 4032x3024 JPEG and a 3000x2000 PNG, all with grain), contain-fitted on black,
joined by 1 s crossfades. "full" adds a Ken Burns zoom on every photo, a fading title and music
at 35 % with fades (AAC 192k). Measured side by side in one run, repetitions interleaved
(floor, engine, moviepy, floor, engine, ...), each run in a fresh child process:

* encode floor: the engine's own frames, composed beforehand into a raw yuv420p file, only
  encoded (PyAV libx264, same preset, CRF, threads and tags): what any renderer must pay;
* engine: ``nemo_widgets.engine.render.render`` on the draft;
* moviepy: the same slideshow with moviepy 2 (ImageClip + CrossFadeIn on a CompositeVideoClip,
  Ken Burns by a resize lambda, TextClip, AudioFileClip) and the same codec settings.
  Install it with ``pip install -e .[bench]`` (it pins Pillow < 12); without it, its rows say so.

Columns: median wall time of the job inside the child (interpreter start-up and imports not
counted), min-max over the runs, the ratio to the floor of the same frames, how many times
faster than moviepy, and the peak RSS of the child's whole process tree (moviepy runs ffmpeg).

    python benchmarks/bench_render.py [--reps 3] [--variant plain|full|both] [--quick]
                                      [--fit contain|cover|blur|auto]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.media_factory

from nemo_widgets.engine.compose import Canvas
from nemo_widgets.engine.render import _video_stream, compose_frames, render
from tests.media_factory import PALETTE, make_audio, make_photo

TITLE = "Summer Trip 2026"
GOALS = {"plain": 1.15, "full": 1.35}  # engine / floor
MOVIEPY_GOAL = 3.5
RSS_GOAL_MB = 600


def job_config(quick: bool) -> dict:
    if quick:  # small and short: proves the script works, measures nothing
        return {"width": 320, "height": 180, "fps": 30, "scale": 0.16, "d": 1400, "tr": 500}
    return {"width": 1920, "height": 1080, "fps": 30, "scale": 1.0, "d": 3800, "tr": 1000}


def job_seconds(config: dict) -> float:
    """The slideshow's length: 5 photos, 4 transitions overlapping their neighbours."""
    return (5 * config["d"] - 4 * config["tr"]) / 1000


def make_media(folder: Path, config: dict) -> dict[str, Path]:
    def size(width: int, height: int) -> tuple[int, int]:
        return round(width * config["scale"]), round(height * config["scale"])

    shapes = [((4000, 3000), ".jpg"), ((4000, 3000), ".jpg"), ((3000, 4000), ".jpg")]
    shapes += [((4032, 3024), ".jpg"), ((3000, 2000), ".png")]
    media = {}
    for index, (shape, suffix) in enumerate(shapes):
        path = folder / f"photo{index}{suffix}"
        media[f"m{index}"] = make_photo(path, size(*shape), PALETTE[index], detail=True, seed=index)
    media["song"] = make_audio(folder / "song.mp3", job_seconds(config) + 5, tone=330.0)
    return media


def make_draft(config: dict, variant: str, fit: str = "contain") -> dict:
    segments, start = [], 0
    for index in range(5):
        segment = {"id": f"sg_{index}", "kind": "image", "mid": f"m{index}", "st": start}
        segment.update(d=config["d"], motion="zoom_in" if variant == "full" else "static")
        if index:
            segment["tr"] = {"type": "crossfade", "d": config["tr"]}
        segments.append(segment)
        start += config["d"] - config["tr"]
    length = start + config["tr"]
    meta = {"width": config["width"], "height": config["height"], "fps": config["fps"]}
    tracks = [{"tt": 0, "sg": segments}]
    if variant == "full":
        music = {"kind": "audio", "mid": "song", "st": 0, "d": length, "vol": 0.35}
        music.update(fi=500, fo=1500, loop=True)
        title = {"kind": "text", "text": TITLE, "st": 0, "d": 4000, "pos": "bottom"}
        title.update(size=0.09, color="#ffffff", fi=500, fo=500, role="title")
        tracks += [{"tt": 1, "sg": [music]}, {"tt": 7, "sg": [title]}]
    return {
        "v": 1,
        "d": length,
        "m": meta | {"fit": fit, "background": "#000000"},
        "t": tracks,
    }


# -- the measured jobs (run in a child process) -------------------------------------------------


def run_floor(work: Path, variant: str, config: dict) -> None:
    import av

    width, height, fps = config["width"], config["height"], config["fps"]
    planes = np.empty((height * 3 // 2, width), np.uint8)
    # Read frame by frame (not memory-mapped), so the RSS is the encoder's, not the file's.
    with (
        (work / f"{variant}.yuv").open("rb") as raw,
        av.open(str(work / "floor.mp4"), "w", container_options={"movflags": "+faststart"}) as box,
    ):
        # The engine's own stream set-up (render's defaults: veryfast, CRF 20), so that the
        # preset, CRF, threads and colour tags cannot drift apart.
        stream = _video_stream(
            box, Canvas(width, height, "contain", (0, 0, 0)), fps, "veryfast", 20
        )
        index = 0
        while raw.readinto(planes) == planes.nbytes:
            frame = av.VideoFrame.from_ndarray(planes, format="yuv420p")
            frame.pts = index
            index += 1
            box.mux(stream.encode(frame))
        box.mux(stream.encode(None))


def run_engine(work: Path, variant: str, config: dict) -> None:
    media = json.loads((work / "media.json").read_text())
    draft = json.loads((work / f"{variant}.json").read_text())
    render(draft, {mid: Path(path) for mid, path in media.items()}, work / "engine.mp4")


def run_moviepy(work: Path, variant: str, config: dict) -> None:
    from moviepy import AudioFileClip, CompositeVideoClip, ImageClip, TextClip, afx, vfx

    media = json.loads((work / "media.json").read_text())
    width, height, fps = config["width"], config["height"], config["fps"]
    seconds, fade = config["d"] / 1000, config["tr"] / 1000
    clips = []
    for index in range(5):
        clip = ImageClip(media[f"m{index}"])
        clip = clip.resized(min(width / clip.w, height / clip.h))  # contain
        if variant == "full":
            clip = clip.resized(lambda t: 1 + 0.12 * t / seconds)  # Ken Burns
        clip = clip.with_duration(seconds).with_start(index * (seconds - fade))
        if index:
            clip = clip.with_effects([vfx.CrossFadeIn(fade)])
        clips.append(clip.with_position("center"))
    total = 5 * seconds - 4 * fade
    if variant == "full":
        size = round(0.09 * height)
        title = TextClip(
            font=font_file(), text=TITLE, font_size=size, color="white",
            stroke_color="black", stroke_width=max(1, size // 18),
        )  # fmt: skip
        top = round(height * 0.94 - title.h)
        title = title.with_duration(4).with_position(("center", top))
        clips.append(title.with_effects([vfx.CrossFadeIn(0.5), vfx.CrossFadeOut(0.5)]))
    video = CompositeVideoClip(clips, size=(width, height), bg_color=(0, 0, 0)).with_duration(total)
    if variant == "full":
        music = AudioFileClip(media["song"]).subclipped(0, total).with_volume_scaled(0.35)
        video = video.with_audio(music.with_effects([afx.AudioFadeIn(0.5), afx.AudioFadeOut(1.5)]))
    video.write_videofile(
        str(work / "moviepy.mp4"), fps=fps, codec="libx264", preset="veryfast",
        ffmpeg_params=["-crf", "20"], audio=variant == "full", audio_codec="aac",
        audio_bitrate="192k", logger=None,
        temp_audiofile=str(work / "moviepy-audio.m4a"),  # not in the current folder
    )  # fmt: skip


def font_file() -> str:
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if dejavu.is_file():
        return str(dejavu)
    import PIL

    return str(Path(PIL.__file__).parent / "fonts" / "DejaVuSans.ttf")  # not always there


JOBS = {"floor": run_floor, "engine": run_engine, "moviepy": run_moviepy}


def child(role: str, variant: str, work: Path, quick: bool, result: Path) -> None:
    started = time.perf_counter()
    JOBS[role](work, variant, job_config(quick))
    seconds = time.perf_counter() - started
    result.write_text(json.dumps({"seconds": seconds, "rss": own_peak_rss()}))


def own_peak_rss() -> int:
    """This process's peak RSS in bytes (Linux VmHWM; 0 elsewhere, then polling alone counts).

    Not ``ru_maxrss``: a child started by fork + exec inherits the parent's high-water mark.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


# -- the parent ---------------------------------------------------------------------------------


def measure(role: str, variant: str, work: Path, quick: bool) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the child's process tree) of one run in a fresh process."""
    result = work / "result.json"
    result.unlink(missing_ok=True)
    command = [sys.executable, __file__, "--child", role, "--variant", variant, "--work", str(work)]
    process = psutil.Popen(
        [*command, *(["--quick"] if quick else [])],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process))
        time.sleep(0.02)
    if process.returncode:
        raise SystemExit(f"{role} ({variant}) failed:\n{process.stderr.read().decode()[-3000:]}")
    data = json.loads(result.read_text())
    return data["seconds"], max(peak, data["rss"]) / 2**20


def tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        with contextlib.suppress(psutil.Error):  # it may have just exited
            total += member.memory_info().rss
    return total


def moviepy_installed() -> bool:
    check = [sys.executable, "-c", "import moviepy"]
    return subprocess.run(check, capture_output=True, check=False).returncode == 0


def prepare(work: Path, config: dict, variants: list[str], fit: str = "contain") -> None:
    media = make_media(work, config)
    (work / "media.json").write_text(json.dumps({mid: str(path) for mid, path in media.items()}))
    for variant in variants:
        draft = make_draft(config, variant, fit)
        (work / f"{variant}.json").write_text(json.dumps(draft))
        with (work / f"{variant}.yuv").open("wb") as raw:  # the floor's input: engine frames
            for frame in compose_frames(draft, media):
                raw.write(frame.tobytes())


def report(variant: str, times: dict, rss: dict, moviepy: bool) -> list[str]:
    median = {role: statistics.median(values) for role, values in times.items()}
    floor, engine = median["floor"], median["engine"]
    rows = []
    for role, label in (("floor", "encode floor"), ("engine", "engine"), ("moviepy", "moviepy")):
        if role not in times:
            rows.append(f"| {variant}: moviepy | not installed (pip install moviepy) | | | | | |")
            continue
        spread = f"{min(times[role]):.2f}–{max(times[role]):.2f} s"
        faster = f"{median['moviepy'] / median[role]:.2f}x" if moviepy else "–"
        goal = ""
        if role == "engine":
            ok = engine / floor <= GOALS[variant] and max(rss["engine"]) <= RSS_GOAL_MB
            ok = ok and (not moviepy or median["moviepy"] / engine >= MOVIEPY_GOAL)
            goal = (
                f"<= {GOALS[variant]}x floor, >= {MOVIEPY_GOAL}x moviepy, <= {RSS_GOAL_MB} MB: "
                + ("met" if ok else "MISSED")
            )
        rows.append(
            f"| {variant}: {label} | {median[role]:.2f} s | {spread} | {median[role] / floor:.2f}x "
            f"| {faster} | {max(rss[role]):.0f} MB | {goal} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--variant", choices=["plain", "full", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="small and short; 1 repetition")
    # The engine's framing (moviepy always letterboxes): "auto" fills the 4:3 and 3:2 photos
    # and puts the portrait one on a blurred copy of itself.
    parser.add_argument("--fit", choices=["contain", "cover", "blur", "auto"], default="contain")
    parser.add_argument("--child", choices=list(JOBS), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    variants = ["plain", "full"] if args.variant == "both" else [args.variant]
    if args.child:
        return child(args.child, variants[0], args.work, args.quick, args.work / "result.json")

    config = job_config(args.quick)
    reps = 1 if args.quick else args.reps
    roles = ["floor", "engine", *(["moviepy"] if moviepy_installed() else [])]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_render_") as folder:
        work = Path(folder)
        prepare(work, config, variants, args.fit)
        for variant in variants:
            times: dict[str, list[float]] = {role: [] for role in roles}
            rss: dict[str, list[float]] = {role: [] for role in roles}
            for _ in range(reps):
                for role in roles:
                    seconds, peak = measure(role, variant, work, args.quick)
                    times[role].append(seconds)
                    rss[role].append(peak)
            rows += report(variant, times, rss, "moviepy" in roles)
    frames = round(job_seconds(config) * config["fps"])
    print(
        f"Render of a {frames / config['fps']:.0f} s {config['width']}x{config['height']} "
        f"{config['fps']} fps slideshow, 5 photos, crossfades; medians of {reps} run(s), "
        f"each in a fresh process (full = + Ken Burns, title, music); engine fit: {args.fit}"
    )
    print("| measurement | median | min–max | / floor | moviepy ÷ this | peak RSS | goal |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()

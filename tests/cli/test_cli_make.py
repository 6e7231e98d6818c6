"""`nemo-widgets make`: photos and a sentence to an MP4, with progress bars and honest errors."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import av
import pytest

from nemo_widgets.cli import main
from nemo_widgets.workflows.samples import sample_music
from tests.browser.jupyter import free_port

PROMPT = "turn these images into a 15-second video with smooth transitions"


class Terminal(io.StringIO):
    """stderr as a terminal: progress bars are drawn live."""

    def isatty(self) -> bool:
        return True


def probe(path: Path) -> tuple[float, int, int, bool]:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        has_audio = bool(container.streams.audio)
        return container.duration / av.time_base, video.width, video.height, has_audio


@pytest.fixture
def on_engine(monkeypatch, engine):
    monkeypatch.setenv("NEMO_API_URL", engine.url)
    return engine


def test_make_writes_the_video_and_prints_the_reply_timeline_and_file(
    on_engine, photos, tmp_path, capsys
):
    music = sample_music(tmp_path / "song.wav", seconds=5)
    out = tmp_path / "holiday.mp4"
    args = ["make", *map(str, photos), "--prompt", PROMPT, "-o", str(out)]
    assert main([*args, "--aspect", "9:16", "--music", str(music)]) == 0

    duration, width, height, has_audio = probe(out)
    assert abs(duration - 15) < 0.1
    assert (width, height) == (1080, 1920)
    assert has_audio
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Agent: Made a 15 s 9:16")
    assert lines[1].startswith("Timeline (2 tracks): 1. Video: 3 images (0-15s) 2. BGM: song.wav")
    assert lines[2].startswith(f"Saved {out} (15.0 s, ")


def test_progress_bars_on_a_terminal(on_engine, photos, tmp_path, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["make", *map(str, photos), "-p", PROMPT, "-o", str(tmp_path / "a.mp4")]) == 0
    shown = terminal.getvalue().replace("\r", "\n")
    bars = [line for line in shown.splitlines() if "|" in line or "Agent" in line]
    assert any(line.startswith("Uploading: 100%") for line in bars), shown
    assert any(line.startswith("Agent    : ") for line in bars), shown
    assert any(line.startswith("Rendering: 100%") for line in bars), shown
    assert any(
        line.startswith("Rendering:") and "%" in line and "100%" not in line for line in bars
    )


def test_without_a_terminal_each_step_is_one_line(on_engine, photos, tmp_path, capsys):
    assert main(["make", *map(str, photos), "-p", PROMPT, "-o", str(tmp_path / "a.mp4")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"Using the local engine at {on_engine.url}"
    assert err[1:] == ["Uploading…", "Agent…", "  Editing the timeline…", "Rendering…"]


def test_quiet_prints_only_the_result(on_engine, photos, tmp_path, capsys):
    assert main(["make", *map(str, photos), "-p", PROMPT, "-o", str(tmp_path), "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    (video,) = tmp_path.glob("*.mp4")  # a folder as -o: the video is named for the user
    assert f"Saved {video} " in captured.out


@pytest.fixture
def nothing_listening(monkeypatch):
    """NEMO_API_URL on a closed port: any contact fails with exit 1, so exit 2 proves none."""
    monkeypatch.setenv("NEMO_API_URL", f"http://127.0.0.1:{free_port()}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.jpg"], "missing.jpg: no such file. Check the path and try again."),
        (["notes.jpg"], "notes.jpg is not a recognised image, video or audio file"),
        (["photo.jpg", "song.wav"], "song.wav is audio, not a photo or a clip"),
        (["photo.jpg", "--music", "photo.jpg"], "photo.jpg is not an audio file"),
        (["photo.jpg", "-o", "taken.mp4"], "taken.mp4 exists already: pass --overwrite"),
        (["photo.jpg", "-o", "video.mov"], "video.mov: the video is an MP4, so name it"),
        (["photo.jpg", "-o", "nowhere/v.mp4"], "nowhere does not exist: create the folder"),
        (["photo.jpg", "--prompt", "  "], "The prompt is empty: say what to make"),
    ],
)
def test_mistakes_exit_2_with_one_line_before_anything_is_sent(
    nothing_listening, photos, tmp_path, monkeypatch, capsys, args, message
):
    monkeypatch.chdir(tmp_path)
    photos[0].rename(tmp_path / "photo.jpg")
    (tmp_path / "notes.jpg").write_text("not a photo")
    sample_music(tmp_path / "song.wav", seconds=2)
    (tmp_path / "taken.mp4").write_bytes(b"my own video")
    command = ["make", *args]
    if "--prompt" not in args:
        command += ["--prompt", PROMPT]

    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert (tmp_path / "taken.mp4").read_bytes() == b"my own video"


def test_an_unknown_aspect_is_refused_by_the_parser(nothing_listening, photos, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["make", str(photos[0]), "-p", PROMPT, "--aspect", "3:2"])
    assert exit_info.value.code == 2
    assert "invalid choice: '3:2' (choose from '16:9', '9:16', '1:1', '4:5')" in (
        capsys.readouterr().err
    )


def test_a_prompt_the_agent_cannot_use_exits_1_with_what_it_said(on_engine, photos, capsys):
    assert main(["make", *map(str, photos), "-p", "hello there", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: The agent made no video from that prompt. It said: Sorry")


def test_out_of_credits_exits_3_with_where_to_top_up(start_engine, monkeypatch, photos, capsys):
    monkeypatch.setenv("NEMO_API_URL", start_engine(budget=0.0).url)
    assert main(["make", *map(str, photos), "-p", PROMPT, "-q"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "credits" in err.lower()
    assert "Traceback" not in err


def test_an_unreachable_server_exits_1(nothing_listening, photos, capsys):
    assert main(["make", *map(str, photos), "-p", PROMPT, "-q"]) == 1
    assert capsys.readouterr().err.startswith("error: Could not reach http://127.0.0.1:")


def test_the_installed_command_runs_the_local_engine_by_itself(photos, tmp_path):
    """As a user runs it: a new process, no token, no URL: the embedded engine makes it."""
    out = tmp_path / "video.mp4"
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEMO_")}
    env["NEMO_DATA_DIR"] = str(tmp_path / "data")
    env["NEMO_CONFIG_DIR"] = str(tmp_path / "config")
    command = [sys.executable, "-m", "nemo_widgets.cli", "make", *map(str, photos)]
    result = subprocess.run(
        [*command, "-p", PROMPT, "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("Using the local engine at http://127.0.0.1:")
    assert abs(probe(out)[0] - 15) < 0.1

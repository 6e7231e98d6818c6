"""`nemo-widgets serve` runs the engine in the foreground; `info` says which backend is used."""

from __future__ import annotations

import signal
import subprocess
import sys

import av
import pytest

import nemo_widgets
from nemo_widgets import NemoClient
from nemo_widgets.cli import main
from tests.helpers import FAST


def test_info_names_the_local_engine_when_nothing_is_configured(capsys, tmp_path):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "backend:      local engine, started on first use" in out
    assert "no NEMO_TOKEN or NEMO_API_URL is set" in out
    assert str(tmp_path / "engine-data") in out  # NEMO_DATA_DIR, set by the test fixture


def test_serve_then_photos_and_a_sentence_make_a_real_mp4(tmp_path, photos):
    """The issue's "done when": a served engine, the client, a sentence, an MP4; no network."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nemo_widgets.cli",
            "serve",
            "--port",
            "0",
            "--data",
            str(tmp_path / "d"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("nemo-widgets local engine on http://127.0.0.1:")
        url = first_line.split(" on ")[1].strip()
        with NemoClient(url, timings=FAST) as nemo:
            session = nemo.create_session()
            nemo.upload(session.session_id, *photos)
            list(nemo.chat(session.session_id, "turn these images into a 4-second 720p video"))
            draft = nemo.state(session.session_id).draft
            job = nemo.wait_render(nemo.start_render(session.session_id, draft))
            video = nemo.download(job, tmp_path / "out.mp4")
        with av.open(str(video)) as container:
            assert container.streams.video[0].codec_context.name == "h264"
            assert container.duration / 1e6 == pytest.approx(4.0, abs=0.05)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    assert process.returncode == 0
    assert (tmp_path / "d" / "engine.sqlite3").exists()


def test_serve_on_a_busy_port_says_what_to_do(tmp_path, capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port), "--data", str(tmp_path)]) == 1
    assert "choose another --port" in capsys.readouterr().err


def test_start_engine_returns_the_running_engine_for_the_same_folder(tmp_path):
    url = nemo_widgets.start_engine(tmp_path / "data")
    assert url.startswith("http://127.0.0.1:")
    assert nemo_widgets.start_engine(tmp_path / "data") == url
    assert nemo_widgets.start_engine(tmp_path / "other") != url
    with NemoClient(url, timings=FAST) as nemo:
        assert nemo.credits().unlimited


def test_serve_answers_to_the_host_names_it_is_given(tmp_path):
    import httpx

    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "nemo_widgets.cli", "serve", "--port", "0"),
            *("--data", str(tmp_path / "d"), "--allow-host", "proxy.example"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split(" on ")[1].strip()
        assert "also answers to proxy.example" in "".join(process.stdout.readline() for _ in "1234")
        with httpx.Client(base_url=url) as http:
            added = http.get("/api/engine/info", headers={"Host": "proxy.example"})
            other = http.get("/api/engine/info", headers={"Host": "attacker.example"})
        assert (added.status_code, other.status_code) == (200, 400)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)

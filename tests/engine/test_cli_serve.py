"""`nemo-widgets serve` runs the engine in the foreground; `info` says which backend is used."""

from __future__ import annotations

import signal
import subprocess
import sys

from nemo_widgets import NemoClient
from nemo_widgets.cli import main
from tests.helpers import FAST


def test_info_names_the_local_engine_when_nothing_is_configured(capsys, tmp_path):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "backend:      local engine, started on first use" in out
    assert "no NEMO_TOKEN or NEMO_API_URL is set" in out
    assert str(tmp_path / "engine-data") in out  # NEMO_DATA_DIR, set by the test fixture


def test_serve_runs_until_interrupted(tmp_path, photos):
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
            assert nemo.upload(session.session_id, photos[0]).files[0].file_type == "image"
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

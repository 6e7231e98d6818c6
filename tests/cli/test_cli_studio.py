"""`nemo-widgets studio`: a starter notebook with NemoStudio, opened in JupyterLab."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import nbformat
import pytest

from nemo_widgets.cli import STARTER_NOTEBOOK, main, write_starter_notebook
from tests.browser.jupyter import free_port


def test_the_starter_notebook_is_valid_and_shows_the_studio(tmp_path):
    path = write_starter_notebook(tmp_path)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert code == ["from nemo_widgets import NemoStudio\n\nstudio = NemoStudio()\nstudio"]


def test_an_existing_notebook_of_that_name_is_kept(tmp_path):
    mine = tmp_path / STARTER_NOTEBOOK
    mine.write_text("my own work")
    assert write_starter_notebook(tmp_path) == mine
    assert mine.read_text() == "my own work"


def test_studio_starts_jupyterlab_on_the_notebook_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nemo_widgets.cli", "studio", "--no-browser", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if f"127.0.0.1:{port}/lab" in line or f"localhost:{port}/lab" in line:
                break
        output = "".join(seen)
        assert f":{port}/lab" in output, output  # also proves --allow-root when run as root
        assert (tmp_path / STARTER_NOTEBOOK).exists()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_notebook_given_is_opened_as_it_is(tmp_path):
    from nemo_widgets.cli.studio import notebook_to_open

    mine = tmp_path / "quickstart.ipynb"
    mine.write_text("{}")
    assert notebook_to_open(mine) == mine
    assert notebook_to_open(tmp_path / "new") == tmp_path / "new" / STARTER_NOTEBOOK
    assert not (tmp_path / STARTER_NOTEBOOK).exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.ipynb", "no such notebook"),
        ("notes.txt", "is not a notebook (.ipynb) or a folder"),
    ],
)
def test_a_wrong_path_exits_2_with_what_to_do(tmp_path, capsys, name, message):
    (tmp_path / "notes.txt").write_text("hello")
    assert main(["studio", str(tmp_path / name), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err

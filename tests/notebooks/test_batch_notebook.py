"""notebooks/batch.ipynb in a real kernel: run once, then again as after a kernel restart."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import av
import pytest

from tests.notebooks.runner import errors, run_notebook, text_outputs

pytestmark = pytest.mark.kernel

MADE = ("beach", "city", "mountains")


def statuses(text: str) -> list[dict[str, str]]:
    """Every results table in the notebook's text output, as {name: status} per table."""
    tables, current = [], None
    for line in text.splitlines():
        if line.startswith("name ") and "status" in line:
            current = {}
            tables.append(current)
        elif current is not None:
            found = re.match(r"(\S+)\s+(made|skipped|failed)\s", line)
            if found:
                current[found.group(1)] = found.group(2)
            else:
                current = None
    return tables


def length(path: Path) -> float:
    with av.open(str(path)) as container:
        return container.duration / av.time_base


def renders(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "engine.sqlite3") as db:
        return db.execute("SELECT COUNT(*) FROM renders").fetchone()[0]


def test_batch_notebook_makes_the_videos_and_skips_them_after_a_restart(tmp_path):
    workdir = tmp_path / "work"
    videos = workdir / "videos"

    notebook = run_notebook("batch.ipynb", workdir)

    assert errors(notebook) == []
    text = text_outputs(notebook)
    first, again = statuses(text)
    assert first == {"beach": "made", "broken": "failed", "city": "made", "mountains": "made"}
    assert again == {
        "beach": "skipped",
        "broken": "failed",
        "city": "skipped",
        "mountains": "skipped",
    }
    assert "broken: not-a-photo.jpg is not a recognised image" in text
    for name in MADE:
        assert length(videos / f"{name}.mp4") == pytest.approx(6.0, abs=0.05)
    record = json.loads((videos / "nemo-batch.json").read_text())
    assert record["items"]["broken"]["status"] == "failed"
    made_at = {name: (videos / f"{name}.mp4").stat().st_mtime_ns for name in MADE}
    rendered = renders(tmp_path / "engine-data")  # the kernel's engine: NEMO_DATA_DIR
    assert rendered == len(MADE)

    restarted = run_notebook("batch.ipynb", workdir)  # a new kernel on the same files

    assert errors(restarted) == []
    skipped = {"beach": "skipped", "broken": "failed", "city": "skipped", "mountains": "skipped"}
    assert statuses(text_outputs(restarted)) == [skipped, skipped]
    assert {name: (videos / f"{name}.mp4").stat().st_mtime_ns for name in MADE} == made_at
    assert renders(tmp_path / "engine-data") == rendered

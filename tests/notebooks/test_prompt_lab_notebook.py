"""notebooks/prompt_lab.ipynb in a real kernel: four prompts, four videos of the asked lengths."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest

from tests.notebooks.runner import errors, run_notebook, text_outputs

pytestmark = pytest.mark.kernel

# The notebook's prompts (by number) and the length in seconds each one asks for.
ASKED = {
    "01-turn-these-images-into-a-15-second-video": 15.0,
    "02-a-10-second-video-with-ken-burns-motion": 10.0,
    "03-9-16-for-tiktok-12-seconds-title-holiday": 12.0,
    "04-make-an-8-second-slideshow": 8.0,
}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def probe(path: Path) -> tuple[float, int, int]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return container.duration / av.time_base, stream.width, stream.height


def test_prompt_lab_notebook_makes_one_video_per_prompt(tmp_path):
    notebook = run_notebook("prompt_lab.ipynb", tmp_path)

    assert errors(notebook) == []
    folder = tmp_path / "prompt-lab"
    made = {path.stem: path for path in folder.glob("*.mp4")}
    assert sorted(made) == sorted(ASKED)
    for stem, seconds in ASKED.items():
        duration, width, height = probe(made[stem])
        assert duration == pytest.approx(seconds, abs=0.1), stem
        assert (width, height) == ((1080, 1920) if stem.startswith("03-") else (1920, 1080))

    sources = [cell.source for cell in notebook.cells]
    shown = notebook.cells[sources.index("lab")].outputs
    assert [o.output_type for o in shown] == ["execute_result"]
    assert WIDGET_VIEW in shown[0].data  # the grid of cards, as a widget
    assert shown[0].data["text/plain"].startswith("#  prompt")  # and the table where it cannot

    table = notebook.cells[sources.index("lab.table()")].outputs
    assert "<table>" in table[0].data["text/html"]
    text = text_outputs(notebook)
    for stem, seconds in ASKED.items():
        assert f"{stem}.mp4: {seconds:.1f} s" in text
    assert "failed" not in text

    record = json.loads((folder / "nemo-prompt-lab.json").read_text())
    assert sorted(record["videos"]) == sorted(f"{stem}.mp4" for stem in ASKED)

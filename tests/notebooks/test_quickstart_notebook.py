"""notebooks/quickstart.ipynb runs top to bottom on the embedded engine and makes its video."""

from __future__ import annotations

import av
import pytest

from tests.notebooks.runner import errors, run_notebook, text_outputs

pytestmark = pytest.mark.kernel


def test_the_quickstart_makes_a_15_second_video_with_music(tmp_path):
    notebook = run_notebook("quickstart.ipynb", tmp_path)

    assert errors(notebook) == []
    video = tmp_path / "quickstart.mp4"
    with av.open(str(video)) as container:
        assert abs(container.duration / av.time_base - 15) < 0.1
        assert container.streams.video[0].width == 1920
        assert container.streams.audio, "the music seed prompt added a soundtrack"
    shown = text_outputs(notebook)
    assert "Made a 15 s 16:9 (1920x1080) slideshow of 3 photos" in shown
    assert "Timeline (2 tracks): 1. Video: 3 images (0-15s) 2. BGM: song.wav" in shown
    assert "quickstart.mp4: 15 s" in shown
    widgets = [
        output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    assert len(widgets) == 2  # the studio, then the video on its own

"""PromptLab's previews on the real local engine: each card gets the engine's small preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import pytest

from nemo_widgets import AsyncNemoClient, PromptLab
from nemo_widgets.runtime import get_runtime
from nemo_widgets.workflows.prompt_lab import PREVIEWS_FOLDER
from tests.workflows.test_prompt_lab import TIMINGS, players_in

PROMPTS = ["turn these images into a 4-second video", "a 3 second video with wipe transitions"]


def probe(path: Path) -> tuple[float, int, int, float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate or 0)
        return container.duration / av.time_base, stream.width, stream.height, rate


def run_lab(engine: Any, folder: Path, **options: Any) -> tuple[PromptLab, list[Any]]:
    client = AsyncNemoClient(engine.url, timings=TIMINGS)
    lab = PromptLab(photos_of(folder), PROMPTS, folder=folder / "lab", client=client, **options)
    try:
        return lab, lab.run()
    finally:
        get_runtime().run(client.aclose())


def photos_of(folder: Path) -> list[Path]:
    return sorted((folder / "photos").glob("*.jpg"))


def test_each_card_plays_the_engines_preview_first(start_engine, photos, tmp_path):
    engine = start_engine(previews=True)
    lab, results = run_lab(engine, tmp_path, progress=False)
    assert lab.previews is True  # the default
    for result, seconds in zip(results, (4.0, 3.0), strict=True):
        assert result.ok, result.error
        preview = result.preview_path
        assert preview == tmp_path / "lab" / PREVIEWS_FOLDER / result.path.name
        duration, width, height, rate = probe(preview)
        assert duration == pytest.approx(seconds, abs=0.1)
        assert (width, height) == (480, 270) and rate <= 15
        assert preview.stat().st_size < result.path.stat().st_size
    players = players_in(lab.view())
    assert [p.preview_path for p in players] == [r.preview_path for r in results]
    # No preview URL: where the video's URL fails, the preview's (same server) fails too.
    assert all(p.preview["token"] == 2 and p.preview["url"] is None for p in players)
    # Only the videos, the record and the hidden previews folder are in the lab's folder.
    names = sorted(p.name for p in (tmp_path / "lab").iterdir())
    assert names == sorted(
        [PREVIEWS_FOLDER, "nemo-prompt-lab.json", *(r.path.name for r in results)]
    )

    # A preview deleted since: that card plays the video as without one.
    results[0].preview_path.unlink()
    lab._view = None  # shown again
    first, second = players_in(lab.view())
    assert first.preview == {} and second.preview["token"] == 2


def test_previews_off_asks_the_engine_for_none(start_engine, photos, tmp_path):
    engine = start_engine(previews=True)
    lab, results = run_lab(engine, tmp_path, progress=False, previews=False)
    assert all(r.ok and r.preview_path is None for r in results)
    assert not (tmp_path / "lab" / PREVIEWS_FOLDER).exists()
    assert all(p.preview == {} for p in players_in(lab.view()))

    async def settings() -> list[bool]:
        async with AsyncNemoClient(engine.url, timings=TIMINGS) as client:
            answers = [await client.render_settings(r.session_id) for r in results]
            return [answer.previews for answer in answers]

    assert get_runtime().run(settings()) == [False, False]  # never asked for


def test_an_engine_without_previews_gives_cards_without_them(engine, photos, tmp_path):
    lab, results = run_lab(engine, tmp_path, progress=False)  # the fixture's: previews off
    assert all(r.ok and r.preview_path is None for r in results)
    assert all(p.preview == {} for p in players_in(lab.view()))


def test_previews_must_be_true_or_false(photos, tmp_path):
    with pytest.raises(TypeError, match="previews must be True or False"):
        PromptLab(photos, PROMPTS, folder=tmp_path / "lab", previews="yes")  # type: ignore[arg-type]

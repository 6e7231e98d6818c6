"""How many renders the engine runs at once, and how many encoder threads each one gets."""

from __future__ import annotations

import sys

import pytest

from nemo_widgets import AsyncNemoClient
from nemo_widgets.cli import main
from nemo_widgets.engine import jobs
from tests.engine.test_render_child import built_session, render_children, seconds_of, wait_for
from tests.helpers import FAST


def queue_of(running):
    """The render queue of an engine started in this process."""
    return running.server.config.app.state.engine.renders


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.mark.parametrize(
    ("asked", "cpus", "plan"),
    [
        (None, 1, (1, 1)),
        (None, 2, (1, 2)),  # this machine: one render with both cores
        (None, 8, (2, 4)),
        (None, 16, (4, 4)),
        (None, 18, (4, 4)),
        (3, 16, (3, 5)),  # asked for: the cores are shared out between them
        (4, 2, (4, 1)),  # more renders than cores: one thread each, never zero
    ],
)
def test_render_workers_follow_the_cores(asked, cpus, plan):
    assert jobs.render_plan(asked, cpus) == plan


def test_zero_render_workers_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        jobs.render_plan(0, 8)


def test_the_engine_sizes_its_queue_from_the_cpus_it_may_use(start_engine, monkeypatch):
    monkeypatch.setattr(jobs, "usable_cpus", lambda: 16)
    default = queue_of(start_engine())
    assert (default.workers, default.threads) == (4, 4)
    asked = queue_of(start_engine(render_workers=2))
    assert (asked.workers, asked.threads) == (2, 8)


@pytest.mark.anyio
async def test_each_render_child_gets_its_share_of_threads(start_engine, photos, tmp_path):
    engine = start_engine(render_workers=2, renderer="tests.engine.fake_renderers:records_threads")
    expected = queue_of(engine).threads
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        done = await nemo.wait_render(await nemo.start_render(session.session_id, draft))
        path = await nemo.download(done, tmp_path / "out.mp4")
    assert seconds_of(path) == pytest.approx(4.0, abs=0.05)
    [noted] = list((engine.data_dir).rglob("*.threads"))
    assert int(noted.read_text()) == expected >= 1


@linux_only
@pytest.mark.anyio
@pytest.mark.parametrize("workers", [1, 2])
async def test_as_many_renders_run_at_once_as_there_are_workers(start_engine, photos, workers):
    engine = start_engine(render_workers=workers, renderer="tests.engine.fake_renderers:hang")
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        for title in ("one", "two", "three"):  # three different videos, so three jobs
            titled = {**draft, "m": {**draft["m"], "title_for_test": title}}
            await nemo.start_render(session.session_id, titled)
        await wait_for(lambda: len(render_children()) >= workers, f"{workers} render children")
        await wait_for(lambda: True, "a moment for a surplus child to start", tries=10)
        assert len(render_children()) == workers


def test_serve_refuses_a_render_worker_count_below_one(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--render-workers", "0"])
    assert exited.value.code == 2
    assert "--render-workers: must be a whole number of 1 or more, not '0'" in (
        capsys.readouterr().err
    )

"""The render child: a fresh interpreter per export, independent of the user's ``__main__``.

Exports run through the real engine over HTTP; the child's own protocol (a job on stdin, events
on stdout) is driven directly only to show that it exits when the engine goes away.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import av
import pytest

from nemo_widgets import AsyncNemoClient
from nemo_widgets.api import RenderFailed
from tests.helpers import FAST

pytestmark = pytest.mark.anyio

BUILD = "turn these images into a 4-second video with smooth transitions, 720p"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


async def built_session(nemo, photos):
    session = await nemo.create_session()
    await nemo.upload(session.session_id, *photos)
    async for _ in nemo.chat(session.session_id, BUILD):
        pass
    return session, (await nemo.state(session.session_id)).draft


def seconds_of(path: Path) -> float:
    with av.open(str(path)) as video:
        return float(video.duration / 1e6)


def test_a_script_without_a_main_guard_exports_once(tmp_path):
    """Spawn would import the script again in the child: it would fail, and run its code twice."""
    marker = tmp_path / "imported.txt"
    output = tmp_path / "out.mp4"
    script = tmp_path / "make_it.py"
    script.write_text(
        textwrap.dedent(
            f"""\
            import asyncio
            from nemo_widgets import AsyncNemoClient
            from nemo_widgets.workflows.make import make_video
            from nemo_widgets.workflows.samples import sample_photos

            with open({str(marker)!r}, "a") as file:
                file.write("imported\\n")

            async def main():
                photos = sample_photos({str(tmp_path / "photos")!r}, 3, size=(320, 240))
                async with AsyncNemoClient() as client:  # no token: the embedded engine
                    made = await make_video(client, photos, {BUILD!r}, {str(output)!r})
                    print(made.duration_s)

            asyncio.run(main())
            """
        )
    )
    env = {**os.environ, "NEMO_DATA_DIR": str(tmp_path / "engine-data")}
    run = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert seconds_of(output) == pytest.approx(4.0, abs=0.05)
    assert marker.read_text() == "imported\n"  # the render child did not run the script


async def test_what_a_renderer_prints_cannot_garble_the_export(start_engine, photos, tmp_path):
    engine = start_engine(renderer="tests.engine.fake_renderers:chatty")
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        done = await nemo.wait_render(await nemo.start_render(session.session_id, draft))
        path = await nemo.download(done, tmp_path / "out.mp4")
    assert seconds_of(path) == pytest.approx(4.0, abs=0.05)


@linux_only
async def test_a_native_crash_says_how_the_renderer_died(start_engine, photos):
    engine = start_engine(renderer="tests.engine.fake_renderers:segfault")
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        job = await nemo.start_render(session.session_id, draft)
        with pytest.raises(RenderFailed) as failed:
            await nemo.wait_render(job)
        assert (await nemo.state(session.session_id)).draft == draft  # still serving
    message = str(failed.value)
    assert "stopped unexpectedly (killed by SIGSEGV: Fatal Python error: Segmentation fault)" in (
        message
    )


async def test_a_renderer_that_cannot_be_imported_fails_with_its_name(start_engine, photos):
    engine = start_engine(renderer="tests.engine.no_such_module:render")
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        job = await nemo.start_render(session.session_id, draft)
        with pytest.raises(RenderFailed, match="no_such_module:render' could not be loaded"):
            await nemo.wait_render(job)


def render_children() -> list[int]:
    """The pids of this process's running render children."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes()
            stat = (cmdline.parent / "stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        if parent == os.getpid() and b"nemo_widgets.engine.render_child" in command:
            pids.append(int(cmdline.parent.name))
    return pids


async def wait_for(condition, what: str, tries: int = 300):
    for _ in range(tries):
        if value := condition():
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


@linux_only
async def test_a_cancelled_render_leaves_no_process_behind(start_engine, photos):
    engine = start_engine(renderer="tests.engine.fake_renderers:hang")
    async with AsyncNemoClient(engine.url, timings=FAST) as nemo:
        session, draft = await built_session(nemo, photos)
        job = await nemo.start_render(session.session_id, draft)
        (pid,) = await wait_for(render_children, "the render child to start")
        await nemo.cancel_render(job.id)
        # Killed and reaped: a zombie would keep its /proc entry.
        proc = Path(f"/proc/{pid}")
        await wait_for(lambda: not proc.exists(), f"render child {pid} to be reaped")


def test_the_child_exits_when_the_engine_goes_away(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-m", "nemo_widgets.engine.render_child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    job = {
        "renderer": "tests.engine.fake_renderers:hang",
        "draft": {},
        "media": {},
        "out": str(tmp_path / "out.mp4"),
        "sys_path": sys.path,
    }
    child.stdin.write(json.dumps(job).encode() + b"\n")
    child.stdin.flush()
    assert json.loads(child.stdout.readline()) == {"event": "progress", "done": 1, "total": 10}
    child.stdin.close()  # what the engine's death does to the pipe
    try:
        assert child.wait(timeout=60) == 1
    finally:
        child.kill()
        child.wait()
        child.stdout.close()

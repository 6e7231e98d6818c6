"""NemoStudio's live preview, the follower on its own (a scripted client) and the studio on a
real local engine: the preview after a change, ``preview_path``, its stream to the browser."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import pytest

from nemo_widgets.api import AsyncNemoClient
from nemo_widgets.api.models import RenderJob, RenderSettings
from nemo_widgets.widget.studio import NemoStudio
from nemo_widgets.widget.studio_preview import PreviewFollower, PreviewState
from tests.widget.studio_harness import browser_says, custom_buffers, open_studio, wait_for

# -- the follower, with a scripted client --------------------------------------------------


@dataclass
class ScriptedClient:
    """Answers ``preview()`` from a list of jobs (the last one repeats); records every call."""

    local: bool = True
    previews_on: bool = True
    jobs: list[RenderJob] = field(default_factory=list)
    calls: list[tuple[str, Any]] = field(default_factory=list)

    async def render_settings(self, session_id: str, **wanted: bool) -> RenderSettings | None:
        self.calls.append(("render_settings", (session_id, wanted)))
        if not self.local:
            return None
        return RenderSettings(previews=self.previews_on, speculative_export=True)

    async def preview(self, session_id: str) -> RenderJob | None:
        self.calls.append(("preview", session_id))
        if not self.local or not self.jobs:
            return None
        return self.jobs.pop(0) if len(self.jobs) > 1 else self.jobs[0]

    # The client's own waiting, over the scripted answers of preview() above.
    wait_preview = AsyncNemoClient.wait_preview

    async def download(self, job: RenderJob, dest: Path) -> Path:
        self.calls.append(("download", job.id))
        dest.write_bytes(b"mp4 of " + job.id.encode())
        return dest


def job(render_id: str, status: str, error: str | None = None) -> RenderJob:
    return RenderJob(
        id=render_id,
        status=status,
        progress=100 if status == "completed" else 10,
        output_url=f"http://127.0.0.1:1/outputs/{render_id}.mp4" if status == "completed" else None,
        error=error,
    )


async def follow(client: ScriptedClient, **options: Any) -> tuple[PreviewFollower, list]:
    shown: list[PreviewState] = []
    follower = PreviewFollower(client, asyncio.get_running_loop(), shown.append, **options)
    return follower, shown


async def settle(follower: PreviewFollower) -> None:
    for task in (follower._task, follower._asking):
        if task is not None:
            await asyncio.wait_for(asyncio.shield(task), 5)


@pytest.mark.anyio
async def test_a_change_shows_the_poster_then_plays_the_new_preview():
    client = ScriptedClient(
        jobs=[
            job("preview_a", "pending"),
            job("preview_a", "processing"),
            job("preview_a", "completed"),
        ]
    )
    follower, shown = await follow(client)
    follower.draft_changed("s1")
    await settle(follower)

    assert [s.state for s in shown] == ["rendering", "ready"]
    assert follower.path is not None and follower.path.read_bytes() == b"mp4 of preview_a"
    assert shown[-1].url == "http://127.0.0.1:1/outputs/preview_a.mp4"
    wanted = {"previews": True, "speculative_export": True}
    assert client.calls[0] == ("render_settings", ("s1", wanted))
    assert [c for c in client.calls if c[0] == "render_settings"] == client.calls[:1]  # once

    # The timeline read again without a change: the same preview, nothing new to show.
    follower.draft_changed("s1")
    await settle(follower)
    assert [s.state for s in shown] == ["rendering", "ready"]
    assert [c for c in client.calls if c[0] == "download"] == [("download", "preview_a")]

    # A change: the next preview replaces the file (the older one is deleted).
    first = follower.path
    client.jobs = [job("preview_b", "processing"), job("preview_b", "completed")]
    follower.draft_changed("s1")
    await settle(follower)
    assert [s.state for s in shown] == ["rendering", "ready", "rendering", "ready"]
    assert follower.path is not None and follower.path != first and not first.exists()

    client.jobs = [job("preview_c", "completed")]  # made before (a cached draft): no poster
    follower.draft_changed("s1")
    await settle(follower)
    assert [s.state for s in shown] == ["rendering", "ready", "rendering", "ready", "ready"]
    follower.close()
    assert not follower.path.exists()  # close deletes the previews


@pytest.mark.anyio
async def test_a_newer_change_replaces_the_follow_of_an_older_one():
    client = ScriptedClient(jobs=[job("preview_old", "processing")])
    follower, shown = await follow(client)
    follower.draft_changed("s1")
    await asyncio.sleep(0.25)  # polling the old one
    old_task = follower._task
    client.jobs = [job("preview_new", "completed")]
    follower.draft_changed("s1")
    await settle(follower)
    assert old_task is not None and old_task.cancelled()
    assert shown[-1].state == "ready" and shown[-1].render_id == "preview_new"
    assert [c for c in client.calls if c[0] == "download"] == [("download", "preview_new")]


@pytest.mark.anyio
async def test_a_failed_preview_says_why_and_a_later_change_tries_again():
    client = ScriptedClient(jobs=[job("preview_x", "failed", error="no space left on device")])
    follower, shown = await follow(client)
    follower.draft_changed("s1")
    await settle(follower)
    assert shown[-1] == PreviewState("failed", "preview_x", error="no space left on device")
    assert follower.path is None
    client.jobs = [job("preview_y", "completed")]
    follower.draft_changed("s1")
    await settle(follower)
    assert shown[-1].state == "ready"


@pytest.mark.anyio
async def test_no_preview_is_asked_of_a_server_that_is_not_the_local_engine():
    client = ScriptedClient(local=False)
    follower, shown = await follow(client)
    follower.session_started("s1")
    follower.draft_changed("s1")
    await settle(follower)
    assert shown == [] and follower.path is None
    assert all(call[0] == "render_settings" for call in client.calls)  # answered None, no request


@pytest.mark.anyio
async def test_an_engine_with_previews_off_is_never_polled():
    client = ScriptedClient(previews_on=False, jobs=[job("preview_a", "completed")])
    follower, shown = await follow(client)
    follower.draft_changed("s1")
    await settle(follower)
    assert shown == [] and not [c for c in client.calls if c[0] == "preview"]


@pytest.mark.anyio
async def test_the_studio_arguments_reach_the_engine_as_the_session_s_settings():
    client = ScriptedClient()
    follower, _ = await follow(client, previews=False, speculative_export=False)
    follower.session_started("s1")
    follower.draft_changed("s1")  # no previews wanted: nothing followed
    await settle(follower)
    wanted = {"previews": False, "speculative_export": False}
    assert client.calls == [("render_settings", ("s1", wanted))]

    # The defaults are said too: the session may keep another studio's settings.
    client.calls.clear()
    follower, _ = await follow(client)
    follower.session_started("s2")
    await settle(follower)
    assert client.calls == [
        ("render_settings", ("s2", {"previews": True, "speculative_export": True}))
    ]


@pytest.mark.anyio
async def test_a_download_that_fails_is_shown_and_retried_on_the_next_change(tmp_path: Path):
    client = ScriptedClient(jobs=[job("preview_a", "completed")])

    async def broken(job: RenderJob, dest: Path) -> Path:
        from nemo_widgets import NemoError

        raise NemoError("The local engine stopped answering.")

    client.download = broken  # type: ignore[method-assign]
    follower, shown = await follow(client)
    follower.draft_changed("s1")
    await settle(follower)
    assert shown[-1].state == "failed" and "stopped answering" in (shown[-1].error or "")
    del client.download
    follower.draft_changed("s1")
    await settle(follower)
    assert shown[-1].state == "ready"


@pytest.mark.anyio
@pytest.mark.parametrize("render_id", ["../../etc/passwd", "a/b\\c", ""])
async def test_a_preview_file_name_never_leaves_the_preview_folder(render_id: str):
    client = ScriptedClient(jobs=[job(render_id, "completed")])
    follower, _ = await follow(client)
    follower.draft_changed("s1")
    await settle(follower)
    assert follower.path is not None and follower.path.parent == follower._folder
    follower.close()


@pytest.mark.anyio
async def test_a_cancelled_preview_is_waited_out_not_shown_as_a_failure():
    client = ScriptedClient(
        jobs=[
            job("preview_a", "cancelled"),
            job("preview_b", "pending"),
            job("preview_b", "completed"),
        ]
    )
    follower, shown = await follow(client)
    follower.draft_changed("s1")
    await settle(follower)
    assert [(s.state, s.render_id) for s in shown] == [
        ("rendering", "preview_a"),
        ("rendering", "preview_b"),
        ("ready", "preview_b"),
    ]


# -- the studio on a real local engine -------------------------------------------------------


def _ready(studio: NemoStudio) -> dict[str, Any] | None:
    preview = studio.preview
    return preview if preview.get("state") == "ready" else None


def _settings(studio: NemoStudio) -> tuple[bool, bool]:
    """What the engine does for the studio's session: (previews, speculative export)."""
    settings = studio._runtime.run(studio._client.render_settings(studio.session_id))
    assert settings is not None
    return settings.previews, settings.speculative_export


def test_the_studio_shows_the_preview_of_each_change_and_streams_it(start_engine, photos):
    engine = start_engine(previews=True)
    with open_studio(engine.url) as studio:
        studio.upload(*photos)
        studio.send_sync("turn these images into a 3-second video")
        first = wait_for(lambda: _ready(studio), "the first preview", timeout=120)
        path = studio.preview_path
        assert path is not None and path.name == first["name"]
        assert first["url"].startswith("http://127.0.0.1:") and first["size"] == path.stat().st_size
        assert first["duration_s"] == pytest.approx(3.0, abs=0.1)
        with av.open(str(path)) as container:  # small and light: 480 px wide, 15 fps
            stream = container.streams.video[0]
            assert (stream.width, stream.height) == (480, 270)
            assert float(stream.average_rate) == pytest.approx(15, abs=0.5)
            assert float(container.duration / av.time_base) == pytest.approx(3.0, abs=0.15)
        assert _settings(studio) == (True, False)  # this engine makes no speculative exports

        # The browser could not load the URL: the kernel streams the preview, as it does videos.
        token = first["token"]
        browser_says(studio, {"type": "video_request", "token": token})
        chunks = wait_for(
            lambda: [(c, b) for c, b in custom_buffers(studio, "video_chunk") if c["last"]],
            "the preview's pieces",
        )
        (message, buffers) = chunks[-1]
        assert message["token"] == token and bytes(buffers[0]) == path.read_bytes()

        # The next change replaces the preview; the older file is deleted.
        studio.send_sync("make it 5 seconds")
        second = wait_for(
            lambda: (p := _ready(studio)) and p["token"] != token and p, "the next preview", 120
        )
        assert second["duration_s"] == pytest.approx(5.0, abs=0.1)
        assert studio.preview_path != path and not path.exists()

        # An export gets a token of its own: the browser's requests name one file each.
        video = studio.export(photos[0].parent / "out.mp4")
        assert studio.video["token"] > second["token"]
        browser_says(studio, {"type": "video_request", "token": second["token"]})
        browser_says(studio, {"type": "video_request", "token": studio.video["token"]})
        wait_for(
            lambda: (
                {c["token"] for c, _ in custom_buffers(studio, "video_chunk") if c["last"]}
                >= {second["token"], studio.video["token"]}
            ),
            "both files' last pieces",
        )
        assert video.stat().st_size > studio.preview_path.stat().st_size
        kept = studio.preview_path
    assert not kept.exists()  # closing the studio deletes its previews


def test_the_studio_arguments_turn_previews_and_speculative_exports_off(start_engine, photos):
    engine = start_engine(previews=True, speculative_export=True)
    with open_studio(engine.url, previews=False, speculative_export=False) as studio:
        studio.upload(*photos)
        studio.send_sync("turn these images into a 3-second video")
        assert _settings(studio) == (False, False)
        assert studio.preview == {} and studio.preview_path is None
        preview = studio._runtime.run(studio._client.preview(studio.session_id))
        assert preview is None  # the engine made none for this session
        session_id = studio.session_id

    # The same session in a studio with the defaults: its settings follow this studio.
    with open_studio(engine.url, session_id=session_id) as studio:
        wait_for(lambda: _ready(studio), "the preview of the session's draft", timeout=120)
        assert _settings(studio) == (True, True)


@pytest.mark.anyio
async def test_a_studio_without_previews_shows_no_failure_when_its_setting_cannot_be_sent():
    client = ScriptedClient()

    async def refused(session_id: str, **wanted: bool) -> RenderSettings | None:
        from nemo_widgets import NemoError

        raise NemoError("The local engine stopped answering.")

    client.render_settings = refused  # type: ignore[method-assign]
    follower, shown = await follow(client, previews=False, speculative_export=False)
    follower.session_started("s1")
    await settle(follower)
    assert shown == []

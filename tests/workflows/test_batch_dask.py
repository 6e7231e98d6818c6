"""Batch and PromptLab on executors: a real Dask LocalCluster of two worker processes, and the
standard library's thread and process pools. Every engine is a real one on 127.0.0.1."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import multiprocessing
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import av
import httpx
import pytest

distributed = pytest.importorskip("distributed")
from distributed import Client, LocalCluster, get_task_stream  # noqa: E402
from distributed.diagnostics.plugin import SchedulerPlugin  # noqa: E402

from nemo_widgets import AsyncNemoClient, PromptLab  # noqa: E402
from nemo_widgets.workflows.batch import MANIFEST_NAME, Batch, BatchResult  # noqa: E402
from tests.helpers import FAST  # noqa: E402
from tests.media_factory import PALETTE, make_photo  # noqa: E402

TIMINGS = dataclasses.replace(FAST, turn_timeout=120.0, render_timeout=300.0)
TWO = "make a 2-second 720p slideshow"
THREE = "make a 3-second 720p slideshow"
NAMES = ("alpha", "beta", "gamma", "delta")


def local_cluster(workers: int) -> LocalCluster:
    """Worker processes on 127.0.0.1, no dashboard: the machine is small and shared."""
    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        memory_limit=None,
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    # Made before any test's own environment: the workers get a clean one of their own.
    home = tmp_path_factory.mktemp("cluster")
    with pytest.MonkeyPatch.context() as env:
        for name in [name for name in os.environ if name.startswith("NEMO_")]:
            env.delenv(name)
        env.setenv("NEMO_CONFIG_DIR", str(home / "config"))
        env.setenv("NEMO_DATA_DIR", str(home / "engine-data"))
        running = local_cluster(2)
    with running:
        yield running


@pytest.fixture
def dask_client(cluster):
    with Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        yield client


@pytest.fixture
def sets(tmp_path: Path) -> dict[str, list[Path]]:
    """Four small photo sets in their own colours, and a "broken" set: text named .jpg."""
    root = tmp_path / "sets"
    found = {}
    for n, name in enumerate(NAMES):
        folder = root / name
        folder.mkdir(parents=True)
        found[name] = [
            make_photo(folder / f"{k + 1}.jpg", (320, 240), PALETTE[(2 * n + k) % len(PALETTE)])
            for k in range(2)
        ]
    broken = root / "broken"
    broken.mkdir()
    (broken / "not-a-photo.jpg").write_text("text, not a photo")
    found["broken"] = [broken / "not-a-photo.jpg"]
    return found


def video_info(path: Path) -> tuple[float, int, int]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return container.duration / av.time_base, stream.width, stream.height


def by_name(results: list[BatchResult]) -> dict[str, BatchResult]:
    return {result.name: result for result in results}


def mtimes(folder: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("*.mp4")}


def only_videos_and_record(folder: Path, names: list[str]) -> None:
    """Nothing else in the output folder: no partial file, no staging folder, no duplicate."""
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*(f"{name}.mp4" for name in names), MANIFEST_NAME]
    )


def sessions(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "engine.sqlite3") as db:
        return db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]


def ours(stream: get_task_stream) -> list[dict]:
    """The batch's tasks in a recorded task stream."""
    return [t for t in stream.data if str(t["key"]).startswith("nemo-video-")]


# -- a real cluster ---------------------------------------------------------------------------


def test_a_batch_runs_on_two_worker_processes_and_a_second_run_skips_it(
    dask_client, sets, tmp_path
):
    out = tmp_path / "videos"
    workers = set(dask_client.scheduler_info()["workers"])

    def batch() -> Batch:  # the same batch, as after a kernel restart
        made = Batch(out, progress=False)
        for name in NAMES:
            made.add(name, sets[name], TWO if name != "delta" else THREE)
        made.add("broken", sets["broken"], TWO)
        made.add("refused", sets["alpha"], "add stickers to every photo")
        return made

    first = batch()
    with get_task_stream(dask_client) as stream:
        results = by_name(first.run(executor=dask_client))

    assert {name: r.status for name, r in results.items()} == {
        **dict.fromkeys(NAMES, "made"),
        "broken": "failed",
        "refused": "failed",
    }
    for name in NAMES:
        seconds = 3.0 if name == "delta" else 2.0
        assert video_info(out / f"{name}.mp4") == pytest.approx((seconds, 1280, 720), abs=0.05)
        assert results[name].duration_s == pytest.approx(seconds, abs=0.05)
    # A bad file is refused here, before any task; the refused prompt failed on a worker, whose
    # engine the notebook cannot reach: no project to continue.
    assert "not-a-photo.jpg is not a recognised image" in results["broken"].error
    assert results["broken"].worker is None
    refused = results["refused"]
    assert "made no video" in refused.error and "stickers" in refused.error
    assert refused.session_id is None and "session_id=" not in refused.error
    # The work was done on the cluster's two worker processes, each with its own engine.
    made_on = {results[name].worker for name in NAMES}
    assert made_on == workers
    assert len(ours(stream)) == len(NAMES) + 1  # the refused prompt too; not the broken file
    assert {t["worker"] for t in ours(stream)} == workers
    assert all(set(results[n].times) >= {"upload", "turn", "render", "task"} for n in NAMES)
    record = json.loads((out / MANIFEST_NAME).read_text())
    assert {record["items"][n]["worker"] for n in NAMES} == workers
    only_videos_and_record(out, list(NAMES))
    assert first.table().summary() == "4 made, 2 failed"

    before = mtimes(out)
    with get_task_stream(dask_client) as stream:
        again = by_name(batch().run(executor=dask_client))

    assert {name: r.status for name, r in again.items()} == {
        **dict.fromkeys(NAMES, "skipped"),
        "broken": "failed",
        "refused": "failed",
    }
    assert mtimes(out) == before
    assert len(ours(stream)) == 1  # only the refused prompt, tried again


def test_prompt_lab_runs_its_prompts_on_the_cluster(dask_client, sets, tmp_path):
    lab = PromptLab(sets["beta"], [TWO, THREE], folder=tmp_path / "lab", progress=False)

    results = lab.run(executor=dask_client)

    assert [r.ok for r in results] == [True, True]
    assert [video_info(r.path)[0] for r in results] == pytest.approx([2.0, 3.0], abs=0.05)
    assert {r.worker for r in results} <= set(dask_client.scheduler_info()["workers"])
    assert all(r.url is None for r in results)  # served by a worker's engine, not reachable
    assert "2-second" in str(lab.table())


class Recorder(SchedulerPlugin):
    """Everything the scheduler shows of the tasks: their keys and the reprs of their specs."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def update_graph(self, scheduler, *, keys, tasks, **kwargs) -> None:
        for key in {*keys, *tasks}:
            task = scheduler.tasks.get(key)
            self.seen += [str(key), repr(task), repr(getattr(task, "run_spec", None))]
            self.seen.append(str(getattr(task, "run_spec", None)))

    def transition(self, key, start, finish, *args, **kwargs) -> None:
        self.seen.append(f"{key} {start} {finish} {args!r} {kwargs!r}")


@pytest.fixture
def served_engine(tmp_path):
    """`nemo-widgets serve` in its own process: to the client, a server like the cloud."""
    with subprocess.Popen(
        [sys.executable, "-m", "nemo_widgets.cli", "serve", "--port", "0", "--data", "served"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            first_line = process.stdout.readline()
            assert first_line.startswith("nemo-widgets local engine on http://127.0.0.1:")
            yield first_line.split(" on ")[1].strip(), tmp_path / "served"
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)


def test_with_a_server_the_workers_use_the_persons_token_and_never_show_it(
    cluster, dask_client, served_engine, sets, tmp_path, caplog
):
    url, data_dir = served_engine
    issued = httpx.post(f"{url}/api/auth/anonymous-token", headers={"X-Client-Id": "person"})
    token = issued.json()["data"]["token"]
    user_id = issued.json()["data"]["user_id"]
    recorder = Recorder()
    cluster.scheduler.add_plugin(recorder, name="token-recorder")  # LocalCluster: in process
    caplog.set_level(logging.DEBUG)

    async def run() -> tuple[list[BatchResult], list[str]]:
        async with AsyncNemoClient(url, token=token, timings=TIMINGS) as nemo:
            batch = Batch(tmp_path / "videos", client=nemo, progress=False)
            batch.add("alpha", sets["alpha"], TWO)
            batch.add("beta", sets["beta"], TWO)
            results = await batch.run_async(executor=dask_client)
            shown = [repr(batch), str(batch.table()), batch.table()._repr_html_()]
            return results, shown

    with get_task_stream(dask_client) as stream:
        results, shown = asyncio.run(run())
    cluster.scheduler.remove_plugin(name="token-recorder")

    assert [r.status for r in results] == ["made", "made"]
    # Made by the workers with the person's token: every session is the token's user's.
    with sqlite3.connect(data_dir / "engine.sqlite3") as db:
        owners = {row[0] for row in db.execute("SELECT user_id FROM sessions")}
    assert owners == {user_id}
    assert {r.worker for r in results} <= set(dask_client.scheduler_info()["workers"])
    # ...and shown nowhere: task keys, task reprs, the task stream, logs, record, results.
    assert any(text.startswith("nemo-video-") for text in recorder.seen)
    places = {
        "scheduler's tasks": "\n".join(recorder.seen),
        "task stream": repr(stream.data),
        "worker logs": repr(dask_client.get_worker_logs()),
        "scheduler logs": repr(dask_client.get_scheduler_logs()),
        "this process's logs": caplog.text,
        "record": (tmp_path / "videos" / MANIFEST_NAME).read_text(),
        "results": repr(results) + "".join(shown),
    }
    for place, text in places.items():
        assert token not in text, place


def executing(dask_worker) -> list[str]:
    """The keys a worker is running right now (run on the worker by client.run)."""
    return [str(task.key) for task in dask_worker.state.executing]


def times_started(key: str, dask_scheduler) -> int:
    """How many times the scheduler gave ``key`` to a worker (run on the scheduler)."""
    return sum(1 for entry in dask_scheduler.story(key) if entry[2] == "processing")


def test_a_worker_killed_mid_task_is_retried_without_a_duplicate_or_a_partial_file(sets, tmp_path):
    out = tmp_path / "videos"
    batch = Batch(out, progress=False)
    for name in NAMES[:3]:
        batch.add(name, sets[name], THREE)
    killed: dict[str, str] = {}
    with local_cluster(2) as cluster, Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        pids = client.run(os.getpid)

        def kill_a_worker_mid_task() -> None:
            seen: dict[str, float] = {}
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                for address, keys in client.run(executing).items():
                    for key in keys:
                        seen.setdefault(key, time.monotonic())
                        if time.monotonic() - seen[key] > 1.0:  # well into making its video
                            os.kill(pids[address], signal.SIGKILL)
                            killed.update(key=key, worker=address)
                            return
                time.sleep(0.1)

        killer = threading.Thread(target=kill_a_worker_mid_task)
        killer.start()
        try:
            with get_task_stream(client) as stream:
                results = by_name(batch.run(executor=client))
        finally:
            killer.join()
        assert killed, "no task was seen running long enough to kill its worker"
        started = client.run_on_scheduler(times_started, killed["key"])

    assert started >= 2  # Dask gave the task to another worker after the first one died
    assert {name: r.status for name, r in results.items()} == dict.fromkeys(NAMES[:3], "made")
    # It finished once, on another worker; the batch wrote each video once.
    (finished,) = [task for task in stream.data if task["key"] == killed["key"]]
    assert finished["worker"] != killed["worker"]
    for name in NAMES[:3]:
        assert video_info(out / f"{name}.mp4") == pytest.approx((3.0, 1280, 720), abs=0.05)
    only_videos_and_record(out, list(NAMES[:3]))
    record = json.loads((out / MANIFEST_NAME).read_text())
    assert sorted(record["items"]) == sorted(NAMES[:3])


# -- the photos travel when a worker cannot see them ------------------------------------------


def private_mounts_work(folder: Path) -> bool:
    """Whether a process can get a private view of the files here (unshare -rm + tmpfs)."""
    folder.mkdir(exist_ok=True)
    try:
        probe = subprocess.run(
            ["unshare", "-rm", "sh", "-c", f"mount -t tmpfs none '{folder}'"],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def test_a_worker_that_cannot_see_the_photos_gets_them_with_the_task(sets, tmp_path):
    hidden = tmp_path / "sets"
    if not private_mounts_work(tmp_path / "probe"):
        pytest.skip("needs private mount namespaces (unshare -rm) for a worker blind to files")
    with (
        LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address="127.0.0.1:0") as scheduler,
        Client(scheduler) as client,
    ):
        # A real Dask worker for which the photos' folder is an empty tmpfs: another machine.
        worker = subprocess.Popen(
            [
                "unshare",
                "-rm",
                "sh",
                "-c",
                f"mount -t tmpfs none '{hidden}' && exec '{sys.executable}' -m "
                f"distributed.cli.dask_worker {scheduler.scheduler_address} --nthreads 1 "
                "--no-nanny --host 127.0.0.1 --no-dashboard --name blind",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            client.wait_for_workers(1, timeout=60)
            (blind,) = client.scheduler_info()["workers"]
            assert client.run(os.path.exists, str(sets["alpha"][0])) == {blind: False}

            def batch() -> Batch:
                made = Batch(tmp_path / "videos", progress=False)
                made.add("alpha", sets["alpha"], TWO)
                made.add("beta", sets["beta"], TWO)
                return made

            refused = batch().run(executor=client, ship_photos=False)
            assert [r.status for r in refused] == ["failed", "failed"]
            assert f"The worker {blind} cannot see {sets['alpha'][0]}" in refused[0].error
            assert "ship_photos=True" in refused[0].error

            results = batch().run(executor=client)  # "auto": sent again with the photos
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    assert [(r.status, r.worker) for r in results] == [("made", blind), ("made", blind)]
    for name in ("alpha", "beta"):
        assert video_info(tmp_path / "videos" / f"{name}.mp4") == pytest.approx(
            (2.0, 1280, 720), abs=0.05
        )


# -- the standard library's executors ----------------------------------------------------------


@pytest.mark.anyio
async def test_a_thread_pool_uses_this_process_and_its_engine(engine, sets, tmp_path):
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as nemo:
        batch = Batch(tmp_path / "videos", client=nemo, progress=False)
        for name in NAMES[:3]:
            batch.add(name, sets[name], TWO)
        with ThreadPoolExecutor(2) as pool:
            results = await batch.run_async(executor=pool)

    here = f"{socket.gethostname()} pid {os.getpid()}"
    assert [(r.status, r.worker) for r in results] == [("made", here)] * 3
    assert sessions(engine.data_dir) == 3  # the given engine made them
    for name in NAMES[:3]:
        assert video_info(tmp_path / "videos" / f"{name}.mp4")[0] == pytest.approx(2.0, abs=0.05)


def test_a_process_pool_gives_each_process_its_own_engine(sets, tmp_path):
    batch = Batch(tmp_path / "videos", progress=False)
    for name in NAMES[:3]:
        batch.add(name, sets[name], TWO)
    context = multiprocessing.get_context("spawn")  # no fork of this threaded process
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        results = batch.run(executor=pool, ship_photos=True)

    assert [r.status for r in results] == ["made"] * 3
    workers = {r.worker for r in results}
    assert all(not w.endswith(f"pid {os.getpid()}") for w in workers)
    assert 1 <= len(workers) <= 2
    assert sum("engine" in r.times for r in results) == len(workers)  # once per process
    assert not (tmp_path / "engine-data").exists()  # no engine in this process (NEMO_DATA_DIR)
    only_videos_and_record(tmp_path / "videos", list(NAMES[:3]))


@pytest.mark.anyio
async def test_an_interrupted_run_cancels_what_has_not_started(engine, sets, tmp_path):
    out = tmp_path / "videos"
    async with AsyncNemoClient(engine.url, timings=TIMINGS) as nemo:
        batch = Batch(out, client=nemo, progress=False)
        for name in NAMES:
            batch.add(name, sets[name], TWO)
        first = asyncio.Event()
        batch.on_result = lambda result: first.set()
        with ThreadPoolExecutor(1) as pool:  # one at a time: two handed to it, the rest wait
            running = asyncio.ensure_future(batch.run_async(executor=pool))
            await first.wait()
            running.cancel()
            with pytest.raises(asyncio.CancelledError):
                await running
            await asyncio.to_thread(pool.shutdown, wait=True)

    (finished,) = batch.results
    assert finished.status == "made"
    # The task running at the interrupt finished on its thread; the ones waiting never started.
    assert sessions(engine.data_dir) <= 3
    assert sorted(p.name for p in out.glob("*.mp4")) == [f"{finished.name}.mp4"]
    assert not (out / ".nemo-batch-partial").exists()
    record = json.loads((out / MANIFEST_NAME).read_text())
    assert list(record["items"]) == [finished.name]


@pytest.mark.anyio
async def test_an_asynchronous_dask_client_is_refused_with_what_to_do(cluster, sets, tmp_path):
    batch = Batch(tmp_path / "videos", progress=False)
    batch.add("alpha", sets["alpha"], TWO)
    async with Client(cluster.scheduler_address, asynchronous=True) as client:
        with pytest.raises(ValueError, match=r"asynchronous.*give a regular Client"):
            await batch.run_async(executor=client)


def test_anything_else_as_executor_is_refused_with_what_is_accepted(sets, tmp_path):
    batch = Batch(tmp_path / "videos", progress=False)
    batch.add("alpha", sets["alpha"], TWO)
    with pytest.raises(TypeError, match=r"dask\.distributed\.Client or a concurrent\.futures"):
        batch.run(executor=4)
    with ThreadPoolExecutor(1) as pool, pytest.raises(ValueError, match="True, False or 'auto'"):
        batch.run(executor=pool, ship_photos="yes")
    lab = PromptLab(sets["alpha"], [TWO], folder=tmp_path / "lab", progress=False)
    with pytest.raises(TypeError, match="not str"):
        lab.run(executor="tcp://127.0.0.1:8786")
    assert not (tmp_path / "videos").exists() and not (tmp_path / "lab").exists()

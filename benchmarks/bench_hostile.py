"""The engine under hostile input, before and after hardening, side by side in one run.

Each engine runs as ``nemo-widgets serve`` in a child process, from a copy of the code at
``--before`` (a git ref, default: where this branch left main) and from this tree. Measured:

1. decode: a 12000x12000 PNG (about 440 KB) uploaded; the server process's RSS growth (peak
   and after), and the peak of any child process it started (the decode child);
2. music: a 1-minute and a 10-minute draft with looped music rendered (320x180 at 1 fps, so
   that the music is what costs); the render child's peak RSS for each;
3. message: one 76 KB chat message without a space; how long the engine takes to answer it
   and the slowest health check (``GET /api/engine/info``) meanwhile.

    python benchmarks/bench_hostile.py [--before REF] [--only decode,music,message]

RSS is sampled every 10 ms with psutil. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nemo_widgets.engine import draft as drafts  # noqa: E402
from tests.media_factory import make_audio, make_photo  # noqa: E402

MB = 2**20


class Sampler:
    """Peak RSS of a process and, separately, of its children, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.base = self.process.memory_info().rss
        self.peak = self.base
        self.child_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
                for child in self.process.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        self.child_peak = max(self.child_peak, child.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.01)


def export(ref: str, into: Path) -> Path:
    """The package as it was at ``ref``, in a folder of its own."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "nemo_widgets"],
        capture_output=True,
        check=True,
    ).stdout
    into.mkdir(parents=True)
    archive_path = into / "code.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(into, filter="data")
    return into


class Engine:
    """``nemo-widgets serve`` from ``code`` (a folder holding ``nemo_widgets``)."""

    def __init__(self, code: Path, data: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(code), "NO_PROXY": "127.0.0.1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nemo_widgets.cli", "serve", "--port", "0", "--data", str(data)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=data.parent,
        )
        self.url = self.process.stdout.readline().split(" on ")[1].strip()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)


async def user(http: httpx.AsyncClient) -> tuple[dict[str, str], str]:
    token = await http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "bench"})
    headers = {"Authorization": f"Bearer {token.json()['data']['token']}"}
    session = await http.post(
        "/api/tasks/me/with-session/nemo_agent", json={"task_name": "b"}, headers=headers
    )
    return headers, session.json()["data"]["session_id"]


async def upload(http, headers, sid, *paths: Path) -> list[dict]:
    files = [("files", (p.name, p.read_bytes())) for p in paths]
    answer = await http.post(
        f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=headers, timeout=300
    )
    return answer.json()


async def bench_decode(engine: Engine, work: Path) -> str:
    from PIL import Image

    png = work / "big.png"
    if not png.exists():
        Image.new("RGB", (12000, 12000), (10, 120, 200)).save(png, compress_level=9)
    small = make_photo(work / "warm.jpg", (640, 480), (200, 100, 50))
    async with httpx.AsyncClient(base_url=engine.url) as http:
        headers, sid = await user(http)
        await upload(http, headers, sid, small)  # imports and caches warmed up
        with Sampler(engine.process.pid) as rss:
            answer = await upload(http, headers, sid, png)
            await asyncio.sleep(0.3)
        after = psutil.Process(engine.process.pid).memory_info().rss
    outcome = "stored" if answer.get("code") == 0 else f"refused {answer.get('code')}"
    return (
        f"server +{(rss.peak - rss.base) / MB:.0f} MB peak, +{(after - rss.base) / MB:.0f} MB "
        f"after; decode child peak {rss.child_peak / MB:.0f} MB ({outcome}, "
        f"{png.stat().st_size // 1024} KB file)"
    )


def music_draft(photo: str, song: str, seconds: int) -> dict:
    draft = drafts.new_draft(fps=1)
    draft["m"].update(width=320, height=180)
    segment = drafts.visual_segment("sg_1", kind="image", mid=photo, src="", name="p")
    segment["d"] = seconds * 1000
    drafts.segments(draft, drafts.VISUAL).append(segment)
    drafts.ensure_track(draft, drafts.AUDIO)["sg"].append(
        {"id": "sg_2", "mid": song, "st": 0, "d": 0, "loop": True, "vol": 1}
    )
    return drafts.relayout(draft)


async def bench_music(engine: Engine, work: Path) -> str:
    photo = make_photo(work / "p.jpg", (640, 480), (30, 90, 160))
    song = make_audio(work / "song.wav", 20.0)
    results = []
    async with httpx.AsyncClient(base_url=engine.url, timeout=60) as http:
        headers, sid = await user(http)
        files = (await upload(http, headers, sid, photo, song))["data"]["files"]
        for seconds in (60, 600):
            draft = music_draft(files[0]["mid"], files[1]["mid"], seconds)
            body = {"id": f"r{seconds}", "sessionId": sid, "draft": draft}
            with Sampler(engine.process.pid) as rss:
                await http.post("/api/render/proxy/lambda", json=body, headers=headers)
                while True:
                    status = await http.get(f"/api/render/proxy/lambda/r{seconds}", headers=headers)
                    if status.json()["data"]["status"] not in ("pending", "processing"):
                        break
                    await asyncio.sleep(0.1)
            state = status.json()["data"]["status"]
            results.append(
                f"{seconds // 60} min: child peak {rss.child_peak / MB:.0f} MB ({state})"
            )
    return "; ".join(results)


async def bench_message(engine: Engine, work: Path, limit: float = 120.0) -> str:
    async with httpx.AsyncClient(base_url=engine.url, timeout=limit + 10) as http:
        headers, sid = await user(http)
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": sid,
            "new_message": {"role": "user", "parts": [{"text": "a" * 76_000}]},
        }
        slowest = 0.0
        started = time.perf_counter()
        turn = asyncio.create_task(http.post("/run_sse", json=body, headers=headers))
        while not turn.done() and time.perf_counter() - started < limit:
            asked = time.perf_counter()
            with contextlib.suppress(httpx.HTTPError):
                await http.get("/api/engine/info", timeout=limit)
            slowest = max(slowest, time.perf_counter() - asked)
            await asyncio.sleep(0.05)
        took = time.perf_counter() - started
        if not turn.done():
            turn.cancel()
            return f"no answer within {limit:.0f} s; slowest health check {slowest:.2f} s"
        answer = turn.result()
    return (
        f"answered HTTP {answer.status_code} in {took * 1000:.0f} ms; slowest health check "
        f"{slowest * 1000:.0f} ms"
    )


BENCHES = {"decode": bench_decode, "music": bench_music, "message": bench_message}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = subprocess.run(
        ["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], capture_output=True, text=True
    ).stdout.strip()
    parser.add_argument("--before", default=default or "HEAD", help="git ref to compare with")
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated benches")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        work = Path(tmp)
        trees = {f"before ({args.before[:10]})": export(args.before, work / "before"), "now": ROOT}
        for name in args.only.split(","):
            for label, code in trees.items():
                data = work / f"data-{name}-{label[:6].strip()}"
                engine = Engine(code, data)
                try:
                    result = asyncio.run(BENCHES[name](engine, work))
                finally:
                    engine.stop()
                print(f"{name:8} {label:22} {result}", flush=True)


if __name__ == "__main__":
    main()

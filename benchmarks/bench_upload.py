"""Memory of a 200 MB upload to a loopback server (goal: client RSS growth <= 32 MB).

Side by side in one run: AsyncNemoClient.upload() streaming the file from disk, and, as the
reference, the same multipart request built from the file's bytes in memory. RSS is sampled
every 5 ms in a thread; growth = peak during the upload - RSS just before it.

    python benchmarks/bench_upload.py [--mb 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil
from _servers import loopback_server

from nemo_widgets import AsyncNemoClient

MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


class PeakRss:
    """Samples this process's RSS in a background thread."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._stop = threading.Event()
        self.start_rss = self._process.memory_info().rss
        self.peak = self.start_rss
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            time.sleep(0.005)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start_rss) / 2**20


def make_file(folder: str, megabytes: int) -> Path:
    """An "MP4" of exactly ``megabytes`` MiB (the client checks its first bytes)."""
    path = Path(folder) / "big.mp4"
    block = os.urandom(1 << 20)
    with path.open("wb") as handle:
        handle.write(MP4_HEAD + block[len(MP4_HEAD) :])
        for _ in range(megabytes - 1):
            handle.write(block)
    return path


async def streamed(url: str, path: Path) -> tuple[float, float]:
    async with AsyncNemoClient(url, "nmv_usr_bench") as nemo:
        await nemo.credits()  # connection and imports warmed up before measuring
        with PeakRss() as rss:
            started = time.perf_counter()
            await nemo.upload("s", path)
            return rss.growth_mb, time.perf_counter() - started


async def in_memory(url: str, path: Path) -> tuple[float, float]:
    async with httpx.AsyncClient(base_url=url) as http:
        await http.get("/warmup")
        with PeakRss() as rss:
            started = time.perf_counter()
            data = path.read_bytes()
            await http.post("/api/upload-video/nemo_agent/me/s", files={"files": ("big.mp4", data)})
            del data
            return rss.growth_mb, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, loopback_server() as url:
        path = make_file(folder, args.mb)
        size_mb = path.stat().st_size / 2**20
        ours = asyncio.run(streamed(url, path))
        reference = asyncio.run(in_memory(url, path))
    print(f"Upload of {size_mb:.0f} MiB to a loopback server")
    print("| client | RSS growth | time | goal |")
    print("|---|---|---|---|")
    print(f"| AsyncNemoClient.upload (streamed) | {ours[0]:.1f} MB | {ours[1]:.2f} s | <= 32 MB |")
    print(f"| bytes in memory (reference) | {reference[0]:.1f} MB | {reference[1]:.2f} s | |")


if __name__ == "__main__":
    main()

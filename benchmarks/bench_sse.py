"""SSE parsing throughput (goal: >= 50,000 events/s).

Two measurements, side by side in one run:
* parser: ChatStreamParser alone, fed the wire bytes in 64 KiB chunks;
* client: AsyncNemoClient.chat() reading the same stream from a loopback server.
The events are ADK text events like those captured from a real ADK server (~370 bytes each).

    python benchmarks/bench_sse.py [--events 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time

from _servers import loopback_server

from nemo_widgets import AsyncNemoClient
from nemo_widgets.api import State
from nemo_widgets.api.events import ChatStreamParser, TextDelta


def wire(count: int) -> bytes:
    lines = []
    for index in range(count):
        event = {
            "content": {"role": "model", "parts": [{"text": f"chunk {index} of the reply. "}]},
            "partial": True,
            "invocationId": "e-6f1c2a5e-8a53-4a8e-b1f2-3f0c2d8e9a11",
            "author": "nemo_agent",
            "actions": {
                "stateDelta": {},
                "artifactDelta": {},
                "requestedAuthConfigs": {},
                "requestedToolConfirmations": {},
            },
            "nodeInfo": {"path": ""},
            "id": f"1b4e28ba-2fa1-11d2-883f-{index:012d}",
            "timestamp": 1795295552.6744623 + index,
        }
        lines.append(b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n")
    return b"".join(lines)


def bench_parser(data: bytes) -> tuple[int, float]:
    parser = ChatStreamParser()
    started = time.perf_counter()
    count = 0
    for start in range(0, len(data), 65536):
        count += len(parser.feed(data[start : start + 65536]))
    count += len(parser.close())
    return count, time.perf_counter() - started


async def bench_client(url: str) -> tuple[int, float]:
    async with AsyncNemoClient(url, "nmv_usr_bench") as nemo:
        before = State({})  # a given snapshot: measure the stream only
        started = time.perf_counter()
        count = 0
        async for event in nemo.chat("s", "go", before=before, streaming=True):
            count += isinstance(event, TextDelta)
        return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args()
    data = wire(args.events)
    parsed, parse_s = bench_parser(data)
    with tempfile.NamedTemporaryFile(suffix=".sse") as handle:
        handle.write(data)
        handle.flush()
        with loopback_server(handle.name) as url:
            streamed, client_s = asyncio.run(bench_client(url))
    assert parsed == streamed == args.events, (parsed, streamed)
    print(f"SSE events: {args.events:,} ({len(data) / args.events:.0f} bytes each)")
    print("| measurement | events/s | goal |")
    print("|---|---|---|")
    print(f"| parser alone | {parsed / parse_s:,.0f} | >= 50,000 |")
    print(f"| chat() over loopback HTTP | {streamed / client_s:,.0f} | >= 50,000 |")


if __name__ == "__main__":
    main()

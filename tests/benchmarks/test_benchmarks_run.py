"""The benchmarks behind the README's numbers still run (small sizes; no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


@pytest.mark.parametrize(
    ("script", "args"),
    [
        ("bench_sse.py", ["--events", "2000"]),
        ("bench_upload.py", ["--mb", "4"]),
        ("bench_render.py", ["--quick"]),
        ("bench_prompt_to_mp4.py", ["--reps", "1", "--size", "800x600"]),
        ("bench_prompt_lab.py", ["--reps", "1", "--size", "800x600"]),
        ("bench_batch.py", ["--quick"]),
        ("bench_render_workers.py", ["--quick", "--reps", "1"]),
        ("bench_director.py", ["--reps", "1"]),
        pytest.param(
            "bench_widget.py", ["--reps", "1", "--size", "800x600"], marks=pytest.mark.browser
        ),
        pytest.param(
            "bench_player_preview.py",
            ["--reps", "1", "--size", "800x600", "--rates", "8"],
            marks=pytest.mark.browser,
        ),
        pytest.param(
            "bench_preview.py",
            ["--reps", "1", "--size", "800x600", "--seconds", "6"],
            marks=pytest.mark.browser,
        ),
    ],
)
def test_benchmark_runs(script, args):
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "|---" in result.stdout  # the markdown table the README quotes

"""The director's corpus (director_corpus.yaml): every row, as people type it, does what it asks.

Each row is its own test, so the suite enforces the whole corpus; the benchmark
(benchmarks/bench_director.py) prints the rate per category and the time per message.
"""

from __future__ import annotations

import pytest

from tests.engine.director_corpus import load, problems

ROWS = load()


def test_the_corpus_is_large_enough():
    english = [row for row in ROWS if row.lang == "en"]
    chinese = [row for row in ROWS if row.lang == "zh"]
    assert len(ROWS) >= 400 and len(english) >= 250 and len(chinese) >= 150


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_corpus_row(row):
    found = problems(row)
    assert not found, "\n".join(found)

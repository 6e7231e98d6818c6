"""Hostile messages: the director reads any message in linear time and decides each quickly.

Issue 12 item 1: one 19 KB word used to take the director 6 s (a pattern with nested quantifiers
re-scanned it from every position). Every message here must be decided within a generous
100 ms, measured per message as the CPU time of the thread that decides it: the cost of the
reading itself, which is what a quadratic pattern blows up, and not the time the scheduler of a
shared 2-core machine gives to other processes. This is the one timed check the issue asks for,
a "no hang" budget, not a speed goal (that is benchmarks/bench_director.py's p95).
"""

from __future__ import annotations

import random
import time

import pytest

from nemo_widgets.engine.director import MediaItem, direct
from nemo_widgets.engine.phrases import MAX_MESSAGE_CHARS

BUDGET_S = 0.100
PHOTOS = [
    MediaItem(f"m_{n}", "image", f"{name}.jpg", f"http://e/media/m_{n}/{name}.jpg", 800, 600)
    for n, name in enumerate(["beach", "sunset", "dog", "city_night", "IMG_2041"], 1)
]


def _random_unicode(rng: random.Random, length: int) -> str:
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x4E00, 0x9FFF), (0x3040, 0x30FF),
              (0xAC00, 0xD7A3), (0x1F300, 0x1F64F), (0x2000, 0x206F)]  # fmt: skip
    chars = []
    for _ in range(length):
        low, high = rng.choice(ranges)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


def _hostile() -> list[tuple[str, str]]:
    rng = random.Random(12)
    cases = [
        ("one 100 KB word", "a" * 100_000),
        ("a 100 KB file-name-like word", "ab-c." * 20_000 + "jpg"),
        ("10,000 double quotes", '"' * 10_000),
        ("10,000 single quotes", "'" * 10_000),
        ("10,000 quoted words", "'a' " * 10_000),
        ("unbalanced quotes", "title 'x " * 5_000),
        ("deep brackets", "(" * 20_000 + ")" * 20_000),
        ("deep mixed brackets", "[{(「『" * 10_000),
        ("a long CJK run", "把第二张照片移到最后" * 5_000),
        ("a long CJK numeral run", "二" * 50_000 + "秒"),
        ("100 KB of digits", "1" * 100_000 + " seconds"),
        ("many numbers", "1 2 3 4 5 " * 10_000),
        ("many instructions", "make it 10 seconds, 9:16, title 'x', " * 2_000),
        ("many number words", "twenty " * 15_000),
        ("many typos", "secnds sqaure captoin " * 5_000),
        ("many photo words", "the sunset photo the beach one " * 3_000),
        ("only spaces", " " * 100_000),
        ("only newlines", "\n" * 100_000),
        ("zero-width characters", "\u200b" * 100_000),
        ("combining marks", "e" + "\u0301" * 100_000),
        ("emoji", "🎉" * 50_000),
        ("percentages", "%" * 100_000),
        ("dots", "." * 100_000),
        ("dashes and underscores", "-_" * 50_000),
        ("colons", "16:9:" * 20_000),
        ("commas and spaces", ", " * 50_000),
        ("question marks", "? " * 50_000),
        ("thanks, repeated", "thanks, " * 10_000),
        # Filler words that several patterns could split two ways ("make it" / "make" + "it"):
        # a repeated alternation over them backtracked exponentially (22 repeats took 4 s).
        ("make it, repeated", "make it 10 seconds, " + "make it " * 1_000 + "zzz"),
        ("好的, repeated", "改成10秒，" + "好的" * 3_000 + "啦"),
        ("ok, repeated", "ok " * 2_000 + "make it 5 seconds"),
        ("could you, repeated", "could you " * 1_000 + "?"),
        # Many lengths and many photo words in one clause (their pairing was quadratic).
        ("per-photo lengths, repeated", "每张都放4秒" * 700),
        ("many operations", "make it square, " * 300),
    ]
    printable = "abcdefghijklmnopqrstuvwxyz0123456789 .,'\"%:-_()[]"
    for n in range(10):
        cases.append((f"random ASCII {n}", "".join(rng.choice(printable) for _ in range(20_000))))
    for n in range(40):
        cases.append((f"random unicode {n}", _random_unicode(rng, rng.choice([50, 2_000, 20_000]))))
    return cases


HOSTILE = _hostile()


@pytest.fixture(scope="module")
def base() -> dict:
    draft = direct("make a 15 second video", {}, PHOTOS).draft
    assert draft is not None
    direct("warm up: make it 10 seconds, 两分半", draft, PHOTOS)  # imports and caches
    return draft


@pytest.mark.parametrize(("name", "message"), HOSTILE, ids=[case[0] for case in HOSTILE])
def test_every_hostile_message_is_decided_within_the_budget(base, name, message):
    for draft in ({}, base):
        start = time.thread_time()
        edit = direct(message, draft, PHOTOS)
        elapsed = time.thread_time() - start
        assert elapsed < BUDGET_S, f"{name}: {elapsed * 1000:.0f} ms"
        assert edit.reply.strip()
        assert "edit_draft" not in edit.reply and "explain" not in edit.reply


def test_a_long_message_is_cut_and_the_reply_says_so(base):
    long = "make it 12 seconds. " + "la " * 3_000
    assert len(long) > MAX_MESSAGE_CHARS
    edit = direct(long, base, PHOTOS)
    assert edit.draft is not None and edit.draft["d"] == 12_000
    assert f"first {MAX_MESSAGE_CHARS} characters" in edit.reply
    zh = direct("改成12秒。" + "啦" * 5_000, base, PHOTOS)
    assert zh.draft["d"] == 12_000 and f"前{MAX_MESSAGE_CHARS}个字符" in zh.reply

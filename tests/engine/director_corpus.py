"""The director's corpus: loading the rows of ``director_corpus.yaml`` and checking one.

Shared by the parametrised test (tests/engine/test_director_corpus.py) and the benchmark
(benchmarks/bench_director.py), so both judge a row the same way.

A row::

    - say: "make it shorter, 9 seconds"     # the message, as people type it
      cat: lengths                          # its category (the benchmark's rate per category)
      from: built                           # the state it starts from (below)
      expect: {length: 9}                   # what the draft or the reply must then be

States (``from``): ``fresh`` (no video yet; the five photos and a song uploaded), ``built``
(a 15 s video of the five photos, 3.4 s each with 0.5 s crossfades), ``none`` (nothing
uploaded), or a list of earlier messages sent from ``fresh``. ``more`` lists uploads added after
those messages (for "add the new photos").

Expectations: ``length``, ``photo_s``, ``transition_s`` (seconds), ``count`` (visual segments),
``order`` (file stems in order), ``first``/``last`` (a stem), ``without`` (stems not in it),
``aspect``, ``size`` ("WxH"), ``fps``, ``fit``, ``background``, ``transition`` (a kind),
``motion`` (the set of motions, or one motion for all photos), ``title`` (text, or null for
none), ``title_pos``, ``captions`` (count), ``music`` (file name, or null), ``volume`` (%),
``fade_out`` (s), ``changed`` (false: the draft must not change), ``says`` (words the reply
must hold; a list means all), ``status``. Every row is also checked for: the reply in the
message's language, no internal name or colour code in it, and a valid draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nemo_widgets.engine import draft as schema
from nemo_widgets.engine.director import Edit, MediaItem, direct

CORPUS = Path(__file__).with_name("director_corpus.yaml")


def _image(name: str, n: int) -> MediaItem:
    return MediaItem(f"m_{n}", "image", name, f"http://e/media/m_{n}/{name}", 4000, 3000)


PHOTO_NAMES = ["beach.jpg", "sunset.jpg", "IMG_2041.jpg", "dog_park.jpg", "mountain.jpg"]
PHOTOS = [_image(name, n) for n, name in enumerate(PHOTO_NAMES, 1)]
SONG = MediaItem("m_song", "audio", "song.mp3", "http://e/media/m_song/song.mp3", duration=95.0)
MORE = [_image("birthday_cake.jpg", 6), _image("family.jpg", 7)]
UPLOADS = [*PHOTOS, SONG]
_INTERNAL = re.compile(
    r"\b(?:edit_draft|explain|set_\w+|add_music|remove_\w+|scale_\w+|music_\w+|text_position"
    r"|add_caption|keep_photos|add_photos)\b"
)


@dataclass
class Row:
    say: str
    cat: str
    start: Any
    expect: dict[str, Any]
    more: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return "zh" if re.search(r"[\u4e00-\u9fff]", self.say) else "en"

    @property
    def id(self) -> str:
        return f"{self.cat}: {self.say[:60]}"


def load() -> list[Row]:
    rows = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    return [
        Row(r["say"], r["cat"], r.get("from", "built"), r.get("expect", {}), r.get("more", []))
        for r in rows
    ]


_BUILT: dict[str, Any] = {}


def start_state(row: Row) -> tuple[dict[str, Any], dict[str, Any] | None, list[MediaItem]]:
    """The draft, previous draft and uploads a row starts from."""
    media = list(UPLOADS)
    if row.start == "none":
        return {}, None, []
    if row.start == "fresh":
        draft, previous = {}, None
    elif row.start == "built":
        if "built" not in _BUILT:
            _BUILT["built"] = direct("make a 15 second video", {}, media).draft
        draft, previous = _BUILT["built"], {}
    else:
        draft, previous = {}, None
        for message in row.start:
            edit = direct(message, draft, media, previous=previous)
            if edit.draft is not None:
                previous, draft = draft, edit.draft
    media += [item for item in MORE if item.name in row.more]
    return draft, previous, media


def run(row: Row) -> tuple[Edit, dict[str, Any], dict[str, Any]]:
    """Send the row's message: the Edit, the draft before and the draft after."""
    draft, previous, media = start_state(row)
    edit = direct(row.say, draft, media, previous=previous)
    return edit, draft, edit.draft if edit.draft is not None else draft


def _stem(segment: dict[str, Any]) -> str:
    return str(segment.get("name", "")).rsplit(".", 1)[0]


def problems(row: Row) -> list[str]:
    """Everything wrong with the director's answer to ``row`` ([] when it passes)."""
    edit, before, after = run(row)
    found: list[str] = []
    expect = row.expect
    visuals = schema.segments(after, schema.VISUAL)
    meta = after.get("m", {})
    photos = [seg for seg in visuals if seg.get("kind") == "image"]
    title = next(iter(schema.texts(after, "title")), None)
    music = schema.segments(after, schema.AUDIO)
    transitions = {(seg["tr"]["type"], seg["tr"]["d"]) for seg in visuals[1:] if "tr" in seg}
    facts: dict[str, Any] = {
        "length": after.get("d", 0) / 1000,
        "photo_s": sorted({seg["d"] / 1000 for seg in photos}),
        "transition_s": sorted({d / 1000 for _, d in transitions}),
        "transition": sorted({kind for kind, _ in transitions}),
        "count": len(visuals),
        "order": [_stem(seg) for seg in visuals],
        "first": _stem(visuals[0]) if visuals else None,
        "last": _stem(visuals[-1]) if visuals else None,
        "aspect": meta.get("aspect"),
        "size": f"{meta.get('width')}x{meta.get('height')}",
        "fps": meta.get("fps"),
        "fit": meta.get("fit"),
        "background": meta.get("background"),
        "motion": sorted({str(seg.get("motion")) for seg in photos}),
        "title": title["text"] if title else None,
        "title_pos": title.get("pos") if title else None,
        "captions": len(schema.texts(after, "caption")),
        "music": music[0].get("name") if music else None,
        "volume": round(music[0].get("vol", 1) * 100) if music else None,
        "fade_out": music[0].get("fo", 0) / 1000 if music else None,
        "status": edit.result.get("status"),
    }
    for key, wanted in expect.items():
        if key in ("says", "changed", "without"):
            continue
        got = facts[key]
        if key in ("photo_s", "transition_s", "transition", "motion") and not isinstance(
            wanted, list
        ):
            wanted = [wanted]
        if key in ("photo_s", "transition_s", "length"):
            ok = got == wanted if not isinstance(got, list) else got == sorted(wanted)
            if isinstance(got, float):
                ok = abs(got - float(wanted)) < 0.051
        else:
            ok = got == wanted
        if not ok:
            found.append(f"{key}: wanted {wanted!r}, got {got!r}")
    for stem in expect.get("without", []):
        if stem in facts["order"]:
            found.append(f"{stem} should be gone: {facts['order']}")
    if (
        "changed" in expect
        and (edit.draft is not None and edit.draft != before) != expect["changed"]
    ):
        found.append(f"changed: wanted {expect['changed']}")
    says = expect.get("says", [])
    for words in [says] if isinstance(says, str) else says:
        if words.lower() not in edit.reply.lower():
            found.append(f"the reply should say {words!r}")
    found += _language_problems(row, edit)
    if edit.draft is not None:
        try:
            schema.validate(edit.draft)
        except ValueError as error:
            found.append(str(error))
    return [f"{p} (reply: {edit.reply})" for p in found]


def _language_problems(row: Row, edit: Edit) -> list[str]:
    found = []
    if _INTERNAL.search(edit.reply):
        found.append("an internal name is in the reply")
    if re.search(r"#[0-9a-fA-F]{6}\b", edit.reply):
        found.append("a colour code is in the reply: name colours in words")
    quoted = re.sub(r"[“「『\"'][^”」』\"']*[”」』\"']", "", edit.reply)
    has_cjk = bool(re.search(r"[\u4e00-\u9fff]", quoted))
    if row.lang == "zh" and not has_cjk:
        found.append("a Chinese message got an English reply")
    if row.lang == "en" and has_cjk:
        found.append("an English message got Chinese in the reply")
    return found

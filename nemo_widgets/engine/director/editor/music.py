"""Music: add, remove, volume, fade-out."""

from __future__ import annotations

from ... import draft as schema
from ...draft import AUDIO, seconds_text
from .. import ops
from .base import MUSIC_FADE_IN_MS, MUSIC_FADE_OUT_MS, MUSIC_VOLUME, Editor, handles, zh_seconds


@handles(ops.AddMusic)
def add_music(ed: Editor, op: ops.AddMusic) -> None:
    audio = ed.uploads("audio")
    if op.file is not None:
        wanted = op.file.lower()
        audio = [item for item in audio if item.name.lower() == wanted]
        if not audio:
            ed.fail(
                f"I found no audio upload called “{op.file}”.",
                f"没有找到名为“{op.file}”的音频文件。",
            )
    elif ed.music() is not None:
        return  # music is there; "music" in the message only names it
    if not audio:
        ed.note(
            "There is no music yet: upload an MP3 (or WAV/M4A) and say “add music”.",
            "还没有音乐：请上传一个MP3（或WAV/M4A）文件，然后说“加背景音乐”。",
            problem=True,
        )
        return
    item = audio[0]
    old = ed.music() or {}
    segment = {
        "id": old.get("id") or schema.next_id(ed.draft),
        "kind": "audio",
        "mid": item.mid,
        "src": item.url,
        "name": item.name,
        "st": 0,
        "d": ed.length,
        "in": 0,
        "vol": old.get("vol", MUSIC_VOLUME),
        "fi": MUSIC_FADE_IN_MS,
        "fo": old.get("fo", MUSIC_FADE_OUT_MS),
        "loop": True,
    }
    schema.ensure_track(ed.draft, AUDIO)["sg"][:] = [segment]
    schema.relayout(ed.draft)
    volume = round(segment["vol"] * 100)
    ed.change(
        f"Added the music “{item.name}” at {volume}%, fading out at the end.",
        f"已加上背景音乐「{item.name}」，音量{volume}%，结尾淡出。",
    )


@handles(ops.RemoveMusic)
def remove_music(ed: Editor, op: ops.RemoveMusic) -> None:
    if ed.music() is None:
        if not ed.built:  # a new video without it: nothing to say
            ed.note("There is no music to remove.", "没有可删除的音乐。")
        return
    schema.segments(ed.draft, AUDIO).clear()
    schema.relayout(ed.draft)
    ed.change("Removed the music.", "已删除背景音乐。")


@handles(ops.MusicVolume)
def music_volume(ed: Editor, op: ops.MusicVolume) -> None:
    percent = op.percent
    if not 0 <= percent <= 100:
        ed.fail(
            f"The volume goes from 0 to 100%, not {percent:g}%.",
            f"音量范围是0到100%，不能是{percent:g}%。",
        )
    music = ed.need_music()
    if music is not None:
        ed.set_volume(music, percent)


@handles(ops.MusicStep)
def music_step(ed: Editor, op: ops.MusicStep) -> None:
    music = ed.need_music()
    if music is not None:
        ed.set_volume(music, min(100, max(5, round(music["vol"] * 100) + op.percent)))


@handles(ops.MusicFadeOut)
def music_fade_out(ed: Editor, op: ops.MusicFadeOut) -> None:
    music = ed.need_music()
    if music is None:
        return
    music["fo"] = round(op.seconds * 1000)
    schema.relayout(ed.draft)
    ed.change(
        f"The music now fades out over the last {seconds_text(music['fo'])}.",
        f"音乐现在在最后{zh_seconds(music['fo'])}淡出。",
    )

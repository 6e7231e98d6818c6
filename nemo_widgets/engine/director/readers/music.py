"""Reading the music: remove, volume, quieter/louder, fade-out, add (optionally a named file)."""

from __future__ import annotations

from .. import ops
from ..reading import (
    AUDIO_FILE,
    DURATION,
    MUSIC,
    MUSIC_FADE_OUT_MS,
    NUMBER,
    REMOVE,
    VOLUME_STEP,
    Parser,
    duration_ms,
    duration_pattern,
    first_group,
)


def read_music(p: Parser) -> None:
    """Remove, volume, quieter/louder, fade-out, add (optionally a named file)."""
    remove = (
        rf"\b(?:no|without|mute|{REMOVE})\s+(?:the\s+|any\s+)?{MUSIC}(?!\s*(?:volume|level))|\bmute\b"
        rf"|\btake\s+(?:the\s+)?{MUSIC}\s+(?:out|off|away)\b"
        rf"|(?:删除|删掉|去掉|移除|不要|关掉|关闭|取消)\s*{MUSIC}|静音"
        rf"|把?\s*{MUSIC}\s*(?:去掉|删掉|删除|删了|关掉|关了|关闭|取消|拿掉|不要了?)"
    )
    for m in p.find(remove):
        p.add(m, ops.RemoveMusic())
    volume = (
        rf"(?:\bvolume\b|{MUSIC}|音量)\D{{0,25}}?(?P<n>{NUMBER})\s*%"
        rf"|(?P<n2>{NUMBER})\s*%\s*(?:volume|音量)"
        rf"|(?:\bvolume|音量)\s*(?:to|at|of|=|调到|设为|改成|改为|调成)?\s*(?P<n3>\d{{1,3}})(?![\d.%])"
        r"|(?:(?<=\.mp3\s|\.wav\s|\.m4a\s|\.aac\s|\.ogg\s)|(?<=\.flac\s|\.opus\s))at\s*(?P<n4>\d{1,3})\s*%"
        r"|(?P<half>\bhalf\s+(?:the\s+)?volume\b|(?:\bvolume|音量)\s*(?:to|at|调到|调成|降到|改成)?\s*½)"
    )
    for m in p.find(volume, r"%|volume|音量|½"):
        percent = 50.0 if m.group("half") else float(first_group(m, "n", "n2", "n3", "n4"))
        p.add(m, ops.MusicVolume(percent=percent))
    step = (
        r"(?P<down>\bquieter\b|\bsofter\b|\blower\s+the\s+(?:music|volume)\b|\bturn\s+(?:the\s+|it\s+)?(?:music\s+|volume\s+)?down\b"
        r"|\btoo\s+loud\b|\btoo\s+noisy\b|太吵|太响|太大声"
        r"|小声|轻一点|轻点|调低|调小|降低音量|(?:音量|音乐|声音|音乐声音?)(?:调|开|放)?(?:小|低|轻)一?点)"
        r"|\blouder\b|\braise\s+the\s+(?:music|volume)\b|\bturn\s+(?:the\s+|it\s+)?(?:music\s+|volume\s+)?up\b"
        r"|\btoo\s+(?:quiet|soft)\b|\bcan'?t\s+hear\b|\bmake\s+it\s+loud\b|太小声|听不见|听不清"
        r"|(?:声音|音乐声音?|音量)(?:调|开|放)?(?:大|高|响)一?点|调大"
        r"|大声|响一点|调高|提高音量|音量大一?点|音乐大一?点"
    )
    for m in p.find(step):
        p.add(m, ops.MusicStep(percent=-VOLUME_STEP if m.group("down") else VOLUME_STEP))
    fade = (
        rf"\bfade[- ]?out\D{{0,20}}?{DURATION}"
        rf"|\bfade\s+(?:it|them|the\s+music|the\s+song|the\s+audio)\s+out\D{{0,20}}?{duration_pattern('u')}"
        rf"|{duration_pattern('e')}\s*(?:long\s+)?fade[- ]?outs?"
        rf"|(?<!淡入)淡出\s*{duration_pattern('z')}"
        rf"|{duration_pattern('t')}\s*的?\s*淡出"
        r"|(?P<gentle>\bfade\s+(?:it|them|the\s+music|the\s+song)\s+out\s+(?:more\s+)?"
        r"(?:gently|slowly|softly|longer)\b"
        r"|\b(?:gentler|slower|longer|softer)\s+fade[- ]?out\b|(?:淡出|渐弱)(?:慢|长|柔和)一?点)"
        r"|(?P<plain>\bfade[- ]?out\b"
        r"|\bfade\s+(?:the\s+|it\s+|them\s+)?(?:music|song|audio)?\s*out\b"
        r"|(?<!淡入)淡出)"
    )
    for m in p.find(fade, r"fade|淡出"):
        if m.group("gentle"):
            seconds = 2 * MUSIC_FADE_OUT_MS / 1000
        elif m.group("plain"):
            seconds = MUSIC_FADE_OUT_MS / 1000
        else:
            seconds = duration_ms(m) / 1000
        p.add(m, ops.MusicFadeOut(seconds=seconds))
    add = rf"\b(?:with|add|use|play)\s+(?P<file>{AUDIO_FILE})|(?P<file2>{AUDIO_FILE})|{MUSIC}"
    for m in p.find(add):
        name = m.group("file") or m.group("file2")
        p.add(m, ops.AddMusic(file=name or None))

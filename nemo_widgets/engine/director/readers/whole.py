"""Reading what concerns the whole video: export, start over, how many photos, make a video."""

from __future__ import annotations

from .. import ops
from ..reading import Parser


def read_whole(p: Parser) -> None:
    """Export, start over, how many photos, and the wish for a video at all."""
    for m in p.find(
        r"\bexport\w*|\brender\w*|\bdownload\w*|\bsave\b|\bmp4\b|导出|渲染|下载|输出|保存"
    ):
        p.add(m, ops.Export())
    for m in p.find(
        r"\bstart\s+(?:over|again)\b|\brebuild\b|\bfrom\s+scratch\b|\bredo\s+(?:it|the\s+video)\b"
        r"|重新做|重做|重新制作|重新生成|重新来|重来|从头来|从头再来"
    ):
        p.add(m, ops.Build(rebuild=True))
    count = (
        r"\b(\d+)\s+(?:[a-z]+\s+){0,2}?(?:photos|images|pictures|pics|shots|jpgs|jpegs|pngs|files)\b"
        r"|(?<!第)(?<!最后)(?<!每)(\d+)\s*张"
    )
    for m in p.find(count):
        p.add(m, ops.Build(count=int(m.group(1) or m.group(2))))
    build = (
        r"\b(?:video|slideshow|slide\s+show|movie|film|reel|montage|clip|vlog|compilation|recap)\b"
        r"|\b(?:make|create|do)\s+(?:me\s+|us\s+)?something\b|\bput\s+(?:them|these|it\s+all)\s+together\b"
        r"|视频|幻灯片|相册|短片|影片|做成|制作|vlog|剪(?:1个|个)?(?:片|辑)?|拼成|合成"
    )
    for m in p.find(build):
        p.add(m, ops.Build())

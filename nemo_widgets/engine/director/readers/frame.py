"""Reading the frame (shape, platform, resolution, fps, fit, background) and the motion."""

from __future__ import annotations

import re

from ... import draft as schema
from ...phrases import (
    ASPECT_WORDS,
    COLOUR_WORDS,
    MOTION_WORDS,
    PLATFORM_NAMES,
)
from .. import ops
from ..reading import NUMBER, REMOVE, Parser, alternation, first_group

# A blurred copy of the photo behind it: "blur the background", "blurred bars", "背景模糊".
_BLUR = (
    r"\bblur(?:red|ry)?\s+(?:out\s+)?(?:the\s+|a\s+)?(?:background|backdrop|bars|borders|edges|sides"
    r"|empty\s+space|space|rest)\b"
    r"|\b(?:background|backdrop|bars|edges|sides)\s+(?:blurred|blurry|blur)\b"
    r"|\bblur(?:red|ry)?\s+(?:copy|version)\b|\bblur\s+(?:behind|instead)\b"
    r"|背景(?:要|用|改成|换成|改为|做成|变)?(?:模糊|虚化)|(?:模糊|虚化)(?:的)?(?:照片)?(?:背景|边)"
    r"|(?:黑边|边)(?:要|用|改成|换成|改为|做成|变)?(?:成)?(?:模糊|虚化)"
)
# Back to the default framing.
_AUTO = r"\b(?:auto(?:matic)?|smart)[- ]?(?:fit|framing)\b|自动适配|智能适配|自动填充"


def read_frame(p: Parser) -> None:
    """Aspect ratio, platform, resolution, fps, fit and background."""
    sep = r"\s*(?::|x|×|/|by|比)\s*"
    pairs = "|".join(rf"{a}{sep}{b}" for a, b in (key.split(":") for key in schema.ASPECTS))
    for m in p.find(rf"(?<![\d.])(?:{pairs})(?!\d|\.\d)"):  # only the shapes there are
        a, b = re.findall(r"\d+", m.group())
        p.add(m, ops.SetAspect(aspect=f"{a}:{b}"))
    for m in p.find(alternation(ASPECT_WORDS)):
        word = m.group()
        p.add(m, ops.SetAspect(aspect=ASPECT_WORDS[word], platform=PLATFORM_NAMES.get(word)))
    for m in p.find(
        r"(?<!\d)(\d{3,4})\s*p(?![a-z0-9])|(?P<k>\b4k\b|\buhd\b|超高清)|(?P<f>\bfull\s*hd\b|\bfhd\b|超清|全高清)|(?P<h>\bhd\b|高清)"
    ):
        p_value = (
            2160
            if m.group("k")
            else 1080
            if m.group("f")
            else 720
            if m.group("h")
            else int(m.group(1))
        )
        p.add(m, ops.SetResolution(p=p_value))
    relative = (
        r"(?P<up>\b(?:higher|better|max(?:imum)?|best|sharper)\s+(?:resolution|quality)\b|提高分辨率|更清晰|最高画质)"
        r"|\b(?:lower|smaller|reduce\s+the)\s+(?:resolution|quality|file\s+size)\b|降低分辨率|文件小一点"
    )
    for m in p.find(relative, r"resolution|quality|size|分辨率|清晰|画质|文件"):
        p.add(m, ops.SetResolution(p=1080 if m.group("up") else 720))
    fps = (
        rf"(?P<n>{NUMBER})\s*(?:fps|frames?\s*(?:per|a|/)\s*s(?:ec(?:ond)?)?|帧(?:每秒|/秒)?)"
        rf"|每秒\s*(?P<n2>{NUMBER})\s*帧|frame\s*rate\s*(?:of|to|at)?\s*(?P<n3>{NUMBER})"
        rf"|帧率\s*(?:改成|改为|设为|设成|调到|调成|是|为|用)?\s*(?P<n4>{NUMBER})"
    )
    for m in p.find(fps, r"fps|frame|帧"):
        number = first_group(m, "n", "n2", "n3", "n4")
        p.add(m, ops.SetFps(fps=float(number)))
    cover = (
        r"\bfill\s+(?:the\s+)?(?:whole\s+|entire\s+)?(?:frame|screen)\b|\bcrop(?:ped)?\s+to\s+fill\b"
        rf"|\b(?:no|without|{REMOVE})\s+(?:the\s+|any\s+)?(?:black\s+|ugly\s+)?(?:bars|borders|letterbox\w{{0,4}})\b"
        r"|\bcrop\s+(?:the\s+|my\s+)?(?:photos|pictures|images)\b.{0,30}\bfill\b"
        r"|\bfull[- ]?screen\b|\bedge\s+to\s+edge\b|\bcover\b"
        r"|填满|铺满|裁剪填充|(?:去掉|不要|没有|去除|取消)黑边|全屏|去黑边"
    )
    for m in p.find(cover):
        p.add(m, ops.SetFit(fit="cover"))
    contain = (
        r"\b(?:fit|show|keep|see)\s+the\s+whole\s+(?:photo|image|picture)s?\b|\bdon'?t\s+crop\b|\bno\s+crop(?:ping)?\b"
        r"|\b(?:with|keep|use|want|add)\s+(?:the\s+)?bars\b|保留黑边|加黑边|要黑边"
        r"|\bletterbox\w*|\bcontain\b|完整显示|不要裁剪|不裁剪|留黑边"
    )
    for m in p.find(contain):
        p.add(m, ops.SetFit(fit="contain"))
    for m in p.find(_BLUR, r"blur|模糊|虚化"):
        p.add(m, ops.SetFit(fit="blur"))
    for m in p.find(_AUTO, r"auto|smart|自动|智能"):
        p.add(m, ops.SetFit(fit="auto"))
    colours = alternation(COLOUR_WORDS)
    background = (
        rf"(?P<c>{colours})\s*(?:的)?\s*(?:background|bars|背景|边)"
        rf"|\b(?:background|bars|borders)\s+(?:colou?r\s+)?(?:to\s+|in\s+|be\s+|are\s+)?(?P<c2>{colours})"
        rf"|(?:背景|黑边|边)(?:色|颜色)?\s*(?:改成|换成|改为|设为|设成|用|是|要)?\s*(?P<c3>{colours})"
    )
    for m in p.find(background):
        p.add(m, ops.SetBackground(color=COLOUR_WORDS[first_group(m, "c", "c2", "c3")]))


def read_motion(p: Parser) -> None:
    still = (
        rf"\b(?:no|without|{REMOVE})\s+(?:the\s+|all\s+the\s+|any\s+)?"
        r"(?:zoom\w{0,3}|ken\s*burns(?:\s+effects?)?|motion|movement|panning|pans?|camera\s+motion"
        r"|moving|animation|effects?)\b"
        r"|\b(?:keep|make)\s+(?:the\s+)?(?:photos|pictures|images|them)\s+(?:still|static)\b"
        r"|\bstop\s+(?:the\s+)?(?:photos|pictures|images|them)\s+(?:from\s+)?moving\b"
        r"|(?:去掉|不要|取消|关掉|删除|删掉|停止|关闭)\s*(?:运动效果|动效|运镜|缩放效果|缩放|平移效果|平移|动感|动态效果|运动|推拉|镜头运动)"
        r"|(?:照片|图片)?(?:不要动|别动|不动)"
        r"|把?(?:运动效果|动效|运镜|缩放效果|平移效果)\s*(?:去掉|删掉|删除|取消|关掉|拿掉|不要了?)"
    )
    for m in p.find(still):
        p.add(m, ops.SetMotion(motion="static"))
    for m in p.find(alternation(MOTION_WORDS)):
        p.add(m, ops.SetMotion(motion=MOTION_WORDS[m.group()]))
    # "zoom" that no transition took: a slow zoom on the photos ("add a gentle zoom", "加点缩放").
    for m in p.find(r"\bzoom(?:ing|s)?\b(?!\s*(?:out|transition))|缩放(?!转场)", r"zoom|缩放"):
        p.add(m, ops.SetMotion(motion="zoom_in"))

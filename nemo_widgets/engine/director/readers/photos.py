"""Reading the photos a message names and what to do with them: swap, move, remove, keep,
add, replace, reverse."""

from __future__ import annotations

import re

from ...phrases import (
    PLACEHOLDER,
)
from .. import ops
from ..reading import FILE, ORDINAL, REF, REMOVE, SWAP_WORDS, Parser, first_group, ref_number


def read_photo_ops(p: Parser) -> None:
    """Swap, move, remove, replace, reverse."""
    swap = (
        r"\b(?:swap|switch|exchange)\s+(?:photos?\s+|images?\s+|pictures?\s+|pics?\s+|slides?\s+)?"
        r"(?:number\s+)?(\d+)\s+(?:and|with)\s+(?:number\s+)?(\d+)\b"
    )
    for m in p.find(swap, SWAP_WORDS):
        p.add(m, ops.Swap(photos=(int(m.group(1)), int(m.group(2)))))
    swap_refs = (
        rf"(?:\b(?:swap|switch|exchange)|交换|互换|调换)\s*(?P<a>{REF})\s*(?:and|with|和|与|跟)\s*(?P<b>{REF})"
        rf"|把?\s*(?P<c>{REF})\s*(?:和|与|跟)\s*(?P<d>{REF})\s*(?:的位置)?\s*(?:交换|互换|调换|对调|换一下|换个位置|换位置|换)"
    )
    ends = (
        rf"\b(?:swap|switch|exchange)\s+the\s+(?P<a>{ORDINAL})(?:\s+(?:photo|picture|image|one))?"
        rf"\s+(?:and|with)\s+(?:the\s+)?(?P<b>{ORDINAL})(?:\s+(?:photos?|pictures?|images?|ones?))?"
    )
    for m in p.find(ends, SWAP_WORDS):
        a, b = (ref_number(m.group(g)) for g in ("a", "b"))
        if a != b:
            p.add(m, ops.Swap(photos=(a, b)))
    for m in p.find(swap_refs, SWAP_WORDS):
        a, b = first_group(m, "a", "c"), first_group(m, "b", "d")
        p.add(m, ops.Swap(photos=(ref_number(a), ref_number(b))))
    read_choice(p)
    read_moves(p)
    removes = (
        rf"\b(?:{REMOVE})\s+(?:photos|images|pictures|slides)"
        r"\s+(\d+)\s*(?:and|&|,)\s*(\d+)"
    )
    for m in p.find(removes, REMOVE):
        p.add(m, ops.Remove(photo=int(m.group(1))))
        p.add(m, ops.Remove(photo=int(m.group(2))))
    pair = (
        rf"\b(?:{REMOVE})\s+(?:the\s+)?(?P<a>{ORDINAL})\s*(?:and|&|,)\s*(?:the\s+)?(?P<b>{ORDINAL})"
        r"\s+(?:photos|pictures|images|pics|slides|ones)\b"
    )
    for m in p.find(pair, REMOVE):
        p.add(m, ops.Remove(photo=ref_number(m.group("a"))))
        p.add(m, ops.Remove(photo=ref_number(m.group("b"))))
    pair_refs = (
        rf"(?:\b(?:{REMOVE})|删除|删掉|删去|去掉|去除|移除|不要|拿掉)\s*(?P<a>{REF})\s*"
        rf"(?:and|&|,|和|跟|与|、|还有|以及)\s*(?P<b>{REF})"
    )
    for m in p.find(pair_refs, rf"{REMOVE}|删|去|不要|拿掉|移除"):
        p.add(m, ops.Remove(photo=ref_number(m.group("a"))))
        p.add(m, ops.Remove(photo=ref_number(m.group("b"))))
    remove = (
        rf"\b(?:{REMOVE})\s+(?P<a>{REF})"
        rf"|(?:删除|删掉|删去|去掉|去除|移除|不要|拿掉)\s*(?P<b>{REF})"
        rf"|把?\s*(?P<c>{REF})\s*(?:删除|删掉|删了|去掉|移除|拿掉)"
    )
    for m in p.find(remove):
        ref = first_group(m, "a", "b", "c")
        p.add(m, ops.Remove(photo=ref_number(ref)))
    it = (
        rf"(?P<ref>{REF})\b.{{0,80}}?\b(?:remove|delete|drop|lose|ditch|get\s+rid\s+of|take\s+out)"
        r"\s+(?:it|that\s+one|that)\b(?!\s*(?:down|to|short|in|by))"
    )
    for m in p.find(it, REMOVE):
        p.add(m, ops.Remove(photo=ref_number(m.group("ref"))))
    read_replace(p)
    reverse = (
        r"\breverse(?:\s+the)?(?:\s+order)?\b|\bbackwards\b"
        r"|倒序|反转顺序|顺序反过来|颠倒顺序|倒过来|倒着放|倒放|反过来放"
    )
    for m in p.find(reverse):
        p.add(m, ops.Reverse())


def read_choice(p: Parser) -> None:
    """Which photos: "just the first three", "delete the last two", "add the new photos",
    "只要前三张", "删掉最后两张", "把新照片加进去"."""
    some = r"(?:\s+(?:photos|pictures|images|pics|slides|shots|ones))?"
    keep = (
        rf"\b(?:just|only)\s+(?:keep\s+|use\s+|want\s+)?the\s+(?P<end>first|last)\s+(?P<n>\d+){some}"
        rf"|\b(?:keep|use|want)\s+(?:just|only)\s+the\s+(?P<end2>first|last)\s+(?P<n2>\d+){some}"
        rf"|(?:只要|只用|只保留|只留|保留|只选)\s*(?P<zend>前|后|最后)\s*(?P<zn>\d+)\s*(?:张|个)"
    )
    for m in p.find(keep, r"\bjust\b|\bonly\b|只|保留"):
        end = first_group(m, "end", "end2", "zend")
        p.add(
            m,
            ops.KeepPhotos(
                count=int(first_group(m, "n", "n2", "zn")), last=end in ("last", "后", "最后")
            ),
        )
    drop = (
        rf"\b(?:{REMOVE})\s+the\s+(?P<end>first|last)\s+(?P<n>\d+){some}"
        rf"|(?:删除|删掉|删去|去掉|去除|移除|不要|拿掉)\s*(?P<zend>前|后|最后)\s*(?P<zn>\d+)\s*(?:张|个)"
        rf"|把?\s*(?P<zend2>前|后|最后)\s*(?P<zn2>\d+)\s*(?:张|个)(?:照片|图片)?\s*"
        r"(?:去掉|删掉|删除|删了|去除|拿掉|不要了?)"
    )
    for m in p.find(drop, rf"{REMOVE}|删|去|不要|拿掉"):
        end, count = first_group(m, "end", "zend", "zend2"), int(first_group(m, "n", "zn", "zn2"))
        last = end in ("last", "后", "最后")
        for k in range(1, min(count, 50) + 1):
            p.add(m, ops.Remove(photo=-k if last else k))
    more = (
        r"\b(?:add|include|use|put\s+in|bring\s+in|append)\s+(?:in\s+)?(?:the\s+|my\s+)?"
        r"(?:new|other|remaining|rest\s+of\s+the|rest\s+of\s+my|latest|extra|all\s+(?:the\s+|my\s+)?)"
        r"\s*(?:new\s+)?(?:photos|pictures|images|pics|uploads|ones|files)\b"
        r"|\badd\s+(?:them|those|these)(?:\s+(?:too|as\s+well|in))?\b|\badd\s+the\s+rest\b"
        r"|(?:加上|加入|添加|用上|把)?新(?:上传的)?(?:照片|图片)(?:也)?(?:加进去|加上|加入|放进去)"
        r"|(?:加上|加入|添加|用上|放进|补上)\s*(?:新(?:上传的?)?|刚(?:才)?上传的|其他的?|剩下的|其余的?)"
        r"(?:照片|图片)"
        r"|(?:用上|加上|加入|用)所有(?:的)?(?:照片|图片)|(?:全部|所有)(?:照片|图片)都用上"
    )
    verbs = r"\b(?:add|include|use|put|bring|append)\b|新|所有|全部|加上|加入|添加|用上|放进|补上"
    for m in p.find(more, verbs):
        p.add(m, ops.AddPhotos())


_SAME_AS = {"begin": "start", "open": "start", "finish": "end", "close": "end"}


def read_moves(p: Parser) -> None:
    """ "move photo 3 to the start", "put photo 1 last", "把第3张移到第一"."""
    move = (
        rf"\b(?:move|put|place)\s+(?P<a>{REF})\s+(?P<to>(?:to\s+|at\s+|in\s+)?(?:the\s+)?(?:very\s+)?"
        rf"(?:start|beginning|front|first|end|back|last)\b|(?:to\s+)?position\s*\d+"
        rf"|(?:right\s+|just\s+|immediately\s+|directly\s+)?(?:before|after)\s+{REF}"
        rf"|(?:up\s+|down\s+|back\s+)?to\s+(?:the\s+)?(?:{ORDINAL}|\d+)\s+(?:place|position|spot|slot))"
        rf"|\bmake\s+(?P<b>{REF})\s+(?:the\s+)?(?P<to2>first|last)\b"
        rf"|\b(?P<to5>start|begin|open|end|finish|close)\s+(?:it\s+|the\s+video\s+)?with\s+(?P<e>{REF})"
        rf"|(?P<f>{REF})\s+(?:should\s+|must\s+|needs?\s+to\s+|has\s+to\s+)?(?:come|go|be|appear)\s+"
        r"(?P<to6>first|last|at\s+the\s+(?:end|start|beginning))\b"
        rf"|把?\s*(?P<c>{REF})\s*(?:移|挪|放|调|换)(?:到|至|在)\s*(?P<to3>最前面?|开头|最后面?|结尾|末尾"
        rf"|{REF}\s*(?:前面|后面|之前|之后)|第\d+(?:张|个|位)?)"
    )
    if re.search(r"\b(?:move|put|place|make)\b|移|放|挪", p.text):
        move += (
            rf"|(?:\band\s+)(?P<d>{REF})\s+"
            r"(?P<to4>first|last|at\s+the\s+(?:end|start|beginning))\b"
        )
    verbs = (
        r"\b(?:move|put|place|make|start|begin|open|end|finish|close|come|go|be)\b|移|挪|放|调|换"
    )
    for m in p.find(move, verbs):
        ref = first_group(m, "a", "b", "c", "d", "e", "f")
        where = first_group(m, "to", "to2", "to3", "to4", "to5", "to6")
        where = _SAME_AS.get(where, where)
        photo = ref_number(ref)
        target = re.search(rf"(before|after|前|后)\D*?(?P<r>{REF})|(?P<r2>{REF})\s*(前|后)", where)
        if target and (target.group("r") or target.group("r2")):
            anchor = ref_number(target.group("r") or target.group("r2"))
            if re.search(r"before|前", where):
                op = ops.Move(photo=photo, before=anchor)
            else:
                op = ops.Move(photo=photo, after=anchor)
        elif place := re.search(rf"({ORDINAL}|\d+)\s+(?:place|position|spot|slot)", where):
            op = ops.Move(photo=photo, to=ref_number(place.group(1)))
        elif re.search(r"start|beginning|front|first|最前|开头", where):
            op = ops.Move(photo=photo, to=1)
        elif re.search(r"end|back|last|最后|结尾|末尾", where):
            op = ops.Move(photo=photo, to=-1)
        else:
            op = ops.Move(photo=photo, to=int(re.search(r"\d+", where).group()))  # type: ignore[union-attr]
        p.add(m, op)


def read_replace(p: Parser) -> None:
    """ "replace photo 2 with the last upload / beach.jpg", "把第2张换成beach.jpg"."""
    latest = (
        r"the\s+(?:last|latest|newest|new|most\s+recent)\s+(?:upload|photo|image|picture|one|file|video)"
        r"|最后上传的(?:照片|图片|那张|文件)?|最新(?:上传)?的?(?:照片|图片|那张)?"
    )
    source = rf"(?P<with>⟦\d+⟧|{latest}|{FILE}|(?:upload|file)\s+\d+)"
    replace = (
        rf"\b(?:replace|change|swap\s+out)\s+(?P<a>{REF})\s+(?:with|by|for|to)\s+{source}"
        rf"|把?\s*(?P<b>{REF})\s*(?:换成|替换成|替换为|改成|换为)\s*{source.replace('with', 'w2')}"
        rf"|用\s*{source.replace('with', 'w3')}\s*替换\s*(?P<c>{REF})"
    )
    for m in p.find(replace, r"\b(?:replace|change|swap)\b|换|替换|改成"):
        ref = first_group(m, "a", "b", "c")
        spec = first_group(m, "with", "w2", "w3")
        if PLACEHOLDER.fullmatch(spec):
            source = p.quote(spec)
        elif re.fullmatch(latest, spec):
            source = ":last"
        elif spec.startswith(("upload", "file")):
            source = ":upload " + re.sub(r"\D", "", spec)
        else:
            source = spec
        p.add(m, ops.Replace(photo=ref_number(ref), with_=source))

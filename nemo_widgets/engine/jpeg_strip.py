"""A JPEG without its metadata, losslessly: no Exif (GPS, camera), XMP, IPTC or comments, and
nothing after the end of the image.

Photos that are already render-ready are kept as they are rather than re-encoded (no quality
lost, no time spent); this copies their segments through and leaves out every application
segment except those that change how the pixels look (JFIF, the ICC colour profile, Adobe's
colour transform), and stops at the end-of-image marker, so bytes appended after the picture
(a second MPO picture, a depth map, a hidden archive) are not stored, served or rendered.
The entropy-coded picture data is copied byte for byte: the pixels are unchanged.
"""

from __future__ import annotations

import mmap
from pathlib import Path

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_APP0, _APP2, _APP14, _COM = 0xE0, 0xE2, 0xEE, 0xFE
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0-7 carry no length


def _kept(marker: int, segment: bytes) -> bool:
    """Whether a segment (marker, length and payload) stays."""
    payload = segment[4:18]
    if marker == _APP0:
        return payload.startswith((b"JFIF\0", b"JFXX\0"))
    if marker == _APP2:
        return payload.startswith(b"ICC_PROFILE\0")
    if marker == _APP14:
        return payload.startswith(b"Adobe")
    return not (0xE1 <= marker <= 0xEF or marker == _COM)


def _scan_end(data: mmap.mmap, start: int) -> int | None:
    """Where the entropy-coded data that starts at ``start`` ends: at the next real marker."""
    position = start
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return None
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1  # stuffed 0xFF, a restart marker, or fill bytes
            continue
        return position


def strip(source: Path, dest: Path) -> bool:
    """Write ``source`` to ``dest`` without metadata and trailing bytes; False (and nothing
    written) if its structure is not the one this understands, so the caller re-encodes."""
    pieces: list[tuple[int, int]] = []  # byte ranges of ``source`` to keep, in order
    with (
        source.open("rb") as handle,
        mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
    ):
        if data[:2] != b"\xff\xd8":
            return False
        pieces.append((0, 2))
        position = 2
        while True:
            if position + 2 > len(data) or data[position] != 0xFF:
                return False
            marker = data[position + 1]
            if marker == 0xFF:  # fill byte before a marker
                position += 1
                continue
            if marker == _EOI:
                pieces.append((position, position + 2))
                break
            if marker in _STANDALONE or marker == _SOI:
                return False  # never between segments of a well-formed file
            if position + 4 > len(data):
                return False
            end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
            if end > len(data) or end < position + 4:
                return False
            if _kept(marker, data[position:end]):
                pieces.append((position, end))
            position = end
            if marker == _SOS:
                scan_end = _scan_end(data, position)
                if scan_end is None:
                    return False
                pieces.append((position, scan_end))
                position = scan_end
        with dest.open("wb") as out:
            for start, end in pieces:
                out.write(data[start:end])
    return True

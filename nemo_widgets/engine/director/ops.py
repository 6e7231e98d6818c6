"""Typed operations: what the parser finds in a message, one dataclass per kind of edit.

Photo numbers are 1-based as the photos were numbered when the message was sent; -1 is the last.
``RANK`` is the order operations are applied in (each sees the result of those it depends on),
``SINGLE`` says a repeat replaces the earlier one (the last word wins) rather than adding to it.
:meth:`Op.args` is how an operation is reported (the ``functionCall`` arguments).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class Op:
    NAME: ClassVar[str] = ""
    RANK: ClassVar[int] = 0
    SINGLE: ClassVar[bool] = False

    def args(self) -> dict[str, Any]:
        found: dict[str, Any] = {"op": self.NAME}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None and value is not False:
                found[field.name] = list(value) if isinstance(value, tuple) else value
        return found


# --------------------------------------------------------------------------- the whole video


@dataclass(frozen=True)
class Build(Op):
    NAME, RANK = "build", 0
    count: int | None = None
    rebuild: bool = False


@dataclass(frozen=True)
class Undo(Op):
    NAME, RANK = "undo", 0


@dataclass(frozen=True)
class Export(Op):
    NAME, RANK, SINGLE = "export", 13, True


# --------------------------------------------------------------------------- photos


@dataclass(frozen=True)
class AddPhotos(Op):
    """Add the uploads that are not in the video yet, at the end."""

    NAME, RANK, SINGLE = "add_photos", 1, True


@dataclass(frozen=True)
class KeepPhotos(Op):
    """Keep only the first (or last) ``count`` photos."""

    NAME, RANK, SINGLE = "keep_photos", 1, True
    count: int = 0
    last: bool = False


@dataclass(frozen=True)
class Remove(Op):
    NAME, RANK = "remove", 1
    photo: int = 0


@dataclass(frozen=True)
class Move(Op):
    NAME, RANK = "move", 1
    photo: int = 0
    to: int | None = None
    before: int | None = None
    after: int | None = None


@dataclass(frozen=True)
class Swap(Op):
    NAME, RANK = "swap", 1
    photos: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Reverse(Op):
    NAME, RANK, SINGLE = "reverse", 1, True


@dataclass(frozen=True)
class Replace(Op):
    NAME, RANK = "replace", 1
    photo: int = 0
    with_: str = ""

    def args(self) -> dict[str, Any]:
        return {"op": self.NAME, "photo": self.photo, "with": self.with_}


# --------------------------------------------------------------------------- frame


@dataclass(frozen=True)
class SetAspect(Op):
    NAME, RANK, SINGLE = "set_aspect", 2, True
    aspect: str = "16:9"
    platform: str | None = None


@dataclass(frozen=True)
class SetResolution(Op):
    NAME, RANK, SINGLE = "set_resolution", 2, True
    p: int = 1080


@dataclass(frozen=True)
class SetFps(Op):
    NAME, RANK, SINGLE = "set_fps", 2, True
    fps: float = 30


@dataclass(frozen=True)
class SetFit(Op):
    NAME, RANK, SINGLE = "set_fit", 2, True
    fit: str = "contain"


@dataclass(frozen=True)
class SetBackground(Op):
    NAME, RANK, SINGLE = "set_background", 2, True
    color: str = "#000000"


# --------------------------------------------------------------------------- transitions, motion


@dataclass(frozen=True)
class SetTransition(Op):
    """A transition kind and/or length (``seconds``), or a length scaled by ``factor``."""

    NAME, RANK, SINGLE = "set_transition", 3, True
    type: str | None = None
    seconds: float | None = None
    factor: float | None = None


@dataclass(frozen=True)
class SetMotion(Op):
    NAME, RANK, SINGLE = "set_motion", 4, True
    motion: str = "static"


# --------------------------------------------------------------------------- lengths


@dataclass(frozen=True)
class SetPhotoLength(Op):
    NAME, RANK, SINGLE = "set_photo_length", 5, True
    seconds: float = 3


@dataclass(frozen=True)
class SetLength(Op):
    NAME, RANK, SINGLE = "set_length", 6, True
    seconds: float = 15


@dataclass(frozen=True)
class ScaleLength(Op):
    """The whole video's length times ``factor`` ("a third shorter", "twice as long")."""

    NAME, RANK, SINGLE = "scale_length", 7, True
    factor: float = 1


@dataclass(frozen=True)
class ChangeLength(Op):
    """The whole video's length plus ``seconds`` (negative: shorter): "add 5 more seconds"."""

    NAME, RANK, SINGLE = "change_length", 7, True
    seconds: float = 0


@dataclass(frozen=True)
class ScaleSpeed(Op):
    """Every photo's length times ``factor`` ("faster", "slower")."""

    NAME, RANK, SINGLE = "scale_speed", 7, True
    factor: float = 1


# --------------------------------------------------------------------------- text


@dataclass(frozen=True)
class SetTitle(Op):
    NAME, RANK, SINGLE = "set_title", 8, True
    text: str | None = None
    pos: str | None = None
    seconds: float | None = None


@dataclass(frozen=True)
class RemoveTitle(Op):
    NAME, RANK, SINGLE = "remove_title", 8, True


@dataclass(frozen=True)
class AddCaption(Op):
    NAME, RANK = "add_caption", 8
    text: str | None = None
    photo: int | None = None
    pos: str | None = None


@dataclass(frozen=True)
class RemoveCaptions(Op):
    NAME, RANK, SINGLE = "remove_captions", 8, True


@dataclass(frozen=True)
class TextPosition(Op):
    NAME, RANK = "text_position", 9
    target: str = "title"  # "title" or "captions"
    pos: str = "bottom"


# --------------------------------------------------------------------------- music


@dataclass(frozen=True)
class AddMusic(Op):
    NAME, RANK, SINGLE = "add_music", 10, True
    file: str | None = None


@dataclass(frozen=True)
class RemoveMusic(Op):
    NAME, RANK, SINGLE = "remove_music", 10, True


@dataclass(frozen=True)
class MusicVolume(Op):
    NAME, RANK, SINGLE = "music_volume", 11, True
    percent: float = 70


@dataclass(frozen=True)
class MusicStep(Op):
    NAME, RANK, SINGLE = "music_step", 11, True
    percent: float = 15


@dataclass(frozen=True)
class MusicFadeOut(Op):
    NAME, RANK, SINGLE = "music_fade_out", 11, True
    seconds: float = 2

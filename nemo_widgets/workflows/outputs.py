"""Videos a tool made in a folder: its record, ownership checks, staging and moving into place.

Batch and PromptLab save videos into a folder the user chose, where the user's own files may be.
Each keeps a JSON record there of the videos it made, with each file's size and modification
time (:func:`stamp`). A file at an output path is the tool's own to replace only while it still
matches its record (:func:`is_ours`); any other file is left alone. A video is downloaded into
a hidden staging folder first and moved into place only once its path is known to be free.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Outputs", "is_ours", "prepare_folder", "stamp", "write_json"]


def prepare_folder(folder: Path) -> None:
    """Create ``folder`` for the videos; ``NotADirectoryError`` if a file is in the way."""
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(
            f"{folder} is a file, not a folder: choose another folder for the videos."
        )
    folder.mkdir(parents=True, exist_ok=True)


def stamp(path: Path) -> dict[str, int]:
    """What a record keeps of a video it made: ``{"size": ..., "mtime_ns": ...}``."""
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def is_ours(path: Path, recorded: object) -> bool:
    """Whether ``path`` is a file whose size and modification time are those ``recorded`` (the
    record's entry for it, or None): the video the tool made, unchanged since."""
    if not isinstance(recorded, dict):
        return False
    try:
        stat = path.stat()
    except OSError:
        return False
    return (
        path.is_file()
        and stat.st_size == recorded.get("size")
        and stat.st_mtime_ns == recorded.get("mtime_ns")
    )


def write_json(path: Path, data: object) -> None:
    """Write ``data`` to a temporary file next to ``path``, then move it over ``path``: whoever
    reads the record gets the old one or the new one, never half of one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass(frozen=True)
class Outputs:
    """How one tool puts its videos in place.

    ``made_by`` names the tool in a refusal ("this batch"), ``what_to_do`` ends it, and
    ``staging`` is the hidden folder, next to the videos, that they are downloaded to first.
    """

    made_by: str
    what_to_do: str
    staging: str

    def refuse_foreign(self, target: Path, recorded: object) -> None:
        """Raise ``FileExistsError`` if something the tool did not make is at ``target``."""
        if (target.exists() or target.is_symlink()) and not is_ours(target, recorded):
            raise FileExistsError(
                f"{target} already exists and was not made by {self.made_by}, so it was left "
                f"as it is: {self.what_to_do}"
            )

    @contextlib.contextmanager
    def staged(self, target: Path) -> Iterator[Path]:
        """The path in the staging folder to download ``target`` to; removed when done with."""
        partial = target.parent / self.staging / target.name
        partial.parent.mkdir(exist_ok=True)
        try:
            yield partial
        finally:
            with contextlib.suppress(OSError):
                partial.unlink()

    def move_into_place(self, made: Path, target: Path, recorded: object) -> None:
        """Move the finished video ``made`` to ``target``, unless a file the tool did not make
        has appeared there meanwhile (then ``FileExistsError``, and ``target`` is untouched)."""
        self.refuse_foreign(target, recorded)
        os.replace(made, target)

    def remove_staging(self, folder: Path) -> None:
        """Remove the staging folder in ``folder``, only if empty: another run may be using it."""
        with contextlib.suppress(OSError):
            (folder / self.staging).rmdir()

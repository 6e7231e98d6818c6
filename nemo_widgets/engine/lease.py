"""Which engines on a data folder are alive: a lock file each holds for as long as it runs.

A process id alone cannot tell: after a restart, in a container or another PID namespace the
same number belongs to someone else. An engine instead holds an OS lock (``flock`` on POSIX,
``LockFileEx`` on Windows, through the ``filelock`` package) on ``engines/<owner>.lock``; the
operating system drops it the moment the process ends, however it ends (``kill -9``, a crash,
a reboot). Another engine asks "is this owner alive?" by trying to take that lock.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import secrets
from pathlib import Path

from filelock import FileLock, Timeout

# No soft-lock fallback (filelock 4 falls back where a filesystem has no flock): a lock file
# that merely exists would look alive for ever. Older filelocks raise there instead.
_NO_SOFT_FALLBACK = (
    {"fallback_to_soft": False}
    if "fallback_to_soft" in inspect.signature(FileLock.__init__).parameters
    else {}
)


def _lock(path: Path) -> FileLock:
    return FileLock(path, mode=0o600, thread_local=False, **_NO_SOFT_FALLBACK)


class Lease:
    """This engine's lock on ``folder``; ``owner`` names it in the records it works on."""

    def __init__(self, folder: Path) -> None:
        """``folder`` exists; the lock files of every engine on the data folder are there."""
        self.folder = folder
        # The pid helps a person reading the records; the random part makes it unique.
        self.owner = f"{os.getpid()}-{secrets.token_hex(8)}"
        self._lock = _lock(folder / f"{self.owner}.lock")
        self._lock.acquire(timeout=0)

    def alive(self, owner: str | None) -> bool:
        """True while the engine ``owner`` runs (this one included)."""
        if not owner:
            return False
        if owner == self.owner:
            return True
        path = self.folder / f"{owner}.lock"
        if "/" in owner or "\\" in owner or not path.exists():
            return False  # never leased (or written by an engine from before leases)
        probe = _lock(path)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return True
        probe.release()
        with contextlib.suppress(OSError):
            path.unlink()  # the dead engine's lock file, left behind by a crash
        return False

    def close(self) -> None:
        if self._lock.is_locked:
            self._lock.release()
            with contextlib.suppress(OSError):
                (self.folder / f"{self.owner}.lock").unlink()

"""The engine's durable state: SQLite for records, a folder for media and rendered videos.

Layout of the data folder::

    engine.sqlite3          tokens, sessions, media, drafts (every version), render jobs,
                            each session's render settings
    media/<mid>/<name>      one folder per upload, private to it
    renders/<key>.mp4       finished videos, named by the content hash of what they show
    engines/<owner>.lock    held by each engine running on the folder (see lease.py)

Every method is one transaction. SQLite in WAL mode with a busy timeout makes the store safe
for concurrent requests of one engine (a lock serialises the shared connection) and for two
engines on one folder (SQLite's own file locks). Nothing is kept only in memory.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .lease import Lease

# Anonymous tokens live 7 days, as on the cloud (docs/protocol.md#anonymous-tokens).
TOKEN_LIFETIME = 7 * 24 * 3600
CLAIM_LIFETIME = 7 * 24 * 3600

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token       TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    expires_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_by_client ON tokens (client_id);
CREATE TABLE IF NOT EXISTS users (
    user_id     TEXT PRIMARY KEY,
    budget      REAL,            -- NULL: unlimited
    spent       REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
    session_id  TEXT PRIMARY KEY,
    task_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    task_name   TEXT NOT NULL,
    language    TEXT NOT NULL,
    created_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    claim_token TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL,
    expires_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS media (
    mid         TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    info        TEXT NOT NULL,   -- MediaInfo.to_json(), with paths relative to the data folder
    created_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS media_by_session ON media (session_id, seq);
CREATE TABLE IF NOT EXISTS drafts (
    session_id  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    draft       TEXT NOT NULL,
    message     TEXT NOT NULL,   -- the chat message that made this version
    undone      INTEGER NOT NULL DEFAULT 0,
    created_at  REAL NOT NULL,
    PRIMARY KEY (session_id, version)
);
CREATE TABLE IF NOT EXISTS renders (
    render_id   TEXT PRIMARY KEY,    -- the engine's own job id
    public_id   TEXT,                -- the id the client chose, unique per user (schema 2)
    session_id  TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    status      TEXT NOT NULL,   -- pending | processing | completed | failed | cancelled
    draft       TEXT NOT NULL,
    cache_key   TEXT NOT NULL,
    frames_done INTEGER NOT NULL DEFAULT 0,
    frames_total INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    output_key  TEXT NOT NULL,   -- unguessable part of the public output URL
    owner       TEXT,            -- the engine working on it: its Lease.owner
    created_at  REAL NOT NULL,
    completed_at REAL,
    kind        TEXT NOT NULL DEFAULT 'export',  -- export | preview | speculative (schema 3)
    draft_version INTEGER        -- a preview's: the draft version it shows (schema 4)
);
CREATE INDEX IF NOT EXISTS renders_by_status ON renders (status, created_at);
CREATE TABLE IF NOT EXISTS render_settings (
    session_id  TEXT PRIMARY KEY,
    previews    INTEGER,         -- NULL: the default (off: a session asks for previews)
    speculative INTEGER          -- NULL: the default (on)
);
"""
SCHEMA_VERSION = 4
# Schema 1 had one namespace of render ids for all users; its ids become their public ids.
_RENDER_IDS_PER_USER = (
    "UPDATE renders SET public_id = render_id WHERE public_id IS NULL",
    "CREATE UNIQUE INDEX IF NOT EXISTS renders_by_user ON renders (user_id, public_id)",
)


@dataclass(frozen=True)
class TokenRecord:
    token: str
    client_id: str
    user_id: str
    expires_at: float


@dataclass(frozen=True)
class SessionRecord:
    session_id: str
    task_id: str
    user_id: str
    task_name: str
    language: str


@dataclass(frozen=True)
class MediaRecord:
    mid: str
    session_id: str
    info: dict[str, Any]


@dataclass(frozen=True)
class RenderRecord:
    render_id: str  # the engine's job id
    public_id: str  # the client's id for it: unique per user, not across users
    session_id: str
    user_id: str
    status: str
    draft: dict[str, Any] = field(repr=False)
    cache_key: str
    frames_done: int
    frames_total: int
    error: str | None
    output_key: str
    owner: str | None
    created_at: float
    completed_at: float | None
    # "preview" (small, fast) or "speculative" (the export, started while the person pauses):
    # renders the engine starts by itself
    kind: str = "export"
    draft_version: int | None = None  # a preview's: the version of the draft it shows

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")


@dataclass(frozen=True)
class RenderSettingsRecord:
    """What a session asked for; the engine's own configuration may still say no."""

    previews: bool = False  # a session asks for previews: one nobody watches is wasted CPU
    speculative_export: bool = True


class Store:
    """All records of one engine data folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser()
        self.media_dir = self.root / "media"
        self.renders_dir = self.root / "renders"
        for folder in (self.root, self.media_dir, self.renders_dir, self.root / "engines"):
            private_folder(folder)
        self.lease = Lease(self.root / "engines")
        self._lock = threading.RLock()
        database = self.root / "engine.sqlite3"
        # Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the
        # database's own permissions.
        os.close(os.open(database, os.O_RDWR | os.O_CREAT, 0o600))
        make_private(database)
        self._db = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"The engine data in {self.root} was written by a newer nemo-widgets "
                    f"(schema {version}). Upgrade nemo-widgets, or use another --data folder."
                )
            # Statement by statement: executescript() would commit the open transaction.
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            columns = {row["name"] for row in db.execute("PRAGMA table_info(renders)")}
            if "public_id" not in columns:
                db.execute("ALTER TABLE renders ADD COLUMN public_id TEXT")
            if "kind" not in columns:
                db.execute("ALTER TABLE renders ADD COLUMN kind TEXT NOT NULL DEFAULT 'export'")
            if "draft_version" not in columns:
                db.execute("ALTER TABLE renders ADD COLUMN draft_version INTEGER")
            for statement in _RENDER_IDS_PER_USER:
                db.execute(statement)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()
        self.lease.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so read-modify-write cannot interleave."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # -- identity --------------------------------------------------------------------------

    def issue_token(self, client_id: str, budget: float | None) -> TokenRecord:
        """The client's valid token, or a new one: one anonymous user per client id."""
        now = time.time()
        with self._transaction() as db:
            row = db.execute(
                "SELECT * FROM tokens WHERE client_id = ? AND expires_at > ? "
                "ORDER BY expires_at DESC LIMIT 1",
                (client_id, now),
            ).fetchone()
            if row is not None:
                return TokenRecord(**row)
            old = db.execute(
                "SELECT user_id FROM tokens WHERE client_id = ? LIMIT 1", (client_id,)
            ).fetchone()
            user_id = old["user_id"] if old else f"anon_{secrets.token_hex(8)}"
            record = TokenRecord(
                f"nmv_usr_{secrets.token_urlsafe(24)}", client_id, user_id, now + TOKEN_LIFETIME
            )
            db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?, ?)",
                (record.token, record.client_id, record.user_id, record.expires_at),
            )
            db.execute(
                "INSERT OR IGNORE INTO users (user_id, budget) VALUES (?, ?)", (user_id, budget)
            )
            return record

    def user_for_token(self, token: str) -> str | None:
        rows = self._read(
            "SELECT user_id FROM tokens WHERE token = ? AND expires_at > ?", token, time.time()
        )
        return rows[0]["user_id"] if rows else None

    def credits(self, user_id: str) -> tuple[float | None, float]:
        """(budget, spent); a budget of None is unlimited."""
        rows = self._read("SELECT budget, spent FROM users WHERE user_id = ?", user_id)
        return (rows[0]["budget"], rows[0]["spent"]) if rows else (None, 0.0)

    def spend(self, user_id: str, amount: float) -> bool:
        """Take ``amount`` credits if the budget allows; False (nothing taken) if not."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT budget, spent FROM users WHERE user_id = ?", (user_id,)
            ).fetchone()
            budget = None if row is None else row["budget"]
            if budget is not None and row["spent"] + amount > budget:
                return False
            db.execute("UPDATE users SET spent = spent + ? WHERE user_id = ?", (amount, user_id))
            return True

    # -- sessions --------------------------------------------------------------------------

    def create_session(self, user_id: str, task_name: str, language: str) -> SessionRecord:
        # Long decimal ids, like the cloud's: clients must keep them as strings.
        record = SessionRecord(
            str(10**18 + secrets.randbelow(9 * 10**18)),
            f"task_{secrets.token_hex(6)}",
            user_id,
            task_name,
            language,
        )
        with self._transaction() as db:
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
                (*vars(record).values(), time.time()),
            )
        return record

    def session(self, session_id: str, user_id: str) -> SessionRecord | None:
        """The session if it exists and belongs to ``user_id``."""
        rows = self._read(
            "SELECT session_id, task_id, user_id, task_name, language FROM sessions "
            "WHERE session_id = ? AND user_id = ?",
            session_id,
            user_id,
        )
        return SessionRecord(**rows[0]) if rows else None

    def create_claim(self, session_id: str) -> str:
        token = f"clm_{secrets.token_urlsafe(24)}"
        with self._transaction() as db:
            db.execute(
                "INSERT INTO claims VALUES (?, ?, ?)",
                (token, session_id, time.time() + CLAIM_LIFETIME),
            )
        return token

    def claimed_session(self, claim_token: str) -> str | None:
        rows = self._read(
            "SELECT session_id FROM claims WHERE claim_token = ? AND expires_at > ?",
            claim_token,
            time.time(),
        )
        return rows[0]["session_id"] if rows else None

    # -- media -----------------------------------------------------------------------------

    def new_media_folder(self) -> tuple[str, Path]:
        """A fresh media id and its private folder (deleted again by :meth:`discard_media`)."""
        mid = f"m_{secrets.token_hex(12)}"
        folder = self.media_dir / mid
        folder.mkdir(mode=0o700)
        # Whose upload this is, until it is registered: a crash leaves it to be removed.
        with private_file(folder / _OWNER_FILE) as marker:
            marker.write(self.lease.owner.encode())
        return mid, folder

    def remove_leftovers(self) -> list[str]:
        """Remove what crashed engines left behind: upload folders never registered (an upload
        cut off by ``kill -9``) and unfinished render files. The names removed."""
        registered = {row["mid"] for row in self._read("SELECT mid FROM media")}
        removed = []
        for folder in self.media_dir.iterdir():
            if folder.name in registered or not folder.is_dir():
                continue
            owner_file = folder / _OWNER_FILE
            try:
                owner: str | None = owner_file.read_text().strip()
            except OSError:
                owner = None  # from an engine before leases, or just being created
            if owner is not None and self.lease.alive(owner):
                continue
            if owner is None and not _stale(folder):
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(f"media/{folder.name}")
        for lock in self.lease.folder.glob("*.lock"):
            if not self.lease.alive(lock.stem):  # removes the lock file of a dead engine
                removed.append(f"engines/{lock.name}")
        # A render writes its .part file continuously; one left alone this long is an orphan.
        for part in self.renders_dir.glob(".*.part"):
            if _stale(part):
                part.unlink(missing_ok=True)
                removed.append(f"renders/{part.name}")
        return removed

    def discard_media(self, mid: str) -> None:
        shutil.rmtree(self.media_dir / mid, ignore_errors=True)

    def add_media(self, session_id: str, items: list[tuple[str, dict[str, Any]]]) -> None:
        """Register uploads (mid, info) in one go: all of them or none."""
        now = time.time()
        with self._transaction() as db:
            (seq,) = db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM media WHERE session_id = ?", (session_id,)
            ).fetchone()
            for offset, (mid, info) in enumerate(items, start=1):
                db.execute(
                    "INSERT INTO media VALUES (?, ?, ?, ?, ?)",
                    (mid, session_id, seq + offset, json.dumps(info), now),
                )
        for mid, _ in items:  # registered: no longer a leftover if this engine dies
            (self.media_dir / mid / _OWNER_FILE).unlink(missing_ok=True)

    def media(self, session_id: str) -> list[MediaRecord]:
        rows = self._read(
            "SELECT mid, session_id, info FROM media WHERE session_id = ? ORDER BY seq", session_id
        )
        return [MediaRecord(r["mid"], r["session_id"], json.loads(r["info"])) for r in rows]

    def media_item(self, mid: str) -> MediaRecord | None:
        rows = self._read("SELECT mid, session_id, info FROM media WHERE mid = ?", mid)
        if not rows:
            return None
        return MediaRecord(rows[0]["mid"], rows[0]["session_id"], json.loads(rows[0]["info"]))

    # -- drafts ----------------------------------------------------------------------------

    def draft(self, session_id: str) -> tuple[int, dict[str, Any]]:
        """(version, draft) of the current draft; (0, {}) before the first edit."""
        version, draft, _ = self.draft_and_previous(session_id)
        return version, draft

    def draft_and_previous(
        self, session_id: str
    ) -> tuple[int, dict[str, Any], dict[str, Any] | None]:
        """(version, draft) as :meth:`draft`, and the draft before it: what undo returns to
        ({} before the first edit, None when there is nothing to undo)."""
        rows = self._current_drafts(session_id, limit=2)
        if not rows:
            return 0, {}, None
        previous = rows[1][1] if len(rows) == 2 else {}
        return rows[0][0], rows[0][1], previous

    def _current_drafts(self, session_id: str, limit: int) -> list[tuple[int, dict[str, Any]]]:
        rows = self._read(
            "SELECT version, draft FROM drafts WHERE session_id = ? AND undone = 0 "
            "ORDER BY version DESC LIMIT ?",
            session_id,
            limit,
        )
        return [(r["version"], json.loads(r["draft"])) for r in rows]

    def save_draft(
        self, session_id: str, draft: dict[str, Any], message: str, *, based_on: int
    ) -> int | None:
        """Store a new version made from version ``based_on``; None if another edit came first."""
        with self._transaction() as db:
            current = db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM drafts WHERE session_id = ? AND undone = 0",
                (session_id,),
            ).fetchone()[0]
            if current != based_on:
                return None
            (top,) = db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM drafts WHERE session_id = ?", (session_id,)
            ).fetchone()
            db.execute(
                "INSERT INTO drafts VALUES (?, ?, ?, ?, 0, ?)",
                (session_id, top + 1, json.dumps(draft), message, time.time()),
            )
            return top + 1

    def undo_draft(self, session_id: str, *, based_on: int) -> bool:
        """Mark the current version undone (it stays in the history); False if it moved on."""
        with self._transaction() as db:
            current = db.execute(
                "SELECT MAX(version) FROM drafts WHERE session_id = ? AND undone = 0",
                (session_id,),
            ).fetchone()[0]
            if current is None or current != based_on:
                return False
            db.execute(
                "UPDATE drafts SET undone = 1 WHERE session_id = ? AND version = ?",
                (session_id, current),
            )
            return True

    def draft_history(self, session_id: str) -> list[dict[str, Any]]:
        rows = self._read(
            "SELECT version, message, undone, created_at FROM drafts WHERE session_id = ? "
            "ORDER BY version",
            session_id,
        )
        return [dict(r) for r in rows]

    # -- render settings -------------------------------------------------------------------

    def render_settings(self, session_id: str) -> RenderSettingsRecord:
        """What the session asked for, with the defaults for what it never set."""
        rows = self._read(
            "SELECT previews, speculative FROM render_settings WHERE session_id = ?", session_id
        )
        return _settings_record(rows[0] if rows else None)

    def set_render_settings(
        self, session_id: str, *, previews: bool | None = None, speculative: bool | None = None
    ) -> RenderSettingsRecord:
        """Merge the given settings (None: unchanged) into the session's; all of them after."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO render_settings (session_id, previews, speculative) VALUES (?, ?, ?) "
                "ON CONFLICT (session_id) DO UPDATE SET "
                "previews = COALESCE(excluded.previews, previews), "
                "speculative = COALESCE(excluded.speculative, speculative)",
                (session_id, previews, speculative),
            )
            row = db.execute(
                "SELECT previews, speculative FROM render_settings WHERE session_id = ?",
                (session_id,),
            ).fetchone()
        return _settings_record(row)

    # -- renders ---------------------------------------------------------------------------

    def add_render(
        self,
        public_id: str,
        session_id: str,
        user_id: str,
        draft: dict[str, Any],
        cache_key: str,
        kind: str = "export",
        draft_version: int | None = None,
    ) -> RenderRecord | None:
        """A new pending job; None if this user already has a render ``public_id``."""
        now = time.time()
        render_id = f"job_{secrets.token_hex(12)}"
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO renders (render_id, public_id, session_id, user_id, status,"
                    " draft, cache_key, output_key, created_at, kind, draft_version)"
                    " VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)",
                    (
                        render_id,
                        public_id,
                        session_id,
                        user_id,
                        json.dumps(draft),
                        cache_key,
                        secrets.token_urlsafe(16),
                        now,
                        kind,
                        draft_version,
                    ),
                )
        except sqlite3.IntegrityError:
            return None
        return self.render(render_id)

    def render(self, render_id: str) -> RenderRecord | None:
        rows = self._read("SELECT * FROM renders WHERE render_id = ?", render_id)
        return _render_record(rows[0]) if rows else None

    def active_renders(self, user_id: str) -> int:
        """How many of the user's exports wait or run (previews are the engine's own)."""
        rows = self._read(
            "SELECT COUNT(*) AS n FROM renders WHERE user_id = ? AND kind = 'export' "
            "AND status IN ('pending', 'processing')",
            user_id,
        )
        return rows[0]["n"]

    def user_render(self, user_id: str, public_id: str) -> RenderRecord | None:
        """The user's render with the id the client gave it."""
        rows = self._read(
            "SELECT * FROM renders WHERE user_id = ? AND public_id = ?", user_id, public_id
        )
        return _render_record(rows[0]) if rows else None

    def latest_preview(self, session_id: str) -> RenderRecord | None:
        """The preview of the session's newest draft that changed the video, if any."""
        rows = self._read(
            "SELECT * FROM renders WHERE session_id = ? AND kind = 'preview' "
            "ORDER BY created_at DESC, rowid DESC LIMIT 1",
            session_id,
        )
        return _render_record(rows[0]) if rows else None

    def preview_shows(self, render_id: str, draft_version: int) -> None:
        """A newer draft looks the same small (a change of resolution): the preview shows it."""
        with self._transaction() as db:
            db.execute(
                "UPDATE renders SET draft_version = ? WHERE render_id = ? AND kind = 'preview'",
                (draft_version, render_id),
            )

    def render_by_output_key(self, output_key: str) -> RenderRecord | None:
        rows = self._read("SELECT * FROM renders WHERE output_key = ?", output_key)
        return _render_record(rows[0]) if rows else None

    def unfinished_renders(self) -> list[RenderRecord]:
        rows = self._read(
            "SELECT * FROM renders WHERE status IN ('pending', 'processing') ORDER BY created_at"
        )
        return [_render_record(r) for r in rows]

    def claim_render(self, render_id: str, owner: str, *, replace: str | None = None) -> bool:
        """Take a pending job (or one whose ``replace`` owner died) for ``owner``."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE renders SET status = 'processing', owner = ? WHERE render_id = ? AND "
                "(status = 'pending' OR (status = 'processing' AND owner IS ?))",
                (owner, render_id, replace),
            )
            return cursor.rowcount == 1

    def update_render(self, render_id: str, **fields: Any) -> None:
        """Set progress or an outcome; a finished job is never changed again."""
        if fields.get("status") in ("completed", "failed", "cancelled"):
            fields.setdefault("completed_at", time.time())
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._transaction() as db:
            db.execute(
                f"UPDATE renders SET {assignments} WHERE render_id = ? "
                "AND status NOT IN ('completed', 'failed', 'cancelled')",
                (*fields.values(), render_id),
            )

    def completed_render_with_key(self, cache_key: str) -> RenderRecord | None:
        rows = self._read(
            "SELECT * FROM renders WHERE cache_key = ? AND status = 'completed' "
            "ORDER BY completed_at DESC LIMIT 1",
            cache_key,
        )
        return _render_record(rows[0]) if rows else None

    def unfinished_with_key(self, cache_key: str) -> bool:
        """Whether a job for this video waits or runs."""
        rows = self._read(
            "SELECT 1 FROM renders WHERE cache_key = ? AND status IN ('pending', 'processing') "
            "LIMIT 1",
            cache_key,
        )
        return bool(rows)

    def render_path(self, cache_key: str) -> Path:
        return self.renders_dir / f"{cache_key}.mp4"


_OWNER_FILE = ".owner"
_STALE_AFTER = 15 * 60  # seconds without a write: nobody is writing this file any more


def _stale(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime > _STALE_AFTER
    except OSError:
        return False


def private_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) if needed; only its owner may enter it."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    make_private(folder)


def make_private(path: Path) -> None:
    """Owner-only permissions (0700 for a folder, 0600 for a file): the data folder holds
    tokens in plain text and people's photos. Windows keeps its own ACLs: nothing to do."""
    if os.name != "nt":
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


def private_file(path: Path) -> IO[bytes]:
    """``path`` opened for writing, created 0600 (never readable by others, not even briefly)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _render_record(row: sqlite3.Row) -> RenderRecord:
    values = dict(row)
    values["draft"] = json.loads(values["draft"])
    return RenderRecord(**values)


def _settings_record(row: sqlite3.Row | None) -> RenderSettingsRecord:
    default = RenderSettingsRecord()
    if row is None:
        return default
    return RenderSettingsRecord(
        default.previews if row["previews"] is None else bool(row["previews"]),
        default.speculative_export if row["speculative"] is None else bool(row["speculative"]),
    )

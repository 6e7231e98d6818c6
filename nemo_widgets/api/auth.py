"""Identity: the persisted client id, the anonymous-token cache, and masking of secrets.

docs/protocol.md#anonymous-tokens: an anonymous token is issued once per client id per 7 days,
so the client id must be stable (``~/.config/nemovideo/client_id``, shared with NemoVideo's own
skill) and the token must be kept between processes, or a second notebook would be refused with
429. The token cache is a 0600 JSON file next to the client id, keyed by server URL.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from .._secret import Secret

CLIENT_ID_FILE = "client_id"
TOKEN_CACHE_FILE = "nemo_widgets_tokens.json"
_TOKEN_PATTERN = re.compile(r"nmv_[A-Za-z0-9_\-]+")


def redact(text: str, *secrets: Secret | str | None) -> str:
    """Remove the given secrets, and anything shaped like a NemoVideo token, from ``text``."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if value:
            text = text.replace(value, "********")
    return _TOKEN_PATTERN.sub("nmv_********", text)


def load_or_create_client_id(config_dir: Path) -> str:
    """The stable client id from ``config_dir/client_id``, created there on first use."""
    path = config_dir / CLIENT_ID_FILE
    with contextlib.suppress(OSError):
        existing = path.read_text(encoding="utf-8").strip()
        if existing:
            return existing
    client_id = str(uuid.uuid4())
    try:
        config_dir.mkdir(parents=True, exist_ok=True)
        tmp = _write_temp(config_dir, CLIENT_ID_FILE, client_id + "\n")
        try:
            # link() publishes the complete file or fails if one exists: when two processes
            # start at once, exactly one id is written and both read it back.
            os.link(tmp, path)
            return client_id
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip() or client_id
        finally:
            os.unlink(tmp)
    except OSError:
        # A read-only home must not stop the user: the id then lives for this process only.
        return client_id


@dataclass(frozen=True)
class AnonymousToken:
    token: Secret
    user_id: str | None = None
    expires_at: str | None = None


class TokenCache:
    """Anonymous tokens per server URL in one 0600 JSON file. Failures to write are ignored."""

    def __init__(self, config_dir: Path):
        self.path = config_dir / TOKEN_CACHE_FILE

    def get(self, base_url: str) -> AnonymousToken | None:
        entry = self._read().get(base_url)
        if not isinstance(entry, dict) or not isinstance(entry.get("token"), str):
            return None
        return AnonymousToken(Secret(entry["token"]), entry.get("user_id"), entry.get("expires_at"))

    def put(self, base_url: str, token: AnonymousToken) -> None:
        entries = self._read()
        entries[base_url] = {
            "token": token.token.reveal(),
            "user_id": token.user_id,
            "expires_at": token.expires_at,
        }
        self._write(entries)

    def forget(self, base_url: str) -> None:
        entries = self._read()
        if entries.pop(base_url, None) is not None:
            self._write(entries)

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, entries: dict) -> None:
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write_private(self.path, json.dumps(entries, indent=1))


def _write_temp(folder: Path, name: str, text: str) -> str:
    """A new 0600 file in ``folder`` holding ``text``; returns its path."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` atomically with a 0600 file (it may hold a token)."""
    tmp = _write_temp(path.parent, path.name, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

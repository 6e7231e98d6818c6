"""Settings: explicit arguments first, then the environment, then documented defaults.

| setting      | argument         | environment           | default                          |
|--------------|------------------|-----------------------|----------------------------------|
| server       | `base_url`       | `NEMO_API_URL`        | the NemoVideo cloud              |
| token        | `token`          | `NEMO_TOKEN`          | an anonymous token, then cached  |
| client id    | `client_id`      | `NEMO_CLIENT_ID`      | `~/.config/nemovideo/client_id`  |
| web app      | `web_url`        | `NEMO_WEB_URL`        | `https://nemovideo.com`          |
| config dir   | `config_dir`     | `NEMO_CONFIG_DIR`     | `~/.config/nemovideo`            |
| attribution  | `skill_source`   | `NEMO_SKILL_SOURCE`   | `nemo-widgets`                   |
|              | `skill_version`  |                       | the package version              |
|              | `skill_platform` | `NEMO_SKILL_PLATFORM` | colab, vscode, jupyter, terminal |
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ._version import __version__
from .api.auth import Secret

CLOUD_API_URL = "https://mega-api-prod.nemovideo.ai"
CLOUD_WEB_URL = "https://nemovideo.com"
SKILL_SOURCE = "nemo-widgets"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Timings:
    """Every wait and limit of the recovery rules, in seconds (tests shrink them)."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    # Retries of connect errors and 5xx on idempotent requests: bounded backoff with jitter.
    max_retries: int = 4
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    # HTTP 429 without Retry-After: wait this long, then retry once (NEMO_API.md §7.1).
    rate_limit_wait: float = 30.0
    rate_limit_wait_max: float = 300.0
    # /run_sse (NEMO_API.md §3.7, §7.3).
    heartbeat_timeout: float = 600.0
    turn_timeout: float = 900.0
    # After a dropped stream: wait, read the state, repeat; give up after the last read.
    recovery_waits: tuple[float, ...] = (30.0, 60.0, 60.0, 60.0, 60.0)
    # Render polling: start, grow by factor, cap; whole wait bounded.
    poll_initial: float = 2.0
    poll_factor: float = 1.5
    poll_max: float = 15.0
    render_timeout: float = 600.0


def detect_platform() -> str:
    """Where the client runs, for the ``X-Skill-Platform`` header."""
    if "google.colab" in sys.modules:
        return "colab"
    if os.environ.get("VSCODE_PID") or os.environ.get("VSCODE_CWD"):
        return "vscode"
    if "ipykernel" in sys.modules:
        return "jupyter"
    return "terminal"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of one client. The token is a :class:`Secret`, never shown."""

    base_url: str
    token: Secret | None
    client_id: str | None
    web_url: str
    config_dir: Path
    skill_source: str
    skill_version: str
    skill_platform: str
    timings: Timings = field(default_factory=Timings)
    max_upload_bytes: int = MAX_UPLOAD_BYTES

    @classmethod
    def resolve(
        cls,
        *,
        base_url: str | None = None,
        token: str | None = None,
        client_id: str | None = None,
        web_url: str | None = None,
        config_dir: str | os.PathLike[str] | None = None,
        skill_source: str | None = None,
        skill_version: str | None = None,
        skill_platform: str | None = None,
        timings: Timings | None = None,
        max_upload_bytes: int | None = None,
    ) -> Settings:
        env = os.environ
        token = token or env.get("NEMO_TOKEN") or None
        return cls(
            base_url=(base_url or env.get("NEMO_API_URL") or CLOUD_API_URL).rstrip("/"),
            token=Secret(token) if token else None,
            client_id=client_id or env.get("NEMO_CLIENT_ID") or None,
            web_url=(web_url or env.get("NEMO_WEB_URL") or CLOUD_WEB_URL).rstrip("/"),
            config_dir=Path(
                config_dir or env.get("NEMO_CONFIG_DIR") or Path.home() / ".config" / "nemovideo"
            ),
            skill_source=skill_source or env.get("NEMO_SKILL_SOURCE") or SKILL_SOURCE,
            skill_version=skill_version or __version__,
            skill_platform=skill_platform or env.get("NEMO_SKILL_PLATFORM") or detect_platform(),
            timings=timings or Timings(),
            max_upload_bytes=max_upload_bytes or MAX_UPLOAD_BYTES,
        )

    @property
    def attribution_headers(self) -> dict[str, str]:
        return {
            "X-Skill-Source": self.skill_source,
            "X-Skill-Version": self.skill_version,
            "X-Skill-Platform": self.skill_platform,
        }

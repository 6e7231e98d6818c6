"""Settings: explicit arguments first, then the environment, then documented defaults.

| setting      | argument         | environment           | default                          |
|--------------|------------------|-----------------------|----------------------------------|
| server       | `base_url`       | `NEMO_API_URL`        | see "Which backend" below        |
| token        | `token`          | `NEMO_TOKEN`          | an anonymous token, then cached  |
| client id    | `client_id`      | `NEMO_CLIENT_ID`      | `~/.config/nemovideo/client_id`  |
| web app      | `web_url`        | `NEMO_WEB_URL`        | `https://nemovideo.com`          |
| config dir   | `config_dir`     | `NEMO_CONFIG_DIR`     | `~/.config/nemovideo`            |
| engine data  |                  | `NEMO_DATA_DIR`       | `~/.local/share/nemo-widgets`    |
| attribution  | `skill_source`   | `NEMO_SKILL_SOURCE`   | `nemo-widgets`                   |
|              | `skill_version`  |                       | the package version              |
|              | `skill_platform` | `NEMO_SKILL_PLATFORM` | colab, vscode, jupyter, terminal |

Which backend: a server URL (argument or ``NEMO_API_URL``) is used as given, and ``"local"``
names the embedded engine. Without a URL, a token (argument or ``NEMO_TOKEN``) means the
NemoVideo cloud, and no token means the **local engine**, started on this machine on first use:
free, private and offline. :attr:`Settings.backend` says which one is in use;
``nemo_widgets.backend`` starts the local engine when the settings name it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ._secret import Secret
from ._version import __version__
from .paths import default_data_dir
from .protocol import MAX_UPLOAD_BYTES

CLOUD_API_URL = "https://mega-api-prod.nemovideo.ai"
CLOUD_WEB_URL = "https://nemovideo.com"
LOCAL = "local"  # the base URL that names the embedded engine
SKILL_SOURCE = "nemo-widgets"

__all__ = [
    "CLOUD_API_URL",
    "CLOUD_WEB_URL",
    "LOCAL",
    "LOCAL_TIMINGS",
    "MAX_UPLOAD_BYTES",
    "SKILL_SOURCE",
    "Settings",
    "Timings",
    "default_data_dir",
    "detect_platform",
]


@dataclass(frozen=True)
class Timings:
    """Every wait and limit of the recovery rules, in seconds (tests shrink them)."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    # Retries of connect errors and 5xx on idempotent requests: bounded backoff with jitter.
    max_retries: int = 4
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    # HTTP 429 without Retry-After: wait this long, then retry once (docs/protocol.md#errors).
    rate_limit_wait: float = 30.0
    rate_limit_wait_max: float = 300.0
    # /run_sse (docs/protocol.md#stream-recovery).
    heartbeat_timeout: float = 600.0
    turn_timeout: float = 900.0
    # After a dropped stream: wait, read the state, repeat; give up after the last read.
    recovery_waits: tuple[float, ...] = (30.0, 60.0, 60.0, 60.0, 60.0)
    # Render polling: start, grow by factor, cap; whole wait bounded.
    poll_initial: float = 2.0
    poll_factor: float = 1.5
    poll_max: float = 15.0
    render_timeout: float = 600.0


# Polling an engine on this machine costs nothing: look four times a second, not every 2-15 s.
LOCAL_TIMINGS = Timings(poll_initial=0.25, poll_factor=1.0, poll_max=0.25)


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
    web_url_configured: bool = True
    # The server is an engine of this process (set by ``nemo_widgets.backend``).
    local_engine: bool = False

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
        base_url = base_url or env.get("NEMO_API_URL") or (CLOUD_API_URL if token else LOCAL)
        web_url = web_url or env.get("NEMO_WEB_URL")
        return cls(
            base_url=base_url.rstrip("/"),
            token=Secret(token) if token else None,
            client_id=client_id or env.get("NEMO_CLIENT_ID") or None,
            web_url=(web_url or CLOUD_WEB_URL).rstrip("/"),
            web_url_configured=bool(web_url),
            config_dir=Path(
                config_dir or env.get("NEMO_CONFIG_DIR") or Path.home() / ".config" / "nemovideo"
            ),
            skill_source=skill_source or env.get("NEMO_SKILL_SOURCE") or SKILL_SOURCE,
            skill_version=skill_version or __version__,
            skill_platform=skill_platform or env.get("NEMO_SKILL_PLATFORM") or detect_platform(),
            timings=timings or (LOCAL_TIMINGS if base_url == LOCAL else Timings()),
            max_upload_bytes=max_upload_bytes or MAX_UPLOAD_BYTES,
        )

    @property
    def backend_kind(self) -> str:
        """``"cloud"``, ``"local"`` (an engine of this process, started or not) or ``"server"``."""
        if self.base_url == CLOUD_API_URL:
            return "cloud"
        if self.base_url == LOCAL or self.local_engine:
            return "local"
        return "server"

    @property
    def backend(self) -> str:
        """In words: the NemoVideo cloud, the local engine, or another server."""
        if self.base_url == LOCAL:
            return "local engine (not started yet)"
        if self.backend_kind == "cloud":
            return f"NemoVideo cloud at {self.base_url}"
        if self.backend_kind == "local":
            return f"local engine at {self.base_url}"
        return f"server at {self.base_url}"

    @property
    def attribution_headers(self) -> dict[str, str]:
        return {
            "X-Skill-Source": self.skill_source,
            "X-Skill-Version": self.skill_version,
            "X-Skill-Platform": self.skill_platform,
        }

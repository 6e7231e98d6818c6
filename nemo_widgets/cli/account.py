"""``nemo-widgets info`` and ``nemo-widgets credits``: which backend and identity, the balance."""

from __future__ import annotations

import argparse

from .._version import __version__
from ..api import NemoClient
from ..config import LOCAL, Settings, default_data_dir


def info(args: argparse.Namespace) -> int:
    """Which server and identity a client would use, without contacting anything."""
    settings = Settings.resolve()
    token = "from NEMO_TOKEN (hidden)" if settings.token else "anonymous (fetched on first use)"
    print(f"nemo-widgets {__version__}")
    backend = settings.backend
    if settings.base_url == LOCAL:
        backend = f"local engine, started on first use (data: {default_data_dir()})"
        if not settings.token:
            backend += "\n              because no NEMO_TOKEN or NEMO_API_URL is set"
    print(f"backend:      {backend}")
    print(f"token:        {token}")
    print(f"config dir:   {settings.config_dir}")
    print(f"attribution:  {settings.skill_source} {settings.skill_version}")
    print(f"platform:     {settings.skill_platform}")
    return 0


def credits(args: argparse.Namespace) -> int:
    with NemoClient() as nemo:
        balance = nemo.credits()
    print(f"credits: {balance} ({nemo.backend})")
    return 0

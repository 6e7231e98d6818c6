"""Which backend a client talks to, and starting the local engine when the settings name it.

The one module above both ``config`` and the engine: ``config`` only resolves settings, the
engine only serves, and the client reaches the engine over HTTP like any other server; only the
URL comes from here. The engine is imported only when it is started (it pulls in the video
stack), and an engine of this process is recognised without importing it.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from .config import LOCAL, Settings

_ENGINE_SERVER = "nemo_widgets.engine.server"


def running(settings: Settings) -> Settings:
    """These settings with the local engine started, if they name it; else unchanged.

    Settings whose URL is an engine this process runs (started here or by a test) are marked
    as the local engine, so that :attr:`Settings.backend_kind` says ``"local"``.
    """
    if settings.base_url == LOCAL:
        from .engine.server import start_engine

        url = start_engine()
        # The engine serves the pages claim links open, unless another web app is configured.
        web_url = settings.web_url if settings.web_url_configured else url
        return replace(settings, base_url=url, web_url=web_url, local_engine=True)
    if not settings.local_engine and is_engine_of_this_process(settings.base_url):
        return replace(settings, local_engine=True)
    return settings


def is_engine_of_this_process(url: str) -> bool:
    """Whether ``url`` is served by an engine running in this process."""
    server = sys.modules.get(_ENGINE_SERVER)  # not loaded: no engine runs here
    return server is not None and url.rstrip("/") in server.served_urls()

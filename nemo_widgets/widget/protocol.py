"""The widget protocol's names, read from ``static/protocol.json`` (their one definition).

The front end imports the same file (``js/``), and both sides' tests check their code against it:
the trait names each widget syncs, the studio traits a poll sends again, and the custom message
types each way (docs/widget-protocol.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PROTOCOL_FILE = Path(__file__).parent / "static" / "protocol.json"


@dataclass(frozen=True)
class WidgetProtocol:
    """One widget's names: traits as the front end knows them, message types each way."""

    traits: tuple[str, ...]
    to_kernel: frozenset[str]
    to_browser: frozenset[str]
    durable: tuple[str, ...] = ()


def _load(widget: str) -> WidgetProtocol:
    names = json.loads(PROTOCOL_FILE.read_text(encoding="utf-8"))[widget]
    return WidgetProtocol(
        traits=tuple(names["traits"]),
        to_kernel=frozenset(names["to_kernel"]),
        to_browser=frozenset(names["to_browser"]),
        durable=tuple(names.get("durable", ())),
    )


STUDIO = _load("studio")
PLAYER = _load("player")

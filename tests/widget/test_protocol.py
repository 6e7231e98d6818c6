"""The Python widgets against protocol.json, the one definition of the widget protocol's names.

The front end's tests (js/test/protocol.test.ts) check the TypeScript side against the same file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import anywidget

from nemo_widgets.widget import protocol
from nemo_widgets.widget.player import VideoPlayer
from nemo_widgets.widget.studio import _DURABLE, _HANDLERS, _SYNCED_AS, NemoStudio

WIDGET = Path(protocol.__file__).parent


def synced_names(widget: type) -> list[str]:
    """The traits a widget syncs, named as the front end knows them (anywidget's own left out)."""
    base = set(anywidget.AnyWidget.class_trait_names(sync=True))
    return [
        _SYNCED_AS.get(name, name)
        for name in widget.class_trait_names(sync=True)
        if name not in base and name not in {"_esm", "_css"}
    ]


def sent_types(*files: str) -> set[str]:
    """Every ``{"type": "..."}`` literal in these modules: the custom messages they send."""
    found: set[str] = set()
    for name in files:
        tree = ast.parse((WIDGET / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value == "type"
                        and isinstance(value, ast.Constant)
                    ):
                        found.add(value.value)
    return found


def test_the_studio_syncs_exactly_the_protocols_traits():
    assert sorted(synced_names(NemoStudio)) == sorted(protocol.STUDIO.traits)


def test_a_poll_sends_again_the_protocols_durable_traits():
    assert [_SYNCED_AS.get(name, name) for name in _DURABLE] == list(protocol.STUDIO.durable)
    assert set(protocol.STUDIO.durable) <= set(protocol.STUDIO.traits)
    synced = set(NemoStudio.class_trait_names(sync=True))
    assert set(_DURABLE) <= synced


def test_the_studio_handles_every_message_the_browser_sends_and_no_other():
    assert set(_HANDLERS) == protocol.STUDIO.to_kernel
    assert all(callable(handler) for handler in _HANDLERS.values())


def test_the_studio_sends_only_the_protocols_messages():
    sent = sent_types(
        "studio.py", "studio_uploads.py", "studio_events.py", "outbox.py", "uploads.py", "video.py"
    )
    assert sent == protocol.STUDIO.to_browser


def test_the_player_matches_the_protocol():
    assert sorted(synced_names(VideoPlayer)) == sorted(protocol.PLAYER.traits)
    assert sent_types("player.py", "video.py") == protocol.PLAYER.to_browser
    source = (WIDGET / "player.py").read_text(encoding="utf-8")
    handled = {kind for kind in protocol.PLAYER.to_kernel if f'kind == "{kind}"' in source}
    assert handled == protocol.PLAYER.to_kernel

"""A string that never shows itself: tokens live in :class:`Secret` everywhere.

A base module (imports nothing of ours), so that settings, the client and the workflows can
all hold a token without importing each other.
"""

from __future__ import annotations


class Secret:
    """A string that never shows itself in ``repr``, ``str`` or f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

"""Suggestions for a mistyped name: the one way every "unknown …" message says "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["close_names", "did_you_mean"]


def close_names(name: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.4) -> list[str]:
    """Up to ``n`` of ``choices`` spelled most like ``name`` (case-insensitive), then those that
    contain it."""
    choices = list(choices)
    by_lower = {c.lower(): c for c in choices}
    close = [by_lower[c] for c in difflib.get_close_matches(name.lower(), by_lower, n, cutoff)]
    close += [c for c in choices if name and name.lower() in c.lower() and c not in close]
    return close[:n]


def did_you_mean(name: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.4) -> str:
    """``"; did you mean 'a', 'b'?"`` for the `close_names` of ``name``, or ``""``."""
    close = close_names(name, choices, n, cutoff)
    return f"; did you mean {', '.join(map(repr, close))}?" if close else ""

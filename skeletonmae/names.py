"""Suggestions for a mistyped name: the one way every "unknown …" message says "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["check_keys", "close_names", "did_you_mean"]


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


def check_keys(keys: Iterable[str], known: Iterable[str], what: str) -> None:
    """Raise `ValueError` if any of ``keys`` is not ``known``: ``unknown {what} ['lrr']; did you
    mean 'lr'?`` (the suggestion for the first unknown key that has one)."""
    known = sorted(known)
    unknown = sorted(set(keys) - set(known))
    if not unknown:
        return
    hint = next((h for h in (did_you_mean(k, known) for k in unknown) if h), "")
    raise ValueError(f"unknown {what} {unknown}{hint} (known: {', '.join(known)})")

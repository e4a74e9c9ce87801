"""Progress bars for what can take more than a few seconds: on a terminal only, never in logs,
pipes or notebooks' captured output."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TypeVar

from tqdm.auto import tqdm

__all__ = ["progress"]

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, total: int | None = None) -> Iterable[T]:
    """``items`` with a bar on stderr when stderr is a terminal, else ``items`` as they are."""
    if not sys.stderr.isatty():
        return items
    return tqdm(items, desc=desc, total=total, leave=False, dynamic_ncols=True)

"""A cursor over a text file's lines for the line-oriented skeleton formats: every error names
the file and the 1-based line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..clip import ClipFormatError

__all__ = ["TextLines"]


class TextLines:
    """A cursor over a text file's lines whose errors name the file and the 1-based line."""

    def __init__(self, path: Path, what: str) -> None:
        try:
            self.lines = path.read_text().splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise ClipFormatError(f"{path}: not a readable {what} file ({e})") from None
        self.path, self.pos = path, 0

    def error(self, line: int, message: str) -> ClipFormatError:
        return ClipFormatError(f"{self.path}: line {line}: {message}")

    def take(self, what: str) -> list[str]:
        """The next line's tokens; running out means the file was cut short."""
        if self.pos >= len(self.lines):
            raise self.error(self.pos + 1, f"file ends here, expected {what} (truncated file?)")
        self.pos += 1
        return self.lines[self.pos - 1].split()

    def count(self, what: str) -> int:
        tokens = self.take(what)
        if len(tokens) != 1 or not tokens[0].isdigit():
            raise self.error(
                self.pos, f"expected {what} (one non-negative integer), found {' '.join(tokens)!r}"
            )
        return int(tokens[0])

    def values(self, n: int, what: str) -> list[str]:
        tokens = self.take(what)
        if len(tokens) != n:
            raise self.error(self.pos, f"found {len(tokens)} values, expected {n} ({what})")
        return tokens

    def floats(self, n: int, what: str) -> np.ndarray:
        tokens = self.values(n, what)
        try:
            return np.array(tokens, dtype=np.float64)
        except ValueError:
            raise self.error(
                self.pos, f"expected {n} numbers ({what}), found {' '.join(tokens)!r}"
            ) from None

    def rows(self, rows: int, n: int, what: Callable[[int], str]) -> np.ndarray:
        """``rows`` lines of ``n`` numbers as a (rows, n) array; ``what(i)`` describes line i.

        The block is converted at once; only a malformed block is re-read line by line, to name
        the offending line.
        """
        split = [line.split() for line in self.lines[self.pos : self.pos + rows]]
        if len(split) == rows and all(len(t) == n for t in split):
            try:
                out = np.array([list(map(float, t)) for t in split])
            except ValueError:
                pass
            else:
                self.pos += rows
                return out
        return np.stack([self.floats(n, what(i)) for i in range(rows)])

    def expect_end(self, what: str) -> None:
        for i in range(self.pos, len(self.lines)):
            if self.lines[i].strip():
                raise self.error(i + 1, f"unexpected content after {what}")

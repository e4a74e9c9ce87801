"""Atomic file writes: every file the package writes (weights, configs, clips, checkpoints,
manifests, run results) goes through here, so a crash or a kill mid-write leaves the previous
file intact and a reader never sees a half-written one."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "temp_prefix", "write_json_atomic", "write_text_atomic"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def temp_prefix(path: str | os.PathLike) -> str:
    """The name prefix of `atomic_write`'s temporary files for ``path`` (to clean up leftovers
    of a killed process)."""
    return f".{Path(path).name}.tmp"


def atomic_write(path: str | os.PathLike, write: Callable[[str], Any], *, suffix: str = "") -> Path:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then rename it over
    ``path`` with the permissions the umask gives a new file (0644 under umask 022).
    ``suffix`` keeps writers that append an extension (``np.save``) on the temp name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path), suffix=suffix)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """UTF-8 ``text`` written atomically."""
    return atomic_write(path, lambda p: Path(p).write_text(text, encoding="utf-8"))


def write_json_atomic(path: str | os.PathLike, data: Any) -> Path:
    """``data`` as indented UTF-8 JSON with a final newline, written atomically; NaN or infinite
    numbers are an error (strict JSON has none)."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    return write_text_atomic(path, text + "\n")

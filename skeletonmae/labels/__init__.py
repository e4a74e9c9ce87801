"""Label maps: one class name per line, in class-id order, one file per dataset (the field's
convention, e.g. PySKL's ``label_map/*.txt``)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["available_label_maps", "load_label_map"]


def available_label_maps() -> list[str]:
    return sorted(
        p.name.removesuffix(".txt") for p in files(__name__).iterdir() if p.name.endswith(".txt")
    )


@cache
def _read(name: str) -> tuple[str, ...]:
    path = files(__name__) / f"{name}.txt"
    if not path.is_file():
        raise KeyError(f"no label map {name!r}; known: {', '.join(available_label_maps())}")
    return tuple(
        line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    )


def load_label_map(name: str) -> list[str]:
    """The class names of label map ``name`` (e.g. ``nw-ucla``, ``ntu120``), a fresh list."""
    return list(_read(name))

"""Shared fixtures: where the real datasets are, and an offline Hub for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

DATA_ROOT = Path(
    os.environ.get("SKELETONMAE_TEST_DATA", Path(__file__).parents[2] / "shared" / "data")
)


@pytest.fixture(scope="session")
def data_root() -> Path:
    """../shared/data beside the checkout (or $SKELETONMAE_TEST_DATA); skips when absent."""
    if not DATA_ROOT.is_dir():
        pytest.skip(f"real datasets not found at {DATA_ROOT} (set SKELETONMAE_TEST_DATA)")
    return DATA_ROOT


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that ask for the real datasets carry the ``data`` marker (``pytest -m data``)."""
    for item in items:
        if "data_root" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.data)

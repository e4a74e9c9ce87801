"""The contract every registered dataset source and dataset keeps, run over each with its tiny
fixture (`source_fixtures`): its files are detected as its own and read into valid clips, a
truncated file is one `ClipFormatError` naming it, and its index lists samples whose standard
splits hold data, never share a clip between training and test, and load as labelled clips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from source_fixtures import FIXTURES

from skeletonmae.clip import Clip, ClipFormatError
from skeletonmae.datasets import available_datasets, get_dataset, open_dataset
from skeletonmae.formats import detect_format, load_clip
from skeletonmae.io.base import sources
from skeletonmae.labels import available_label_maps, load_label_map
from skeletonmae.layouts import get_layout

SOURCES = sources()
# Datasets read from one source's files (folder and corpus read any source's: tested elsewhere).
DATASETS = [n for n in available_datasets() if get_dataset(n).source is not None]


def test_every_source_and_dataset_has_a_fixture():
    assert set(SOURCES) == set(FIXTURES), "a source without a fixture, or a fixture without one"
    assert {get_dataset(n).source for n in DATASETS} <= set(SOURCES)
    assert len(DATASETS) >= 9 and "utkinect" in DATASETS


def _item(name: str) -> dict:
    """A multi-clip file's reader takes which clip: the first."""
    return {"item": 0} if SOURCES[name].multi_clip else {}


@pytest.fixture(params=sorted(SOURCES))
def source_file(request, tmp_path) -> tuple[str, Path]:
    if request.param in ("utd-mhad", "penn-action"):
        pytest.importorskip("scipy")
    return request.param, FIXTURES[request.param](tmp_path)


def test_a_source_detects_and_reads_its_files(source_file):
    name, path = source_file
    source = SOURCES[name]
    assert [s for s in SOURCES.values() if s.matches(path)] == [source]
    assert detect_format(path) == name
    clip = load_clip(path, **_item(name))
    assert isinstance(clip, Clip) and clip.num_frames > 0
    assert np.isfinite(clip.data).all() and np.abs(clip.data).sum() > 0
    if source.layout is not None:
        assert clip.layout == get_layout(source.layout).name
    assert clip.data.shape[2] == get_layout(clip.layout).num_joints
    assert clip.source and Path(clip.source.split(" (")[0]) == path
    again = load_clip(path, format=name, **_item(name))
    np.testing.assert_array_equal(again.data, clip.data)


def test_a_truncated_file_is_one_error_naming_it(source_file):
    name, path = source_file
    cut = path.with_name("cut_" + path.name) if name != "utkinect" else path
    data = path.read_bytes()
    end = len(data) // 2
    if name not in ("npy", "npz", "pyskl", "utd-mhad", "penn-action"):  # text: cut inside a line
        end = data.rfind(b"\n", 0, end) + 3
    cut.write_bytes(data[:end])
    with pytest.raises(ClipFormatError, match=cut.name):
        load_clip(cut, format=name, **_item(name))


@pytest.mark.parametrize("name", DATASETS)
def test_a_dataset_indexes_its_fixture(name, tmp_path):
    dataset = get_dataset(name)
    if dataset.source in ("utd-mhad", "penn-action"):
        pytest.importorskip("scipy")
    assert dataset.title and dataset.citation
    FIXTURES[dataset.source](tmp_path)
    index = open_dataset(name, tmp_path)
    assert index.samples and index.class_names
    assert any(
        index.class_names == load_label_map(m)[: len(index.class_names)]
        for m in available_label_maps()
    ), "class names come from a label file"
    for split, positions in index.splits.items():
        assert positions, f"{name}: split {split} is empty on its fixture"
        if split.endswith("_train") and (test := split.removesuffix("_train") + "_test") in (
            index.splits
        ):
            assert not set(positions) & set(index.splits[test]), f"{split} shares with {test}"
    assert any(s.endswith("_test") for s in index.splits), f"{name} has no test split"
    seen = set()
    for sample in index.samples:
        clip = index.load(sample)
        assert 0 <= sample.label < len(index.class_names)
        assert clip.label == sample.label and clip.layout == index.layout
        assert np.isfinite(clip.data).all() and clip.num_frames > 0
        seen.add(clip.data.tobytes())
    assert len(seen) == len(index.samples), "two samples load the same clip"

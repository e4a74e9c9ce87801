"""Dataset helpers: NTU folders and PySKL pickles generated here, and the real NW-UCLA and MSR
Action3D copies (``data_root``)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from skeletonmae import ClipFormatError, get_layout, load_clip
from skeletonmae.datasets import (
    DATASETS,
    NTU60_XSUB_TRAIN_SUBJECTS,
    NTU120_XSUB_TRAIN_SUBJECTS,
    NTU_CLASSES,
    open_dataset,
)
from skeletonmae.io.ntu import parse_ntu_name

RNG = np.random.default_rng(1)


def write_ntu(path: Path, frames: int = 2) -> Path:
    """A minimal one-body NTU .skeleton file."""
    lines = [str(frames)]
    for _ in range(frames):
        lines += ["1", "72057594037931101 0 1 1 1 1 0 0.02 0.05 2", "25"]
        lines += [
            f"{x:.4f} {y:.4f} {z:.4f} 1 2 3 4 0 0 0 1 2" for x, y, z in RNG.normal(size=(25, 3))
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def ntu_name(setup: int, camera: int, subject: int, action: int) -> str:
    return f"S{setup:03d}C{camera:03d}P{subject:03d}R001A{action:03d}"


# Setups 1, 2 and 18 (NTU-120 only), cameras 1-3, subjects from both sides of both xsub lists.
NTU_GRID = [
    (s, c, p, a) for s in (1, 2, 18) for c in (1, 2, 3) for p in (1, 3, 45, 48) for a in (1, 60, 61)
]


@pytest.fixture(scope="module")
def ntu_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ntu")
    (root / "part1").mkdir()
    for i, key in enumerate(NTU_GRID):
        folder = root / "part1" if i % 2 else root  # found recursively
        write_ntu(folder / f"{ntu_name(*key)}.skeleton")
    return root


def names(ds, split: str) -> set[str]:
    return {s.name for s in ds.split(split)}


def test_registry():
    assert {"nw-ucla", "msr-action3d", "ntu60", "ntu120", "pyskl"} <= set(DATASETS)
    with pytest.raises(KeyError, match="did you mean 'ntu60'"):
        open_dataset("ntu6", ".")


def test_ntu60_splits(ntu_root):
    ds = open_dataset("ntu60", ntu_root)
    expected = {ntu_name(*k) for k in NTU_GRID if k[0] <= 17 and k[3] <= 60}
    assert {s.name for s in ds.samples} == expected
    assert len(ds.class_names) == 60 and ds.layout == "ntu-rgbd"
    for s in ds.samples:
        n = parse_ntu_name(s.name)
        assert (s.label, s.subject, s.view, s.setup) == (n.action - 1, n.subject, n.camera, n.setup)
    # Subject 45 trains in NTU-120's xsub but not in NTU-60's.
    assert names(ds, "xsub_train") == {x for x in expected if parse_ntu_name(x).subject == 1}
    assert names(ds, "xsub_test") == expected - names(ds, "xsub_train")
    assert names(ds, "xview_train") == {x for x in expected if parse_ntu_name(x).camera in (2, 3)}
    assert names(ds, "xview_test") == {x for x in expected if parse_ntu_name(x).camera == 1}
    clip = ds.load(ds.split("xsub_train")[0])
    assert clip.data.shape == (1, 2, 25, 3) and clip.label == ds.split("xsub_train")[0].label


def test_ntu120_splits(ntu_root):
    ds = open_dataset("ntu120", ntu_root)
    expected = {ntu_name(*k) for k in NTU_GRID}
    assert {s.name for s in ds.samples} == expected and len(ds.class_names) == 120
    # Subject 45 trains in NTU-120 only; 48 never does.
    assert names(ds, "xsub_train") == {x for x in expected if parse_ntu_name(x).subject in (1, 45)}
    assert names(ds, "xset_train") == {x for x in expected if parse_ntu_name(x).setup in (2, 18)}
    assert names(ds, "xset_test") == {x for x in expected if parse_ntu_name(x).setup == 1}


def test_ntu_subject_lists():
    assert len(NTU60_XSUB_TRAIN_SUBJECTS) == 20 and len(NTU120_XSUB_TRAIN_SUBJECTS) == 53
    assert NTU60_XSUB_TRAIN_SUBJECTS < NTU120_XSUB_TRAIN_SUBJECTS
    assert NTU_CLASSES[0] == "drink water" and len(NTU_CLASSES) == 120


def test_ntu_missing_skeleton_list_and_bad_names(tmp_path):
    for key in [(1, 1, 1, 1), (1, 2, 1, 1), (1, 3, 1, 1)]:
        write_ntu(tmp_path / f"{ntu_name(*key)}.skeleton")
    (tmp_path / "NTU_RGBD_samples_with_missing_skeletons.txt").write_text(
        ntu_name(1, 2, 1, 1) + "\n\n"
    )
    assert len(open_dataset("ntu60", tmp_path).samples) == 2
    assert len(open_dataset("ntu60", tmp_path, exclude=[]).samples) == 3
    (tmp_path / "S001C001P001R001A001_copy.skeleton").write_text("1\n")
    with pytest.raises(ClipFormatError, match=r"_copy\.skeleton: not an NTU RGB\+D file name"):
        open_dataset("ntu60", tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"no SsssCcccPpppRrrrAaaa\.skeleton files"):
        open_dataset("ntu120", tmp_path / "empty")


def test_ntu_unreadable_files_are_reported(tmp_path):
    write_ntu(tmp_path / f"{ntu_name(1, 2, 1, 1)}.skeleton")
    bad = tmp_path / f"{ntu_name(1, 2, 1, 2)}.skeleton"
    bad.write_text("\n".join(write_ntu(bad).read_text().splitlines()[:20]))
    ds = open_dataset("ntu60", tmp_path)
    with pytest.warns(UserWarning, match="skipped 1 unreadable"):
        clips, skipped = ds.load_split("xview_train")
    assert len(clips) == 1 and len(skipped) == 1 and bad.name in skipped[0]


def pyskl_pickle(path: Path, split: dict, n: int = 6, v: int = 25) -> tuple[Path, list[dict]]:
    anns = [
        {
            "frame_dir": ntu_name(1, 1 + i % 3, 1 + i, 1 + i),
            "label": i,
            "total_frames": 5,
            "keypoint": RNG.normal(size=(2, 5, v, 3)).astype(np.float32),
        }
        for i in range(n)
    ]
    path.write_bytes(pickle.dumps({"split": split, "annotations": anns}, protocol=2))
    return path, anns


def test_pyskl_dataset(tmp_path):
    split = {
        "xsub_train": [ntu_name(1, 1, 1, 1), ntu_name(1, 3, 3, 3)],
        "xsub_val": [ntu_name(1, 2, 2, 2)],
    }
    path, anns = pyskl_pickle(tmp_path / "ntu60_3danno.pkl", split)
    ds = open_dataset("pyskl", path)
    assert ds.layout == "ntu-rgbd" and ds.class_names == NTU_CLASSES[:60]
    assert set(ds.splits) == {"xsub_train", "xsub_val", "xsub_test"}
    assert [s.name for s in ds.split("xsub_test")] == split["xsub_val"]
    assert [s.name for s in ds.split("xsub_train")] == split["xsub_train"]
    sample = ds.split("xsub_train")[1]
    assert (sample.index, sample.label, sample.subject, sample.view) == (2, 2, 3, 3)
    clip = ds.load(sample)
    np.testing.assert_array_equal(clip.data, anns[2]["keypoint"])
    assert clip.label == 2 and "ntu60_3danno.pkl" in clip.source
    # A folder holding the one pickle works too.
    assert len(open_dataset("pyskl", tmp_path).samples) == 6


def test_pyskl_dataset_errors(tmp_path):
    path, _ = pyskl_pickle(tmp_path / "a.pkl", {"xsub_train": ["S999C001P001R001A001"]})
    with pytest.raises(ClipFormatError, match=r"a\.pkl: split 'xsub_train' names 1 frame_dir"):
        open_dataset("pyskl", path)
    path, _ = pyskl_pickle(tmp_path / "a.pkl", {}, v=20)
    with pytest.raises(ClipFormatError, match="20 joints fits kinect-v1, msr-action3d, utd-mhad"):
        open_dataset("pyskl", path)
    assert open_dataset("pyskl", path, layout="kinect-v1").layout == "kinect-v1"
    pyskl_pickle(tmp_path / "b.pkl", {})
    with pytest.raises(FileNotFoundError, match=r"expected one \.pkl"):
        open_dataset("pyskl", tmp_path)


# -- real data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def msr_clips(data_root):
    ds = open_dataset("msr-action3d", data_root / "msr-action3d")
    with pytest.warns(UserWarning, match="a13_s09_e02"):
        train, skipped = ds.load_split("xsub_train")
    test, skipped_test = ds.load_split("xsub_test")
    return ds, train, test, skipped + skipped_test


def test_nw_ucla_loads_every_clip(data_root):
    ds = open_dataset("nw-ucla", data_root / "nw-ucla")
    assert len(ds.samples) == 1484
    assert (len(ds.splits["xview_train"]), len(ds.splits["xview_test"])) == (1020, 464)
    assert set(ds.splits["xview_train"]).isdisjoint(ds.splits["xview_test"])
    dev = ds.splits["xview_dev_train"] + ds.splits["xview_dev"]  # inside the training views
    assert sorted(dev) == sorted(ds.splits["xview_train"])
    assert set(ds.splits["xview_dev_train"]).isdisjoint(ds.splits["xview_dev"])
    labels = []
    for sample in ds.samples:
        clip = load_clip(sample.path)
        assert clip.data.shape[0] == 1 and clip.data.shape[2:] == (20, 3) and clip.num_frames >= 1
        assert clip.layout == "kinect-v1"
        assert clip.label == sample.label  # the JSON's label agrees with the file name's action
        labels.append(clip.label)
    assert set(labels) == set(range(10))


def test_msr_loads_every_valid_clip_and_reports_the_empty_one(msr_clips, data_root):
    ds, train, test, skipped = msr_clips
    assert len(ds.samples) == 567 and len(train) + len(test) == 566
    assert len(skipped) == 1 and "a13_s09_e02" in skipped[0] and "zero" in skipped[0]
    assert all(c.data.shape[0] == 1 and c.data.shape[2:] == (20, 3) for c in train + test)
    assert {c.label for c in train + test} == set(range(20))
    with pytest.raises(ClipFormatError, match="every coordinate is zero"):
        load_clip(data_root / "msr-action3d" / "skeleton3d" / "a13_s09_e02_skeleton3D.txt")


def test_msr_mapped_to_kinect_has_head_up_and_feet_down(msr_clips):
    _, train, test, _ = msr_clips
    kin = get_layout("kinect-v1")
    head = kin.index("head")
    feet = [kin.index("left_foot"), kin.index("right_foot")]
    ankles = [kin.index("left_ankle"), kin.index("right_ankle")]
    upper = [i for i in range(kin.num_joints) if i not in feet + ankles]
    feet_below_ankles = 0
    for clip in train + test:
        data = clip.to_layout("kinect-v1").data[0]
        tracked = np.abs(data).sum(axis=(1, 2)) > 0
        height = data[tracked, :, 1].mean(axis=0)  # y is up
        assert np.argmax(height) == head, clip.source
        assert height[feet].max() < height[upper].min(), clip.source
        feet_below_ankles += height[feet].mean() < height[ankles].mean()
    # Feet and ankles are nearly level; on average the feet are the lower of the two.
    assert feet_below_ankles >= 0.95 * len(train + test)


def test_the_old_name_of_the_dataset_index_still_works():
    from skeletonmae import datasets

    with pytest.warns(DeprecationWarning, match="DatasetIndex"):
        assert datasets.SkeletonDataset is datasets.DatasetIndex

"""The example clips in examples/clips/: made by the rig script, reproducible, and body-like."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from skeletonmae.datasets import NW_UCLA_CLASSES
from skeletonmae.formats import load_clip
from skeletonmae.layouts import get_layout

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "make_example_clips.py"
CLIPS = ROOT / "examples" / "clips"
LAYOUT = get_layout("kinect-v1")


def _script():
    spec = importlib.util.spec_from_file_location("make_example_clips", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RIG = _script()
NAMES = list(RIG.ACTIONS)


def _load(name: str) -> np.ndarray:
    return load_clip(CLIPS / f"{name}.npy", layout="kinect-v1").data[0]


def test_actions_are_nw_ucla_classes():
    classes = {c.replace(" ", "_") for c in NW_UCLA_CLASSES}
    assert set(NAMES) <= classes
    required = {"pick_up_with_one_hand", "sit_down", "stand_up", "throw", "walk_around"}
    assert required <= set(NAMES)
    assert sorted(p.stem for p in CLIPS.glob("*.npy")) == sorted(NAMES)


def test_rig_is_the_kinect_v1_tree():
    assert list(LAYOUT.joints) == RIG.JOINTS
    parents = [None if p < 0 else LAYOUT.joints[p] for p in LAYOUT.parents]
    assert [r[1] for r in RIG.RIG] == parents


def test_script_regenerates_the_committed_clips(tmp_path):
    for out in (tmp_path / "a", tmp_path / "b"):
        subprocess.run(
            [sys.executable, str(SCRIPT), "-o", str(out)], check=True, capture_output=True
        )
    for name in NAMES:
        a, b = (tmp_path / d / f"{name}.npy" for d in "ab")
        assert a.read_bytes() == b.read_bytes(), f"{name}: two runs differ"
        new, committed = np.load(a), np.load(CLIPS / f"{name}.npy")
        assert new.dtype == committed.dtype == np.float32
        assert new.shape == committed.shape
        # Exact on one machine (above); across CPUs libm may differ in the last float64 bit.
        np.testing.assert_allclose(new, committed, rtol=0, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("name", NAMES)
def test_clip_loads_in_kinect_v1_and_is_small(name):
    clip = load_clip(CLIPS / f"{name}.npy", layout="kinect-v1")
    assert clip.layout == "kinect-v1"
    m, t, v, c = clip.data.shape
    assert (m, v, c) == (1, 20, 3)
    assert 30 <= t <= 60
    assert (CLIPS / f"{name}.npy").stat().st_size < 16_000


@pytest.mark.parametrize("name", NAMES)
def test_bone_lengths_are_constant_and_plausible(name):
    data = _load(name)
    bones = np.array(LAYOUT.bones)
    lengths = np.linalg.norm(data[:, bones[:, 0]] - data[:, bones[:, 1]], axis=-1)  # (T, B)
    assert lengths.std(axis=0).max() < 1e-5
    expected = {"knee": 0.45, "ankle": 0.34, "elbow": 0.26, "wrist": 0.25}  # child joint → bone
    for i, (child, _) in enumerate(LAYOUT.bones):
        part = LAYOUT.joints[child].split("_", 1)[-1]
        if part in expected:
            np.testing.assert_allclose(lengths[:, i], expected[part], atol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_body_is_upright_in_camera_space(name):
    data = _load(name)
    head = data[:, LAYOUT.index("head"), 1]
    feet = data[:, [LAYOUT.index("left_foot"), LAYOUT.index("right_foot")], 1].max(axis=1)
    assert (head > feet + 0.8).all()
    assert data[..., 2].min() > 1.5 and data[..., 2].max() < 4.5  # metres from the camera
    # Something moves: some joint travels more than 20 cm.
    assert np.linalg.norm(data - data[:1], axis=-1).max() > 0.2


@pytest.mark.parametrize("name", [n for n in NAMES if n != "walk_around"])
def test_subject_faces_the_camera_with_left_at_smaller_x(name):
    first = _load(name)[0]
    for part in ("shoulder", "hip"):
        assert first[LAYOUT.index(f"left_{part}"), 0] < first[LAYOUT.index(f"right_{part}"), 0]

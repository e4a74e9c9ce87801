"""A tiny synthetic dataset per registered source, written as the source's own files (following
each format's description; never real data): ``FIXTURES[name](root)`` fills ``root`` and returns
one clip file of it. A new source needs its writer here; `test_sources` fails until it has one.

Every dataset fixture has subjects / views / flags on both sides of its standard split and two
classes, so that every split the index defines holds samples.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np

RNG = np.random.default_rng(0)
FRAMES = 6


def _xyz(joints: int, frames: int = FRAMES) -> np.ndarray:
    """(T, V, 3) coordinates of a person about 3 m in front of a Kinect (metres)."""
    a = RNG.normal(scale=0.3, size=(frames, joints, 3)).astype(np.float32)
    a[..., 2] += 3.0
    return a


def npy(root: Path) -> Path:
    np.save(root / "clip.npy", _xyz(25))
    return root / "clip.npy"


def npz(root: Path) -> Path:
    np.savez(root / "clip.npz", data=_xyz(20), layout=np.array("kinect-v1"))
    return root / "clip.npz"


def nw_ucla(root: Path) -> Path:
    (root / "all_sqe").mkdir()
    for a, label in ((1, 1), (2, 2)):
        for v in (1, 2, 3):
            f = root / "all_sqe" / f"a{a:02d}_s01_e01_v{v:02d}.json"
            f.write_text(json.dumps({"skeletons": _xyz(20).tolist(), "label": label}))
    return root / "all_sqe" / "a01_s01_e01_v01.json"


def msr_action3d(root: Path) -> Path:
    (root / "skeleton3d").mkdir()
    for a in (1, 2):
        for s in (1, 2):
            rows = np.concatenate([_xyz(20).reshape(-1, 3), np.ones((FRAMES * 20, 1))], axis=1)
            np.savetxt(root / "skeleton3d" / f"a{a:02d}_s{s:02d}_e01_skeleton3D.txt", rows)
    return root / "skeleton3d" / "a01_s01_e01_skeleton3D.txt"


def _ntu_file(path: Path) -> None:
    lines = [str(FRAMES)]
    for xyz in _xyz(25):
        lines += ["1", "72057594037931101 0 1 1 1 1 0 0.02 0.05 2", "25"]
        lines += [f"{x:.4f} {y:.4f} {z:.4f} 1 2 3 4 0 0 0 1 2" for x, y, z in xyz]
    path.write_text("\n".join(lines) + "\n")


def ntu_rgbd(root: Path) -> Path:
    # subjects 1 (trains in both xsub lists) and 3 (tests); cameras 1-3; setups 1 and 2
    for setup in (1, 2):
        for camera in (1, 2, 3):
            for subject in (1, 3):
                for action in (1, 2):
                    name = f"S{setup:03d}C{camera:03d}P{subject:03d}R001A{action:03d}"
                    _ntu_file(root / f"{name}.skeleton")
    return root / "S001C001P001R001A001.skeleton"


def pyskl(root: Path) -> Path:
    names = [f"S001C001P{p:03d}R001A{a:03d}" for p in (1, 3) for a in (1, 2)]
    anns = [
        {
            "frame_dir": n,
            "label": int(n[-3:]) - 1,
            "keypoint": _xyz(25)[None],
            "total_frames": FRAMES,
        }
        for n in names
    ]
    split = {"xsub_train": names[:2], "xsub_val": names[2:]}
    path = root / "annotations.pkl"
    path.write_bytes(pickle.dumps({"split": split, "annotations": anns}, protocol=4))
    return path


def msrc_12(root: Path) -> Path:
    for performer in (1, 2):
        for gesture in (1, 2):
            stem = f"P1_1_{gesture}_p{performer:02d}"
            w = np.ones((FRAMES, 20, 1), dtype=np.float32)
            joints = np.concatenate([_xyz(20), w], axis=-1).reshape(FRAMES, -1)
            stamps = np.arange(FRAMES, dtype=np.float64)[:, None] * 33.0
            np.savetxt(root / f"{stem}.csv", np.concatenate([stamps, joints], axis=1))
            (root / f"{stem}.tagstream").write_text(f"XQPCTick;Tag\n{49 * 33 * 2};G{gesture}\n")
    return root / "P1_1_1_p01.csv"


def utd_mhad(root: Path) -> Path:
    from scipy.io import savemat

    (root / "Skeleton").mkdir()
    for a in (1, 2):
        for s in (1, 2, 3, 5):
            skel = np.transpose(_xyz(20), (1, 2, 0))  # (20, 3, T)
            savemat(root / "Skeleton" / f"a{a}_s{s}_t1_skeleton.mat", {"d_skel": skel})
    return root / "Skeleton" / "a1_s1_t1_skeleton.mat"


def penn_action(root: Path) -> Path:
    from scipy.io import savemat

    (root / "labels").mkdir()
    actions = ("baseball_pitch", "bench_press")
    for i, (action, train) in enumerate((a, t) for a in actions for t in (1, -1)):
        xy = RNG.uniform(0, 480, size=(2, FRAMES, 13))
        savemat(
            root / "labels" / f"{i + 1:04d}.mat",
            {"x": xy[0], "y": xy[1], "action": action, "train": train},
        )
    return root / "labels" / "0001.mat"


def utkinect(root: Path) -> Path:
    (root / "joints").mkdir()
    labels = []
    for s in (1, 2):
        seq = f"s{s:02d}_e01"
        joints = _xyz(20, 2 * FRAMES)
        rows = [
            f"{100 + t} " + " ".join(f"{v:.5f}" for v in j.ravel()) for t, j in enumerate(joints)
        ]
        (root / "joints" / f"joints_{seq}.txt").write_text("\n".join(rows) + "\n")
        labels += [seq, f"walk: 100 {99 + FRAMES}", f"sitDown: {100 + FRAMES} {99 + 2 * FRAMES}"]
    (root / "actionLabel.txt").write_text("\n".join(labels) + "\n")
    return root / "joints" / "joints_s01_e01.txt"


FIXTURES: dict[str, Callable[[Path], Path]] = {
    "npy": npy,
    "npz": npz,
    "nw-ucla": nw_ucla,
    "msr-action3d": msr_action3d,
    "ntu-rgbd": ntu_rgbd,
    "pyskl": pyskl,
    "msrc-12": msrc_12,
    "utd-mhad": utd_mhad,
    "penn-action": penn_action,
    "utkinect": utkinect,
}

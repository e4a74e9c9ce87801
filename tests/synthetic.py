"""Synthetic labelled clips for engine tests: a folder dataset (``<split>/<class>/*.npy``)
whose classes differ by which arm is raised and swings, so that a classifier learns them in a
few steps."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from skeletonmae.layouts import get_layout

CLASSES = ["left_wave", "right_wave", "still"]


def make_clip(kind: str, rng: np.random.Generator, frames: int = 20) -> np.ndarray:
    """A (T, 20, 3) kinect-v1 clip: a jittered rest pose, one arm raised and swinging per class."""
    lay = get_layout("kinect-v1")
    pose = rng.normal(0, 0.05, (20, 3)).astype(np.float32)
    pose[:, 1] += np.linspace(1.0, -1.0, 20)
    pose[:, 2] += 3.0
    clip = np.repeat(pose[None], frames, axis=0)
    t = np.linspace(0, 2 * np.pi, frames)
    if kind != "still":
        side = kind.split("_")[0]
        for j in ("elbow", "wrist", "hand"):
            clip[:, lay.index(f"{side}_{j}"), 1] += 0.4 + 0.2 * np.sin(t + rng.uniform(0, 1))
    return clip + rng.normal(0, 0.01, clip.shape).astype(np.float32)


def make_folder_dataset(root: Path, per_class: int = 16, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    for split, n in (("train", per_class), ("test", max(per_class // 2, 1))):
        for c in CLASSES:
            d = root / split / c
            d.mkdir(parents=True, exist_ok=True)
            for i in range(n):
                np.save(d / f"{c}_{i}.npy", make_clip(c, rng))
    (root / "layout.txt").write_text("kinect-v1\n")
    return root


def pretraining_losses(model, x, steps: int = 40) -> list[float]:
    """The pre-training loss of ``steps`` AdamW steps (lr 3e-3) on one batch ``x``, masks drawn
    from a seeded generator; parameters that do not train (e.g. a teacher) stay out."""
    import torch

    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=3e-3)
    g = torch.Generator().manual_seed(0)
    losses = []
    for _ in range(steps):
        loss, _ = model.pretrain_loss(x, generator=g)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses

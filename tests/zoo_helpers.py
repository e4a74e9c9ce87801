"""Tiny random models, temporary manifests and synthetic clips for the zoo / Hub / CLI tests, so
that none of them needs trained weights or the real datasets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from skeletonmae import PreprocessConfig, SkeletonMAE, SkeletonModel, TransformerSkeletonMAEConfig

CLASSES = ["wave", "sit down", "kick"]

# A results dict as the training engine writes it (results.json).
RESULTS = {
    "recipe": "tiny-finetune",
    "stage": "finetune",
    "dataset": "nw-ucla",
    "train_split": "xview_train",
    "eval_split": "xview_test",
    "top1": 66.67,
    "top5": 100.0,
    "num_clips": 3,
    "command": "skeletonmae finetune tiny-finetune --data-root data/nw-ucla",
}
# ... and for a pre-training run (no evaluation).
PRETRAIN_RESULTS = {
    "recipe": "tiny-pretrain",
    "stage": "pretrain",
    "dataset": "nw-ucla",
    "train_split": "xview_train",
    "command": "skeletonmae pretrain tiny-pretrain --data-root data/nw-ucla",
}


def tiny_model(*, num_classes: int = 3, graph: bool = False, seed: int = 0) -> SkeletonModel:
    """A randomly initialised System A (or, with ``graph``, System B) model of a few thousand
    parameters on the 20-joint kinect-v1 layout."""
    torch.manual_seed(seed)
    common = dict(
        layout="kinect-v1",
        num_classes=num_classes,
        class_names=CLASSES[:num_classes],
        preprocess=PreprocessConfig(num_frames=8),
    )
    if graph:
        from skeletonmae.models.graph import GraphSkeletonMAE, GraphSkeletonMAEConfig

        cfg = GraphSkeletonMAEConfig(
            **common, dim=8, encoder_layers=1, strl_layers=1, head_hidden=8, temporal_kernel=3
        )
        return GraphSkeletonMAE(cfg).eval()
    cfg = TransformerSkeletonMAEConfig(
        **common, dim=16, depth=1, num_heads=2, decoder_dim=16, decoder_depth=1, decoder_heads=2
    )
    return SkeletonMAE(cfg).eval()


def empty_manifest(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schema_version": 1, "default": None, "models": []}))
    return path


def random_clip(path: Path, *, seed: int = 0, frames: int = 30) -> Path:
    """A (T, 20, 3) float32 .npy clip of random joint positions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    np.save(path, rng.normal(size=(frames, 20, 3)).astype(np.float32))
    return path


def logits(model: SkeletonModel, clip: Path) -> np.ndarray:
    with torch.no_grad():
        return model(model.prepare([clip])).numpy()

"""Scores that mean what they say: the expected calibration error of a classifier, and the
temperature (one number dividing its logits) that minimises its negative log-likelihood on
held-out clips (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017)."""

from __future__ import annotations

import itertools

import numpy as np
import torch
from torch.utils.data import DataLoader

from ..clip import Clip
from ..models.base import SkeletonModel
from ..progress import progress
from .data import ClipDataset

__all__ = [
    "calibrate",
    "clip_labels",
    "expected_calibration_error",
    "fit_temperature",
    "view_logits",
    "view_probs",
]

# Temperatures tried: a grid wide enough for an overconfident linear probe (T ≫ 1) and an
# underconfident ensemble (T < 1), fine enough that the NLL is flat between neighbours.
TEMPERATURES = np.geomspace(0.05, 50.0, 241)


def clip_labels(clips: list[Clip]) -> torch.Tensor:
    """(N,) class ids of ``clips``; -1 for a clip without a label."""
    return torch.tensor([-1 if c.label is None else c.label for c in clips])


@torch.no_grad()
def view_logits(
    model: SkeletonModel, clips: list[Clip], *, batch_size: int = 64, what: str = "scoring"
) -> torch.Tensor:
    """(N, K, classes) logits of each clip's K test-time views, before any temperature
    (``what`` names the step on a terminal's progress bar)."""
    model.eval()
    ds = ClipDataset(clips, model.config.preprocess, model.config.layout, train=False, views=True)
    out = []
    for x, _ in progress(DataLoader(ds, batch_size), what):
        n, k = x.shape[:2]
        out.append(model(x.flatten(0, 1).to(model.device)).view(n, k, -1).cpu())
    return torch.cat(out)


def view_probs(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """(N, classes) probabilities of (N, K, classes) view logits at ``temperature``, averaged
    over the views as `SkeletonModel.predict_proba` does."""
    return (logits / temperature).softmax(-1).mean(1)


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The temperature of `TEMPERATURES` with the lowest mean negative log-likelihood of
    ``labels`` (N,) under the view-averaged softmax of ``logits`` (N, K, classes)."""
    keep = labels >= 0
    if not keep.any():
        raise ValueError("calibration needs labelled clips")
    logits, labels = logits[keep], labels[keep]
    nll = [
        -view_probs(logits, float(t))
        .gather(1, labels[:, None])
        .clamp_min(1e-12)
        .log()
        .mean()
        .item()
        for t in TEMPERATURES
    ]
    return float(TEMPERATURES[int(np.argmin(nll))])


def expected_calibration_error(probs: torch.Tensor, labels: torch.Tensor, bins: int = 15) -> float:
    """ECE (%, 2 decimals): the clips binned by top-1 confidence into ``bins`` equal-width bins,
    the mean |accuracy − confidence| of the bins weighted by their share of the clips."""
    keep = labels >= 0
    conf, pred = probs[keep].max(1)
    right = (pred == labels[keep]).float()
    edges = torch.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges.tolist()):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            ece += inside.float().mean().item() * abs(
                right[inside].mean().item() - conf[inside].mean().item()
            )
    return round(100.0 * ece, 2)


def calibrate(model: SkeletonModel, clips: list[Clip]) -> tuple[float, float]:
    """Fit ``model``'s temperature on held-out ``clips`` (`fit_temperature`) and set it in its
    config; returns the clips' expected calibration error before and after (%)."""
    logits, labels = view_logits(model, clips), clip_labels(clips)
    before = expected_calibration_error(view_probs(logits, model.config.temperature), labels)
    model.config.temperature = fit_temperature(logits, labels)
    return before, expected_calibration_error(view_probs(logits, model.config.temperature), labels)

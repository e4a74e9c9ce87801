"""Optimiser, layer-wise lr decay and the warm-up + cosine schedule (stateless in the step)."""

from __future__ import annotations

import math

import torch

from ..models.base import SkeletonModel
from .recipe import Recipe

__all__ = ["build_optimizer", "lr_at", "set_lr"]


def lr_at(recipe: Recipe, epoch: float) -> float:
    """Linear warm-up over ``warmup_epochs``, then cosine from ``lr`` to ``min_lr``."""
    if epoch < recipe.warmup_epochs:
        return recipe.lr * epoch / max(recipe.warmup_epochs, 1e-8)
    span = max(recipe.epochs - recipe.warmup_epochs, 1e-8)
    progress = min((epoch - recipe.warmup_epochs) / span, 1.0)
    return recipe.min_lr + (recipe.lr - recipe.min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def build_optimizer(model: SkeletonModel, recipe: Recipe) -> torch.optim.Optimizer:
    """Parameter groups with layer-wise lr decay (``lr_scale``, from ``model.layer_id``) and no
    weight decay on biases, norms and what ``model.no_weight_decay()`` names."""
    depth = max((model.layer_id(n) for n, _ in model.named_parameters()), default=0)
    skip = model.no_weight_decay()
    groups: dict[tuple[int, bool], dict] = {}
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        no_decay = p.ndim <= 1 or name in skip
        lid = model.layer_id(name)
        g = groups.setdefault(
            (lid, no_decay),
            {
                "params": [],
                "weight_decay": 0.0 if no_decay else recipe.weight_decay,
                "lr_scale": recipe.layer_decay ** (depth - lid),
            },
        )
        g["params"].append(p)
    params = list(groups.values())
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(params, lr=recipe.lr, momentum=recipe.momentum, nesterov=True)
    return torch.optim.AdamW(params, lr=recipe.lr, betas=recipe.betas)


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for g in optimizer.param_groups:
        g["lr"] = lr * g.get("lr_scale", 1.0)

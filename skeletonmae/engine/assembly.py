"""Several trained classifiers as one model: `assemble` builds a `SkeletonEnsemble`, saves it as
a run directory (``model/`` and ``results.json``) and, given a dataset, evaluates it; what
``skeletonmae ensemble`` runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import torch

from ..datasets import open_dataset
from ..models import SkeletonEnsemble, SkeletonModel
from ..runs import RunDir, RunResults
from ..zoo import get_entry
from .trainer import evaluate_model, resolve_device

__all__ = ["assemble", "recorded_splits"]

_SPLIT_KEYS = ("dataset", "train_split", "eval_split")


def recorded_splits(model: str) -> dict[str, str | None]:
    """``dataset``, ``train_split`` and ``eval_split`` a model was trained and evaluated with:
    from its run directory's recipe or results (a model directory's parent run too), else from
    its zoo entry (all None when neither says)."""
    p = Path(model)
    if p.exists():
        for run in (RunDir(p), RunDir(p.parent)):
            recorded = run.read_recipe() or _results_dict(run)
            if recorded is not None:
                return {k: recorded.get(k) for k in _SPLIT_KEYS}
    try:
        entry = get_entry(model)
    except (KeyError, ValueError, FileNotFoundError):
        return dict.fromkeys(_SPLIT_KEYS)
    return {k: getattr(entry, k) for k in _SPLIT_KEYS}


def _results_dict(run: RunDir) -> dict | None:
    results = run.read_results()
    return None if results is None else results.to_dict()


def assemble(
    models: Sequence[str],
    output: str | Path,
    *,
    weights: list[float] | None = None,
    test_views: list[list[float]] | None = None,
    data_root: str | Path | None = None,
    dataset: str | None = None,
    split: str | None = None,
    device: str | None = None,
    command: str | None = None,
) -> RunResults:
    """Combine classifiers ``models`` (zoo names, model or run directories) into one model that
    averages their softmax, saved in the run directory ``output``; with ``data_root`` it is
    evaluated on ``split`` of ``dataset`` (default: what the first member was evaluated on)."""
    where = resolve_device(device)
    members = [SkeletonModel.from_pretrained(m) for m in models]
    net = SkeletonEnsemble.from_members(members, weights=weights, test_views=test_views)
    run = RunDir(Path(output))
    net.save_pretrained(run.model)
    recorded = recorded_splits(models[0])
    results = RunResults(
        stage="ensemble",
        init=", ".join(Path(m).name for m in models),
        dataset=dataset or recorded["dataset"] or "",
        eval_split=split or recorded["eval_split"],
        threads=torch.get_num_threads(),
        device=str(where),
        command=command,
        extra={"members": list(models)},
    )
    if data_root is not None:
        if not results.dataset or not results.eval_split:
            raise ValueError("cannot tell which dataset/split to evaluate on; pass both")
        clips, _ = open_dataset(results.dataset, data_root).load_split(results.eval_split)
        results = replace(
            results,
            train_split=recorded["train_split"],
            **evaluate_model(net.to(where), clips),
        )
    run.write_results(results)
    return results

"""The training engine shared by every architecture: pre-training, linear probing, fine-tuning
and evaluation, on one CPU or under ``torchrun`` with DistributedDataParallel.

A run writes into its output directory: ``checkpoint.pt`` (every epoch, atomically),
``metrics.jsonl`` (one JSON line per epoch), ``recipe.json``, ``results.json`` and the final
model in ``model/`` (`save_pretrained`). ``resume=True`` continues from ``checkpoint.pt``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler
from tqdm.auto import tqdm

from ..clip import Clip
from ..datasets import open_dataset
from ..fileio import temp_prefix, write_json_atomic, write_text_atomic
from ..models.base import ModelConfig, SkeletonModel, build_model, config_from_dict
from ..runs import RunDir, RunResults
from .calibration import clip_labels, expected_calibration_error, view_logits, view_probs
from .checkpoint import load_checkpoint, rng_state, save_checkpoint, set_rng_state
from .data import ClipDataset, label_subset
from .optim import build_optimizer, lr_at, set_lr
from .probe import cached_features, fit_probe
from .recipe import Recipe

__all__ = [
    "confusion_matrix",
    "evaluate_model",
    "load_encoder",
    "mean_class_accuracy",
    "predict_clips",
    "run",
    "topk_accuracy",
]


@dataclass
class _Dist:
    rank: int = 0
    world: int = 1

    @property
    def main(self) -> bool:
        return self.rank == 0


def _init_distributed(device: torch.device) -> _Dist:
    """Join the process group when launched by torchrun (NCCL on GPUs, gloo on CPUs)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return _Dist()
    if not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return _Dist(dist.get_rank(), dist.get_world_size())


class _Objective(nn.Module):
    """Wraps the model so that DistributedDataParallel sees the loss computation as forward."""

    def __init__(self, model: SkeletonModel, stage: str, label_smoothing: float) -> None:
        super().__init__()
        self.model, self.stage, self.label_smoothing = model, stage, label_smoothing

    def forward(self, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator | None):
        if self.stage == "pretrain":
            loss, _ = self.model.pretrain_loss(x, generator=generator)
            return loss, None
        logits = self.model(x)
        return F.cross_entropy(logits, y, label_smoothing=self.label_smoothing), logits


def load_encoder(model: SkeletonModel, source: SkeletonModel) -> None:
    """Copy ``encoder.*`` weights of a pre-trained model into ``model``; every encoder tensor must
    be present with the same shape, except the input projection when the two models take
    different input streams: each stream the source knows keeps its pre-trained weights and the
    new ones start at zero, so that the model starts out computing what the source did."""
    mine = {k: v for k, v in model.state_dict().items() if k.startswith("encoder.")}
    theirs = {k: v for k, v in source.state_dict().items() if k.startswith("encoder.")}
    proj = model.input_projection
    if proj and proj in theirs and mine.get(proj, theirs[proj]).shape != theirs[proj].shape:
        theirs[proj] = _map_streams(theirs[proj], source.config, model.config)
    missing = sorted(set(mine) - set(theirs))
    bad = sorted(k for k in set(mine) & set(theirs) if mine[k].shape != theirs[k].shape)
    if missing or bad or not mine:
        raise ValueError(
            f"pre-trained encoder does not fit: missing {missing[:6]}, shape mismatches {bad[:6]}"
        )
    model.load_state_dict({**model.state_dict(), **{k: theirs[k] for k in mine}}, strict=True)


def _map_streams(weight: torch.Tensor, source: ModelConfig, target: ModelConfig) -> torch.Tensor:
    """An input-projection weight (axis 1 = streams × coordinates) of ``source`` laid out for
    ``target``'s streams: shared streams copied, the others zero. Unchanged when the coordinates
    differ or no stream is shared (the shape check then reports it)."""
    c = source.coord_channels
    src, dst = source.preprocess.streams, target.preprocess.streams
    if c != target.coord_channels or not set(src) & set(dst):
        return weight
    out = weight.new_zeros((weight.shape[0], c * len(dst), *weight.shape[2:]))
    for i, name in enumerate(dst):
        if name in src:
            j = src.index(name)
            out[:, i * c : (i + 1) * c] = weight[:, j * c : (j + 1) * c]
    return out


def _resolve_init(init: str, output: Path) -> tuple[str, bool]:
    """``init`` as a sibling run of this one (``<runs>/<init>`` with its exported model) if there
    is one, else as given for `from_pretrained` (a model or run directory, a file, a zoo name or
    Hub id); and whether it was the sibling run."""
    sibling = output.parent / init
    if RunDir(sibling).has_model():
        return str(sibling), True
    return init, False


def _build_model(recipe: Recipe, class_names: list[str], init: str | None) -> SkeletonModel:
    cfg = dict(recipe.model)
    if recipe.stage != "pretrain":
        cfg.update(num_classes=len(class_names), class_names=class_names)
    model = build_model(cfg)
    if init:
        load_encoder(model, SkeletonModel.from_pretrained(init))
    return model


def predict_clips(model: SkeletonModel, clips: list[Clip], *, batch_size: int = 64) -> torch.Tensor:
    """(N, num_classes) probabilities of ``clips`` through the evaluation data path: the model's
    deterministic preprocessing, its test-time views' logits (`calibration.view_logits`) and
    their softmax at the config's temperature averaged over the views, as `predict_proba`."""
    logits = view_logits(model, clips, batch_size=batch_size, what="evaluating")
    return view_probs(logits, model.config.temperature)


def evaluate_model(
    model: SkeletonModel, clips: list[Clip], *, batch_size: int = 64, details: bool = False
) -> dict[str, Any]:
    """Top-1 / top-5 and mean per-class accuracy and the expected calibration error (all %) of
    `predict_clips` against the clips' labels; with ``details`` also the confusion matrix (rows:
    true class, columns: predicted) and each clip's ``predictions`` (file, true, predicted,
    scores)."""
    probs = predict_clips(model, clips, batch_size=batch_size)
    y = clip_labels(clips)
    confusion = confusion_matrix(probs, y, probs.shape[1])
    result: dict[str, Any] = {
        "top1": topk_accuracy(probs, y, 1),
        "top5": topk_accuracy(probs, y, 5),
        "mean_class_accuracy": mean_class_accuracy(confusion),
        "ece": expected_calibration_error(probs, y),
        "num_clips": len(clips),
    }
    if details:
        result["confusion"] = confusion.tolist()
        result["predictions"] = [
            {
                "file": c.source,
                "true": int(t),
                "predicted": int(row.argmax()),
                "scores": [round(float(v), 6) for v in row],
            }
            for c, t, row in zip(clips, y.tolist(), probs, strict=True)
        ]
    return result


def confusion_matrix(scores: torch.Tensor, labels: torch.Tensor, num_classes: int) -> np.ndarray:
    """(classes, classes) counts of clips by true class (rows) and top-1 class (columns);
    label −1 is left out."""
    keep = labels >= 0
    pairs = labels[keep] * num_classes + scores[keep].argmax(1)
    return torch.bincount(pairs, minlength=num_classes**2).view(num_classes, num_classes).numpy()


def mean_class_accuracy(confusion: np.ndarray) -> float:
    """Mean over the classes present of each one's top-1 accuracy (%, 2 decimals)."""
    totals = confusion.sum(1)
    present = totals > 0
    return round(100.0 * float((confusion.diagonal()[present] / totals[present]).mean()), 2)


def topk_accuracy(scores: torch.Tensor, labels: torch.Tensor, k: int) -> float:
    """Share (%, 2 decimals) of rows of (N, classes) ``scores`` whose label (N,) is among their
    ``k`` highest (all classes when there are fewer than ``k``); label −1 never counts."""
    top = scores.topk(min(k, scores.shape[1]), dim=1).indices
    hits = (top == labels[:, None]).any(dim=1)
    return round(100.0 * hits.sum().item() / len(labels), 2)


def _log(path: Path, record: dict[str, Any]) -> None:
    with path.open("a") as f:
        f.write(json.dumps(record) + "\n")


def _seeded(seed: int, *parts: int) -> torch.Generator:
    """A generator whose seed depends on ``seed`` and ``parts`` (epoch, rank…)."""
    value = np.random.SeedSequence([seed, *parts]).generate_state(1)[0]
    return torch.Generator().manual_seed(int(value))


def resolve_device(device: str | None) -> torch.device:
    """``device`` (cpu, cuda, cuda:N, mps; default cuda when there is one) checked against this
    machine, so that a device it lacks is one clear error before any data is read."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except RuntimeError:
        raise ValueError(f"unknown device {device!r}; expected cpu, cuda, cuda:N or mps") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            build = "has no CUDA" if torch.version.cuda is None else "finds no GPU"
            raise ValueError(
                f"device {device!r}: this PyTorch ({torch.__version__}) {build}; use --device cpu"
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(
                f"device {device!r}: this machine has {torch.cuda.device_count()} GPU(s)"
            )
    elif dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device {device!r}: MPS is not available here; use --device cpu")
    return dev


def run(
    recipe: Recipe,
    *,
    data_root: str | Path,
    output: str | Path,
    resume: bool = False,
    overwrite: bool = False,
    device: str | None = None,
    progress: bool = True,
    command: str | None = None,
    snapshot_minutes: Sequence[float] = (),
) -> RunResults:
    """Run one training stage of ``recipe`` on the dataset at ``data_root``; returns what
    ``results.json`` records.

    An output directory that already holds a run is continued with ``resume`` (which needs its
    checkpoint; a larger ``recipe.epochs`` extends a finished run) or started again with
    ``overwrite``; otherwise it is an error, so that no run is clobbered by accident.
    ``snapshot_minutes`` saves the model under ``snapshots/<m>min`` at the end of the first epoch
    by which the training loop has used ``m`` CPU-minutes (this process's CPU time, counted
    across resumes, so that a run beside another is measured fairly), to measure accuracy
    against compute along one schedule."""
    start = time.time()
    run_dir = RunDir(Path(output))
    output = run_dir.path
    checkpoint = _check_output(run_dir, recipe, resume=resume, overwrite=overwrite)
    _check_model_block(recipe)
    dev = resolve_device(device)
    dd = _init_distributed(dev)
    if dev.type == "cuda" and dd.world > 1:
        dev = torch.device("cuda", int(os.environ.get("LOCAL_RANK", dd.rank)))
    torch.manual_seed(recipe.seed)

    dataset = open_dataset(recipe.dataset, data_root, **recipe.dataset_options)
    train_clips, skipped = dataset.load_split(recipe.train_split, warn=dd.main)
    if recipe.label_fraction < 1:
        keep = label_subset(
            [c.label for c in train_clips], recipe.label_fraction, recipe.subset_seed
        )
        train_clips = [train_clips[i] for i in keep]
    eval_clips = dataset.load_split(recipe.eval_split, warn=dd.main)[0] if recipe.eval_split else []
    if recipe.stage != "linear-probe" and len(train_clips) < recipe.batch_size * dd.world:
        subset = f" ({recipe.label_fraction:g} of its labels)" if recipe.label_fraction < 1 else ""
        raise ValueError(
            f"batch size {recipe.batch_size} exceeds the {len(train_clips)} training clips of "
            f"{recipe.dataset} {recipe.train_split}{subset}; pass --batch-size "
            f"{max(len(train_clips) // (2 * dd.world), 1)} or smaller"
        )
    init, sibling = _resolve_init(recipe.init, output) if recipe.init else (None, False)
    if sibling and dd.main:  # said aloud: a run shadows the zoo model of the same name
        print(f"init: the run {init} (beside --output)", file=sys.stderr, flush=True)
    model = _build_model(recipe, dataset.class_names, init).to(dev)
    if dd.main:
        output.mkdir(parents=True, exist_ok=True)
        write_json_atomic(run_dir.recipe_file, recipe.to_dict())

    if recipe.stage == "linear-probe":
        history = _linear_probe(model, recipe, train_clips)
    else:
        history = _train(
            model, recipe, train_clips, run_dir, dd, checkpoint, progress, snapshot_minutes
        )

    if dd.world > 1:
        history["replica_sha256"] = _agree_across_ranks(model)
    extra = {
        **({"dataset_summary": dataset.summary} if dataset.summary else {}),
        "skipped_clips": skipped,
        **history,
    }
    results = RunResults(
        recipe=recipe.name,
        recipe_sha256=recipe.fingerprint(),
        stage=recipe.stage,
        dataset=recipe.dataset,
        train_split=recipe.train_split,
        init=recipe.init,
        num_train_clips=len(train_clips),
        extra=extra,
    )
    if eval_clips and recipe.stage != "pretrain" and dd.main:
        results = replace(
            results, eval_split=recipe.eval_split, **evaluate_model(model, eval_clips)
        )
    results = replace(
        results,
        wall_time_s=round(time.time() - start, 1),
        threads=torch.get_num_threads(),  # what bit-for-bit reproduction depends on
        device=str(dev),
        command=command,
    )
    if dd.main:
        model.save_pretrained(run_dir.model)
        run_dir.write_results(results)
        print(_summary(results), flush=True)
    if dd.world > 1:
        dist.barrier()
    return results


def _check_model_block(recipe: Recipe) -> None:
    """A recipe's ``model`` must make a valid config: checked before any data is read."""
    try:
        config_from_dict(dict(recipe.model))
    except ValueError as e:
        raise ValueError(f"recipe {recipe.name!r}: model: {e}") from None


def _check_output(
    run_dir: RunDir, recipe: Recipe, *, resume: bool, overwrite: bool
) -> dict[str, Any] | None:
    """Refuse to clobber an existing run, or to resume one that cannot be resumed; remove the
    temporary files a killed run left behind. Returns the checkpoint to resume from (read and
    checked here, before anything is written), or None."""
    if resume and overwrite:
        raise ValueError("--resume continues a run and --overwrite starts it again: pass one")
    if resume and recipe.stage == "linear-probe":
        raise ValueError("a linear probe has no checkpoint to resume: run it again (--overwrite)")
    if resume and not run_dir.checkpoint.is_file():
        raise FileNotFoundError(
            f"--resume: {run_dir.checkpoint} does not exist (no run to continue there)"
        )
    checkpoint = None
    if resume:  # a bad or foreign checkpoint stops the run before anything is written
        checkpoint = load_checkpoint(run_dir.checkpoint)
        _check_resumable(checkpoint, recipe, run_dir.checkpoint)
    existing = run_dir.run_files()
    if existing and not (resume or overwrite):
        raise FileExistsError(
            f"{run_dir.path} already holds a run ({', '.join(f.name for f in existing)}); pass "
            "--resume to continue it, --overwrite to start again, or another --output"
        )
    if overwrite:
        for f in existing:
            f.unlink()
    for f in (run_dir.checkpoint, run_dir.metrics, run_dir.results_file):
        for tmp in f.parent.glob(temp_prefix(f.name) + "*"):
            tmp.unlink(missing_ok=True)
    return checkpoint


def _check_resumable(state: dict[str, Any], recipe: Recipe, path: Path) -> None:
    """The checkpoint must come from the same recipe, up to ``epochs`` (which may grow) and its
    description."""
    try:
        saved = Recipe.from_dict(dict(state["recipe"])).to_dict()  # older files: defaults filled
    except (TypeError, ValueError) as e:
        raise ValueError(f"{path}: its recipe cannot be read ({e})") from None
    free = {"epochs": recipe.epochs, "description": recipe.description}
    if {**saved, **free} != recipe.to_dict():
        changed = sorted(
            k for k, v in recipe.to_dict().items() if k not in free and saved.get(k) != v
        )
        raise ValueError(
            f"{path} was written by a different recipe (changed: {', '.join(changed)}); resume "
            "with the recipe it was started with, or start again with --overwrite"
        )
    if recipe.epochs < state["epoch"]:
        raise ValueError(
            f"{path} has already trained {state['epoch']} epochs; --epochs {recipe.epochs} "
            "cannot shorten it"
        )


def _truncate_metrics(path: Path, epochs: int) -> None:
    """Keep the first ``epochs`` epoch lines of a metrics file (a kill between the metrics line
    and the checkpoint write leaves one more)."""
    if not path.is_file():
        return
    lines = [ln for ln in path.read_text().splitlines() if ln.strip()]
    kept = []
    for ln in lines:
        try:
            if json.loads(ln).get("epoch", 0) <= epochs:
                kept.append(ln)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill
    write_text_atomic(path, "".join(k + "\n" for k in kept))


def _agree_across_ranks(model: SkeletonModel) -> list[str]:
    """Every rank's weight hash; replicas that drifted apart are an error, not a silent model."""
    h = hashlib.sha256()
    for _, t in sorted(model.state_dict().items()):
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    hashes: list[str] = [""] * dist.get_world_size()
    dist.all_gather_object(hashes, h.hexdigest())
    if len(set(hashes)) > 1:
        raise RuntimeError(f"distributed replicas disagree on the weights: {hashes}")
    return hashes


class _WeightAverage:
    """Exponential moving average of a model's floating-point state (parameters and buffers,
    e.g. BatchNorm statistics; integer buffers are copied): ``avg ← decay · avg + (1 − decay) · w``
    after every optimiser step."""

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.decay = decay
        self.state = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        for k, v in model.state_dict().items():
            avg = self.state[k]
            if avg.is_floating_point():
                avg.lerp_(v, 1.0 - self.decay)
            else:
                avg.copy_(v)


def _summary(r: RunResults) -> str:
    parts = [f"summary: {r.recipe} ({r.stage}) on {r.dataset}"]
    if r.top1 is not None:
        parts.append(f"{r.eval_split} top1={r.top1:.2f} top5={r.top5:.2f} ({r.num_clips} clips)")
    if "final_loss" in r.extra:
        parts.append(f"final train loss={r.extra['final_loss']:.4f}")
    parts.append(f"wall {r.wall_time_s:.0f}s")
    return " | ".join(parts)


def _train(
    model: SkeletonModel,
    recipe: Recipe,
    clips: list[Clip],
    run_dir: RunDir,
    dd: _Dist,
    checkpoint: dict[str, Any] | None,
    progress: bool,
    snapshot_minutes: Sequence[float] = (),
) -> dict[str, Any]:
    """Pre-training or fine-tuning: mini-batch loop with checkpoints every epoch; ``checkpoint``
    (checked by `_check_output`) is the state to resume from."""
    train = recipe.stage == "finetune"
    ds = ClipDataset(
        clips, model.config.preprocess, model.config.layout, train=True, seed=recipe.seed
    )
    sampler = DistributedSampler(
        ds, num_replicas=dd.world, rank=dd.rank, shuffle=True, seed=recipe.seed, drop_last=True
    )
    per_rank = max(recipe.batch_size // dd.world, 1)
    loader = DataLoader(ds, batch_size=per_rank, sampler=sampler, drop_last=True)
    objective: nn.Module = _Objective(model, recipe.stage, recipe.label_smoothing)
    if dd.world > 1:
        ids = [model.device.index] if model.device.type == "cuda" else None
        objective = nn.parallel.DistributedDataParallel(objective, device_ids=ids)
    optimizer = build_optimizer(model, recipe)
    average = _WeightAverage(model, recipe.ema_decay) if recipe.ema_decay else None
    first_epoch, step, cpu_time = 0, 0, 0.0
    ckpt_path = run_dir.checkpoint
    if checkpoint is not None:
        state = checkpoint
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if average is not None:
            average.state = state["ema"]
        set_rng_state(state["rng"])
        first_epoch, step = state["epoch"], state["step"]
        cpu_time = float(state.get("cpu_time_s", 0.0))  # absent in runs before 2026-12
        if dd.main:
            _truncate_metrics(run_dir.metrics, first_epoch)
            print(f"resuming {recipe.name} at epoch {first_epoch + 1}", flush=True)
    elif dd.main:
        run_dir.metrics.unlink(missing_ok=True)

    loss_value = float("nan")
    for epoch in range(first_epoch, recipe.epochs):
        model.train()
        ds.set_epoch(epoch)
        sampler.set_epoch(epoch)
        torch.manual_seed(recipe.seed * 100_003 + epoch * 101 + dd.rank)
        generator = _seeded(recipe.seed, epoch, dd.rank)
        total = count = correct = 0.0
        t0, c0 = time.time(), time.process_time()
        bar = tqdm(
            loader,
            desc=f"{recipe.name} epoch {epoch + 1}/{recipe.epochs}",
            disable=not (progress and dd.main),
            leave=False,
            dynamic_ncols=True,
        )
        for i, (x, y) in enumerate(bar):
            set_lr(optimizer, lr_at(recipe, epoch + i / len(loader)))
            x, y = x.to(model.device), y.to(model.device)
            loss, logits = objective(x, y, generator)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if recipe.grad_clip:
                nn.utils.clip_grad_norm_(model.parameters(), recipe.grad_clip)
            optimizer.step()
            if average is not None:
                average.update(model)
            step += 1
            total += loss.item() * len(x)
            count += len(x)
            if logits is not None:
                correct += (logits.argmax(1) == y).sum().item()
            bar.set_postfix(loss=f"{total / count:.4f}")
        loss_value = total / count
        if not math.isfinite(loss_value):
            raise FloatingPointError(
                f"{recipe.name}: the training loss became {loss_value} in epoch {epoch + 1}; "
                "lower --lr, or check the data for extreme coordinates"
            )
        cpu_time += time.process_time() - c0
        record = {
            "epoch": epoch + 1,
            "lr": lr_at(recipe, epoch + 1),
            "loss": round(loss_value, 5),
            "time_s": round(time.time() - t0, 1),
            "cpu_time_s": round(cpu_time, 1),  # this process's CPU time in training, all epochs
        }
        if train:
            record["train_acc"] = round(100.0 * correct / count, 2)
        if dd.main:
            _log(run_dir.metrics, record)
            save_checkpoint(
                ckpt_path,
                {
                    "epoch": epoch + 1,
                    "step": step,
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "rng": rng_state(),
                    "cpu_time_s": cpu_time,
                    "recipe": recipe.to_dict(),
                    **({"ema": average.state} if average is not None else {}),
                },
            )
            print(json.dumps({"recipe": recipe.name, **record}), flush=True)
            _save_snapshots(model, run_dir, snapshot_minutes, record)
    history = {
        "epochs": recipe.epochs,
        "final_loss": round(loss_value, 5),
        "cpu_time_s": round(cpu_time, 1),
    }
    if average is not None:  # evaluate and save the average (the loss above is the raw weights')
        model.load_state_dict(average.state)
        history["weights"] = "ema"
    return history


def _save_snapshots(
    model: SkeletonModel, run_dir: RunDir, minutes: Sequence[float], record: dict[str, Any]
) -> None:
    """Save the model under ``snapshots/<m>min`` for each mark ``m`` (CPU-minutes) the training
    has passed and that has no snapshot yet, with the epoch and time it was taken at."""
    for m in minutes:
        folder = run_dir.snapshots / f"{m:g}min"
        if record["cpu_time_s"] >= 60 * m and not (folder / "snapshot.json").is_file():
            model.save_pretrained(folder)
            write_json_atomic(folder / "snapshot.json", {"minutes": m, **record})


def _linear_probe(model: SkeletonModel, recipe: Recipe, clips: list[Clip]) -> dict[str, Any]:
    """Train only the (BatchNorm → Linear) head on frozen-encoder features, cached once per view
    (view 0 deterministic, the others augmented), which makes a probe take seconds."""
    feats, labels = cached_features(model, clips, views=recipe.probe_views, seed=recipe.seed)
    loss = fit_probe(
        model.head,
        feats.to(model.device),
        labels.to(model.device),
        epochs=recipe.epochs,
        batch_size=recipe.batch_size,
        lr=recipe.lr,
        min_lr=recipe.min_lr,
        momentum=recipe.momentum,
        weight_decay=recipe.weight_decay,
        label_smoothing=recipe.label_smoothing,
        generator=_seeded(recipe.seed, 0),
    )
    model.eval()
    return {"epochs": recipe.epochs, "final_loss": round(loss, 5), "probe_features": len(feats)}

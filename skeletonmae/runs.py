"""Records that pass between the engine, the zoo, the Hub layer and the command line: a training
run's directory (`RunDir`, the one place that spells out its file names) and what a finished run
records (`RunResults`, the form of its ``results.json``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .fileio import write_json_atomic
from .modelfiles import CONFIG_NAME, WEIGHTS_NAME

__all__ = ["METRIC_KEYS", "RunDir", "RunResults"]

# What an evaluation records, in %: top-1 and top-5 accuracy, mean per-class accuracy and the
# expected calibration error (see `skeletonmae.engine.calibration`).
METRIC_KEYS = ("top1", "top5", "mean_class_accuracy", "ece")


@dataclass
class RunResults:
    """What a run (or an assembled ensemble) records: the recipe and data it used, its final
    evaluation (`METRIC_KEYS`, %; None for a pre-training) and how it was run. ``extra`` holds
    the stage's own facts (final loss, epochs, a corpus' sources…), kept as they were written."""

    recipe: str | None = None
    stage: str = ""
    dataset: str = ""
    train_split: str | None = None
    eval_split: str | None = None
    init: str | None = None
    command: str | None = None
    recipe_sha256: str | None = None
    num_train_clips: int | None = None
    num_clips: int | None = None
    top1: float | None = None
    top5: float | None = None
    mean_class_accuracy: float | None = None
    ece: float | None = None
    wall_time_s: float | None = None
    threads: int | None = None
    device: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def metrics(self) -> dict[str, float]:
        """The evaluation's `METRIC_KEYS` that were measured."""
        return {k: getattr(self, k) for k in METRIC_KEYS if getattr(self, k) is not None}

    def to_dict(self) -> dict[str, Any]:
        """The flat JSON form of ``results.json`` (unset fields left out)."""
        d = {k: v for k, v in asdict(self).items() if k != "extra" and v is not None}
        return {**d, **self.extra}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunResults:
        known = {f.name for f in fields(cls)} - {"extra"}
        return cls(
            **{k: v for k, v in d.items() if k in known},
            extra={k: v for k, v in d.items() if k not in known},
        )


class _File:
    """A file (or folder) of a run directory, by its name: ``run.checkpoint`` is its path."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, run: RunDir | None, owner: type) -> Any:
        return self if run is None else run.path / self.name


@dataclass(frozen=True)
class RunDir:
    """A training run's output directory: ``checkpoint.pt`` (resumable state, every epoch),
    ``metrics.jsonl`` (a line per epoch), ``recipe.json`` (the recipe as run), ``results.json``
    (`RunResults`), ``model/`` (the exported model) and ``snapshots/``."""

    path: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))

    checkpoint = _File("checkpoint.pt")
    metrics = _File("metrics.jsonl")
    recipe_file = _File("recipe.json")
    results_file = _File("results.json")
    model = _File("model")
    snapshots = _File("snapshots")

    def run_files(self) -> list[Path]:
        """The files that show a run was started here (those ``--overwrite`` removes)."""
        return [f for f in (self.checkpoint, self.metrics, self.results_file) if f.exists()]

    def has_model(self) -> bool:
        """Whether the run exported its model (``model/`` with config and weights)."""
        return all((self.model / f).is_file() for f in (CONFIG_NAME, WEIGHTS_NAME))

    def read_results(self) -> RunResults | None:
        if not self.results_file.is_file():
            return None
        return RunResults.from_dict(json.loads(self.results_file.read_text()))

    def write_results(self, results: RunResults) -> Path:
        return write_json_atomic(self.results_file, results.to_dict())

    def read_recipe(self) -> dict[str, Any] | None:
        if not self.recipe_file.is_file():
            return None
        return json.loads(self.recipe_file.read_text())

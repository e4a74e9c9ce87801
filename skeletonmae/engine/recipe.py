"""Training recipes: one JSON file per published checkpoint, plus command-line overrides."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

from ..names import check_keys, did_you_mean

__all__ = ["OVERRIDES", "STAGES", "Recipe", "available_recipes", "load_recipe"]

STAGES = ("pretrain", "linear-probe", "finetune")
# The fields a training command may override (``--train-split`` for ``train_split``…), with what
# its option says; the command line builds its options from this table and the field types.
OVERRIDES = {
    "dataset": "Override the recipe's dataset.",
    "train_split": "Override the training split.",
    "eval_split": "Override the evaluation split.",
    "epochs": "Training epochs.",
    "batch_size": "Clips per optimiser step.",
    "lr": "Peak learning rate.",
    "warmup_epochs": "Epochs of linear warm-up.",
    "layer_decay": "Layer-wise learning-rate decay.",
    "label_smoothing": "Label smoothing of the classification loss.",
    "ema_decay": "Keep a moving average of the weights (decay per step) and save it.",
    "seed": "Seed of initialisation, augmentation and order.",
    "label_fraction": "Train on this class-balanced fraction of the training labels (e.g. 0.1).",
    "subset_seed": "Seed that draws the --label-fraction subset.",
}


@dataclass
class Recipe:
    """Everything a training run needs besides the data location.

    ``model`` holds config fields for the architecture named by ``model['arch']``; ``init`` is the
    pre-trained model (zoo name, directory or recipe output) whose encoder a linear probe or
    fine-tune starts from (``None``: train from scratch). ``dataset_options`` go to the dataset's
    function (e.g. the ``sources`` of a ``corpus``). ``ema_decay`` keeps an exponential moving
    average of the weights (updated after every optimiser step, buffers included); the run then
    evaluates and saves the average instead of the last weights.
    """

    name: str
    stage: str
    model: dict[str, Any]
    dataset: str
    train_split: str
    eval_split: str | None = None
    init: str | None = None
    epochs: int = 100
    batch_size: int = 64
    optimizer: str = "adamw"  # "adamw" or "sgd"
    lr: float = 1e-3
    min_lr: float = 1e-5
    warmup_epochs: int = 5
    weight_decay: float = 0.05
    betas: tuple[float, float] = (0.9, 0.95)
    momentum: float = 0.9
    layer_decay: float = 1.0
    label_smoothing: float = 0.0
    grad_clip: float | None = None
    ema_decay: float | None = None  # per-step decay of an average of the weights, which is saved
    probe_views: int = 1  # linear probe: augmented passes over the training set to cache features
    # Train on a class-balanced fraction of the training split's clips, drawn by subset_seed
    # (see `skeletonmae.engine.data.label_subset`): the label-scarce protocol.
    label_fraction: float = 1.0
    subset_seed: int = 0
    seed: int = 0
    description: str = ""
    dataset_options: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"recipe {self.name!r}: stage {self.stage!r} not in {STAGES}")
        if self.optimizer not in ("adamw", "sgd"):
            raise ValueError(f"recipe {self.name!r}: optimizer must be 'adamw' or 'sgd'")
        if "arch" not in self.model:
            raise ValueError(f"recipe {self.name!r}: model needs an 'arch'")
        self.betas = tuple(self.betas)
        checks = [
            ("epochs", self.epochs, "an integer >= 1", lambda v: _is_int(v) and v >= 1),
            ("batch_size", self.batch_size, "an integer >= 1", lambda v: _is_int(v) and v >= 1),
            ("lr", self.lr, "a number > 0", lambda v: _is_num(v) and v > 0),
            ("min_lr", self.min_lr, "a number >= 0", lambda v: _is_num(v) and v >= 0),
            ("warmup_epochs", self.warmup_epochs, ">= 0", lambda v: _is_num(v) and v >= 0),
            ("weight_decay", self.weight_decay, ">= 0", lambda v: _is_num(v) and v >= 0),
            ("layer_decay", self.layer_decay, "in (0, 1]", lambda v: _is_num(v) and 0 < v <= 1),
            (
                "label_smoothing",
                self.label_smoothing,
                "in [0, 1)",
                lambda v: _is_num(v) and 0 <= v < 1,
            ),
            ("probe_views", self.probe_views, "an integer >= 1", lambda v: _is_int(v) and v >= 1),
            ("seed", self.seed, "an integer >= 0", lambda v: _is_int(v) and v >= 0),
            (
                "label_fraction",
                self.label_fraction,
                "in (0, 1]",
                lambda v: _is_num(v) and 0 < v <= 1,
            ),
            ("subset_seed", self.subset_seed, "an integer >= 0", lambda v: _is_int(v) and v >= 0),
            (
                "ema_decay",
                self.ema_decay,
                "null or in (0, 1)",
                lambda v: v is None or (_is_num(v) and 0 < v < 1),
            ),
        ]
        for name, value, expected, ok in checks:
            if not ok(value):
                raise ValueError(f"recipe {self.name!r}: {name} must be {expected}, got {value!r}")

    def override(self, **changes: Any) -> Recipe:
        """A copy with the non-None ``changes`` applied."""
        d = self.to_dict()
        d.update({k: v for k, v in changes.items() if v is not None})
        return Recipe(**d)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["betas"] = list(self.betas)
        return d

    def fingerprint(self) -> str:
        """sha256 of what shapes training, in canonical JSON: every field but ``description``
        that differs from its default (so that a new field whose default keeps the old behaviour
        changes no fingerprint). Zoo entries record it, so a shipped recipe that drifts from what
        a published model was trained with is caught."""
        default = Recipe(name="", stage=self.stage, model=self.model, dataset="", train_split="")
        base = default.to_dict()
        d = {k: v for k, v in self.to_dict().items() if k != "description" and v != base[k]}
        d.update(name=self.name, dataset=self.dataset, train_split=self.train_split)
        text = json.dumps(d, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, source: str = "recipe") -> Recipe:
        check_keys(d, (f.name for f in fields(cls)), f"keys in {source}")
        try:
            return cls(**d)
        except TypeError as e:  # a key's value of the wrong kind
            raise ValueError(f"{source}: {e}") from None


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _recipe_dir():
    return resources.files("skeletonmae") / "recipes"


def available_recipes() -> list[str]:
    return sorted(p.name[:-5] for p in _recipe_dir().iterdir() if p.name.endswith(".json"))


def load_recipe(name_or_path: str | Path) -> Recipe:
    """A recipe by name (shipped in ``skeletonmae/recipes``) or by path to a JSON file."""
    p = Path(name_or_path)
    if p.suffix == ".json" and p.is_file():
        text, source = p.read_text(), str(p)
    else:
        f = _recipe_dir() / f"{name_or_path}.json"
        if not f.is_file():
            hint = did_you_mean(str(name_or_path), available_recipes())
            raise FileNotFoundError(
                f"no recipe {str(name_or_path)!r}{hint} (a shipped recipe name or a .json path)"
            )
        text, source = f.read_text(), f"recipe {name_or_path}"
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{source}: not valid JSON ({e})") from None
    return Recipe.from_dict(d, source=source)

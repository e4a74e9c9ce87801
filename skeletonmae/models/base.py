"""What every zoo model shares: a JSON config, strict safetensors save/load, `from_pretrained`,
and the inference API (`classify`, `extract_features`) that applies the model's own preprocessing.

Architectures register here by their config's ``arch`` string: loading a checkpoint builds the
class its config names (`SkeletonModel.from_pretrained` and the front door `SkeletonMAE` load
any; a concrete class loads only its own architecture).
"""

from __future__ import annotations

import copy
import json
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, get_type_hints

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from ..clip import Clip
from ..fileio import atomic_write, write_text_atomic
from ..layouts import Layout, get_layout, register_layout
from ..modelfiles import CONFIG_NAME, WEIGHTS_NAME, CheckpointError
from ..names import check_keys, did_you_mean
from ..progress import progress
from ..transforms import PreprocessConfig, preprocess, preprocess_views

if TYPE_CHECKING:
    from ..hub import PushResult
    from ..inference import ClipLike
    from ..zoo import ZooEntry

__all__ = [
    "ARCHITECTURES",
    "POOLINGS",
    "CheckpointError",
    "ModelConfig",
    "Paper",
    "SkeletonModel",
    "average_persons",
    "build_model",
    "config_from_dict",
    "pool_tokens",
    "pooled_dim",
]


# How frozen encoder features are read out of the (T, V) grid of per-token features:
# "mean" over all tokens (D values); "joints": each joint averaged over time, concatenated
# (V·D); "joints-time": each joint averaged over the first and the second half of the clip
# (2·V·D), which keeps where and roughly when each body part moved.
POOLINGS = ("mean", "joints", "joints-time")
# How per-person features become the clip's: the mean over the persons present in the clip, or
# over "all" M person slots (absent ones are all-zero input; MAMP's checkpoints were trained so).
PERSON_POOLINGS = ("present", "all")


def pooled_dim(dim: int, num_joints: int, pooling: str) -> int:
    """Width of the features `pool_tokens` returns."""
    return dim * {"mean": 1, "joints": num_joints, "joints-time": 2 * num_joints}[pooling]


def pool_tokens(tokens: torch.Tensor, pooling: str) -> torch.Tensor:
    """(B, T, V, D) per-token features → (B, `pooled_dim`) by ``pooling`` (see `POOLINGS`)."""
    if pooling == "mean":
        return tokens.mean(dim=(1, 2))
    if pooling == "joints":
        return tokens.mean(dim=1).flatten(1)
    if pooling == "joints-time":
        half = max(tokens.shape[1] // 2, 1)
        first, second = tokens[:, :half].mean(dim=1), tokens[:, -half:].mean(dim=1)
        return torch.cat([first, second], dim=1).flatten(1)
    raise ValueError(f"unknown pooling {pooling!r}; known: {', '.join(POOLINGS)}")


def average_persons(feats: torch.Tensor, present: torch.Tensor) -> torch.Tensor:
    """(N·M, F) per-person features and the (N, M) mask of present persons → (N, F): the mean
    over present persons (over all M when none is present)."""
    feats = feats.reshape(*present.shape, -1)
    weight = present.to(feats.dtype).unsqueeze(-1)
    weight = torch.where(weight.sum(1, keepdim=True) > 0, weight, torch.ones_like(weight))
    return (feats * weight).sum(1) / weight.sum(1)


@dataclass
class ModelConfig:
    """Fields every architecture has: its layout, input channels, classes and preprocessing."""

    arch: ClassVar[str] = ""
    # Named configurations of the architecture (`preset`); a config dict may start from one with
    # a "preset" key, its other fields overriding the preset's.
    presets: ClassVar[dict[str, dict[str, Any]]] = {}
    # The `skeletonmae.masking` strategies an architecture that pre-trains accepts for its
    # ``mask_strategy`` field (empty: no such field), checked here for every architecture.
    mask_strategies: ClassVar[tuple[str, ...]] = ()
    layout: str = "kinect-v1"
    in_channels: int = 3
    num_classes: int = 0
    class_names: list[str] = field(default_factory=list)
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    layout_spec: dict | None = None
    pooling: str = "mean"
    person_pooling: str = "present"
    # Divides the logits before the softmax of `predict_proba`: fitted on held-out clips by
    # `skeletonmae calibrate` so that scores mean what they say (1: as trained).
    temperature: float = 1.0

    def __post_init__(self) -> None:
        if isinstance(self.preprocess, dict):
            self.preprocess = PreprocessConfig.from_dict(self.preprocess)
        if self.num_classes < 0 or len(self.class_names) not in (0, self.num_classes):
            raise ValueError(
                f"num_classes must be >= 0 with as many class_names (or none), got "
                f"{self.num_classes} and {len(self.class_names)} names"
            )
        strategy = getattr(self, "mask_strategy", None)
        if self.mask_strategies and strategy not in self.mask_strategies:
            raise ValueError(
                f"mask_strategy {strategy!r} not in {self.mask_strategies}"
                f"{did_you_mean(str(strategy), self.mask_strategies)}"
            )
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling {self.pooling!r} not in {POOLINGS}")
        if not 0 < self.temperature < float("inf"):
            raise ValueError(f"temperature must be a finite number > 0, got {self.temperature}")
        if self.person_pooling not in PERSON_POOLINGS:
            raise ValueError(f"person_pooling {self.person_pooling!r} not in {PERSON_POOLINGS}")
        if self.in_channels % len(self.preprocess.streams):
            raise ValueError(
                f"in_channels={self.in_channels} is not a multiple of the "
                f"{len(self.preprocess.streams)} input streams {list(self.preprocess.streams)}"
            )
        if self.layout_spec is not None:
            register_layout(Layout.from_dict(self.layout_spec), overwrite=True)
        lay = get_layout(self.layout)
        self.layout = lay.name
        self.layout_spec = lay.to_dict()
        if self.class_names and len(self.class_names) != self.num_classes:
            raise ValueError(
                f"{len(self.class_names)} class names for num_classes={self.num_classes}"
            )

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> ModelConfig:
        """The named configuration of `presets`, with ``overrides`` applied (``preprocess`` may
        be a partial dict that updates the preset's)."""
        d = cls._with_preset(name, overrides)
        pre = PreprocessConfig.from_dict(d.pop("preprocess"))
        return cls(**d, preprocess=pre)

    @classmethod
    def _with_preset(cls, name: str, overrides: dict[str, Any]) -> dict[str, Any]:
        """The fields of preset ``name`` updated by ``overrides`` (``preprocess`` key by key)."""
        if not isinstance(name, str) or name not in cls.presets:
            raise ValueError(
                f"unknown {cls.__name__} preset {name!r}"
                f"{did_you_mean(str(name), cls.presets)} (known: {', '.join(sorted(cls.presets))})"
            )
        fields_ = {**copy.deepcopy(cls.presets[name]), **overrides}
        fields_["preprocess"] = {
            **cls.presets[name].get("preprocess", {}),
            **dict(overrides.get("preprocess") or {}),
        }
        return fields_

    @property
    def num_joints(self) -> int:
        return get_layout(self.layout).num_joints

    @property
    def coord_channels(self) -> int:
        """Coordinates per joint (2 or 3): the first channels of the input are the joints'."""
        return self.in_channels // len(self.preprocess.streams)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``arch``, what the architecture is (``summary``, ``papers``: facts
        for zoo entries and model cards, read back but not options) and every field."""
        d = asdict(self)
        d["preprocess"] = self.preprocess.to_dict()
        model = ARCHITECTURES.get(self.arch)
        facts = {
            "summary": model.summary if model else "",
            "papers": [p._asdict() for p in model.papers] if model else [],
        }
        return {"arch": self.arch, **facts, **d}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        """A config from its JSON form; unknown options and values of the wrong type are a
        `ValueError` that names them."""
        if not isinstance(d, dict):
            raise ValueError(f"a model config is a JSON object, got {type(d).__name__}")
        d = {k: v for k, v in d.items() if k not in _FACTS and k not in _RETIRED}
        arch = d.pop("arch", cls.arch)
        if arch != cls.arch:
            raise ValueError(f"config is for architecture {arch!r}, not {cls.arch!r}")
        if "preset" in d:
            d = cls._with_preset(d.pop("preset"), d)
        check_keys(d, (f.name for f in fields(cls)), f"{cls.__name__} options")
        hints = get_type_hints(cls)
        for name, value in d.items():
            hint = hints.get(name)
            if hint is bool:
                ok = isinstance(value, bool)
            elif hint in _SCALARS:
                ok = isinstance(value, _SCALARS[hint]) and not isinstance(value, bool)
            else:
                continue
            if not ok:
                raise ValueError(f"config option {name!r} must be {hint.__name__}, got {value!r}")
        return cls(**d)


ARCHITECTURES: dict[str, type[SkeletonModel]] = {}
# Keys of a config's JSON form that state facts about the architecture, not options.
_FACTS = ("summary", "papers")
# Options of the cross-view agreement term, removed after 0.1.0 (no shipped recipe used it; it
# measured negative): dropped when an older config is read. A model pre-trained with the term
# does not load (its projector's weights are unexpected keys).
_RETIRED = ("invariance_weight", "invariance_temperature", "invariance_rotate", "projector_dim")
# Field types checked when a config is read from JSON (an int is a valid float).
_SCALARS: dict[Any, tuple[type, ...]] = {int: (int,), float: (int, float), str: (str,)}


def config_from_dict(d: dict[str, Any]) -> ModelConfig:
    """Build the right config class from a config dict, by its ``arch``."""
    if not isinstance(d, dict):
        raise CheckpointError(f"a model config is a JSON object, got {type(d).__name__}")
    arch = d.get("arch")
    if arch not in ARCHITECTURES:
        raise CheckpointError(
            f"unknown architecture {arch!r} in config (known: {', '.join(sorted(ARCHITECTURES))})"
        )
    return ARCHITECTURES[arch].config_class.from_dict(d)


def build_model(config: ModelConfig | dict[str, Any]) -> SkeletonModel:
    """A freshly initialised model of the architecture a config (or config dict) names."""
    if not isinstance(config, ModelConfig):
        config = config_from_dict(config)
    return ARCHITECTURES[config.arch](config)


class Prediction(tuple):
    """One class of a model's answer, read as ``p["label"]``, ``p["score"]`` (its probability)
    and ``p["index"]`` (its class index), or as attributes; ``to_dict()`` gives the form the
    command line prints. Unpacking it as the ``(label, score)`` pair of earlier releases still
    works for now, with a `DeprecationWarning`."""

    _KEYS = ("label", "score", "index")

    def __new__(cls, label: str, score: float, index: int) -> Prediction:
        p = super().__new__(cls, (label, score))
        p.index = index
        return p

    @property
    def label(self) -> str:
        return tuple.__getitem__(self, 0)

    @property
    def score(self) -> float:
        return tuple.__getitem__(self, 1)

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            if key not in self._KEYS:
                raise KeyError(f"a prediction has {', '.join(self._KEYS)}; not {key!r}")
            return getattr(self, key)
        _tuple_form_deprecated()
        return tuple.__getitem__(self, key)

    def __iter__(self):
        _tuple_form_deprecated()
        return tuple.__iter__(self)

    def keys(self) -> tuple[str, ...]:
        return self._KEYS

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": self.score, "index": self.index}

    def __repr__(self) -> str:
        return repr(self.to_dict())

    def __reduce__(self):
        return (Prediction, (self.label, self.score, self.index))


def _tuple_form_deprecated() -> None:
    warnings.warn(
        "predictions are read as p['label'], p['score'], p['index'] (or p.label …); unpacking "
        "one as a (label, score) pair will stop working in the next release",
        DeprecationWarning,
        stacklevel=3,
    )


def _check_finite(values: torch.Tensor, what: str) -> None:
    """Nothing non-finite leaves the model: it means the input or the weights are out of range."""
    if not torch.isfinite(values).all():
        raise ValueError(
            f"the model produced non-finite {what} (input coordinates or weights out of range)"
        )


class Paper(NamedTuple):
    """A publication a model implements, as zoo entries and model cards cite it."""

    title: str
    url: str


class SkeletonModel(nn.Module):
    """Base class of zoo models, and the contract the training engine relies on.

    Subclasses set ``config_class`` and implement ``forward_features`` ((N, C, T, V, M) →
    (N, F)) and ``forward`` (→ logits, or the features of an encoder). For the engine they also
    provide, where they can: ``pretrain_loss`` (the self-supervised objective) and ``make_mask``
    (its masking, one signature for both systems), ``head`` (the classifier on
    ``forward_features``, trained alone by the linear probe; None for an encoder), ``layer_id``
    (depths for layer-wise lr decay), ``no_weight_decay`` (parameters kept out of weight decay)
    and ``encoder.*`` parameters (what `engine.load_encoder` copies from a pre-trained model).
    """

    config_class: ClassVar[type[ModelConfig]] = ModelConfig
    # The encoder's input projection, whose axis 1 runs over the input channels (streams ×
    # coordinates): `engine.load_encoder` maps it between models with different streams.
    input_projection: ClassVar[str] = ""
    # What the architecture is: written into config.json (`ModelConfig.to_dict`) for zoo
    # entries and model cards.
    summary: ClassVar[str] = ""
    papers: ClassVar[tuple[Paper, ...]] = ()
    head: nn.Module | None

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls.config_class.arch:
            ARCHITECTURES[cls.config_class.arch] = cls

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config

    # -- persistence ---------------------------------------------------------------------------
    def save_pretrained(self, save_directory: str | os.PathLike) -> Path:
        """Write ``config.json`` and ``model.safetensors`` (atomically) into a directory."""
        out = Path(save_directory)
        state = {k: v.detach().cpu().contiguous() for k, v in self.state_dict().items()}
        atomic_write(out / WEIGHTS_NAME, lambda p: save_file(state, p, metadata={"format": "pt"}))
        text = json.dumps(self.config.to_dict(), indent=2) + "\n"
        write_text_atomic(out / CONFIG_NAME, text)
        return out

    @classmethod
    def from_config_and_weights(
        cls, config_path: str | os.PathLike, weights_path: str | os.PathLike, map_location="cpu"
    ) -> SkeletonModel:
        """Build a model from a config file and load a safetensors file into it, strictly."""
        try:
            d = json.loads(Path(config_path).read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise CheckpointError(f"cannot read model config {config_path}: {e}") from None
        config = config_from_dict(d)
        if cls is not SkeletonModel and not issubclass(ARCHITECTURES[config.arch], cls):
            raise CheckpointError(
                f"{config_path} holds a {config.arch} model, not a {cls.__name__}; load any "
                "architecture with skeletonmae.SkeletonMAE.from_pretrained"
            )
        model = build_model(config)
        model.load_weights(weights_path, map_location=map_location)
        return model.eval()

    def load_weights(self, weights_path: str | os.PathLike, map_location="cpu") -> None:
        """Load a safetensors file strictly (see `load_state`)."""
        try:
            state = load_file(str(weights_path), device=str(map_location))
        except (SafetensorError, OSError, ValueError) as e:
            raise CheckpointError(
                f"{weights_path}: not a readable safetensors file ({e})"
            ) from None
        self.load_state(state, str(weights_path))

    def load_state(self, state: dict[str, torch.Tensor], source: str) -> None:
        """Load a state dict strictly: NaN or infinite values, missing, unexpected or mis-shaped
        tensors are a `CheckpointError` that names them and ``source``."""
        bad = sorted(
            k for k, v in state.items() if v.is_floating_point() and not v.isfinite().all()
        )
        if bad:
            raise CheckpointError(
                f"{source}: tensor(s) {', '.join(bad[:4])} hold NaN or infinite values"
            )
        own = self.state_dict()
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        shapes = [
            f"{k} {tuple(state[k].shape)} != {tuple(own[k].shape)}"
            for k in set(own) & set(state)
            if state[k].shape != own[k].shape
        ]
        if missing or unexpected or shapes:
            parts = []
            if missing:
                parts.append(f"missing keys {missing[:8]}{'…' if len(missing) > 8 else ''}")
            if unexpected:
                parts.append(
                    f"unexpected keys {unexpected[:8]}{'…' if len(unexpected) > 8 else ''}"
                )
            if shapes:
                parts.append(f"shape mismatches {sorted(shapes)[:8]}")
            raise CheckpointError(
                f"{source} does not match {type(self).__name__} "
                f"({self.config.arch}): " + "; ".join(parts)
            )
        self.load_state_dict(state, strict=True)

    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str | os.PathLike,
        *,
        revision: str | None = None,
        cache_dir: str | os.PathLike | None = None,
        local_files_only: bool | None = None,
        map_location: str | torch.device = "cpu",
        token: str | bool | None = None,
        force_download: bool = False,
    ) -> SkeletonModel:
        """Load a zoo model by name, a Hub repo id (``org/name``), or a local directory (a model,
        or a training run with its ``model/``) or ``.safetensors`` file (with its ``config.json``
        beside it): on `SkeletonModel` any architecture, on a concrete class only its own.
        ``token`` (private repos) and ``force_download`` go to the Hub client."""
        from ..hub import resolve_pretrained

        config_path, weights_path = resolve_pretrained(
            name_or_path,
            revision=revision,
            cache_dir=cache_dir,
            local_files_only=local_files_only,
            token=token,
            force_download=force_download,
        )
        return cls.from_config_and_weights(config_path, weights_path, map_location=map_location)

    def push_to_hub(
        self,
        repo_id: str,
        *,
        entry: ZooEntry | None = None,
        local_dir: str | os.PathLike | None = None,
        private: bool | None = None,
        token: str | None = None,
        commit_message: str | None = None,
    ) -> PushResult:
        """Publish to the Hugging Face Hub the files of `save_pretrained` plus a model card
        (from the manifest ``entry`` when given). ``local_dir`` writes the repo folder there
        instead of uploading. Returns a `skeletonmae.hub.PushResult` (the commit id when
        uploaded). See `skeletonmae.hub.push_files`."""
        from ..hub import push_model

        return push_model(
            self,
            repo_id,
            entry=entry,
            local_dir=local_dir,
            private=private,
            token=token,
            commit_message=commit_message,
        )

    # -- inference ------------------------------------------------------------------------------
    @property
    def class_names(self) -> list[str]:
        """A classifier's class names in class-id order (empty for an encoder)."""
        return list(self.config.class_names) or [str(i) for i in range(self.config.num_classes)]

    def reset_classifier(self, num_classes: int, class_names: Sequence[str] | None = None) -> None:
        """Replace the head by a freshly initialised one for ``num_classes`` classes (0: none,
        an encoder), keeping the encoder's weights, as timm's ``reset_classifier``."""
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 0:
            raise ValueError(f"num_classes must be an integer >= 0, got {num_classes!r}")
        if not hasattr(self, "head"):
            raise ValueError(f"a {self.config.arch} model has no single head to replace")
        config = replace(self.config, num_classes=num_classes, class_names=list(class_names or []))
        self.config = config
        head = type(self)(config).head
        self.head = None if head is None else head.to(self.device)

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def to_clip(
        self, clip: ClipLike, *, layout: str | None = None, units: str | None = None
    ) -> Clip:
        """A path (clip file, video or photo), array, tensor or `Clip` as a `Clip` on this model's
        layout and units: `skeletonmae.inference.read_clip` with this model's config."""
        from ..inference import read_clip

        return read_clip(clip, self.config, layout=layout, units=units)

    def prepare(self, clips: Iterable[ClipLike], *, layout: str | None = None) -> torch.Tensor:
        """Clips → a preprocessed (N, C, T, V, M) batch of whole clips on the model's device."""
        return self._prepare(clips, layout, preprocess)

    def prepare_views(
        self, clips: Iterable[ClipLike], *, layout: str | None = None
    ) -> torch.Tensor:
        """Clips → their test-time views (config ``preprocess.test_views``), (N, K, C, T, V, M)."""
        return self._prepare(clips, layout, preprocess_views)

    def _prepare(self, clips: Iterable[ClipLike], layout: str | None, fn) -> torch.Tensor:
        arrays = [
            fn(self.to_clip(c, layout=layout), self.config.preprocess, self.config.layout)
            for c in clips
        ]
        if not arrays:
            raise ValueError("no clips given")
        return torch.from_numpy(np.stack(arrays)).to(self.device)

    @torch.no_grad()
    def predict_proba(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities (N, num_classes) of a (N, C, T, V, M) batch, or of test-time views
        (N, K, C, T, V, M): the softmax averaged over the K views."""
        t = self.config.temperature
        if x.dim() == 5:
            return (self(x) / t).softmax(-1)
        n, k = x.shape[:2]
        return (self(x.flatten(0, 1)) / t).softmax(-1).view(n, k, -1).mean(1)

    @torch.no_grad()
    def extract_features_batch(
        self,
        clips: Sequence[ClipLike],
        *,
        layout: str | None = None,
        batch_size: int = 64,
        pooling: str | None = None,
    ) -> np.ndarray:
        """(N, F) features of many clips, averaged over the config's test-time views; ``pooling``
        (see `POOLINGS`) defaults to the config's."""
        self.eval()
        out = []
        for i in progress(range(0, len(clips), batch_size), "extracting"):
            x = self.prepare_views(clips[i : i + batch_size], layout=layout)
            n, k = x.shape[:2]
            f = self.forward_features(x.flatten(0, 1), pooling=pooling)
            out.append(f.view(n, k, -1).mean(1).cpu())
        feats = torch.cat(out)
        _check_finite(feats, "features")
        return feats.numpy()

    def extract_features(
        self, clip: ClipLike, *, layout: str | None = None, pooling: str | None = None
    ) -> np.ndarray:
        """A 1-D feature vector for one clip (the pooled encoder output)."""
        return self.extract_features_batch([clip], layout=layout, pooling=pooling)[0]

    @torch.no_grad()
    def classify_batch(
        self,
        clips: Sequence[ClipLike],
        *,
        top_k: int = 5,
        layout: str | None = None,
        batch_size: int = 64,
    ) -> list[list[Prediction]]:
        """Top-k `Prediction` (label, score, index) for each clip (`predict_proba` of its
        test-time views)."""
        if self.config.num_classes == 0:
            raise ValueError(
                "this model is a pre-trained encoder without a classifier head; "
                "use extract_features, or a fine-tuned / linear-probe model"
            )
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
            raise ValueError(f"top_k must be an integer >= 1, got {top_k!r}")
        self.eval()
        names = self.class_names
        results = []
        for i in progress(range(0, len(clips), batch_size), "classifying"):
            probs = self.predict_proba(self.prepare_views(clips[i : i + batch_size], layout=layout))
            probs = probs.cpu()
            _check_finite(probs, "class scores")
            top = probs.topk(min(top_k, probs.shape[1]), dim=1)
            for vals, idx in zip(top.values.tolist(), top.indices.tolist(), strict=True):
                results.append(
                    [Prediction(names[j], float(v), j) for j, v in zip(idx, vals, strict=True)]
                )
        return results

    def classify(
        self, clip: ClipLike, *, top_k: int = 5, layout: str | None = None
    ) -> list[Prediction]:
        """Top-k `Prediction` (label, score, index) for one clip."""
        return self.classify_batch([clip], top_k=top_k, layout=layout)[0]

    def stream(self, window: int | str, stride: int | str | None = None, **options: Any):
        """A `timeline.ClipStream`: push frames one at a time, get a prediction every
        ``stride`` frames over the last ``window`` (``options``: layout, fps, top_k)."""
        from ..timeline import ClipStream

        return ClipStream(self, window, stride, **options)

    # -- the engine's contract ---------------------------------------------------------------
    def forward_features(self, x: torch.Tensor, pooling: str | None = None) -> torch.Tensor:
        """(N, C, T, V, M) → (N, F) pooled features (see `POOLINGS`)."""
        raise NotImplementedError

    def pretrain_loss(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """The self-supervised loss of a batch, and extras for inspection."""
        raise RuntimeError(f"a {self.config.arch} model has no self-supervised objective")

    def make_mask(self, x: torch.Tensor, generator: torch.Generator | None = None) -> Any:
        """The model's pre-training mask (a `skeletonmae.masking.MaskResult`) for a batch
        (B, C, T, V) of single persons."""
        raise RuntimeError(f"a {self.config.arch} model does not mask its input")

    def layer_id(self, name: str) -> int:
        """Depth of parameter ``name`` for layer-wise lr decay (0: all at the same depth)."""
        return 0

    def no_weight_decay(self) -> set[str]:
        """Names of the parameters with more than one dimension kept out of weight decay
        (position embeddings, mask tokens); biases and norms never decay."""
        return set()

    def split_persons(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """A batch (N, C, T, V, M), checked against the config → (N·M, C, T, V), one row per
        person slot, and the (N, M) mask of the persons present (not all-zero)."""
        c = self.config
        expected = (c.in_channels, c.preprocess.num_frames, c.num_joints)
        if x.ndim != 5 or tuple(x.shape[1:4]) != expected:
            raise ValueError(
                f"input (N, C, T, V, M) = {tuple(x.shape)}; this model expects C, T, V = {expected}"
            )
        present = x.abs().sum(dim=(1, 2, 3)) > 0
        return x.permute(0, 4, 1, 2, 3).flatten(0, 1), present

    def pool_persons(self, feats: torch.Tensor, present: torch.Tensor) -> torch.Tensor:
        """(N·M, F) per-person features → (N, F) by the config's ``person_pooling``, given the
        (N, M) mask of present persons."""
        if self.config.person_pooling == "all":
            present = torch.ones_like(present)
        return average_persons(feats, present)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

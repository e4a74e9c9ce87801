"""The model zoo: ``weights_manifest.json`` — loading, validation against
``manifest.schema.json``, lookup with close-name suggestions — and `register`, which turns a
trained checkpoint into a manifest entry with one call.

The manifest inside the package (``skeletonmae/weights_manifest.json``) is the one source of
truth: it is what an installed package reads. The copy at the repository root is a mirror for
people browsing the repository; `save_manifest` writes both and a test checks they are identical.
``$SKELETONMAE_MANIFEST`` (or a ``manifest=`` argument) points at another manifest file, e.g. a
temporary one in tests. Bundled weights live in ``weights/<name>/`` beside the manifest file.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import json
import os
import re
import shutil
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .fileio import atomic_write, write_json_atomic, write_text_atomic
from .modelfiles import CONFIG_NAME, WEIGHTS_NAME, count_parameters
from .names import did_you_mean
from .runs import RunDir, RunResults

__all__ = [
    "MANIFEST_ENV",
    "Manifest",
    "ManifestError",
    "UnknownModelError",
    "ZooEntry",
    "get_entry",
    "load_manifest",
    "make_entry",
    "manifest_path",
    "register",
    "save_manifest",
    "set_revision",
    "sha256_file",
    "validate_manifest",
]

MANIFEST_ENV = "SKELETONMAE_MANIFEST"
PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_MANIFEST = PACKAGE_DIR / "weights_manifest.json"
ROOT_MANIFEST = PACKAGE_DIR.parent / "weights_manifest.json"
SCHEMA_PATH = PACKAGE_DIR / "manifest.schema.json"
MODEL_FILES = (CONFIG_NAME, WEIGHTS_NAME)

# config.json fields that are entry fields of their own (layout_spec stays only in config.json).
_LIFTED = ("arch", "summary", "papers", "layout", "layout_spec", "preprocess", "class_names")


class ManifestError(ValueError):
    """The manifest file is unreadable or does not follow the schema."""


class UnknownModelError(KeyError):
    """A name that is not in the zoo (the message lists the closest names)."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(kw_only=True)
class ZooEntry:
    """One model of the zoo as the manifest records it (``manifest.schema.json``): what it is,
    what it was trained on and how, what it scored (``metrics``: name, value, split, command…),
    its files and where it is published. Also readable as a mapping (``entry["name"]``), as the
    plain dicts of earlier releases were."""

    name: str
    description: str = ""
    architecture: str
    task: str
    config: dict[str, Any]
    layout: str
    preprocess: dict[str, Any]
    class_names: list[str]
    dataset: str
    protocol: str
    train_split: str
    eval_split: str | None
    metrics: list[dict[str, Any]]
    command: str | None
    params: int
    files: dict[str, dict[str, Any]]
    repo_id: str
    revision: str = ""
    license: str = "other"
    summary: str = ""
    papers: list[dict[str, str]] = field(default_factory=list)
    bundled: bool = False
    stage: str | None = None
    recipe: str | None = None
    pretraining: str | None = None
    evaluation: str | None = None
    recipe_sha256: str | None = None

    def metric(self, name: str) -> float | None:
        """The value of metric ``name`` (e.g. ``top1``), or None when it was not measured."""
        return next((m["value"] for m in self.metrics if m.get("name") == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The manifest's JSON form (optional fields left out when unset)."""
        return {k: v for k, v in asdict(self).items() if v is not None or k in _NULLABLE}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ZooEntry:
        return cls(**copy.deepcopy(dict(d)))

    def __getitem__(self, key: str) -> Any:
        if key not in self:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self else default

    def __contains__(self, key: object) -> bool:
        """Whether the manifest's JSON form has ``key`` (unset optional fields it leaves out)."""
        return key in _FIELDS and (getattr(self, key) is not None or key in _NULLABLE)


# Entry fields written as null when unset (the others are left out).
_NULLABLE = ("eval_split", "command")
_FIELDS = frozenset(f.name for f in fields(ZooEntry))


# -- validation -----------------------------------------------------------------------------------

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def _schema_errors(schema: dict, value: Any, where: str, root: dict) -> Iterator[str]:
    """The subset of JSON Schema that ``manifest.schema.json`` uses, so that validation needs no
    third-party package at run time (the tests check that jsonschema agrees)."""
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        yield from _schema_errors(target, value, where, root)
        return
    if "const" in schema and value != schema["const"]:
        yield f"{where}: expected {schema['const']!r}, found {value!r}"
    if "enum" in schema and value not in schema["enum"]:
        yield f"{where}: {value!r} is not one of {schema['enum']}"
    if "type" in schema:
        types = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
        if not any(_is_type(value, t) for t in types):
            yield f"{where}: expected {' or '.join(types)}, found {type(value).__name__} {value!r}"
            return
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            yield f"{where}: empty string"
        if "pattern" in schema and not re.search(schema["pattern"], value):
            yield f"{where}: {value!r} does not match {schema['pattern']}"
    if "minimum" in schema and _is_type(value, "number") and value < schema["minimum"]:
        yield f"{where}: {value} is below the minimum {schema['minimum']}"
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            yield f"{where}: needs at least {schema['minItems']} item(s)"
        for i, item in enumerate(value):
            yield from _schema_errors(schema.get("items", {}), item, f"{where}[{i}]", root)
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                yield f"{where}: missing {key!r}"
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                yield from _schema_errors(props[key], item, f"{where}.{key}", root)
            elif schema.get("additionalProperties", True) is False:
                yield f"{where}: unknown field {key!r}"


def load_schema() -> dict:
    """The manifest's JSON Schema."""
    return json.loads(SCHEMA_PATH.read_text())


def manifest_problems(data: Any) -> list[str]:
    """Everything wrong with a manifest: schema violations, then the rules a schema cannot state
    (unique names, a default that is a classifier in the zoo, class names that fit the config)."""
    schema = load_schema()
    problems = list(_schema_errors(schema, data, "manifest", schema))
    if problems:
        return problems
    seen: set[str] = set()
    for i, e in enumerate(data["models"]):
        where = f"models[{i}] ({e['name']})"
        if e["name"] in seen:
            problems.append(f"{where}: duplicate name")
        seen.add(e["name"])
        n = e["config"].get("num_classes", 0)
        if len(e["class_names"]) != n:
            problems.append(f"{where}: {len(e['class_names'])} class_names for num_classes={n}")
        if (e["task"] == "action-classification") != (n > 0):
            problems.append(f"{where}: task {e['task']!r} does not fit num_classes={n}")
    default = data["default"]
    if default is not None:
        entry = next((e for e in data["models"] if e["name"] == default), None)
        if entry is None:
            problems.append(f"default {default!r} is not a model in the manifest")
        elif entry["task"] != "action-classification":
            problems.append(f"default {default!r} is not a classifier")
    encoder = data.get("default_encoder")
    if encoder is not None and encoder not in seen:
        problems.append(f"default_encoder {encoder!r} is not a model in the manifest")
    return problems


def validate_manifest(data: Any, source: str | os.PathLike = "manifest") -> None:
    """Raise `ManifestError` naming ``source`` and every problem found."""
    problems = manifest_problems(data)
    if problems:
        raise ManifestError(f"{source}: invalid weights manifest: " + "; ".join(problems))


# -- loading and lookup ----------------------------------------------------------------------------


def manifest_path(manifest: str | os.PathLike | None = None) -> Path:
    """The manifest file: the argument, else ``$SKELETONMAE_MANIFEST``, else the package's."""
    chosen = manifest or os.environ.get(MANIFEST_ENV)
    return Path(chosen) if chosen else PACKAGE_MANIFEST


@dataclass(frozen=True)
class Manifest:
    """A validated manifest and the file it came from."""

    path: Path
    data: dict[str, Any]

    @property
    def entries(self) -> dict[str, ZooEntry]:
        return {e["name"]: ZooEntry.from_dict(e) for e in self.data["models"]}

    @property
    def default(self) -> str | None:
        return self.data["default"]

    @property
    def default_encoder(self) -> str | None:
        """The encoder `extract` uses by default (else the default classifier)."""
        return self.data.get("default_encoder") or self.default

    def get(self, name: str) -> ZooEntry:
        """The entry called ``name``; `UnknownModelError` with the closest names otherwise."""
        names = [e["name"] for e in self.data["models"]]
        if name in names:  # built alone: a lookup does not copy the whole manifest
            return ZooEntry.from_dict(self.data["models"][names.index(name)])
        if not names:
            raise UnknownModelError(
                f"unknown model {name!r}: the zoo manifest {self.path} has no models yet"
            )
        hint = did_you_mean(name, names)
        raise UnknownModelError(
            f"unknown model {name!r}{hint} (known: {', '.join(sorted(names))}; "
            "`skeletonmae list` shows the zoo)"
        )

    def weights_dir(self, name: str) -> Path:
        """Where a bundled model's files live."""
        return self.path.parent / "weights" / name


def load_manifest(manifest: str | os.PathLike | None = None) -> Manifest:
    """Read and validate the manifest (see `manifest_path` for which file)."""
    path = manifest_path(manifest)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ManifestError(f"{path}: weights manifest not found") from None
    except (OSError, json.JSONDecodeError) as e:
        raise ManifestError(f"{path}: unreadable weights manifest ({e})") from None
    validate_manifest(data, path)
    return Manifest(path, data)


TASKS = ("action-classification", "feature-extraction")


def list_models(
    pattern: str | None = None,
    *,
    task: str | None = None,
    manifest: str | os.PathLike | None = None,
) -> list[str]:
    """Names of the zoo's models, in manifest order, as in timm: ``pattern`` keeps the names it
    matches (shell wildcards, ``"*nwucla*"``), ``task`` one kind (`TASKS`)."""
    if pattern in TASKS and task is None:  # the task used to be the first argument
        warnings.warn(
            f"list_models({pattern!r}) lists by name pattern now; pass task={pattern!r}",
            DeprecationWarning,
            stacklevel=2,
        )
        pattern, task = None, pattern
    if task is not None and task not in TASKS:
        raise ValueError(f"unknown task {task!r}{did_you_mean(task, TASKS)} (tasks: {TASKS})")
    return [
        e["name"]
        for e in load_manifest(manifest).data["models"]
        if (task is None or e["task"] == task)
        and (pattern is None or fnmatch.fnmatchcase(e["name"], pattern))
    ]


def get_entry(name: str, manifest: str | os.PathLike | None = None) -> ZooEntry:
    """The manifest entry of zoo model ``name``."""
    return load_manifest(manifest).get(name)


# -- building and registering entries --------------------------------------------------------------


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _model_dir(source: Path) -> Path:
    """A model directory, or a training run's output directory holding one in ``model/``."""
    for d in (source, RunDir(source).model):
        if all((d / f).is_file() for f in MODEL_FILES):
            return d
    raise FileNotFoundError(f"{source}: no {CONFIG_NAME} + {WEIGHTS_NAME} here or in model/")


def _metrics(results: RunResults) -> list[dict[str, Any]]:
    """Metric records of a run: a ready ``metrics`` list it carries, or its `METRIC_KEYS` (with
    its ``eval_split``, ``num_clips`` and ``command``)."""
    if "metrics" in results.extra:
        return [dict(m) for m in results.extra["metrics"]]
    out = []
    for key, value in results.metrics.items():
        m = {
            "name": key,
            "value": float(value),
            "split": results.eval_split,
            "command": results.command,
        }
        if results.num_clips:
            m["num_clips"] = int(results.num_clips)
        out.append(m)
    return out


def _pretraining(run: RunDir, results: RunResults) -> str:
    """What a run started from, for the zoo table: its ``init`` (from results.json, or from the
    run's recipe.json for runs that predate that field) by checkpoint name."""
    if results.stage == "pretrain":
        return "self-supervised (this run, no labels)"
    init = results.init if results.init is not None else (run.read_recipe() or {}).get("init")
    if not init:
        return "none (from scratch)"
    p = Path(init)
    return p.parent.name if p.name == "model" else p.name


def evaluation(entry: ZooEntry) -> str:
    """How an entry's metrics were obtained, read from its config: always the final epoch (no
    selection on the test split); one model or an ensemble of k; the test-time views averaged
    (see `PreprocessConfig.test_views`). Empty for an entry without metrics."""
    if not entry.metrics:
        return ""
    k = len(entry.config.get("members") or [])
    views = len(entry.preprocess.get("test_views") or [[0.0, 1.0]])
    who = f"ensemble of {k}" if k else "single model"
    how = "whole clip" if views == 1 else f"{views} test-time views"
    return f"final epoch, {who}, {how}"


def make_entry(
    name: str,
    source: str | os.PathLike,
    results: RunResults | Mapping[str, Any] | None = None,
    **fields: Any,
) -> ZooEntry:
    """A manifest entry for the checkpoint in ``source`` (a model directory, or a training run's
    output directory with ``model/`` and ``results.json``).

    ``results`` (default: the run's ``results.json`` when present) is what the engine records
    (`RunResults`, or its dict form): ``dataset``, the splits, ``command``, ``stage``,
    ``recipe`` and the metrics, or a ready ``metrics`` list. ``fields`` set or override any
    entry field (``description``, ``protocol``, ``repo_id``, ``license``, ``bundled``…).
    ``summary`` and ``papers`` come from config.json (written there at save time); the result is
    not validated here (`register` does that).
    """
    run = RunDir(Path(source))
    model_dir = _model_dir(run.path)
    if results is None:
        results = run.read_results() or RunResults()
    elif not isinstance(results, RunResults):
        results = RunResults.from_dict(dict(results))
    config = json.loads((model_dir / CONFIG_NAME).read_text())
    num_classes = config.get("num_classes", 0)
    entry = ZooEntry(
        name=name,
        architecture=config["arch"],
        task="action-classification" if num_classes else "feature-extraction",
        config={k: v for k, v in config.items() if k not in _LIFTED},
        layout=config["layout"],
        preprocess=config["preprocess"],
        class_names=list(config.get("class_names") or []),
        dataset=results.dataset,
        protocol=(results.eval_split or results.train_split or "").split("_")[0],
        train_split=results.train_split or "",
        eval_split=results.eval_split,
        metrics=_metrics(results),
        command=results.command,
        # learnable parameters only (BatchNorm running statistics are buffers, not parameters)
        params=count_parameters(model_dir / WEIGHTS_NAME),
        files={
            f: {"size": (model_dir / f).stat().st_size, "sha256": sha256_file(model_dir / f)}
            for f in MODEL_FILES
        },
        repo_id=f"skeletonmae/{name}",
        summary=config.get("summary", ""),
        papers=list(config.get("papers") or []),
        stage=results.stage or None,
        recipe=results.recipe or None,
        recipe_sha256=results.recipe_sha256 or None,
        pretraining=_pretraining(run, results) if results.stage else None,
    )
    entry.evaluation = evaluation(entry) or None
    return replace(entry, **fields)


def save_manifest(data: dict[str, Any], manifest: str | os.PathLike | None = None) -> Path:
    """Validate and write a manifest atomically; writing the package manifest also refreshes
    the repository-root mirror when there is one (a source checkout)."""
    path = manifest_path(manifest)
    validate_manifest(data, path)
    write_json_atomic(path, data)
    if path.resolve() == PACKAGE_MANIFEST and ROOT_MANIFEST.is_file():
        atomic_write(ROOT_MANIFEST, lambda p: shutil.copyfile(path, p))
    return path


def register(
    source: str | os.PathLike,
    name: str,
    results: RunResults | Mapping[str, Any] | None = None,
    *,
    bundled: bool = False,
    default: bool = False,
    manifest: str | os.PathLike | None = None,
    **fields: Any,
) -> ZooEntry:
    """Add (or replace) the entry ``name`` for the checkpoint in ``source`` and save the manifest.

    ``bundled=True`` also copies config.json and model.safetensors to ``weights/<name>/`` beside
    the manifest, so the model loads with no network; ``default=True`` makes it the model that
    ``skeletonmae classify`` uses. Other arguments are those of `make_entry`. Returns the entry.
    """
    zoo = load_manifest(manifest)
    entry = make_entry(name, source, results, bundled=bundled, **fields)
    data = json.loads(json.dumps(zoo.data))
    names = [e["name"] for e in data["models"]]
    if name in names:  # a replaced entry keeps its place in the zoo's order
        data["models"][names.index(name)] = entry.to_dict()
    else:
        data["models"].append(entry.to_dict())
    if default:
        data["default"] = name
    validate_manifest(data, f"{zoo.path} (with new entry {name!r})")
    target = zoo.weights_dir(name)
    if bundled:
        target.mkdir(parents=True, exist_ok=True)
        for f in MODEL_FILES:
            src = _model_dir(Path(source)) / f
            atomic_write(target / f, lambda p, src=src: shutil.copyfile(src, p))
        _write_card(target, entry)
    elif target.is_dir():
        shutil.rmtree(target)
    save_manifest(data, zoo.path)
    return entry


CARD_NAME = "README.md"


def _write_card(folder: Path, entry: ZooEntry) -> None:
    """A bundled model's card beside its weights, as its Hub repo would carry it."""
    from .modelcard import render_model_card

    write_text_atomic(folder / CARD_NAME, render_model_card(entry))


def set_revision(
    name: str, repo_id: str, revision: str, manifest: str | os.PathLike | None = None
) -> ZooEntry:
    """Record that zoo model ``name`` was uploaded to ``repo_id`` in commit ``revision`` (the id
    `skeletonmae.hub.push_files` returns) and save the manifest. Returns the updated entry."""
    zoo = load_manifest(manifest)
    entry = replace(zoo.get(name), repo_id=repo_id, revision=revision)
    data = json.loads(json.dumps(zoo.data))
    data["models"] = [entry.to_dict() if e["name"] == name else e for e in data["models"]]
    save_manifest(data, zoo.path)
    if entry.bundled:
        _write_card(zoo.weights_dir(name), entry)
    return entry


def results_table(manifest: str | os.PathLike | None = None) -> str:
    """The README's zoo table (Markdown), generated from the manifest so the two cannot drift."""
    rows = [
        "| checkpoint | architecture | pre-training | protocol | top-1 | evaluation | params "
        "| size | command |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in load_manifest(manifest).entries.values():
        top1 = e.metric("top1")
        size = sum(f["size"] for f in e.files.values()) / 1e6
        rows.append(
            f"| {e.name} | {e.architecture} | {e.pretraining or '—'} "
            f"| {e.dataset} {e.protocol} | {'—' if top1 is None else f'{top1:.2f}'} "
            f"| {e.evaluation or '—'} | {e.params / 1e6:.2f} M | {size:.1f} MB "
            f"| `{e.command or ''}` |"
        )
    return "\n".join(rows)

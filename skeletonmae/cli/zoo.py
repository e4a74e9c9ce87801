"""Model-zoo commands: ``list`` and ``info`` (the manifest), ``classify`` and ``extract`` (run a
model on clip files), ``push`` (publish a model to the Hub) and ``register`` (maintainers: add a
trained checkpoint to the manifest).

User errors (a missing file, a bad clip, an unknown model) end the command with a one-line
reason on stderr and exit status 1, never a traceback. ``$SKELETONMAE_MANIFEST`` selects another
manifest file.
"""

from __future__ import annotations

import glob
import json
import warnings
from pathlib import Path
from textwrap import shorten
from typing import TYPE_CHECKING, Any

import click

from .options import device_option, json_option, output_option, set_threads, threads_option

if TYPE_CHECKING:
    from ..zoo import ZooEntry

__all__ = ["COMMANDS"]


def _manifest():
    from ..zoo import load_manifest

    return load_manifest()


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def _metric(entry: ZooEntry) -> str:
    if not entry.metrics:
        return "-"
    m = entry.metrics[0]
    return f"{m['name']} {m['value']:.2f} ({m['split']})"


@click.command("list")
@click.argument("pattern", required=False)
@json_option("the entries")
def list_models(pattern: str | None, as_json: bool) -> None:
    """The model zoo: name, architecture, dataset, metric and size of each checkpoint; PATTERN
    keeps the names it matches ('*nwucla*')."""
    from ..zoo import list_models as names_matching

    zoo = _manifest()
    every = zoo.entries
    entries = [every[n] for n in names_matching(pattern, manifest=zoo.path)]
    if pattern is not None and not entries:
        raise click.ClickException(
            f"no zoo model matches {pattern!r} (names: {', '.join(every)}; wildcards: '*nwucla*')"
        )
    if as_json:
        models = [e.to_dict() for e in entries]
        click.echo(json.dumps({"default": zoo.default, "models": models}, indent=2))
        return
    if not entries:
        click.echo(f"the zoo manifest ({zoo.path}) has no models yet")
        return
    rows = [("name", "architecture", "dataset", "metric", "size")]
    for e in entries:
        flag = " *" if e.name == zoo.default else ""
        size = sum(f["size"] for f in e.files.values())
        dataset = f"{e.dataset} {e.protocol}".strip() or "-"
        rows.append((e.name + flag, e.architecture, dataset, _metric(e), _size(size)))
    _print_rows(rows)
    if any(e.name == zoo.default for e in entries):
        click.echo("\n* default model of `skeletonmae classify`")


@click.command("recipes")
@json_option("the recipes")
def list_recipes(as_json: bool) -> None:
    """The shipped training recipes: name, stage, dataset, epochs and what each trains."""
    from ..engine.recipe import available_recipes, load_recipe

    recipes = [load_recipe(n) for n in available_recipes()]
    _show(
        as_json,
        [r.to_dict() for r in recipes],
        ("name", "stage", "dataset", "epochs", "description"),
        [
            (
                r.name,
                r.stage,
                r.dataset,
                str(r.epochs),
                shorten(r.description, 72, placeholder=" …"),
            )
            for r in recipes
        ],
    )


@click.command("layouts")
@json_option("the layouts")
def list_layouts(as_json: bool) -> None:
    """The skeleton layouts clips can be in: joints, coordinate frame, units and aliases."""
    from ..layouts import available_layouts, get_layout, layout_aliases

    layouts = [get_layout(n) for n in available_layouts()]
    aliases = sorted(layout_aliases().items())
    _show(
        as_json,
        [lay.to_dict() for lay in layouts],
        ("name", "joints", "axes (x, y, z)", "units", "aliases"),
        [
            (
                lay.name,
                str(lay.num_joints),
                ", ".join(lay.axes) or "-",
                lay.units or "-",
                ", ".join(a for a, n in aliases if n == lay.name) or "-",
            )
            for lay in layouts
        ],
    )


def _show(as_json: bool, records: list[dict], header: tuple[str, ...], rows: list) -> None:
    """A listing: its records as JSON, or a table of ``header`` and ``rows``."""
    if as_json:
        click.echo(json.dumps(records, indent=2))
    else:
        _print_rows([header, *rows])


def _print_rows(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


@click.command("info")
@click.argument("name")
@json_option("the manifest entry")
def info(name: str, as_json: bool) -> None:
    """The manifest entry of zoo model NAME, or what a model directory or training run (its
    config, weights and results) would be as one."""
    if Path(name).is_dir():
        from ..zoo import make_entry

        try:
            e = make_entry(Path(name).resolve().name, name)
        except FileNotFoundError:
            raise click.ClickException(
                f"{name}: not a model directory or training run (no config.json and "
                "model.safetensors, nor model/ with them)"
            ) from None
    else:
        e = _manifest().get(name)
    if as_json:
        click.echo(json.dumps(e.to_dict(), indent=2))
        return
    rev = e.revision or "(not uploaded yet)"
    lines = [
        ("name", e.name),
        ("description", e.description or "-"),
        ("architecture", e.architecture + (f": {e.summary}" if e.summary else "")),
        ("task", e.task + (f" ({e.stage}, recipe {e.recipe})" if e.recipe else "")),
        (
            "dataset",
            f"{e.dataset} ({e.protocol}): trained on {e.train_split}, evaluated on {e.eval_split}",
        ),
        *(
            (
                "metric",
                f"{m['name']} = {m['value']} on {m['split']}"
                + (f" ({m['num_clips']} clips)" if m.get("num_clips") else "")
                + f" by `{m['command']}`",
            )
            for m in e.metrics
        ),
        ("started from", (e.pretraining or "-")),
        ("trained by", f"`{e.command}`" if e.command else "-"),
        ("parameters", f"{e.params:,}"),
        *(("file", f"{f} {r['size']:,} bytes sha256 {r['sha256']}") for f, r in e.files.items()),
        ("hub", f"{e.repo_id} revision {rev}"),
        ("bundled", "yes (ships in the package)" if e.bundled else "no (downloaded)"),
        ("license", e.license),
        *(("paper", f"{p['title']} <{p['url']}>") for p in e.papers),
        ("layout", e.layout),
        ("preprocess", json.dumps(e.preprocess)),
        ("classes", ", ".join(f"{i}: {c}" for i, c in enumerate(e.class_names)) or "-"),
        ("config", json.dumps(e.config)),
    ]
    for key, value in lines:
        click.echo(f"{key + ':':14}{value}")


def _expand(patterns: tuple[str, ...]) -> list[Path]:
    """Clip paths from arguments: files as given, globs expanded (``**`` included)."""
    files: list[Path] = []
    for pattern in patterns:
        p = Path(pattern)
        if p.is_dir():
            raise click.ClickException(
                f"{p} is a directory; pass clip files or a glob like '{p}/*.npy'"
            )
        if p.exists() or p.is_symlink():  # a broken link or loop: the reader says which
            files.append(p)
        elif glob.has_magic(pattern):
            matches = sorted(Path(m) for m in glob.glob(pattern, recursive=True))
            matches = [m for m in matches if m.is_file()]
            if not matches:
                raise click.ClickException(f"no clip files match {pattern!r}")
            files += matches
        else:
            raise click.ClickException(f"no such clip file: {p}")
    return files


def _load(model: str | None, *, encoder: bool = False, device: str | None = None):
    """The model to run, on ``device`` (default: a GPU when there is one), and the name it goes
    by: ``model``, else the manifest's default (its default encoder when ``encoder``)."""
    from ..engine.trainer import resolve_device
    from ..models import SkeletonModel

    where = resolve_device(device)  # a device this machine lacks: one line, before any loading

    if model is None:
        model = _manifest().default_encoder if encoder else _manifest().default
        if model is None:
            raise click.ClickException(
                "the zoo manifest has no default model yet; pass --model NAME_OR_PATH "
                "(`skeletonmae list` shows the zoo)"
            )
    return SkeletonModel.from_pretrained(model).to(where), model


def _clips(
    model,
    files: list[Path],
    layout: str | None,
    *,
    skip_errors: bool = False,
    units: str | None = None,
) -> tuple[list, list[Path], dict[Path, str]]:
    """Read every clip first, so that a bad file stops the command before any output; with
    ``skip_errors`` bad files are reported on stderr and left out. Returns (clips, their files,
    each left-out file's error)."""
    from ..inference import read_clip
    from ..pose import is_media
    from ..progress import progress

    clips, kept, said, errors = [], [], set(), {}
    for f in progress(files, "reading clips"):
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                clips.append(read_clip(f, model.config, layout=layout, units=units))
            if is_media(f):
                kind = "3-D world" if model.config.coord_channels == 3 else "2-D image"
                click.echo(
                    f"{f}: MediaPipe Pose (complexity 1), {kind} landmarks, mediapipe-33 → "
                    f"{model.config.layout} (joints by name, axes turned)",
                    err=True,
                )
            for w in caught:
                if str(w.message) not in said:  # e.g. derived joints: once, not once per clip
                    said.add(str(w.message))
                    click.echo(f"Warning: {w.message}", err=True)
            kept.append(f)
        except (OSError, ValueError, LookupError) as e:  # the group's user errors
            msg = " ".join(str(e).split("\n"))
            msg = msg if str(f) in msg else f"{f}: {msg}"
            if not skip_errors:
                raise click.ClickException(msg) from None
            click.echo(f"Error: {msg}", err=True)
            errors[f] = msg
    if not clips:
        raise click.ClickException("no clip could be read")
    return clips, kept, errors


def _json_results(files: list[Path], done: dict[Path, dict], errors: dict[Path, str]) -> list:
    """One JSON result per file in argument order: what was computed, or the file's error."""
    return [{"file": str(f), **(done[f] if f in done else {"error": errors[f]})} for f in files]


_skip_errors_option = click.option(
    "--skip-errors",
    is_flag=True,
    help="Report unreadable clips on stderr and process the others (exit status 1 if any failed).",
)
_units_option = click.option(
    "--units",
    type=click.Choice(["m", "cm", "mm"]),
    help="Units of 3-D clip coordinates, converted to the metres models expect [default: "
    "metres, with a warning when the scale looks like mm or cm].",
)
_batch_size_option = click.option(
    "--batch-size", type=click.IntRange(min=1), default=64, show_default=True
)


_window_option = click.option(
    "--window",
    metavar="SPAN",
    help="Slide a window over each clip: frames (64) or seconds (2s); gives a timeline.",
)
_stride_option = click.option(
    "--stride",
    metavar="SPAN",
    help="Step between windows, frames or seconds [default: half the window].",
)


def _table(timeline: list[dict]) -> list[str]:
    """Readable lines of a timeline: span, then the top labels and scores."""
    lines = []
    for e in timeline:
        span = (
            f"{e['start_s']:8.2f}s–{e['end_s']:.2f}s"
            if "start_s" in e
            else f"{e['start']:6d}–{e['end']} f"
        )
        top = "  ".join(f"{t['score']:.3f} {t['label']}" for t in e["top"]) or "(no person)"
        lines.append(f"  {span:18}  {top}")
    return lines


_model_option = click.option(
    "--model",
    "-m",
    metavar="NAME_OR_PATH",
    help="Zoo name, Hub repo id (org/name[@rev]) or local directory [default: the zoo default].",
)
_layout_option = click.option(
    "--layout",
    help="Skeleton layout of the clips when the file does not say (e.g. ntu-rgbd).",
)


@click.command("classify")
@click.argument("paths", nargs=-1, required=True)
@_model_option
@click.option("--top-k", "-k", type=click.IntRange(min=1), default=5, show_default=True)
@_layout_option
@json_option("the results")
@_skip_errors_option
@_batch_size_option
@_units_option
@_window_option
@_stride_option
@device_option
@threads_option
def classify(
    paths: tuple[str, ...],
    model: str | None,
    top_k: int,
    layout: str | None,
    as_json: bool,
    skip_errors: bool,
    batch_size: int,
    units: str | None,
    window: str | None,
    stride: str | None,
    device: str | None,
    threads: int | None,
) -> None:
    """Top-k actions of each clip in PATHS (files or globs: .npy, .npz, NW-UCLA .json, ...;
    videos and images with the video extra); with --window, a timeline per clip."""
    set_threads(threads)
    files = _expand(paths)
    net, name = _load(model, device=device)
    if net.config.num_classes == 0:
        raise click.ClickException(
            f"{name!r} is a pre-trained encoder without a classifier; use `skeletonmae extract`"
        )
    _check_window(window, stride)
    clips, good, errors = _clips(net, files, layout, skip_errors=skip_errors, units=units)
    if window is not None:
        from ..timeline import classify_windows

        answers = [
            classify_windows(net, c, window, stride, top_k=top_k, batch_size=batch_size)
            for c in clips
        ]
        done = {f: {"timeline": t} for f, t in zip(good, answers, strict=True)}
        lines = _table
    else:
        answers = net.classify_batch(clips, top_k=top_k, batch_size=batch_size)
        done = {
            f: {"predictions": [p.to_dict() for p in preds]}
            for f, preds in zip(good, answers, strict=True)
        }
        lines = _ranks
    if as_json:
        results = _json_results(files, done, errors)
        click.echo(json.dumps({"model": name, "results": results}, indent=2, allow_nan=False))
    else:
        click.echo(f"model: {name}")
        for f, answer in zip(good, answers, strict=True):
            click.echo(f"\n{f}")
            click.echo("\n".join(lines(answer)))
    _fail_if_unread(errors, good)


def _ranks(predictions: list) -> list[str]:
    """Readable lines of one clip's top-k predictions."""
    return [f"  {rank}. {p.score:6.3f}  {p.label}" for rank, p in enumerate(predictions, 1)]


def _check_window(window: str | None, stride: str | None) -> None:
    if stride is not None and window is None:
        raise click.UsageError("--stride needs --window")


def _fail_if_unread(errors: dict[Path, str], read: list[Path]) -> None:
    """Exit 1 (after the results of the files that were read) when some could not be read."""
    if errors:
        raise click.ClickException(
            f"{len(errors)} of {len(errors) + len(read)} clip(s) could not be read"
        )


@click.command("extract")
@click.argument("paths", nargs=-1, required=True)
@output_option(
    directory=False,
    help="OUT.npz (one array per clip, keyed by file stem) or OUT.npy (N x D, in argument order).",
)
@click.option(
    "--model",
    "-m",
    metavar="NAME_OR_PATH",
    help="Zoo name, Hub repo id (org/name[@rev]) or local directory [default: the zoo's default "
    "encoder].",
)
@_layout_option
@_skip_errors_option
@_batch_size_option
@_units_option
@click.option(
    "--pooling",
    type=click.Choice(["mean", "joints", "joints-time"]),
    help="How token features are pooled [default: the model's]: mean of all tokens (D values), "
    "per joint over time (V·D), or per joint over each half of the clip (2·V·D).",
)
@_window_option
@_stride_option
@device_option
@threads_option
def extract(
    paths: tuple[str, ...],
    output: Path,
    model: str | None,
    layout: str | None,
    skip_errors: bool,
    batch_size: int,
    units: str | None,
    pooling: str | None,
    window: str | None,
    stride: str | None,
    device: str | None,
    threads: int | None,
) -> None:
    """Feature vectors of the clips in PATHS (files or globs), saved to OUT.npz / OUT.npy; with
    --window, one per window (OUT.npz: STEM → (N, F), STEM_windows → (N, 2) start/end frames)."""
    import numpy as np

    from ..fileio import atomic_write

    if output.suffix not in (".npz", ".npy"):
        raise click.ClickException(f"{output}: the output must be a .npz or .npy file")
    if window is not None and output.suffix != ".npz":
        raise click.UsageError("--window writes one array per clip: the output must be a .npz")
    _check_window(window, stride)
    set_threads(threads)
    files = _expand(paths)
    net, name = _load(model, encoder=True, device=device)
    clips, files, errors = _clips(net, files, layout, skip_errors=skip_errors, units=units)
    stems = [f.stem for f in files]
    dupes = sorted({s for s in stems if stems.count(s) > 1})
    if output.suffix == ".npz" and dupes:
        raise click.ClickException(
            f"several clips share the file stem(s) {dupes}; .npz keys must be unique (write a "
            ".npy, or extract them separately)"
        )
    if window is not None:
        from ..timeline import extract_windows

        arrays = {}
        for stem, c in zip(stems, clips, strict=True):
            arrays[stem], arrays[f"{stem}_windows"] = extract_windows(
                net, c, window, stride, pooling=pooling, batch_size=batch_size
            )
        atomic_write(output, lambda p: np.savez(p, **arrays), suffix=".npz")
        total = sum(len(arrays[s]) for s in stems)
        click.echo(
            f"wrote {total} window feature vectors of {len(files)} clip(s) from {name} to {output}"
        )
    else:
        feats = net.extract_features_batch(clips, pooling=pooling, batch_size=batch_size)
        if output.suffix == ".npz":
            arrays = dict(zip(stems, feats, strict=True))
            atomic_write(output, lambda p: np.savez(p, **arrays), suffix=".npz")
        else:
            atomic_write(output, lambda p: np.save(p, feats), suffix=".npy")
        click.echo(
            f"wrote {len(files)} feature vectors of size {feats.shape[1]} from {name} to {output}"
        )
    _fail_if_unread(errors, files)


@click.command("push")
@click.argument("name_or_path")
@click.option("--repo-id", required=True, help="Hub repository to publish to, ORG/NAME.")
@click.option(
    "--local-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the repository folder here instead of uploading.",
)
@click.option("--private", is_flag=True, default=None, help="Create the repository private.")
@click.option("--token", envvar="HF_TOKEN", help="Hub token [default: $HF_TOKEN or the login].")
@click.option("--commit-message", help="Message of the Hub commit.")
@click.option(
    "--record-revision",
    is_flag=True,
    help="After uploading a zoo model, record repo id and commit in the manifest.",
)
def push(
    name_or_path: str,
    repo_id: str,
    local_dir: Path | None,
    private: bool | None,
    token: str | None,
    commit_message: str | None,
    record_revision: bool,
) -> None:
    """Publish NAME_OR_PATH (zoo name or model directory): config.json, model.safetensors and a
    model card README.md generated from its manifest entry."""
    from .. import hub, zoo

    result = hub.push(
        name_or_path,
        repo_id,
        local_dir=local_dir,
        private=private,
        token=token,
        commit_message=commit_message,
        record_revision=record_revision,
    )
    if result.folder is not None:
        click.echo(
            f"wrote {', '.join(sorted(p.name for p in result.folder.iterdir()))} to {result.folder}"
        )
        return
    click.echo(f"pushed {name_or_path} to {repo_id} at commit {result.commit}")
    if record_revision:
        click.echo(f"recorded {repo_id}@{result.commit} in {zoo.manifest_path()}")


@click.command("register")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--name", required=True, help="Zoo name of the checkpoint.")
@click.option(
    "--results",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="results.json of the run [default: SOURCE/results.json when present].",
)
@click.option("--bundle", is_flag=True, help="Ship the weights inside the package.")
@click.option(
    "--default", "make_default", is_flag=True, help="Make it the default model of `classify`."
)
@click.option(
    "--repo-id", help="Hub repository it is (to be) published under [default: skeletonmae/NAME]."
)
@click.option("--description", default="", help="One-line description for list/info/cards.")
@click.option(
    "--license",
    "license_",
    default="other",
    show_default=True,
    help="Licence identifier of the weights (Hub style).",
)
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Manifest to update [default: $SKELETONMAE_MANIFEST or the package's].",
)
def register(
    source: Path,
    name: str,
    results: Path | None,
    bundle: bool,
    make_default: bool,
    repo_id: str | None,
    description: str,
    license_: str,
    manifest: Path | None,
) -> None:
    """Maintainers: add (or replace) zoo entry NAME for the checkpoint in SOURCE (a model
    directory, or a training run's output directory with model/ and results.json)."""
    from .. import zoo

    fields: dict[str, Any] = {"description": description, "license": license_}
    if repo_id:
        fields["repo_id"] = repo_id
    res = json.loads(results.read_text()) if results else None
    entry = zoo.register(
        source,
        name,
        res,
        bundled=bundle,
        default=make_default,
        manifest=manifest,
        **fields,
    )
    where = zoo.manifest_path(manifest)
    click.echo(
        f"registered {entry.name} ({entry.params:,} parameters"
        f"{', bundled' if bundle else ''}) in {where}"
    )


COMMANDS = [list_models, list_recipes, list_layouts, info, classify, extract, push, register]

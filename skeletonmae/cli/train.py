"""Training commands: ``pretrain``, ``linear-probe``, ``finetune`` (each driven by a recipe),
``ensemble`` (several classifiers as one model) and ``evaluate`` (top-1 / top-5 of a trained
classifier on a dataset split)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import (
    data_root_option,
    device_option,
    json_option,
    output_option,
    set_threads,
    threads_option,
)

if TYPE_CHECKING:
    from ..engine.recipe import Recipe

__all__ = ["COMMANDS", "resolve_recipe"]

_data_root = data_root_option(
    required=True,
    help="Dataset directory, e.g. ../shared/data/nw-ucla (or $SKELETONMAE_DATA_ROOT).",
)


def command_line() -> str:
    """This command as typed, for the results a run records."""
    return "skeletonmae " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def resolve_recipe(recipe: str, init: str | None = None, **overrides: object) -> Recipe:
    """The recipe a training command runs: ``recipe`` (name or .json) with the command's
    overrides (None: unchanged) and ``--init`` ('none': from scratch). An ``epochs`` no longer
    than the recipe's warm-up shrinks the warm-up in proportion (unless it is given too)."""
    from ..engine import load_recipe

    base = load_recipe(recipe)
    r = base.override(**overrides)
    if (
        overrides.get("epochs")
        and overrides.get("warmup_epochs") is None
        and (r.warmup_epochs >= r.epochs > 0)
    ):  # a short run of a long recipe warms up for the same share of it, not forever
        r = r.override(warmup_epochs=max(round(base.warmup_epochs * r.epochs / base.epochs), 0))
    if init is not None:
        r.init = None if init.lower() == "none" else init
    return r


def _override_options(f):
    """A ``--field-name`` option for each recipe field of `engine.recipe.OVERRIDES`, typed as
    the field (checked by the recipe, so that a bad value is one line naming the field)."""
    from typing import get_type_hints

    from ..engine.recipe import OVERRIDES, Recipe

    hints = get_type_hints(Recipe)
    for name, text in reversed(OVERRIDES.items()):
        kind = next(t for t in (int, float, str) if t == hints[name] or t in _members(hints[name]))
        f = click.option("--" + name.replace("_", "-"), name, type=kind, help=text)(f)
    return f


def _members(hint) -> tuple:
    return getattr(hint, "__args__", ())


def _stage_command(stage: str) -> click.Command:
    @click.command(
        stage,
        help=f"Run the {stage} stage of RECIPE (a shipped recipe name or a .json "
        "file), with optional overrides.",
    )
    @click.argument("recipe")
    @_data_root
    @click.option(
        "--output",
        type=click.Path(path_type=Path),
        help="Run directory [default: runs/<recipe name>].",
    )
    @click.option(
        "--init",
        help="Pre-trained model to start from (zoo name, directory or run "
        "name); 'none' trains from scratch.",
    )
    @_override_options
    @click.option(
        "--snapshot-minutes",
        help="Comma-separated training minutes at which to save the model under "
        "<output>/snapshots (e.g. 10,20,30).",
    )
    @click.option(
        "--resume",
        is_flag=True,
        help="Continue the run in --output from its checkpoint (with a larger --epochs: extend "
        "a finished run).",
    )
    @click.option(
        "--overwrite", is_flag=True, help="Start again in an --output that already holds a run."
    )
    @device_option
    @threads_option
    @click.option("--progress/--no-progress", default=True, help="Show a progress bar per epoch.")
    def command(
        recipe: str,
        data_root: Path,
        output: Path | None,
        init: str | None,
        resume: bool,
        overwrite: bool,
        device: str | None,
        threads: int | None,
        progress: bool,
        snapshot_minutes: str | None,
        **overrides: object,
    ) -> None:
        from ..engine import run

        set_threads(threads)
        try:
            marks = [float(m) for m in snapshot_minutes.split(",")] if snapshot_minutes else []
        except ValueError:
            raise click.BadParameter(
                f"{snapshot_minutes!r} is not a comma-separated list of minutes",
                param_hint="--snapshot-minutes",
            ) from None
        r = resolve_recipe(recipe, init, **overrides)
        if r.stage != stage:
            raise click.ClickException(
                f"recipe {r.name!r} is a {r.stage!r} recipe; run it with `skeletonmae {r.stage}`"
            )
        run(
            r,
            data_root=data_root,
            output=output or Path("runs") / r.name,
            resume=resume,
            overwrite=overwrite,
            device=device,
            progress=progress,
            command=command_line(),
            snapshot_minutes=marks,
        )

    return command


@click.command("evaluate")
@click.argument("model")
@_data_root
@click.option("--dataset", help="Dataset name [default: the model's manifest entry or run recipe].")
@click.option("--split", help="Split to evaluate [default: the model's evaluation split].")
@click.option("--batch-size", type=int, default=64, show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write each clip's prediction here (JSON: file, true, predicted, scores).",
)
@click.option(
    "--confusion-plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Draw the confusion matrix to this .png / .svg / .pdf (needs the viz extra).",
)
@device_option
@threads_option
@json_option("the result")
def evaluate(
    model: str,
    data_root: Path,
    dataset: str | None,
    split: str | None,
    batch_size: int,
    out: Path | None,
    confusion_plot: Path | None,
    device: str | None,
    threads: int | None,
    as_json: bool,
) -> None:
    """Top-1 / top-5 and mean per-class accuracy of classifier MODEL (zoo name, Hub id, model
    directory or training run directory) on a dataset split, with its confusion matrix."""
    import torch

    from ..datasets import open_dataset
    from ..engine import evaluate_model
    from ..engine.assembly import recorded_splits
    from ..engine.trainer import resolve_device
    from ..models import SkeletonModel

    set_threads(threads)
    where = resolve_device(device)
    if confusion_plot is not None:
        from .. import viz

        if confusion_plot.suffix.lower() not in (".png", ".svg", ".pdf"):
            raise click.ClickException(f"{confusion_plot}: the plot must be a .png, .svg or .pdf")
        viz.require_matplotlib()  # before the minute of evaluation, not after
    recorded = recorded_splits(model)
    dataset, split = dataset or recorded["dataset"], split or recorded["eval_split"]
    if not dataset or not split:
        raise click.ClickException(
            f"cannot tell which dataset/split {model!r} is evaluated on; pass --dataset and --split"
        )
    m = SkeletonModel.from_pretrained(model).to(where)
    if m.config.num_classes == 0:  # before the split is read
        raise click.ClickException(f"{model!r} is an encoder without a classifier head")
    clips, _ = open_dataset(dataset, data_root).load_split(split)
    res = {
        "model": model,
        "dataset": dataset,
        "split": split,
        **evaluate_model(m, clips, batch_size=batch_size, details=True),
        "temperature": m.config.temperature,
        "threads": torch.get_num_threads(),
        "device": str(where),
    }
    predictions = res.pop("predictions")
    if confusion_plot is not None:
        import numpy as np

        from .. import viz
        from ..fileio import atomic_write

        fig = viz.plot_confusion(np.array(res["confusion"]), m.class_names)
        fmt = confusion_plot.suffix[1:].lower()
        atomic_write(confusion_plot, lambda p: fig.savefig(p, dpi=120, format=fmt))
    if out is not None:
        from ..fileio import write_json_atomic

        names = m.class_names
        for p in predictions:
            p["true_label"] = names[p["true"]] if p["true"] >= 0 else None
            p["predicted_label"] = names[p["predicted"]]
        write_json_atomic(out, {"model": model, "class_names": names, "clips": predictions})
    if as_json:
        click.echo(json.dumps(res, allow_nan=False))
        return
    click.echo(
        f"{model} on {dataset} {split}: top1={res['top1']:.2f} top5={res['top5']:.2f} "
        f"mean class accuracy={res['mean_class_accuracy']:.2f} ece={res['ece']:.2f} "
        f"({res['num_clips']} clips)"
    )
    click.echo("\nconfusion (rows: true class, columns: predicted, in class order):")
    names = m.class_names
    width = max(len(n) for n in names)
    click.echo(" " * (width + 4) + " ".join(f"{i:>4}" for i in range(len(names))))
    for i, (n, row) in enumerate(zip(names, res["confusion"], strict=True)):
        click.echo(f"{n:>{width}} {i:>2} " + " ".join(f"{v:>4}" for v in row))


@click.command("ensemble")
@click.argument("models", nargs=-1, required=True)
@output_option(
    directory=True,
    help="Run directory to write: model/ (one config.json + one safetensors) and results.json.",
)
@click.option("--weights", help="Comma-separated weight of each member [default: equal].")
@click.option(
    "--test-views",
    help='Test-time views as JSON, e.g. "[[0,1],[0,0.8],[0.1,0.8],[0.2,0.8]]" '
    "[default: the first member's].",
)
@data_root_option(
    required=False, help="Evaluate the ensemble on this dataset directory and record the result."
)
@click.option("--dataset", help="Dataset name [default: the first member's].")
@click.option("--split", help="Split to evaluate [default: the first member's evaluation split].")
@device_option
@threads_option
def ensemble(
    models: tuple[str, ...],
    output: Path,
    weights: str | None,
    test_views: str | None,
    data_root: Path | None,
    dataset: str | None,
    split: str | None,
    device: str | None,
    threads: int | None,
) -> None:
    """Combine classifiers MODELS (zoo names, model or run directories) into one model that
    averages their softmax; each member reads its own input streams from one shared batch."""
    from ..engine import assemble

    set_threads(threads)
    try:
        w = [float(v) for v in weights.split(",")] if weights else None
        views = json.loads(test_views) if test_views else None
    except ValueError as e:
        raise click.BadParameter(f"not a number list / JSON: {e}") from None
    results = assemble(
        models,
        output,
        weights=w,
        test_views=views,
        data_root=data_root,
        dataset=dataset,
        split=split,
        device=device,
        command=command_line(),
    )
    line = f"wrote an ensemble of {len(models)} -> {output / 'model'}"
    if results.top1 is not None:
        line += f"; {results.dataset} {results.eval_split}: top1={results.top1:.2f}"
    click.echo(line)


@click.command("calibrate")
@click.argument("model")
@output_option(directory=True, help="Model directory to write: MODEL with its temperature.")
@_data_root
@click.option("--dataset", help="Dataset name [default: the model's manifest entry or run].")
@click.option("--split", required=True, help="Held-out split to fit on (never a test split).")
@device_option
@threads_option
def calibrate(
    model: str,
    output: Path,
    data_root: Path,
    dataset: str | None,
    split: str,
    device: str | None,
    threads: int | None,
) -> None:
    """Fit the temperature of classifier MODEL on a held-out SPLIT (the softmax of its logits
    divided by it has the lowest negative log-likelihood there) and save MODEL with it."""
    from ..datasets import open_dataset
    from ..engine.assembly import recorded_splits
    from ..engine.calibration import calibrate as fit
    from ..engine.trainer import resolve_device
    from ..models import SkeletonModel

    set_threads(threads)
    where = resolve_device(device)
    recorded = recorded_splits(model)
    dataset = dataset or recorded["dataset"]
    if not dataset:
        raise click.ClickException(f"cannot tell which dataset {model!r} reads; pass --dataset")
    if "test" in split:
        raise click.ClickException(
            f"{split} is a test split, where accuracy and calibration are reported; fit on a "
            "held-out split of the training data (NW-UCLA: a model trained on xview_dev_train "
            "fits on xview_dev) and carry the temperature over"
        )
    m = SkeletonModel.from_pretrained(model).to(where)
    if m.config.num_classes == 0:
        raise click.ClickException(f"{model!r} is an encoder without a classifier head")
    clips, _ = open_dataset(dataset, data_root).load_split(split)
    before, after = fit(m, clips)
    m.save_pretrained(output)
    click.echo(
        f"temperature {m.config.temperature:.3g} fitted on {dataset} {split} ({len(clips)} "
        f"clips): ece {before:.2f} -> {after:.2f}; wrote {output}"
    )


COMMANDS = [
    _stage_command("pretrain"),
    _stage_command("linear-probe"),
    _stage_command("finetune"),
    ensemble,
    evaluate,
    calibrate,
]

"""Training commands: ``pretrain``, ``linear-probe``, ``finetune`` (each driven by a recipe) and
``evaluate`` (top-1 / top-5 of a trained classifier on a dataset split)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import click

__all__ = ["COMMANDS"]

_data_root = click.option(
    "--data-root",
    required=True,
    envvar="SKELETONMAE_DATA_ROOT",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Dataset directory, e.g. ../shared/data/nw-ucla (or $SKELETONMAE_DATA_ROOT).",
)


def _threads(n: int | None) -> None:
    if n:
        import torch

        torch.set_num_threads(n)


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
    @click.option("--dataset", help="Override the recipe's dataset.")
    @click.option("--train-split", help="Override the training split.")
    @click.option("--eval-split", help="Override the evaluation split.")
    @click.option("--epochs", type=int)
    @click.option("--batch-size", type=int)
    @click.option("--lr", type=float)
    @click.option("--warmup-epochs", type=int)
    @click.option("--layer-decay", type=float)
    @click.option("--label-smoothing", type=float)
    @click.option("--seed", type=int)
    @click.option(
        "--resume",
        is_flag=True,
        help="Continue the run in --output from its checkpoint (with a larger --epochs: extend "
        "a finished run).",
    )
    @click.option(
        "--overwrite", is_flag=True, help="Start again in an --output that already holds a run."
    )
    @click.option("--device", help="cpu, cuda, cuda:1… [default: cuda if available].")
    @click.option("--threads", type=int, help="CPU threads for PyTorch.")
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
        **overrides: object,
    ) -> None:
        from ..engine import load_recipe, run

        _threads(threads)
        try:
            r = load_recipe(recipe).override(**overrides)
            if init is not None:
                r.init = None if init.lower() == "none" else init
        except (FileNotFoundError, ValueError) as e:
            raise click.ClickException(str(e)) from None
        if r.stage != stage:
            raise click.ClickException(
                f"recipe {r.name!r} is a {r.stage!r} recipe; run it with `skeletonmae {r.stage}`"
            )
        cmd = "skeletonmae " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        try:
            run(
                r,
                data_root=data_root,
                output=output or Path("runs") / r.name,
                resume=resume,
                overwrite=overwrite,
                device=device,
                progress=progress,
                command=cmd,
            )
        except (FileNotFoundError, FileExistsError, KeyError, ValueError) as e:
            raise click.ClickException(str(e).strip("'\"")) from None

    return command


@click.command("evaluate")
@click.argument("model")
@_data_root
@click.option("--dataset", help="Dataset name [default: the model's manifest entry or run recipe].")
@click.option("--split", help="Split to evaluate [default: the model's evaluation split].")
@click.option("--batch-size", type=int, default=64, show_default=True)
@click.option("--threads", type=int, help="CPU threads for PyTorch.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def evaluate(
    model: str,
    data_root: Path,
    dataset: str | None,
    split: str | None,
    batch_size: int,
    threads: int | None,
    as_json: bool,
) -> None:
    """Top-1 / top-5 of classifier MODEL (zoo name, Hub id, model directory or training run
    directory) on a dataset split."""
    from ..datasets import open_dataset
    from ..engine import evaluate_model
    from ..models import SkeletonModel

    _threads(threads)
    default_dataset, default_split = _evaluation_defaults(model)
    dataset, split = dataset or default_dataset, split or default_split
    if not dataset or not split:
        raise click.ClickException(
            f"cannot tell which dataset/split {model!r} is evaluated on; pass --dataset and --split"
        )
    try:
        m = SkeletonModel.from_pretrained(model)
        clips, _ = open_dataset(dataset, data_root).load_split(split)
    except (FileNotFoundError, KeyError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    if m.config.num_classes == 0:
        raise click.ClickException(f"{model!r} is an encoder without a classifier head")
    res = {
        "model": model,
        "dataset": dataset,
        "split": split,
        **evaluate_model(m, clips, batch_size=batch_size),
    }
    if as_json:
        click.echo(json.dumps(res, allow_nan=False))
    else:
        click.echo(
            f"{model} on {dataset} {split}: top1={res['top1']:.2f} top5={res['top5']:.2f} "
            f"({res['num_clips']} clips)"
        )


def _evaluation_defaults(model: str) -> tuple[str | None, str | None]:
    """Dataset and split from a run directory's recipe.json, else from the zoo manifest."""
    from ..zoo import get_entry

    p = Path(model)
    if p.exists():
        for recipe_file in (p / "recipe.json", p.parent / "recipe.json"):
            if recipe_file.is_file():
                r = json.loads(recipe_file.read_text())
                return r.get("dataset"), r.get("eval_split")
    try:
        entry = get_entry(model)
    except (KeyError, ValueError, FileNotFoundError):
        return None, None
    return entry.get("dataset"), entry.get("eval_split")


COMMANDS = [
    _stage_command("pretrain"),
    _stage_command("linear-probe"),
    _stage_command("finetune"),
    evaluate,
]

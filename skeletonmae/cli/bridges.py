"""Commands that carry models across the package's borders: ``convert mamp`` (MAMP's released
checkpoints in) and ``export`` (ONNX out)."""

from __future__ import annotations

import warnings
from pathlib import Path

import click

from .options import output_option

__all__ = ["COMMANDS"]


@click.group("convert")
def convert() -> None:
    """Turn checkpoints of other projects into skeletonmae model directories."""


@convert.command("mamp")
@click.argument("checkpoint", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@output_option(
    directory=True,
    help="Model directory to write (config.json, model.safetensors, README.md).",
)
@click.option(
    "--class-names",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Label file, one class name per line [default: NTU-60 / NTU-120 names by class count].",
)
@click.option("--layout", help="Joint layout the checkpoint was trained on [default: ntu-rgbd].")
def mamp(checkpoint: Path, output: Path, class_names: Path | None, layout: str | None) -> None:
    """Convert MAMP checkpoint CHECKPOINT (.pth: pre-training, linear probe or fine-tune) into a
    model directory that `from_pretrained`, `classify` and `extract` take."""
    from ..convert import convert_mamp

    names = None
    if class_names is not None:
        names = [s.strip() for s in class_names.read_text().splitlines() if s.strip()]
    out = convert_mamp(checkpoint, output, class_names=names, layout=layout)
    click.echo(f"converted {checkpoint} -> {out} (see {out / 'README.md'})")


@click.command("export")
@click.argument("model")
@output_option(
    directory=False,
    help="File to write, e.g. model.onnx.",
)
@click.option(
    "--check/--no-check",
    default=True,
    show_default=True,
    help="Compare onnxruntime's outputs with PyTorch's on a random batch (needs onnxruntime).",
)
@click.option("--format", "fmt", type=click.Choice(["onnx"]), hidden=True)
def export(model: str, output: Path, check: bool, fmt: str | None) -> None:
    """Export MODEL (zoo name, Hub id or model directory) as a graph from the preprocessed
    (N, C, T, V, M) batch to its logits (or an encoder's features), N dynamic."""
    from ..export import check_onnx, export_onnx
    from ..models import SkeletonModel

    if fmt is not None:  # ONNX was always the one format
        warnings.warn(
            "--format is deprecated and will be removed: export writes ONNX", stacklevel=1
        )
    net = SkeletonModel.from_pretrained(model)
    export_onnx(net, output)
    line = f"exported {model} -> {output} (onnx, input x (N, {net.config.in_channels}, "
    line += f"{net.config.preprocess.num_frames}, {net.config.num_joints}, "
    line += f"{net.config.preprocess.max_persons}))"
    if check:
        diff = check_onnx(net, output)
        if not diff <= 1e-4:
            raise click.ClickException(
                f"{output}: onnxruntime's outputs differ from PyTorch's by {diff:.2e} (> 1e-4)"
            )
        line += f"; onnxruntime matches PyTorch within {diff:.1e}"
    click.echo(line)


COMMANDS = [convert, export]

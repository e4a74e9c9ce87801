"""Commands that carry models across the package's borders: ``convert mamp`` (MAMP's released
checkpoints in) and ``export`` (ONNX / TorchScript out)."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["COMMANDS"]


@click.group("convert")
def convert() -> None:
    """Turn checkpoints of other projects into skeletonmae model directories."""


@convert.command("mamp")
@click.argument("checkpoint", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
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


COMMANDS = [convert]

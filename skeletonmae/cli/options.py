"""Options several commands share, defined once."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = [
    "data_root_option",
    "device_option",
    "json_option",
    "output_option",
    "set_threads",
    "threads_option",
]

threads_option = click.option(
    "--threads", type=click.IntRange(min=1), help="CPU threads for PyTorch."
)
device_option = click.option("--device", help="cpu, cuda, cuda:1… [default: cuda if available].")


def set_threads(n: int | None) -> None:
    """Apply ``--threads`` (PyTorch imported only when it is given)."""
    if n:
        import torch

        torch.set_num_threads(n)


def data_root_option(*, required: bool, help: str) -> click.decorators.FC:
    """``--data-root`` (also read from $SKELETONMAE_DATA_ROOT): an existing directory."""
    return click.option(
        "--data-root",
        required=required,
        envvar="SKELETONMAE_DATA_ROOT",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help=help,
    )


def json_option(what: str):
    """``--json``: print ``what`` as JSON instead of text."""
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} as JSON.")


def output_option(*, directory: bool, help: str):
    """``-o`` / ``--output`` (required): the file, or with ``directory`` the folder, to write."""
    return click.option(
        "-o",
        "--output",
        required=True,
        type=click.Path(file_okay=not directory, dir_okay=directory, path_type=Path),
        help=help,
    )

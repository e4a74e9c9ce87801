"""The ``skeletonmae`` command line: one click group; each module here adds its commands."""

from __future__ import annotations

import click

from .._version import __version__

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="skeletonmae")
def main() -> None:
    """Masked autoencoders for 3D skeleton action recognition: the SkeletonMAE model zoo."""


def _register() -> None:
    """Attach the commands of the sibling modules (imported here to keep `main` importable)."""
    import importlib
    import pkgutil

    for mod in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{mod.name}")
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register()

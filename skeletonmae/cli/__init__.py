"""The ``skeletonmae`` command line: one click group, its commands listed explicitly, and one
error path for all of them.

Exit status: 0 success; 1 a user error (a bad file, model, dataset or argument value), reported
as one ``Error: …`` line on stderr; 2 a usage error (unknown option, missing argument), also one
line; 3 a bug in skeletonmae (the traceback, then a line saying so). Importing this module does
not import PyTorch, so ``--help`` and ``--version`` answer at once.
"""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from typing import Any

import click

from .._version import __version__
from ..extras import MissingExtraError

__all__ = ["USER_ERRORS", "main"]

# Errors that mean "bad input" wherever they come from (ClipFormatError, CheckpointError,
# ManifestError, the Hub client's not-found errors and unknown names are among their subclasses).
USER_ERRORS = (OSError, ValueError, LookupError, MissingExtraError)


def _one_line(message: str | BaseException) -> str:
    """The message on one line; a `KeyError`'s own text, without the quotes its str() adds."""
    if isinstance(message, KeyError) and len(message.args) == 1:
        message = message.args[0]
    return " ".join(str(message).split()) or type(message).__name__


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings on the command line: one ``Warning:`` line, not Python's source excerpt."""
    click.echo(f"Warning: {_one_line(str(message))}", err=True)


class _Group(click.Group):
    """A click group whose every failure ends in one line and a documented exit status."""

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        if extra.pop("standalone_mode", True) is False:
            return super().main(args, prog_name, standalone_mode=False, **extra)
        warnings.showwarning = _show_warning
        try:
            code = super().main(args, prog_name, standalone_mode=False, **extra)
            sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        except SystemExit as e:
            # click ends a write to a closed pipe (`| head`) with exit 1 after wrapping stdout;
            # the reader stopping is not a failure of ours
            closed_pipe = isinstance(sys.stdout, click.utils.PacifyFlushWrapper)
            sys.exit(0 if closed_pipe and e.code == 1 else e.code)
        except click.exceptions.NoArgsIsHelpError as e:  # bare `skeletonmae`: its help, as is
            click.echo(e.ctx.get_help() if e.ctx else e.format_message(), err=True)
            sys.exit(2)
        except click.UsageError as e:
            where = e.ctx.command_path if e.ctx else "skeletonmae"
            click.echo(f"Error: {_one_line(e.format_message())} (see `{where} --help`)", err=True)
            sys.exit(2)
        except click.ClickException as e:
            click.echo(f"Error: {_one_line(e.format_message())}", err=True)
            sys.exit(e.exit_code)
        except BrokenPipeError:  # output piped into a reader that stopped (`| head`): not a
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # failure of ours
            sys.exit(0)
        except click.Abort:
            click.echo("Error: aborted", err=True)
            sys.exit(1)
        except USER_ERRORS as e:
            click.echo(f"Error: {_one_line(e)}", err=True)
            sys.exit(1)
        except Exception:
            traceback.print_exc()
            click.echo(
                "Error: this is a bug in skeletonmae, not in your input; please report it with "
                "the traceback above",
                err=True,
            )
            sys.exit(3)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="skeletonmae")
def main() -> None:
    """Masked autoencoders for 3D skeleton action recognition: the SkeletonMAE model zoo."""


def _register() -> None:
    """Attach the commands of the sibling modules (they import torch only when run)."""
    from . import bridges, train, video, viz, zoo

    for module in (zoo, train, viz, video, bridges):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

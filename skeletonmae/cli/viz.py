"""``skeletonmae reconstruct``: draw what System A's decoder makes of a masked clip."""

from __future__ import annotations

from pathlib import Path

import click

from .options import output_option

__all__ = ["COMMANDS"]

_SUFFIXES = (".gif", ".png")


@click.command("reconstruct")
@click.argument("clip", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--model",
    "model_name",
    required=True,
    help="System A model with its decoder: zoo name, Hub repo id or local directory.",
)
@output_option(
    directory=False,
    help="Picture to write: .gif (animated) or .png (a strip of frames).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random mask.")
@click.option("--layout", help="Layout of the clip when its file does not say.")
@click.option(
    "--view",
    type=click.Choice(["2d", "3d"]),
    default="2d",
    show_default=True,
    help="2d: what the camera saw; 3d: a perspective plot.",
)
@click.option("--fps", type=float, default=15.0, show_default=True, help="GIF frame rate.")
def reconstruct(
    clip: Path,
    model_name: str,
    output: Path,
    seed: int,
    layout: str | None,
    view: str,
    fps: float,
) -> None:
    """Mask CLIP with the model's own masking strategy and draw original | masked input |
    reconstruction, with the grid of masked tokens."""
    if output.suffix.lower() not in _SUFFIXES:
        raise click.BadParameter(
            f"{output}: expected a .gif or .png file name", param_hint="'-o' / '--output'"
        )
    from .. import viz

    viz.require_matplotlib()
    from ..fileio import atomic_write
    from ..models import SkeletonMAE, TransformerSkeletonMAE

    try:
        model = SkeletonMAE.from_pretrained(model_name)
    except (OSError, ValueError) as e:
        raise click.ClickException(f"cannot load model {model_name!r}: {e}") from None
    if not isinstance(model, TransformerSkeletonMAE) or model.decoder is None:
        raise click.ClickException(
            f"model {model_name!r} ({model.config.arch}) has no System A decoder; reconstruct "
            "needs a pre-trained skeletonmae-transformer checkpoint with decoder_depth > 0"
        )
    rec = viz.reconstruct(model, clip, seed=seed, layout=layout)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".gif":
        viz.animate_reconstruction(rec, output, view=view, fps=fps)
    else:
        fig = viz.plot_reconstruction(rec, view=view)
        atomic_write(output, lambda p: fig.savefig(p, dpi=100, format=output.suffix[1:] or None))
    click.echo(
        f"wrote {output}: masked {rec.mask.mean():.0%} of {rec.mask.size} tokens "
        f"({model.config.mask_strategy}), target {rec.target}, loss {rec.loss:.4f}"
    )


COMMANDS = [reconstruct]

"""``skeletonmae pose``: a video or photos to a skeleton clip (the video extra)."""

from __future__ import annotations

from pathlib import Path

import click

from .options import output_option

__all__ = ["COMMANDS"]


@click.command("pose")
@click.argument("inputs", nargs=-1, required=True)
@output_option(
    directory=False,
    help="OUT.npz: MediaPipe's 33 landmarks, 3-D world (metres) as the clip, 2-D image "
    "(pixels), per-joint confidence, which frames have a person, fps.",
)
@click.option(
    "--fps",
    type=click.FloatRange(min=0, min_open=True),
    help="Frame rate [default: the video's; images: 30].",
)
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Keep one frame in EVERY.",
)
def pose(inputs: tuple[str, ...], output: Path, fps: float | None, every: int) -> None:
    """Find a person's pose in a video, or in images taken as frames in the given order, with
    MediaPipe Pose (the model its wheel ships, complexity 1; no network); the clip is in the
    mediapipe-33 layout and every command reads it."""
    from ..pose import estimate_poses

    if output.suffix != ".npz":
        raise click.ClickException(f"{output}: the output must be a .npz file")
    seq = estimate_poses([Path(i) for i in inputs], fps=fps, every=every)
    seq.save(output)
    found = int(seq.present.sum())
    click.echo(
        f"wrote {output}: {len(seq.present)} frame(s), {found} with a person, {seq.fps:g} fps, "
        "layout mediapipe-33"
    )


COMMANDS = [pose]

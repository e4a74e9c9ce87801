"""Pictures of skeletons: a frame, a strip of frames, a GIF of a clip, the masking grid and System
A's masked reconstruction beside the original.

matplotlib is an optional extra (``pip install skeletonmae[viz]``) and is imported only when a
function here is called. Figures are plain `matplotlib.figure.Figure` objects (no pyplot state),
so they work the same under any backend; save them with ``fig.savefig``.

Conventions: for 3D clips (metres, y up, z the depth from the camera, as Kinect records them) the
2D view is what the camera saw, so a subject facing the camera shows its left side on the
picture's right; the 3D view puts the data's (x, z, y) on matplotlib's (x, y, z) axes, seen from
the camera's side, a little above and to the right. 2D clips are image coordinates (y down).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .clip import Clip
from .extras import require
from .fileio import atomic_write
from .layouts import Layout, get_layout

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    from .inference import ClipLike
    from .models.transformer import TransformerSkeletonMAE

__all__ = [
    "MASKED_RGB",
    "Reconstruction",
    "animate_clip",
    "animate_reconstruction",
    "draw_mask_grid",
    "draw_skeleton",
    "mask_grid_image",
    "plot_confusion",
    "plot_frames",
    "plot_reconstruction",
    "reconstruct",
    "require_matplotlib",
    "update_skeleton",
]

MASKED_RGB = (0.82, 0.82, 0.82)
"""Colour of masked tokens in the grid and of hidden bones: a light grey."""
# Region colours: matplotlib's tab10 without its grey, which means "masked" here.
_REGION_COLORS = ["C0", "C1", "C2", "C3", "C4", "C5", "C6", "C8", "C9"]
_PREDICTED = "C3"  # bones with a masked end in the reconstruction panel


def require_matplotlib() -> None:
    """Raise `extras.MissingExtraError` saying how to install matplotlib when it is missing."""
    require("matplotlib", "viz", "skeletonmae.viz")


def _figure(**kw) -> Figure:
    require_matplotlib()
    from matplotlib.figure import Figure

    return Figure(**kw)


def plot_confusion(confusion: np.ndarray, class_names: Sequence[str]) -> Figure:
    """A confusion matrix (rows: true class, columns: predicted) as a picture, each cell's count
    written in it and shaded by its share of its row."""
    counts = np.asarray(confusion)
    n = len(class_names)
    if counts.shape != (n, n):
        raise ValueError(f"a confusion matrix of {n} classes is ({n}, {n}), got {counts.shape}")
    shares = counts / np.maximum(counts.sum(1, keepdims=True), 1)
    size = 1.5 + 0.45 * n
    fig = _figure(figsize=(size + 1.5, size), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            if counts[i, j]:
                ax.text(
                    j,
                    i,
                    str(counts[i, j]),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if shares[i, j] > 0.5 else "black",
                )
    ax.set_xticks(range(n), class_names, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(n), class_names, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    fig.colorbar(image, ax=ax, label="share of the true class")
    return fig


def _persons(clip: Clip | np.ndarray, layout: str | Layout | None) -> tuple[np.ndarray, Layout]:
    """(M, T, V, C) coordinates and the layout of a `Clip` or a (T, V, C) / (M, T, V, C) array."""
    if isinstance(clip, Clip):
        data, layout = clip.data, layout or clip.layout
    else:
        data = np.asarray(clip, dtype=np.float32)
        data = data[None] if data.ndim == 3 else data
        if data.ndim != 4:
            raise ValueError(f"expected a (T, V, C) or (M, T, V, C) array, got shape {data.shape}")
    if layout is None:
        raise ValueError("pass layout= to draw an array (a Clip carries its own)")
    lay = get_layout(layout)
    if data.shape[2] != lay.num_joints or data.shape[3] not in (2, 3):
        raise ValueError(
            f"array of shape {data.shape} does not fit layout {lay.name!r} "
            f"({lay.num_joints} joints, 2 or 3 coordinates)"
        )
    return data, lay


def _plot_xyz(points: np.ndarray, view: str) -> tuple[np.ndarray, ...]:
    """Data coordinates (..., C) → matplotlib's axes: (x, y) in 2D, (x, z, y) in 3D."""
    if view == "3d":
        if points.shape[-1] != 3:
            raise ValueError("a 3D view needs 3 coordinates per joint; use view='2d'")
        return points[..., 0], points[..., 2], points[..., 1]
    return points[..., 0], points[..., 1]


def _check_view(view: str) -> str:
    if view not in ("2d", "3d"):
        raise ValueError(f"view must be '2d' or '3d', got {view!r}")
    return view


def _add_axes(fig: Figure, spec, view: str) -> Axes:
    return fig.add_subplot(spec, projection="3d" if view == "3d" else None)


def _frame_axes(ax: Axes, data: np.ndarray, view: str, title: str | None = None) -> None:
    """Fixed limits for every frame of ``data`` (..., V, C), equal scale, camera orientation."""
    frames = data.reshape(-1, *data.shape[-2:])
    tracked = np.abs(frames).sum(axis=(1, 2)) > 0  # absent persons are all zeros
    pts = (frames[tracked] if tracked.any() else frames).reshape(-1, data.shape[-1])
    coords = _plot_xyz(pts, view)
    lo = np.array([c.min() for c in coords])
    hi = np.array([c.max() for c in coords])
    mid, half = (lo + hi) / 2, (hi - lo).max() / 2 * 1.1 + 1e-3
    if view == "3d":
        ax.set_xlim(mid[0] + half, mid[0] - half)  # data x grows to the camera's left
        ax.set_ylim(mid[1] - half, mid[1] + half)
        ax.set_zlim(mid[2] - half, mid[2] + half)
        ax.set_box_aspect((1, 1, 1))
        ax.view_init(elev=15, azim=-60)
        ax.set_xticklabels([])
        ax.set_yticklabels([])
        ax.set_zticklabels([])
    else:
        ax.set_aspect("equal")
        if data.shape[-1] == 3:
            ax.set_xlim(mid[0] + half, mid[0] - half)
            ax.set_ylim(mid[1] - half, mid[1] + half)
        else:
            ax.set_xlim(mid[0] - half, mid[0] + half)
            ax.set_ylim(mid[1] + half, mid[1] - half)  # image rows grow downwards
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)


def draw_skeleton(
    ax: Axes,
    joints: np.ndarray,
    layout: str | Layout,
    *,
    color: str = "C0",
    hidden: np.ndarray | None = None,
    hidden_color: str | tuple[float, float, float] = MASKED_RGB,
    hidden_linestyle: str = "--",
    linewidth: float = 2.0,
    alpha: float = 1.0,
) -> list[Line2D]:
    """Draw one person's frame ``joints`` (V, C) on ``ax`` (2D axes, or 3D axes for a 3D view).

    One line per bone, in the order of ``layout.bones``, each from the child joint to its parent
    and named ``"child-parent"`` (its ``gid``). Bones touching a joint where ``hidden`` (V,) is
    true are drawn in ``hidden_color`` and ``hidden_linestyle``. Returns the lines, which
    `update_skeleton` moves to another frame.
    """
    lay = get_layout(layout)
    view = "3d" if ax.name == "3d" else "2d"
    lines = []
    for child, parent in lay.bones:
        (line,) = ax.plot(
            *_plot_xyz(np.zeros((2, 3)), view),
            linewidth=linewidth,
            alpha=alpha,
            marker="o",
            markersize=linewidth * 1.5,
            solid_capstyle="round",
        )
        line.set_gid(f"{lay.joints[child]}-{lay.joints[parent]}")
        lines.append(line)
    update_skeleton(
        lines,
        joints,
        lay,
        color=color,
        hidden=hidden,
        hidden_color=hidden_color,
        hidden_linestyle=hidden_linestyle,
    )
    return lines


def update_skeleton(
    lines: Sequence[Line2D],
    joints: np.ndarray,
    layout: str | Layout,
    *,
    color: str = "C0",
    hidden: np.ndarray | None = None,
    hidden_color: str | tuple[float, float, float] = MASKED_RGB,
    hidden_linestyle: str = "--",
) -> None:
    """Move the bones drawn by `draw_skeleton` to the frame ``joints`` (V, C) and restyle them
    (animation redraws only these lines)."""
    lay = get_layout(layout)
    joints = np.asarray(joints)
    if joints.shape[0] != lay.num_joints or len(lines) != len(lay.bones):
        raise ValueError(
            f"{joints.shape[0]} joints and {len(lines)} bones given; layout {lay.name!r} has "
            f"{lay.num_joints} joints and {len(lay.bones)} bones"
        )
    for line, (child, parent) in zip(lines, lay.bones, strict=True):
        coords = _plot_xyz(joints[[child, parent]], "3d" if line.axes.name == "3d" else "2d")
        if len(coords) == 3:
            line.set_data_3d(*coords)
        else:
            line.set_data(*coords)
        off = hidden is not None and bool(hidden[child] or hidden[parent])
        line.set_color(hidden_color if off else color)
        line.set_linestyle(hidden_linestyle if off else "-")


def _draw_persons(ax: Axes, frame: np.ndarray, layout: Layout) -> list[list[Line2D]]:
    """Every person of one frame (M, V, C), one colour each; absent (all-zero) persons are
    hidden."""
    persons = [draw_skeleton(ax, person, layout, color=f"C{m}") for m, person in enumerate(frame)]
    _show_present(persons, frame)
    return persons


def _show_present(persons: list[list[Line2D]], frame: np.ndarray) -> None:
    for lines, person in zip(persons, frame, strict=True):
        for line in lines:
            line.set_visible(bool(np.abs(person).sum() > 0))


def _frame_indices(num_frames: int, frames: int | Sequence[int]) -> list[int]:
    if isinstance(frames, int):
        return np.linspace(0, num_frames - 1, min(frames, num_frames)).round().astype(int).tolist()
    bad = [f for f in frames if not 0 <= f < num_frames]
    if bad:
        raise ValueError(f"frames {bad} out of range for a clip of {num_frames} frames")
    return list(frames)


def plot_frames(
    clip: Clip | np.ndarray,
    layout: str | Layout | None = None,
    *,
    frames: int | Sequence[int] = 6,
    view: str = "2d",
    title: str | None = None,
) -> Figure:
    """A strip of frames of a clip: ``frames`` evenly spaced ones, or the given indices."""
    data, lay = _persons(clip, layout)
    idx = _frame_indices(data.shape[1], frames)
    fig = _figure(figsize=(1.8 * len(idx), 2.6), layout="constrained")
    grid = fig.add_gridspec(1, len(idx))
    for i, t in enumerate(idx):
        ax = _add_axes(fig, grid[0, i], _check_view(view))
        _frame_axes(ax, data, view, f"frame {t}")
        _draw_persons(ax, data[:, t], lay)
    if title:
        fig.suptitle(title)
    return fig


def _check_gif(path: Path) -> None:
    if path.suffix.lower() != ".gif":
        raise ValueError(f"{path}: animations are written as .gif files")


def _write_gif(
    fig: Figure, path: Path, fps: float, dpi: int, frames: int, draw: Callable[[int], None]
) -> Path:
    """Record ``draw(t)`` for each frame through matplotlib's PillowWriter, atomically."""
    from matplotlib.animation import PillowWriter

    writer = PillowWriter(fps=fps)

    def write(tmp: str) -> None:
        with writer.saving(fig, tmp, dpi):
            for t in range(frames):
                draw(t)
                writer.grab_frame()

    return atomic_write(path, write, suffix=".gif")


def _freeze_layout(fig: Figure) -> None:
    """Lay the figure out once, then keep it fixed while an animation changes its artists."""
    fig.draw_without_rendering()
    fig.set_layout_engine("none")


def animate_clip(
    clip: Clip | np.ndarray,
    path: str | Path,
    layout: str | Layout | None = None,
    *,
    view: str = "2d",
    fps: float | None = None,
    dpi: int = 80,
) -> Path:
    """Write a clip as an animated GIF (through matplotlib's PillowWriter); returns the path.

    ``fps`` defaults to the clip's own frame rate, else 15.
    """
    data, lay = _persons(clip, layout)
    path = Path(path)
    fps = fps or (clip.fps if isinstance(clip, Clip) and clip.fps else 15.0)
    _check_gif(path)
    fig = _figure(figsize=(3.2, 3.6), layout="constrained")
    ax = _add_axes(fig, 111, _check_view(view))
    _frame_axes(ax, data, view, "frame 0")
    persons = _draw_persons(ax, data[:, 0], lay)
    _freeze_layout(fig)

    def draw(t: int) -> None:
        for m, lines in enumerate(persons):
            update_skeleton(lines, data[m, t], lay, color=f"C{m}")
        _show_present(persons, data[:, t])
        ax.set_title(f"frame {t}", fontsize=9)

    return _write_gif(fig, path, fps, dpi, data.shape[1], draw)


def mask_grid_image(mask: np.ndarray, layout: str | Layout) -> np.ndarray:
    """The (V, T', 3) RGB image of a (T', V) token mask: visible tokens in their body region's
    colour, masked tokens in `MASKED_RGB`."""
    from matplotlib.colors import to_rgb

    lay = get_layout(layout)
    mask = np.asarray(mask).astype(bool)
    if mask.ndim != 2 or mask.shape[1] != lay.num_joints:
        raise ValueError(
            f"mask of shape {mask.shape} is not a (T', V) grid for layout {lay.name!r} "
            f"(V = {lay.num_joints})"
        )
    colors = np.tile(np.array(to_rgb("C0")), (lay.num_joints, 1))
    for i, joints in enumerate(lay.regions.values()):
        colors[list(joints)] = to_rgb(_REGION_COLORS[i % len(_REGION_COLORS)])
    image = np.repeat(colors[:, None, :], mask.shape[0], axis=1)
    image[mask.T] = MASKED_RGB
    return image


def draw_mask_grid(
    ax: Axes,
    mask: np.ndarray,
    layout: str | Layout,
    *,
    highlight: int | None = None,
    title: str | None = "tokens (grey: masked)",
) -> AxesImage:
    """Draw a (T', V) token mask as a grid, joints as rows and temporal patches as columns:
    visible tokens coloured by body region, masked tokens grey. ``highlight`` outlines one
    column (the patch of the frame being shown)."""
    from matplotlib.ticker import MaxNLocator

    lay = get_layout(layout)
    image = ax.imshow(mask_grid_image(mask, lay), aspect="auto", interpolation="nearest")
    t, v = np.asarray(mask).shape
    ax.set_yticks(np.arange(v))
    ax.set_yticklabels(lay.joints, fontsize=5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("temporal patch", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xticks(np.arange(-0.5, t, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, v, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    if highlight is not None:
        _column_box(ax, highlight)
    if title:
        ax.set_title(title, fontsize=9)
    return image


def _column_box(ax: Axes, column: int) -> Rectangle:
    """An outline around one column of the grid (move it with ``set_x(column - 0.5)``)."""
    from matplotlib.patches import Rectangle

    box = Rectangle(
        (column - 0.5, 0),
        1,
        1,
        transform=ax.get_xaxis_transform(),
        fill=False,
        edgecolor="black",
        linewidth=1.5,
    )
    ax.add_patch(box)
    return box


# -- System A's masked reconstruction ------------------------------------------------------------


@dataclass
class Reconstruction:
    """A clip as the model saw it, the token mask, and the decoder's reconstruction.

    ``original`` and ``reconstruction`` are (T, V, C) in the model's preprocessed space (what
    ``model.prepare`` makes of the clip: resampled, centred…); ``mask`` is (T', V), True where a
    token was masked; each token covers ``patch_size`` frames of one joint.
    """

    original: np.ndarray
    reconstruction: np.ndarray
    mask: np.ndarray
    patch_size: int
    target: str
    layout: str
    loss: float

    @property
    def frame_mask(self) -> np.ndarray:
        """(T, V): True where the frame of a joint belongs to a masked token."""
        return np.repeat(self.mask, self.patch_size, axis=0)


def _integrate_motion(x: np.ndarray, motion: np.ndarray, masked: np.ndarray) -> np.ndarray:
    """Coordinates (C, T, V) from true coordinates where visible and predicted motion where
    masked. A masked run of frames is integrated backwards from the visible frame after it,
    which uses only motion predicted for masked tokens; a run that reaches the clip's end starts
    from the last visible frame, one step on at its last velocity; a joint masked at every frame
    has no position to start from and is pinned to its true first position."""
    out = x.copy()
    t_len = x.shape[1]
    for v in range(x.shape[2]):
        t = 0
        while t < t_len:
            if not masked[t, v]:
                t += 1
                continue
            a = t
            while t < t_len and masked[t, v]:
                t += 1
            b = t - 1
            if b + 1 < t_len:
                for u in range(b, a - 1, -1):
                    out[:, u, v] = out[:, u + 1, v] - motion[:, u, v]
                continue
            if a == 0:
                out[:, 0, v] = x[:, 0, v]
            elif a == 1:
                out[:, 1, v] = x[:, 0, v]
            else:
                out[:, a, v] = 2 * x[:, a - 1, v] - x[:, a - 2, v]
            for u in range(a, b):
                out[:, u + 1, v] = out[:, u, v] + motion[:, u, v]
    return out


def reconstruct(
    model: TransformerSkeletonMAE,
    clip: ClipLike,
    *,
    seed: int = 0,
    layout: str | None = None,
) -> Reconstruction:
    """Mask a clip with the model's own strategy, run the encoder on the visible tokens and the
    decoder on all of them, and turn the predictions back into coordinates.

    The clip goes through ``model.prepare`` (the model's preprocessing, deterministic) and the
    first tracked person is used; ``seed`` drives the masking.

    Honest caveats, since this is for pictures:

    - With ``norm_target`` the decoder predicts each token's values normalised over its patch;
      they are un-normalised with the mean and spread of the *true* clip's token, i.e. the
      picture borrows each masked token's true per-patch offset and scale and shows what the
      decoder predicts within it.
    - With a ``motion`` target, positions come from integrating the predicted motion from
      visible frames (see `_integrate_motion`); a joint masked at every frame is pinned to its
      true first position, since motion says nothing about where it starts.
    - Visible tokens keep their true coordinates; only masked ones are predicted.
    """
    import torch

    from .models.transformer import TransformerSkeletonMAE

    if not isinstance(model, TransformerSkeletonMAE):
        raise TypeError(
            f"reconstruct needs a System A (skeletonmae-transformer) model, got "
            f"{type(model).__name__}"
        )
    if model.decoder is None:
        raise ValueError("this model has no decoder (decoder_depth=0), so it cannot reconstruct")
    cfg = model.config
    model.eval()
    with torch.no_grad():
        x = model.prepare([clip], layout=layout)
        present = x[0].abs().sum(dim=(0, 1, 2)) > 0
        person = int(present.nonzero()[0, 0]) if present.any() else 0
        x = x[..., person : person + 1]
        loss, extras = model.pretrain_loss(x, torch.Generator().manual_seed(seed))
        pred, mask = extras["pred"][:1], extras["mask"][0].bool()
        flat = x[..., 0]  # (1, C, T, V)
        if cfg.norm_target:
            raw = model.raw_target(flat)
            mean = raw.mean(dim=-1, keepdim=True)
            std = (raw.var(dim=-1, keepdim=True, unbiased=False) + 1e-6).sqrt()
            pred = pred * std + mean
    from einops import rearrange

    values = rearrange(
        pred[0], "(tp v) (p c) -> c (tp p) v", v=cfg.num_joints, p=cfg.patch_size
    ).numpy()
    coords = flat[0, : cfg.coord_channels].numpy()  # the joint stream
    grid = mask.reshape(cfg.num_patches, cfg.num_joints).numpy()
    masked = np.repeat(grid, cfg.patch_size, axis=0)
    if cfg.target == "coords":
        recon = np.where(masked[None], values, coords)
    else:
        recon = _integrate_motion(coords, values, masked)
    return Reconstruction(
        original=coords.transpose(1, 2, 0).copy(),
        reconstruction=recon.transpose(1, 2, 0).astype(np.float32),
        mask=grid,
        patch_size=cfg.patch_size,
        target=cfg.target,
        layout=cfg.layout,
        loss=float(loss),
    )


def _reconstruction_panels(
    rec: Reconstruction, axes: Sequence[Axes], t: int, view: str
) -> Callable[[int], None]:
    """Draw frame ``t`` into three panels — original | masked input (hidden bones grey, dashed) |
    reconstruction (predicted bones red over the original in light grey) — and return a function
    that moves them to another frame."""
    lay = get_layout(rec.layout)
    both = np.stack([rec.original, rec.reconstruction])
    for ax, title in zip(axes, ("original", "masked input", "reconstruction"), strict=True):
        _frame_axes(ax, both, view, title)
    ax_o, ax_m, ax_r = axes
    hidden = rec.frame_mask
    pred_style = {"hidden_color": _PREDICTED, "hidden_linestyle": "-"}
    orig = draw_skeleton(ax_o, rec.original[t], lay)
    seen = draw_skeleton(ax_m, rec.original[t], lay, hidden=hidden[t])
    ghost = draw_skeleton(ax_r, rec.original[t], lay, color="0.75", alpha=0.6, linewidth=1.0)
    pred = draw_skeleton(ax_r, rec.reconstruction[t], lay, hidden=hidden[t], **pred_style)

    def show(u: int) -> None:
        ax_o.set_title(f"original, frame {u}", fontsize=9)
        update_skeleton(orig, rec.original[u], lay)
        update_skeleton(seen, rec.original[u], lay, hidden=hidden[u])
        update_skeleton(ghost, rec.original[u], lay, color="0.75")
        update_skeleton(pred, rec.reconstruction[u], lay, hidden=hidden[u], **pred_style)

    show(t)
    return show


def plot_reconstruction(
    rec: Reconstruction, *, frames: int | Sequence[int] = 5, view: str = "2d"
) -> Figure:
    """Rows of frames — original, masked input, reconstruction — above the token grid (dotted
    lines mark the patches of the frames shown)."""
    _check_view(view)
    idx = _frame_indices(rec.original.shape[0], frames)
    fig = _figure(figsize=(1.9 * len(idx) + 0.6, 8.4), layout="constrained")
    grid = fig.add_gridspec(4, len(idx), height_ratios=[1, 1, 1, 0.9])
    for i, t in enumerate(idx):
        _reconstruction_panels(rec, [_add_axes(fig, grid[r, i], view) for r in range(3)], t, view)
    ax = fig.add_subplot(grid[3, :])
    draw_mask_grid(ax, rec.mask, rec.layout)
    for t in idx:
        ax.axvline(t // rec.patch_size, color="black", linewidth=0.8, linestyle=":")
    fig.suptitle(_summary(rec), fontsize=10)
    return fig


def _summary(rec: Reconstruction) -> str:
    return f"masked {rec.mask.mean():.0%} of tokens; target: {rec.target}; loss {rec.loss:.3f}"


def animate_reconstruction(
    rec: Reconstruction,
    path: str | Path,
    *,
    view: str = "2d",
    fps: float = 15.0,
    dpi: int = 72,
) -> Path:
    """A GIF of original | masked input | reconstruction, frame by frame, above the token grid
    with the current patch outlined; returns the path."""
    path = Path(path)
    _check_gif(path)
    fig = _figure(figsize=(7.5, 5.4), layout="constrained")
    grid = fig.add_gridspec(2, 3, height_ratios=[1.3, 1])
    axes = [_add_axes(fig, grid[0, i], _check_view(view)) for i in range(3)]
    show = _reconstruction_panels(rec, axes, 0, view)
    ax_grid = fig.add_subplot(grid[1, :])
    draw_mask_grid(ax_grid, rec.mask, rec.layout)
    box = _column_box(ax_grid, 0)
    fig.suptitle(_summary(rec), fontsize=10)
    _freeze_layout(fig)

    def draw(t: int) -> None:
        show(t)
        box.set_x(t // rec.patch_size - 0.5)

    return _write_gif(fig, path, fps, dpi, rec.original.shape[0], draw)

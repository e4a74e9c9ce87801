"""skeletonmae.viz and ``skeletonmae reconstruct``: bones between the right joints, masked tokens
grey, reconstructions that match when the decoder is perfect, and valid picture files."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from click.testing import CliRunner  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from skeletonmae import viz  # noqa: E402
from skeletonmae.cli import main  # noqa: E402
from skeletonmae.clip import Clip  # noqa: E402
from skeletonmae.formats import load_clip  # noqa: E402
from skeletonmae.layouts import get_layout  # noqa: E402
from skeletonmae.models.transformer import TransformerSkeletonMAE, TransformerSkeletonMAEConfig  # noqa: E402
from skeletonmae.transforms import PreprocessConfig  # noqa: E402

CLIPS = Path(__file__).resolve().parents[1] / "examples" / "clips"
LAYOUT = get_layout("kinect-v1")


@pytest.fixture(scope="module")
def clip() -> Clip:
    return load_clip(CLIPS / "throw.npy", layout="kinect-v1")


def tiny_model(**kw) -> TransformerSkeletonMAE:
    torch.manual_seed(0)
    sizes = {"dim": 16, "depth": 1, "num_heads": 2, "decoder_dim": 16, "decoder_depth": 1,
             "decoder_heads": 2}  # fmt: skip
    kw.setdefault("preprocess", PreprocessConfig(num_frames=16))
    cfg = TransformerSkeletonMAEConfig(**{**sizes, **kw})
    return TransformerSkeletonMAE(cfg).eval()


def _is_grey(rgb: np.ndarray) -> np.ndarray:
    return np.isclose(rgb[..., 0], rgb[..., 1]) & np.isclose(rgb[..., 1], rgb[..., 2])


# -- drawing skeletons ---------------------------------------------------------------------------


def test_each_bone_line_joins_its_two_joints_in_2d(clip):
    frame = clip.data[0, 5]
    ax = Figure().add_subplot()
    lines = viz.draw_skeleton(ax, frame, "kinect-v1")
    assert len(lines) == len(LAYOUT.bones) == 19
    for line, (child, parent) in zip(lines, LAYOUT.bones, strict=True):
        np.testing.assert_allclose(line.get_xydata(), frame[[child, parent], :2])
        assert line.get_gid() == f"{LAYOUT.joints[child]}-{LAYOUT.joints[parent]}"
    by_name = {line.get_gid(): line for line in lines}
    elbow, wrist = LAYOUT.index("left_elbow"), LAYOUT.index("left_wrist")
    np.testing.assert_allclose(by_name["left_wrist-left_elbow"].get_xydata(),
                               frame[[wrist, elbow], :2])  # fmt: skip


def test_3d_bones_put_depth_on_the_plot_y_axis(clip):
    frame = clip.data[0, 3]
    ax = Figure().add_subplot(projection="3d")
    lines = viz.draw_skeleton(ax, frame, "kinect-v1")
    for line, (child, parent) in zip(lines, LAYOUT.bones, strict=True):
        xs, ys, zs = line.get_data_3d()
        pts = frame[[child, parent]]
        np.testing.assert_allclose(np.stack([xs, ys, zs], -1), pts[:, [0, 2, 1]])


def test_update_moves_bones_and_hidden_joints_are_grey_dashed(clip):
    ax = Figure().add_subplot()
    lines = viz.draw_skeleton(ax, clip.data[0, 0], "kinect-v1")
    hidden = np.zeros(20, dtype=bool)
    hidden[LAYOUT.index("right_hand")] = True
    viz.update_skeleton(lines, clip.data[0, 9], "kinect-v1", color="C2", hidden=hidden)
    for line, (child, parent) in zip(lines, LAYOUT.bones, strict=True):
        np.testing.assert_allclose(line.get_xydata(), clip.data[0, 9, [child, parent], :2])
        off = hidden[child] or hidden[parent]
        assert to_rgb(line.get_color()) == (viz.MASKED_RGB if off else to_rgb("C2"))
        assert line.get_linestyle() == ("--" if off else "-")


def test_2d_view_is_the_camera_view_and_image_coordinates_point_down(clip):
    ax = Figure().add_subplot()
    viz._frame_axes(ax, clip.data, "2d")
    assert ax.xaxis_inverted() and not ax.yaxis_inverted()  # Kinect x grows to camera's left
    ax2 = Figure().add_subplot()
    viz._frame_axes(ax2, clip.data[..., :2], "2d")
    assert ax2.yaxis_inverted() and not ax2.xaxis_inverted()


def test_strip_of_frames(clip):
    fig = viz.plot_frames(clip, frames=[0, 10, 39])
    assert [ax.get_title() for ax in fig.axes] == ["frame 0", "frame 10", "frame 39"]
    assert all(len(ax.lines) == 19 for ax in fig.axes)
    fig3 = viz.plot_frames(clip.data[0], "kinect-v1", frames=4, view="3d")
    assert len(fig3.axes) == 4 and fig3.axes[0].name == "3d"
    with pytest.raises(ValueError, match="out of range"):
        viz.plot_frames(clip, frames=[40])


def test_bad_input_is_a_clear_error(clip):
    with pytest.raises(ValueError, match="pass layout="):
        viz.plot_frames(clip.data[0])
    with pytest.raises(ValueError, match="does not fit layout"):
        viz.plot_frames(clip.data[0, :, :15], "kinect-v1")
    with pytest.raises(ValueError, match="view must be"):
        viz.plot_frames(clip, view="side")
    with pytest.raises(ValueError, match=r"\.gif"):
        viz.animate_clip(clip, "out.mp4")


def test_animated_gif_has_one_frame_per_clip_frame(clip, tmp_path):
    short = Clip(clip.data[:, :6], "kinect-v1")
    path = viz.animate_clip(short, tmp_path / "clip.gif", fps=10)
    with Image.open(path) as im:
        assert im.format == "GIF"
        assert im.n_frames == 6


def test_missing_matplotlib_tells_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "skeletonmae\[viz\]"'):
        viz.require_matplotlib()


# -- the masking grid ----------------------------------------------------------------------------


def test_masked_tokens_are_grey_in_the_grid():
    mask = torch.rand(8, 20, generator=torch.Generator().manual_seed(3)) < 0.5
    ax = Figure().add_subplot()
    viz.draw_mask_grid(ax, mask.numpy(), "kinect-v1", highlight=2)
    image = np.asarray(ax.images[0].get_array())
    assert image.shape == (20, 8, 3)  # joints as rows, temporal patches as columns
    masked = mask.numpy().T
    np.testing.assert_allclose(image[masked], np.broadcast_to(viz.MASKED_RGB, image[masked].shape))
    assert not _is_grey(image[~masked]).any()
    assert len(ax.patches) == 1  # the highlighted column


def test_grid_rejects_a_mask_of_the_wrong_shape():
    with pytest.raises(ValueError, match="not a \\(T', V\\) grid"):
        viz.mask_grid_image(np.zeros((8, 25)), "kinect-v1")


# -- reconstruction ------------------------------------------------------------------------------


def test_reconstruct_draws_the_joints_of_a_multi_stream_model(clip, monkeypatch):
    pre = PreprocessConfig(num_frames=16, streams=["joint", "bone", "motion"])
    model = tiny_model(in_channels=9, preprocess=pre)
    _perfect_decoder(model, monkeypatch)
    rec = viz.reconstruct(model, clip, seed=3)
    assert rec.original.shape == (16, 20, 3)
    np.testing.assert_allclose(rec.original, model.prepare([clip])[0, :3, ..., 0].permute(1, 2, 0))
    np.testing.assert_allclose(rec.reconstruction, rec.original, atol=1e-4)


@pytest.mark.parametrize("target", ["motion", "coords"])
def test_reconstruct_keeps_visible_tokens_and_uses_the_model_mask(clip, target):
    model = tiny_model(target=target)
    rec = viz.reconstruct(model, clip, seed=7)
    t, v = model.config.preprocess.num_frames, 20
    assert rec.original.shape == rec.reconstruction.shape == (t, v, 3)
    x = model.prepare([clip])[..., 0]
    expected = model.make_mask(x, torch.Generator().manual_seed(7)).mask
    np.testing.assert_array_equal(rec.mask, expected.reshape(t // 4, v).bool().numpy())
    np.testing.assert_allclose(rec.original, x[0].permute(1, 2, 0).numpy())
    visible = ~rec.frame_mask
    np.testing.assert_array_equal(rec.reconstruction[visible], rec.original[visible])
    assert not np.allclose(rec.reconstruction[~visible], rec.original[~visible])
    assert np.isfinite(rec.reconstruction).all()


def _perfect_decoder(model: TransformerSkeletonMAE, monkeypatch) -> None:
    """Make the decoder's prediction the exact (normalised) target."""
    original = model.pretrain_loss

    def perfect(x, generator=None):
        loss, extras = original(x, generator)
        return loss, {**extras, "pred": extras["target"]}

    monkeypatch.setattr(model, "pretrain_loss", perfect)


@pytest.mark.parametrize("norm_target", [True, False])
@pytest.mark.parametrize("strategy", ["random", "spatial_temporal", "frame"])
def test_a_perfect_motion_decoder_reconstructs_the_clip(monkeypatch, strategy, norm_target):
    # Joints moving at constant, different velocities: integration from visible frames, the
    # constant-velocity step into a trailing masked run and pinning are then all exact.
    steps = np.arange(40, dtype=np.float32)[:, None, None]
    base = np.random.default_rng(0).normal(size=(1, 20, 3)).astype(np.float32)
    vel = np.random.default_rng(1).normal(scale=0.05, size=(1, 20, 3)).astype(np.float32)
    model = tiny_model(target="motion", mask_strategy=strategy, norm_target=norm_target,
                       mask_ratio=0.6)  # fmt: skip
    _perfect_decoder(model, monkeypatch)
    for seed in range(4):
        rec = viz.reconstruct(model, base + steps * vel, seed=seed, layout="kinect-v1")
        np.testing.assert_allclose(rec.reconstruction, rec.original, atol=1e-4)


@pytest.mark.parametrize("norm_target", [True, False])
def test_a_perfect_coordinate_decoder_reconstructs_the_clip(clip, monkeypatch, norm_target):
    model = tiny_model(target="coords", norm_target=norm_target)
    _perfect_decoder(model, monkeypatch)
    rec = viz.reconstruct(model, clip, seed=1)
    np.testing.assert_allclose(rec.reconstruction, rec.original, atol=1e-5)


def test_integrate_motion_runs_backwards_from_the_next_visible_frame():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 12, 2)).cumsum(axis=1)  # curved paths
    motion = np.zeros_like(x)
    motion[:, :-1] = x[:, 1:] - x[:, :-1]
    masked = np.zeros((12, 2), dtype=bool)
    masked[0:4, 0] = True  # leading run: integrated back from frame 4
    masked[4:8, 1] = True  # middle run: integrated back from frame 8
    np.testing.assert_allclose(viz._integrate_motion(x, motion, masked), x)
    masked[8:, 1] = True  # now a trailing run 4..11: one step at the last velocity, then motion
    out = viz._integrate_motion(x, motion, masked)
    start = 2 * x[:, 3, 1] - x[:, 2, 1]
    np.testing.assert_allclose(out[:, 4:, 1], start[:, None] + (x[:, 4:, 1] - x[:, 4:5, 1]))


def test_reconstruct_needs_a_decoder(clip):
    with pytest.raises(ValueError, match="no decoder"):
        viz.reconstruct(tiny_model(decoder_depth=0), clip)


def test_reconstruction_figure_shows_original_masked_and_reconstruction(clip):
    rec = viz.reconstruct(tiny_model(), clip, seed=0)
    fig = viz.plot_reconstruction(rec, frames=[0, 8])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:3] == ["original, frame 0", "masked input", "reconstruction"]
    assert titles[-1] == "tokens (grey: masked)"
    np.testing.assert_allclose(
        np.asarray(fig.axes[-1].images[0].get_array()), viz.mask_grid_image(rec.mask, "kinect-v1")
    )
    masked_panel = fig.axes[1]
    hidden = rec.frame_mask[0]
    for line, (child, parent) in zip(masked_panel.lines, LAYOUT.bones, strict=True):
        grey = to_rgb(line.get_color()) == viz.MASKED_RGB
        assert grey == bool(hidden[child] or hidden[parent])


# -- the CLI -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return tiny_model().save_pretrained(tmp_path_factory.mktemp("tiny") / "model")


def test_cli_writes_an_animated_gif(model_dir, tmp_path):
    out = tmp_path / "rec.gif"
    result = CliRunner().invoke(
        main, ["reconstruct", str(CLIPS / "sit_down.npy"), "--model", str(model_dir),
               "-o", str(out), "--seed", "3"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "masked" in result.output
    with Image.open(out) as im:
        assert im.format == "GIF"
        assert im.n_frames == 16  # the model's frames


def test_cli_writes_a_png_strip_in_3d(model_dir, tmp_path):
    out = tmp_path / "sub" / "rec.png"
    result = CliRunner().invoke(
        main, ["reconstruct", str(CLIPS / "walk_around.npy"), "--model", str(model_dir),
               "-o", str(out), "--view", "3d"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with Image.open(out) as im:
        assert im.format == "PNG"
        assert im.size[0] > 400 and im.size[1] > 400


def test_cli_errors(model_dir, tmp_path):
    clip = str(CLIPS / "throw.npy")
    runner = CliRunner()
    bad_suffix = runner.invoke(main, ["reconstruct", clip, "--model", str(model_dir), "-o",
                                      str(tmp_path / "x.jpg")])  # fmt: skip
    assert bad_suffix.exit_code == 2 and ".gif or .png" in bad_suffix.output
    missing = runner.invoke(main, ["reconstruct", clip, "--model", str(tmp_path / "nope"), "-o",
                                   str(tmp_path / "x.png")])  # fmt: skip
    assert missing.exit_code == 1 and "cannot load model" in missing.output
    encoder = tiny_model(decoder_depth=0).save_pretrained(tmp_path / "encoder")
    no_decoder = runner.invoke(main, ["reconstruct", clip, "--model", str(encoder), "-o",
                                      str(tmp_path / "x.png")])  # fmt: skip
    assert no_decoder.exit_code == 1 and "no System A decoder" in no_decoder.output
    assert not (tmp_path / "x.png").exists()


def test_the_confusion_matrix_is_drawn_with_its_counts():
    confusion = np.array([[3, 1, 0], [0, 2, 0], [1, 0, 4]])
    fig = viz.plot_confusion(confusion, ["a", "b", "c"])
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "1", "2", "3", "4"]  # non-zero cells
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    np.testing.assert_allclose(ax.images[0].get_array()[0], [0.75, 0.25, 0])  # row shares
    with pytest.raises(ValueError, match=r"a confusion matrix of 2 classes is \(2, 2\)"):
        viz.plot_confusion(confusion, ["a", "b"])

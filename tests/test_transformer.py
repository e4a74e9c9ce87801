"""System A: shapes, visible-token encoding, masked-only loss, persistence, strict loading."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file, save_file
from synthetic import pretraining_losses

from skeletonmae import (
    CheckpointError,
    PreprocessConfig,
    SkeletonMAE,
    TransformerSkeletonMAE,
    TransformerSkeletonMAEConfig,
)
from skeletonmae.models import SkeletonModel
from skeletonmae.models.base import config_from_dict
from skeletonmae.models.transformer import PRESETS

TINY = dict(dim=32, depth=2, num_heads=2, decoder_dim=32, decoder_depth=1, decoder_heads=2)


def tiny(**kw) -> SkeletonMAE:
    torch.manual_seed(0)
    pre = PreprocessConfig(num_frames=kw.pop("num_frames", 16))
    return SkeletonMAE(TransformerSkeletonMAEConfig(**{**TINY, **kw}, preprocess=pre))


# MAMP's published shape, without its preprocessing block (tiny() sets num_frames).
MAMP = {k: v for k, v in PRESETS["mamp"].items() if k != "preprocess"}

CONFIGS = {
    "tiny": dict(),
    "nw-ucla-recipe": dict(
        dim=128,
        depth=6,
        num_heads=4,
        decoder_dim=128,
        decoder_depth=2,
        decoder_heads=4,
        num_frames=32,
    ),
    "mamp": {**MAMP, "num_frames": 120},
    "coco-2d": dict(layout="coco-17", in_channels=2),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_shapes_for_every_config(name):
    kw = dict(CONFIGS[name])
    model = tiny(num_classes=7, **kw)
    c = model.config
    x = torch.randn(2, c.in_channels, c.preprocess.num_frames, c.num_joints, 2)
    assert model(x).shape == (2, 7)
    assert model.forward_features(x).shape == (2, c.dim)
    loss, extras = model.pretrain_loss(x)
    tokens = c.num_patches * c.num_joints
    assert extras["pred"].shape == (4, tokens, c.patch_size * c.in_channels)
    assert torch.isfinite(loss)


def test_mamp_config_has_mamp_token_grid():
    c = tiny(**CONFIGS["mamp"]).config
    assert (c.num_patches, c.num_joints) == (30, 25)


def test_mamp_preset_is_mamps_published_shape():
    c = TransformerSkeletonMAEConfig.preset("mamp")
    assert (c.num_patches, c.num_joints, c.dim, c.depth, c.decoder_depth) == (30, 25, 256, 8, 3)
    assert (c.mask_strategy, c.mask_ratio, c.target, c.preprocess.max_persons) == (
        "motion",
        0.9,
        "motion",
        2,
    )


def test_preset_overrides_and_unknown_names():
    c = TransformerSkeletonMAEConfig.preset(
        "cpu-small", num_classes=10, preprocess={"num_frames": 64}
    )
    assert (c.num_classes, c.preprocess.num_frames, c.preprocess.align) == (10, 64, True)
    with pytest.raises(ValueError, match=r"did you mean 'mamp'.*cpu-small"):
        TransformerSkeletonMAEConfig.preset("mamp-large")


def test_a_config_dict_may_start_from_a_preset():
    d = {"arch": "skeletonmae-transformer", "preset": "cpu-small", "dim": 64}
    c = config_from_dict({**d, "preprocess": {"num_frames": 16}})
    want = TransformerSkeletonMAEConfig.preset("cpu-small", dim=64, preprocess={"num_frames": 16})
    assert c == want and (c.dim, c.depth, c.preprocess.num_frames) == (64, 6, 16)
    assert "preset" not in c.to_dict()  # saved configs hold every field
    with pytest.raises(ValueError, match="did you mean 'cpu-small'"):
        config_from_dict({**d, "preset": "cpu_small"})


def test_encoder_sees_exactly_the_visible_tokens():
    model = tiny(mask_strategy="random", mask_ratio=0.75)
    seen = []
    handle = model.encoder.blocks[0].register_forward_hook(lambda m, i, o: seen.append(i[0].shape))
    x = torch.randn(3, 3, 16, 20, 1)
    _, extras = model.pretrain_loss(x, generator=torch.Generator().manual_seed(0))
    handle.remove()
    visible = int((extras["mask"][0] == 0).sum())
    assert seen == [torch.Size([3, visible, 32])]
    assert visible == 80 - 60


def test_visible_tokens_are_the_unmasked_ones():
    model = tiny(mask_strategy="joint", mask_ratio=0.5).eval()
    x = torch.randn(2, 3, 16, 20, 1)
    m = model.make_mask(x[..., 0], torch.Generator().manual_seed(1))
    kept = torch.gather(model.encoder.embed(x[..., 0]), 1, m.ids_keep[..., None].expand(-1, -1, 32))
    full = model.encoder.embed(x[..., 0])
    for i in range(2):
        vis = full[i][m.mask[i] == 0]
        assert torch.equal(kept[i], vis)


def test_loss_ignores_visible_targets():
    model = tiny(mask_strategy="random", mask_ratio=0.5, target="coords", norm_target=False)
    x = torch.randn(2, 3, 16, 20, 1)
    loss, extras = model.pretrain_loss(x, generator=torch.Generator().manual_seed(3))
    mask = extras["mask"]
    # Change the input of a visible token only through the target path: recompute by hand.
    target = extras["target"].clone()
    target[mask == 0] += 100.0
    per_token = ((extras["pred"] - target) ** 2).mean(-1)
    assert torch.allclose((per_token * mask).sum() / mask.sum(), loss)
    target[mask == 1] += 1.0
    per_token = ((extras["pred"] - target) ** 2).mean(-1)
    assert not torch.allclose((per_token * mask).sum() / mask.sum(), loss)


def test_motion_target_is_next_frame_difference():
    model = tiny(target="motion", norm_target=False, patch_size=4)
    x = torch.zeros(1, 3, 16, 20)
    x[:, 0, :, 5] = torch.arange(16.0) ** 2
    t = model.target(x).reshape(1, 4, 20, 4, 3)
    assert t[0, 0, 5, :, 0].tolist() == [1.0, 3.0, 5.0, 7.0]
    assert t[0, 3, 5, 3, 0] == 0.0  # last frame has no successor
    assert t[0, :, 6].abs().sum() == 0


def test_save_load_round_trip_is_exact(tmp_path):
    model = tiny(num_classes=5, class_names=list("abcde")).eval()
    model.save_pretrained(tmp_path)
    loaded = SkeletonMAE.from_pretrained(tmp_path).eval()
    x = torch.randn(3, 3, 16, 20, 1)
    assert torch.equal(model(x), loaded(x))
    assert loaded.class_names == list("abcde")
    assert json.loads((tmp_path / "config.json").read_text())["arch"] == "skeletonmae-transformer"
    loaded = SkeletonModel.from_pretrained(tmp_path / "model.safetensors")
    assert isinstance(loaded, TransformerSkeletonMAE)


@pytest.mark.parametrize("tamper", ["drop", "extra", "reshape"])
def test_strict_loading_rejects_tampered_state(tmp_path, tamper):
    tiny(num_classes=5).save_pretrained(tmp_path)
    state = load_file(tmp_path / "model.safetensors")
    key = "encoder.blocks.0.attn.qkv.weight"
    if tamper == "drop":
        del state[key]
    elif tamper == "extra":
        state["encoder.surprise"] = torch.zeros(1)
    else:
        state[key] = state[key][:-1]
    save_file(state, tmp_path / "model.safetensors")
    with pytest.raises(CheckpointError, match=r"surprise|qkv"):
        SkeletonMAE.from_pretrained(tmp_path)


def test_corrupt_weights_are_a_clear_error(tmp_path):
    tiny().save_pretrained(tmp_path)
    data = (tmp_path / "model.safetensors").read_bytes()
    (tmp_path / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="safetensors"):
        SkeletonMAE.from_pretrained(tmp_path)


def test_wrong_input_shape_is_a_clear_error():
    with pytest.raises(ValueError, match=r"expects C, T, V"):
        tiny(num_classes=3)(torch.randn(1, 3, 16, 25, 1))


@pytest.mark.parametrize("strategy", ["spatial_temporal", "random", "motion", "tube"])
def test_pretraining_lowers_the_loss(strategy):
    torch.manual_seed(0)
    model = tiny(mask_strategy=strategy, mask_ratio=0.5)
    x = torch.cumsum(torch.randn(8, 3, 16, 20, 1) * 0.1, dim=2)
    losses = pretraining_losses(model, x)
    assert sum(losses[-5:]) / 5 < 0.7 * sum(losses[:5]) / 5


def test_absent_persons_do_not_change_features():
    model = tiny(num_classes=3).eval()
    x = torch.randn(2, 3, 16, 20, 1)
    padded = torch.cat([x, torch.zeros_like(x)], dim=-1)
    assert torch.allclose(model.forward_features(x), model.forward_features(padded), atol=1e-6)


def test_a_joint_encoder_initialises_a_multi_stream_classifier():
    """Its joint channels keep the pre-trained weights and the new streams start at zero, so the
    classifier's encoder first computes exactly what the pre-trained one did."""
    from skeletonmae.engine import load_encoder

    pre = tiny()
    streams = PreprocessConfig(num_frames=16, streams=["bone", "joint", "motion"])
    clf = SkeletonMAE(
        TransformerSkeletonMAEConfig(**TINY, in_channels=9, num_classes=4, preprocess=streams)
    )
    load_encoder(clf, pre)
    w = clf.encoder.patch_embed.weight
    assert torch.equal(w[:, 3:6], pre.encoder.patch_embed.weight)
    assert not w[:, :3].any() and not w[:, 6:].any()
    x = torch.randn(2, 9, 16, 20, 1)
    clf.eval(), pre.eval()
    torch.testing.assert_close(clf.forward_features(x), pre.forward_features(x[:, 3:6]))


def test_an_encoder_sharing_no_stream_does_not_fit():
    from skeletonmae.engine import load_encoder

    def model(*streams: str) -> SkeletonMAE:
        pre = PreprocessConfig(num_frames=16, streams=list(streams))
        return SkeletonMAE(
            TransformerSkeletonMAEConfig(**TINY, in_channels=3 * len(streams), preprocess=pre)
        )

    with pytest.raises(ValueError, match="patch_embed"):
        load_encoder(model("joint", "motion"), model("bone"))

"""System A's cheaper pre-training objectives: the decoupled cross-attention decoder over target
cells (AMR-like, with motion weighting) and the latent target of an EMA teacher."""

from __future__ import annotations

import pytest
import torch
from einops import rearrange
from synthetic import pretraining_losses

from skeletonmae import PreprocessConfig, SkeletonMAE, TransformerSkeletonMAEConfig
from skeletonmae.engine.optim import build_optimizer
from skeletonmae.engine.recipe import Recipe
from skeletonmae.masking import motion_scores

TINY = dict(
    dim=32, depth=2, num_heads=2, decoder_dim=32, decoder_depth=1, decoder_heads=2, teacher_layers=2
)


def tiny(**kw) -> SkeletonMAE:
    torch.manual_seed(0)
    pre = PreprocessConfig(num_frames=16)
    return SkeletonMAE(
        TransformerSkeletonMAEConfig(**{**TINY, "decoder": "cross", **kw}, preprocess=pre)
    )


def clip_batch(n: int = 4) -> torch.Tensor:
    torch.manual_seed(1)
    return torch.cumsum(torch.randn(n, 3, 16, 20, 1) * 0.1, dim=2)


def test_cross_decoder_predicts_one_value_set_per_masked_cell():
    model = tiny(target_span=2, mask_strategy="random", mask_ratio=0.75)
    loss, ex = model.pretrain_loss(clip_batch(), torch.Generator().manual_seed(0))
    # 16 frames / patch 4 = 4 patches → 2 cells of 2 patches; 2 · 20 = 40 cells, 30 masked
    assert ex["mask"].shape == (4, 40)
    assert ex["pred"].shape == (4, 30, 2 * 4 * 3) and ex["target"].shape == ex["pred"].shape
    masked = ex["mask"].gather(1, ex["cells_masked"])
    assert torch.all(masked == 1)
    assert torch.isfinite(loss)
    loss.backward()
    assert model.encoder.blocks[0].attn.qkv.weight.grad.abs().sum() > 0
    assert model.decoder.blocks[0].attn.q.weight.grad.abs().sum() > 0


def test_a_cell_is_masked_or_visible_as_a_whole():
    model = tiny(target_span=2, mask_strategy="random", mask_ratio=0.5)
    seen = {}

    def record(module, args):
        seen["tokens"] = args[0].shape[1] if args[0].ndim == 3 else None

    model.encoder.blocks[0].register_forward_pre_hook(record)
    _, ex = model.pretrain_loss(clip_batch(), torch.Generator().manual_seed(0))
    visible_cells = int((ex["mask"][0] == 0).sum())
    assert seen["tokens"] == 2 * visible_cells  # both patches of every visible cell, no more


def test_cell_target_spans_the_cell_frames():
    model = tiny(target_span=2, target="motion", norm_target=False)
    x = torch.zeros(1, 3, 16, 20)
    x[:, 0, :, 5] = torch.arange(16.0) ** 2
    t = model.target(x).reshape(1, 2, 20, 8, 3)
    assert t[0, 0, 5, :, 0].tolist() == [1.0, 3.0, 5.0, 7.0, 9.0, 11.0, 13.0, 15.0]
    assert t[0, 1, 5, 7, 0] == 0.0 and t[0, :, 6].abs().sum() == 0


def test_motion_weighting_scales_each_cell_by_its_energy():
    x = clip_batch()
    plain = tiny(target_span=2, mask_strategy="random", mask_ratio=0.5)
    weighted = tiny(target_span=2, mask_strategy="random", mask_ratio=0.5, motion_weight=0.5)
    loss_p, ex = plain.pretrain_loss(x, torch.Generator().manual_seed(0))
    loss_w, ex_w = weighted.pretrain_loss(x, torch.Generator().manual_seed(0))
    assert torch.equal(ex["pred"], ex_w["pred"])  # same weights, same mask
    per_cell = ((ex["pred"] - ex["target"]) ** 2).mean(-1)
    energy = motion_scores(x[..., 0], 8).gather(1, ex["cells_masked"])
    w = energy.sqrt() / energy.sqrt().mean(1, keepdim=True)  # γ = 0.5, mean weight 1
    assert torch.allclose(loss_p, per_cell.mean())
    assert torch.allclose(loss_w, (per_cell * w).mean(), rtol=1e-5)
    assert not torch.allclose(loss_w, loss_p)


def test_latent_target_comes_from_an_ema_teacher_that_no_optimiser_trains():
    model = tiny(target_span=2, target="latent", teacher_decay=0.9, mask_strategy="random")
    recipe = Recipe(
        name="t",
        stage="pretrain",
        model={"arch": model.config.arch},
        dataset="folder",
        train_split="train",
    )
    optimised = {id(p) for g in build_optimizer(model, recipe).param_groups for p in g["params"]}
    assert not any(id(p) in optimised for p in model.teacher.parameters())
    assert all(id(p) in optimised for p in model.encoder.parameters())
    with torch.no_grad():
        for p in model.encoder.parameters():
            p.add_(1.0)
    before = [p.clone() for p in model.teacher.parameters()]
    model.train()
    _, ex = model.pretrain_loss(clip_batch(), torch.Generator().manual_seed(0))
    for b, t, s in zip(before, model.teacher.parameters(), model.encoder.parameters(), strict=True):
        assert torch.allclose(t, 0.9 * b + 0.1 * s, atol=1e-6)
    assert ex["pred"].shape == ex["target"].shape == (4, 36, 32)  # 90 % of 40 cells
    assert {"reconstruction", "variance"} <= set(ex)
    model.eval()
    frozen = [p.clone() for p in model.teacher.parameters()]
    model.latent_target(clip_batch()[..., 0])  # evaluation does not move the teacher
    assert all(torch.equal(a, b) for a, b in zip(frozen, model.teacher.parameters(), strict=True))


def test_latent_target_is_the_teacher_layers_normalised_and_averaged_per_cell():
    model = tiny(target_span=2, target="latent", teacher_layers=2).eval()
    x = clip_batch()[..., 0]
    outs = model.teacher.block_outputs(x)
    norm = [torch.nn.functional.layer_norm(o, o.shape[-1:]) for o in outs]
    expected = rearrange((norm[0] + norm[1]) / 2, "b (tc s v) d -> b (tc v) s d", s=2, v=20)
    assert torch.allclose(model.latent_target(x), expected.mean(2), atol=1e-5)


def test_variance_hinge_penalises_collapsed_features():
    model = tiny(target_span=2, target="latent", mask_strategy="random")
    with torch.no_grad():  # a collapsed encoder: every clip gives the same features
        model.encoder.norm.weight.zero_()
    _, ex = model.pretrain_loss(clip_batch(), torch.Generator().manual_seed(0))
    assert ex["variance"].item() == pytest.approx(1.0)


def test_cross_objectives_lower_the_loss():
    for kw in (dict(motion_weight=0.5), dict(target="latent")):
        model = tiny(target_span=2, mask_strategy="random", mask_ratio=0.5, **kw)
        losses = pretraining_losses(model, clip_batch(8))
        assert sum(losses[-5:]) / 5 < 0.7 * sum(losses[:5]) / 5, kw


@pytest.mark.parametrize(
    "bad, match",
    [
        (dict(decoder="mae", target_span=2), "need decoder='cross'"),
        (dict(decoder="mae", target="latent"), "need decoder='cross'"),
        (dict(target_span=3), "must divide the 4 temporal patches"),
        (dict(decoder="crossattn"), "decoder must be one of"),
        (dict(target="features"), "target must be one of"),
        (dict(target="latent", teacher_layers=3), r"teacher_layers must be in \[1, depth=2\]"),
        (dict(teacher_decay=1.0), "teacher_decay in"),
    ],
)
def test_bad_objective_options_are_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        tiny(**bad)


def test_a_latent_model_round_trips_with_its_teacher(tmp_path):
    model = tiny(target_span=2, target="latent")
    with torch.no_grad():
        next(model.teacher.parameters()).add_(0.5)
    model.save_pretrained(tmp_path / "m")
    loaded = SkeletonMAE.from_pretrained(tmp_path / "m")
    for a, b in zip(model.state_dict().values(), loaded.state_dict().values(), strict=True):
        assert torch.equal(a, b)

"""System B (graph SkeletonMAE): GIN layer, region masking, scaled cosine loss, STRL classifier,
persistence and a tiny pre-training run."""

from __future__ import annotations

import math

import pytest
import torch
from safetensors.torch import load_file, save_file

from skeletonmae import GraphSkeletonMAE, GraphSkeletonMAEConfig, SkeletonModel, get_layout
from skeletonmae.models.base import CheckpointError
from skeletonmae.models.graph import GINLayer, STRLLayer, scaled_cosine_error
from skeletonmae.transforms import PreprocessConfig

torch.set_num_threads(1)

T = 8


def make(layout: str = "kinect-v1", seed: int = 0, **kw) -> GraphSkeletonMAE:
    kw.setdefault("in_channels", 2 if layout == "coco-17" else 3)
    kw.setdefault("dim", 16)
    kw.setdefault("head_hidden", 32)
    cfg = GraphSkeletonMAEConfig(layout=layout, preprocess=PreprocessConfig(num_frames=T), **kw)
    torch.manual_seed(seed)
    return GraphSkeletonMAE(cfg)


def batch(layout: str = "kinect-v1", n: int = 4, persons: int = 1, seed: int = 0):
    v = get_layout(layout).num_joints
    c = 2 if layout == "coco-17" else 3
    return torch.randn(n, c, T, v, persons, generator=torch.Generator().manual_seed(seed))


def joints_of(layout: str, *regions: str) -> set[int]:
    lay = get_layout(layout)
    return {j for r in regions for j in lay.regions[r]}


# -- GIN -----------------------------------------------------------------------------------------


def test_gin_layer_matches_its_definition_on_a_path_graph():
    # Path 0 - 1 - 2, scalar features, ε = 0.5:
    # aggregates (1 + ε)h_v + Σ neighbours = 1.5·1 − 3 = −1.5, 1.5·(−3) + 1 + 4 = 0.5, 1.5·4 − 3 = 3
    # MLP a ↦ 3·PReLU_{0.25}(2a − 1) + 0.5 gives −2.5, 0.5, 15.5.
    layer = GINLayer(1, 1, eps=0.5)
    with torch.no_grad():
        layer.mlp[0].weight.fill_(2.0)
        layer.mlp[0].bias.fill_(-1.0)
        layer.mlp[1].weight.fill_(0.25)
        layer.mlp[2].weight.fill_(3.0)
        layer.mlp[2].bias.fill_(0.5)
    adj = torch.tensor([[0.0, 1, 0], [1, 0, 1], [0, 1, 0]])
    h = torch.tensor([[1.0], [-3.0], [4.0]])
    out = layer(h, adj)
    torch.testing.assert_close(out, torch.tensor([[-2.5], [0.5], [15.5]]))
    # Leading (batch, frame) axes are independent graphs.
    stacked = layer(torch.stack([h, 2 * h]).unsqueeze(0), adj)
    torch.testing.assert_close(stacked[0, 0], out)
    torch.testing.assert_close(stacked[0, 1], layer(2 * h, adj))


def test_gin_eps_is_learnable_only_when_asked():
    fixed, learned = GINLayer(2, 2, eps=0.1), GINLayer(2, 2, eps=0.1, learn_eps=True)
    assert "eps" not in dict(fixed.named_parameters())
    assert "eps" not in fixed.state_dict()
    adj = torch.ones(3, 3) - torch.eye(3)
    learned(torch.randn(3, 2), adj).sum().backward()
    assert learned.eps.grad is not None and learned.eps.grad.abs() > 0


def test_encoder_is_per_frame_on_the_layouts_bones():
    model = make(encoder_layers=1).eval()
    lay = get_layout("kinect-v1")
    torch.testing.assert_close(model.encoder.adjacency, torch.from_numpy(lay.adjacency()))
    x = batch(n=1)[..., 0]
    hand = lay.index("right_hand")
    y = x.clone()
    y[0, :, 3, hand] += 1.0
    with torch.no_grad():
        changed = (model.encoder(x) - model.encoder(y)).abs().sum(-1)[0] > 1e-6  # (T, V)
    # One GIN layer: only the joint itself and its bone neighbour (the wrist), only in frame 3.
    expected = torch.zeros(T, lay.num_joints, dtype=torch.bool)
    expected[3, [hand, lay.index("right_wrist")]] = True
    assert torch.equal(changed, expected)


# -- masking -------------------------------------------------------------------------------------


def test_fixed_region_masking_masks_exactly_those_regions_with_the_mask_token():
    model = make(mask_regions=["right_arm", "right_leg"])
    v = model.config.num_joints
    mask = model.make_mask(batch(n=5)[..., 0], torch.Generator().manual_seed(1)).mask
    mask = mask.reshape(5, T, v)
    chosen = joints_of("kinect-v1", "right_arm", "right_leg")
    expected = torch.tensor([float(j in chosen) for j in range(v)]).expand(5, T, v)
    assert torch.equal(mask, expected)

    seen = {}
    model.encoder.layers[0].register_forward_pre_hook(lambda m, args: seen.update(h=args[0]))
    x = batch(n=5)[..., 0]
    model.reconstruct(x, mask)
    h, feats = seen["h"], model.encoder.embed_joints(x)
    on = mask.bool()
    token = model.mask_token.reshape(-1)
    assert torch.equal(h[on], token.expand(int(on.sum()), -1))
    assert torch.equal(h[~on], feats[~on])


def test_region_count_masking_draws_whole_regions_per_sample():
    model = make(mask_regions=2)
    lay = get_layout("kinect-v1")
    mask = model.make_mask(batch(n=16)[..., 0], torch.Generator().manual_seed(3)).mask
    mask = mask.reshape(16, T, -1)
    assert torch.equal(mask, mask[:, :1].expand_as(mask))  # same joints in every frame
    regions = [set(r) for r in lay.regions.values()]
    for row in mask[:, 0]:
        masked = set(torch.nonzero(row).flatten().tolist())
        inside = [r for r in regions if r <= masked]
        assert sum(len(r) for r in inside) == len(masked) and len(inside) == 2
    assert len({tuple(r.tolist()) for r in mask[:, 0]}) > 1  # samples differ


def test_random_joint_masking_ablation():
    model = make(mask_strategy="joint", mask_ratio=0.25)
    mask = model.make_mask(batch(n=6)[..., 0], torch.Generator().manual_seed(0)).mask
    mask = mask.reshape(6, T, -1)
    assert torch.equal(mask, mask[:, :1].expand_as(mask))
    assert mask[:, 0].sum(1).tolist() == [5.0] * 6  # round(0.25 · 20)


def test_masked_joints_do_not_leak_into_the_prediction():
    model = make()
    x = batch(n=2)[..., 0]
    mask = model.make_mask(x).mask.reshape(2, T, -1)
    y = x.clone()
    y[:, :, :, sorted(joints_of("kinect-v1", "right_arm", "right_leg"))] = 5.0
    with torch.no_grad():
        torch.testing.assert_close(model.reconstruct(x, mask)[0], model.reconstruct(y, mask)[0])


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"mask_regions": ["right_arm", "tail"]}, "must be distinct region names"),
        ({"mask_regions": 6}, "has 6 regions, mask between 1 and 5"),
        ({"mask_regions": "right_arm"}, "must be a region count or a list"),
        ({"mask_regions": True}, "must be a region count or a list"),
        ({"mask_strategy": "blocks"}, "mask_strategy 'blocks' not in"),
        ({"mask_strategy": "joint", "mask_ratio": 1.0}, r"mask_ratio must be in \(0, 1\)"),
        ({"target": "motion"}, "target must be one of"),
        ({"head": "mlp"}, "head must be one of"),
        ({"temporal_kernel": 4}, "temporal_kernel a positive odd number"),
        ({"sm_pool": "max"}, "sm_pool must be 'sum' or 'mean'"),
    ],
)
def test_bad_configs_are_rejected(kw, match):
    with pytest.raises(ValueError, match=match):
        make(**kw)


# -- loss ----------------------------------------------------------------------------------------


def test_scaled_cosine_error_matches_the_formula_and_ignores_unweighted_nodes():
    pred = torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [1.0, 1.0, 1.0]])
    target = torch.tensor([[1.0, 1.0, 0.0], [0.0, -1.0, 0.0], [3.0, 0.0, 0.0]])
    weight = torch.tensor([1.0, 1.0, 0.0])
    # cos = 1/√2 and −1 on the weighted nodes; mean of (1 − cos)^3.
    expected = ((1 - 1 / math.sqrt(2)) ** 3 + 2.0**3) / 2
    torch.testing.assert_close(
        scaled_cosine_error(pred, target, weight, 3.0), torch.tensor(expected)
    )
    other = target.clone()
    other[2] = torch.tensor([-7.0, 2.0, 9.0])
    torch.testing.assert_close(
        scaled_cosine_error(pred, other, weight, 3.0),
        scaled_cosine_error(pred, target, weight, 3.0),
    )
    # Direction only: scaling the target changes nothing.
    torch.testing.assert_close(
        scaled_cosine_error(pred, 4 * target, weight, 2.0),
        scaled_cosine_error(pred, target, weight, 2.0),
    )


@pytest.mark.parametrize("target", ["coords", "features"])
def test_pretrain_loss_is_the_mean_over_masked_joints(target):
    model = make(target=target, beta=2.0)
    x = batch(n=3)
    loss, extras = model.pretrain_loss(x, torch.Generator().manual_seed(0))
    pred, tgt, mask = extras["pred"], extras["target"], extras["mask"].reshape(3, T, -1)
    width = 3 if target == "coords" else 16
    assert pred.shape == tgt.shape == (3, T, model.config.num_joints, width)
    if target == "coords":
        assert torch.equal(tgt, x[..., 0].permute(0, 2, 3, 1))
    terms = [
        (1 - torch.nn.functional.cosine_similarity(pred[b, t, j], tgt[b, t, j], dim=0)) ** 2
        for b, t, j in torch.nonzero(mask).tolist()
    ]
    torch.testing.assert_close(loss, torch.stack(terms).mean())
    loss.backward()
    assert model.mask_token.grad is not None and model.mask_token.grad.abs().sum() > 0


def test_pretrain_skips_absent_persons():
    model = make()
    x = batch(n=2, persons=2)
    x[1, ..., 1] = 0.0  # second sample has one person
    _, extras = model.pretrain_loss(x)
    assert extras["mask"].shape[0] == 3


def test_tiny_pretraining_run_lowers_the_loss():
    model = make()  # fixed regions: right arm + right leg
    t = torch.linspace(0, 2 * math.pi, T)
    base = torch.randn(3, 1, 20, generator=torch.Generator().manual_seed(0))
    x = (base + 0.3 * torch.sin(t)[None, :, None]).expand(8, 3, T, 20).unsqueeze(-1).clone()
    x = x + 0.05 * torch.randn(x.shape, generator=torch.Generator().manual_seed(1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for step in range(40):
        loss, _ = model.pretrain_loss(x, torch.Generator().manual_seed(step))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert sum(losses[-5:]) / 5 < 0.4 * sum(losses[:5]) / 5


# -- classifier, shapes, persons -----------------------------------------------------------------


@pytest.mark.parametrize("layout", ["kinect-v1", "msr-action3d", "ntu-rgbd", "coco-17"])
@pytest.mark.parametrize("persons", [1, 2])
def test_forward_shapes(layout, persons):
    x = batch(layout, n=3, persons=persons)
    encoder = make(layout).eval()
    assert encoder(x).shape == (3, 16)
    loss, _ = encoder.pretrain_loss(x)
    assert torch.isfinite(loss)
    strl = make(layout, num_classes=7, decoder_layers=0)
    assert strl(x).shape == (3, 7)
    assert strl.forward_features(x).shape == (3, 16 * 7)  # pool scales 1 + 2 + 4
    probe = make(layout, num_classes=7, head="linear", decoder_layers=0).eval()
    assert probe(x).shape == (3, 7)


def test_wrong_input_shape_is_a_clear_error():
    with pytest.raises(ValueError, match="expects C, T, V"):
        make(num_classes=3)(batch("ntu-rgbd"))


def test_persons_are_encoded_separately_and_averaged_over_present_ones():
    model = make(num_classes=5, decoder_layers=0).eval()
    x = batch(n=2, persons=2)
    alone = x.clone()
    alone[..., 1] = 0.0
    with torch.no_grad():
        torch.testing.assert_close(model(alone), model(x[..., :1]))
        pair = model.forward_features(x)
        each = [model.forward_features(x[..., i : i + 1]) for i in range(2)]
    torch.testing.assert_close(pair, (each[0] + each[1]) / 2)


def test_strl_mixes_time_and_uses_the_shared_encoder():
    model = make(num_classes=4, decoder_layers=0).eval()
    x = batch(n=1)
    y = x.clone()
    y[:, :, 0] += 1.0  # only the first frame changes
    with torch.no_grad():
        a = model.strl.layers[0](model.encoder.embed_joints(x[..., 0]), model.encoder.propagate)
        b = model.strl.layers[0](model.encoder.embed_joints(y[..., 0]), model.encoder.propagate)
    diff = (a - b).abs().sum(dim=(0, 2, 3))
    k = model.config.temporal_kernel // 2
    assert (diff[: k + 1] > 0).all() and (diff[k + 1 :] == 0).all()
    # Encoder weights are used by the classifier: perturbing them changes the logits.
    before = model(x)
    with torch.no_grad():
        model.encoder.layers[1].mlp[0].weight.add_(0.5)
    assert not torch.allclose(before, model(x))


@pytest.mark.parametrize("pool", ["sum", "mean"])
def test_sm_module_adds_the_pooled_encoder_output_to_every_joint(pool):
    layer = STRLLayer(4, 3, pool).eval()
    h = torch.randn(2, T, 5, 4, generator=torch.Generator().manual_seed(0))
    double = lambda g: 2 * g  # noqa: E731 - a stand-in for the shared encoder
    pooled = 2 * (h.sum(2, keepdim=True) if pool == "sum" else h.mean(2, keepdim=True))
    plain = lambda g: torch.zeros_like(g)  # noqa: E731 - SM then adds nothing
    with torch.no_grad():
        torch.testing.assert_close(layer(h, double), layer(h + pooled, plain))


def test_layer_ids_order_the_encoder_before_the_head():
    model = make(num_classes=4, decoder_layers=0)
    assert model.layer_id("encoder.embed.weight") == 0
    assert model.layer_id("encoder.layers.2.mlp.0.weight") == 3
    assert model.layer_id("strl.layers.0.conv.weight") == model.layer_id("head.0.weight") == 4


# -- persistence ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kw", [{}, {"num_classes": 4, "decoder_layers": 0, "learn_eps": True}])
def test_save_load_round_trip_is_exact(tmp_path, kw):
    model = make(**kw)
    with torch.no_grad():  # make BatchNorm statistics non-trivial
        model.train()(batch(n=4, seed=2))
    model.eval()
    model.save_pretrained(tmp_path)
    loaded = SkeletonModel.from_pretrained(tmp_path)
    assert type(loaded) is GraphSkeletonMAE
    assert loaded.config.to_dict() == model.config.to_dict()
    x = batch(n=3, seed=5)
    with torch.no_grad():
        assert torch.equal(loaded(x), model(x))
    if not kw:
        a, _ = model.pretrain_loss(x, torch.Generator().manual_seed(0))
        b, _ = loaded.pretrain_loss(x, torch.Generator().manual_seed(0))
        assert torch.equal(a, b)


@pytest.mark.parametrize("tamper", ["drop", "extra", "reshape"])
def test_strict_loading_rejects_a_tampered_state_dict(tmp_path, tamper):
    model = make(num_classes=4, decoder_layers=0)
    model.save_pretrained(tmp_path)
    path = tmp_path / "model.safetensors"
    state = load_file(str(path))
    if tamper == "drop":
        state.pop("strl.pos_time")
    elif tamper == "extra":
        state["decoder.enc_to_dec.weight"] = torch.zeros(16, 16)
    else:
        state["encoder.embed.weight"] = torch.zeros(16, 2)
    save_file(state, str(path))
    with pytest.raises(CheckpointError, match=r"strl\.pos_time|decoder|encoder\.embed"):
        SkeletonModel.from_pretrained(tmp_path)


def test_pretrained_encoder_loads_into_a_classifier(tmp_path):
    from skeletonmae.engine import load_encoder

    pre = make()
    pre.save_pretrained(tmp_path)
    clf = make(seed=1, num_classes=4, decoder_layers=0)
    assert not torch.equal(clf.encoder.embed.weight, pre.encoder.embed.weight)
    load_encoder(clf, SkeletonModel.from_pretrained(tmp_path))
    for k, v in pre.state_dict().items():
        if k.startswith("encoder."):
            assert torch.equal(clf.state_dict()[k], v)


def test_a_joint_encoder_initialises_a_multi_stream_classifier():
    from skeletonmae.engine import load_encoder

    pre = make()
    cfg = GraphSkeletonMAEConfig(
        in_channels=9,
        dim=16,
        head_hidden=32,
        num_classes=4,
        decoder_layers=0,
        preprocess=PreprocessConfig(num_frames=T, streams=["joint", "bone", "motion"]),
    )
    clf = GraphSkeletonMAE(cfg)
    load_encoder(clf, pre)
    w = clf.encoder.embed.weight
    assert torch.equal(w[:, :3], pre.encoder.embed.weight) and not w[:, 3:].any()

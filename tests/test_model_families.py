"""The contract every model family keeps, run over each registered architecture with a tiny
config: build → forward → pre-training loss → save → load → encoder. A new architecture needs
its tiny config here; the first test fails until it has one."""

from __future__ import annotations

import pytest
import torch

from skeletonmae import CheckpointError, SkeletonMAE, SkeletonModel
from skeletonmae.engine.trainer import load_encoder
from skeletonmae.models import ARCHITECTURES, build_model

torch.set_num_threads(1)
T, V, N = 8, 20, 3
PRE = {"num_frames": T}

TINY: dict[str, dict] = {
    "skeletonmae-transformer": dict(
        dim=16, depth=1, num_heads=2, decoder_dim=16, decoder_depth=1, decoder_heads=2,
        patch_size=4, preprocess=PRE,
    ),
    "skeletonmae-graph": dict(dim=16, head_hidden=16, preprocess=PRE),
}  # fmt: skip
# An ensemble is built from trained members: it has no pre-training of its own.
ASSEMBLED = {"skeletonmae-ensemble"}


def tiny(arch: str, seed: int = 0, **overrides) -> SkeletonModel:
    torch.manual_seed(seed)
    return SkeletonMAE({"arch": arch, **TINY[arch], **overrides})


def batch(seed: int = 0) -> torch.Tensor:
    return torch.randn(N, 3, T, V, 1, generator=torch.Generator().manual_seed(seed))


def test_every_architecture_has_a_contract_config():
    assert set(ARCHITECTURES) == set(TINY) | ASSEMBLED


@pytest.mark.parametrize("arch", sorted(TINY))
def test_a_model_family_builds_trains_saves_loads_and_hands_on_its_encoder(arch, tmp_path):
    cls = ARCHITECTURES[arch]
    # build: the front door builds the class the config names
    encoder_model = tiny(arch)
    assert type(encoder_model) is cls and isinstance(encoder_model, SkeletonMAE)
    # pre-training loss: a finite scalar whose gradient reaches the encoder
    loss, extras = encoder_model.pretrain_loss(batch(), torch.Generator().manual_seed(0))
    assert loss.ndim == 0 and torch.isfinite(loss) and "mask" in extras
    loss.backward()
    grads = [p.grad for n, p in encoder_model.named_parameters() if n.startswith("encoder.")]
    assert grads and any(g is not None and g.abs().sum() > 0 for g in grads)
    # forward: a classifier gives one finite logit per class; an encoder its pooled features
    clf = tiny(arch, seed=1, num_classes=4)
    clf.eval()
    logits = clf(batch())
    assert logits.shape == (N, 4) and torch.isfinite(logits).all()
    feats = clf.forward_features(batch())
    assert feats.shape[0] == N and torch.isfinite(feats).all()
    # save → load: same class, same answers; a concrete class refuses another family's files
    clf.save_pretrained(tmp_path / "clf")
    loaded = SkeletonMAE.from_pretrained(tmp_path / "clf")
    assert type(loaded) is cls
    torch.testing.assert_close(loaded(batch()), logits)
    for other in (c for a, c in ARCHITECTURES.items() if a != arch and a in TINY):
        with pytest.raises(CheckpointError, match=r"SkeletonMAE\.from_pretrained"):
            other.from_pretrained(tmp_path / "clf")
    # encoder: a pre-trained model's encoder.* weights carry into a fresh classifier
    fresh = tiny(arch, seed=2, num_classes=4)
    load_encoder(fresh, encoder_model)
    state = fresh.state_dict()
    for k, v in encoder_model.state_dict().items():
        if k.startswith("encoder."):
            torch.testing.assert_close(state[k], v)


def test_the_front_door_builds_from_a_config_object_or_dict():
    config = tiny("skeletonmae-graph").config
    assert type(SkeletonMAE(config)) is type(build_model(config.to_dict()))
    with pytest.raises(TypeError):
        SkeletonMAE()  # type: ignore[call-arg]

"""torch.hub: the checkout's hubconf.py loads zoo models and lists the zoo."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch

from skeletonmae import SkeletonMAE
from skeletonmae.zoo import list_models, load_manifest

ROOT = Path(__file__).resolve().parents[1]


def test_torch_hub_loads_a_zoo_model_from_the_checkout() -> None:
    model = torch.hub.load(str(ROOT), "skeletonmae", "systemb-nwucla-finetune", source="local")
    ref = SkeletonMAE.from_pretrained("systemb-nwucla-finetune")
    assert type(model) is type(ref)
    for (k, a), (_, b) in zip(model.state_dict().items(), ref.state_dict().items(), strict=True):
        assert torch.equal(a, b), k
    default = torch.hub.load(str(ROOT), "skeletonmae", source="local")
    assert (
        default.config.to_dict()
        == SkeletonMAE.from_pretrained(load_manifest().data["default"]).config.to_dict()
    )


def test_the_entry_point_lists_the_zoo() -> None:
    """What ``torch.hub.help`` prints: the entry point's docstring (hubconf read as torch.hub
    reads it, from its file)."""
    spec = importlib.util.spec_from_file_location("hubconf", ROOT / "hubconf.py")
    hubconf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hubconf)
    entry_points = [n for n, f in vars(hubconf).items() if callable(f) and not n.startswith("_")]
    assert entry_points == ["skeletonmae", *(n.replace("-", "_") for n in list_models())]
    for name in list_models():
        assert name in hubconf.skeletonmae.__doc__
        assert getattr(hubconf, name.replace("-", "_")).__doc__.startswith(f"{name}: ")


def test_each_zoo_model_has_its_entry_point_with_or_without_weights() -> None:
    trained = torch.hub.load(str(ROOT), "systema_nwucla_finetune", source="local")
    fresh = torch.hub.load(str(ROOT), "systema_nwucla_finetune", source="local", pretrained=False)
    reheaded = torch.hub.load(str(ROOT), "systema_kinect_pretrain", source="local", num_classes=4)
    ref = SkeletonMAE.from_pretrained("systema-nwucla-finetune")
    assert torch.equal(trained.head[-1].weight, ref.head[-1].weight)
    assert fresh.config.to_dict() == ref.config.to_dict()
    assert not torch.equal(fresh.head[-1].weight, ref.head[-1].weight)
    assert reheaded.config.num_classes == 4 and reheaded.head[-1].out_features == 4

"""Test-time views: the windows a config declares, and one prediction path for `classify`,
`extract` and `evaluate`."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from synthetic import CLASSES, make_clip

from skeletonmae.clip import Clip
from skeletonmae.engine import evaluate_model, predict_clips
from skeletonmae.models import ARCHITECTURES
from skeletonmae.models.base import config_from_dict
from skeletonmae.transforms import PreprocessConfig, preprocess, preprocess_views

VIEWS = [[0.0, 1.0], [0.0, 0.6], [0.4, 0.6]]


def tiny_model(test_views=VIEWS):
    torch.manual_seed(0)
    config = config_from_dict(
        {
            "arch": "skeletonmae-transformer",
            "dim": 32,
            "depth": 1,
            "num_heads": 2,
            "decoder_depth": 0,
            "num_classes": len(CLASSES),
            "class_names": CLASSES,
            "preprocess": {"num_frames": 8, "test_views": test_views},
        }
    )
    return ARCHITECTURES[config.arch](config).eval()


def clips(n: int = 6) -> list[Clip]:
    rng = np.random.default_rng(0)
    return [
        Clip(make_clip(CLASSES[i % 3], rng, frames=30)[None], "kinect-v1", label=i % 3)
        for i in range(n)
    ]


def test_views_are_windows_of_the_clip() -> None:
    x = np.random.default_rng(0).normal(size=(1, 40, 20, 3)).astype(np.float32)
    cfg = PreprocessConfig(num_frames=8, center=False, test_views=[[0.0, 1.0], [0.5, 0.5]])
    views = preprocess_views(x, cfg, "kinect-v1")
    assert views.shape == (2, 3, 8, 20, 1)
    np.testing.assert_array_equal(views[0], preprocess(x, cfg, "kinect-v1"))
    second_half = preprocess(x[:, 20:], PreprocessConfig(num_frames=8, center=False), "kinect-v1")
    np.testing.assert_allclose(views[1], second_half, atol=1e-6)


@pytest.mark.parametrize("views", [[], [[0.5, 0.6]], [[0.0, 0.0]], [[-0.1, 0.5]], "ab", [[1]]])
def test_bad_views_are_refused(views) -> None:
    with pytest.raises(ValueError, match="test_views"):
        PreprocessConfig(test_views=views)


def test_views_round_trip_and_old_configs_default_to_the_whole_clip() -> None:
    cfg = PreprocessConfig(test_views=VIEWS)
    assert PreprocessConfig.from_dict(cfg.to_dict()) == cfg
    old = cfg.to_dict()
    del old["test_views"]
    assert PreprocessConfig.from_dict(old).test_views == ((0.0, 1.0),)


def test_classify_extract_and_evaluate_apply_the_same_views() -> None:
    model, data = tiny_model(), clips()
    evaluated = predict_clips(model, data, batch_size=4)
    classified = model.classify_batch(data, top_k=len(CLASSES), batch_size=4)
    for row, top in zip(evaluated, classified, strict=True):
        got = torch.tensor([dict(top)[name] for name in CLASSES])
        torch.testing.assert_close(got, row, rtol=1e-5, atol=1e-6)
    # the views matter: the whole clip alone predicts something else
    whole = model(model.prepare(data)).softmax(-1)
    assert not torch.allclose(whole, evaluated, atol=1e-4)
    # and evaluate counts what predict_clips predicts
    labels = torch.tensor([c.label for c in data])
    top1 = (evaluated.argmax(1) == labels).float().mean().item() * 100
    assert evaluate_model(model, data)["top1"] == round(top1, 2)
    # features are the mean over the same views
    with torch.no_grad():
        x = model.prepare_views(data)
        f = model.forward_features(x.flatten(0, 1)).view(len(data), len(VIEWS), -1).mean(1)
    np.testing.assert_allclose(model.extract_features_batch(data), f.numpy(), rtol=1e-5, atol=1e-6)


def test_a_single_whole_clip_view_is_the_plain_forward() -> None:
    model, data = tiny_model([[0.0, 1.0]]), clips(3)
    probs = predict_clips(model, data)
    with torch.no_grad():
        torch.testing.assert_close(probs, model(model.prepare(data)).softmax(-1))

"""The API users of timm and the Hub reach for: listing by pattern, a new head on a zoo encoder
trained in one's own loop, tensors in, outputs without gradients, ensembles from names."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from skeletonmae import SkeletonEnsemble, SkeletonMAE, create_model, list_models

CLIP = "examples/clips/sit_down.npy"


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).parents[1])


def test_models_are_listed_by_wildcard_and_task():
    nwucla = list_models("*nwucla*")
    assert nwucla and all("nwucla" in n for n in nwucla)
    assert list_models("systema-nwucla-finetune") == ["systema-nwucla-finetune"]
    assert list_models("nwucla") == []  # a pattern, not a substring: as timm's
    encoders = list_models(task="feature-extraction")
    assert "systema-kinect-pretrain" in encoders and "systema-nwucla-finetune" not in encoders
    assert set(list_models("systemb-*", task="action-classification")) < set(
        list_models("systemb-*")
    )
    with pytest.warns(DeprecationWarning, match="pass task='feature-extraction'"):
        assert list_models("feature-extraction") == encoders
    with pytest.raises(ValueError, match="unknown task 'classification'"):
        list_models(task="classification")


def test_a_new_head_on_a_zoo_encoder_trains_in_ones_own_loop():
    model = create_model("systema-kinect-pretrain", num_classes=4, class_names=list("abcd"))
    encoder = SkeletonMAE.from_pretrained("systema-kinect-pretrain").encoder.state_dict()
    for k, v in model.encoder.state_dict().items():
        assert torch.equal(v, encoder[k]), k  # the encoder keeps its pre-trained weights
    x = model.prepare([CLIP, "examples/clips/throw.npy"])
    y = torch.tensor([0, 3])
    head = [p.detach().clone() for p in model.head.parameters()]
    optimiser = torch.optim.AdamW(model.head.parameters(), lr=1e-3)
    model.train()
    losses = []
    for _ in range(3):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    assert model(x).shape == (2, 4) and losses[-1] < losses[0]
    assert any(not torch.equal(a, b) for a, b in zip(head, model.head.parameters(), strict=True))
    assert sorted(p["label"] for p in model.classify(CLIP, top_k=4)) == list("abcd")
    model.reset_classifier(0)
    assert model.head is None and model.extract_features(CLIP).ndim == 1
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError, match="num_classes must be an integer >= 0"):
            model.reset_classifier(bad)


def test_a_model_without_its_trained_weights_is_the_same_architecture():
    fresh = create_model("systemb-nwucla-finetune", pretrained=False)
    trained = create_model("systemb-nwucla-finetune")
    assert fresh.config.to_dict() == trained.config.to_dict()
    differ = [
        k
        for k, v in fresh.state_dict().items()
        if v.is_floating_point() and not torch.equal(v, trained.state_dict()[k])
    ]
    assert differ


def test_tensors_are_read_like_arrays_and_scores_carry_no_gradient():
    model = SkeletonMAE.from_pretrained("systema-nwucla-finetune")
    array = np.load(CLIP)
    tensor = torch.from_numpy(array).requires_grad_(False)
    assert model.classify(tensor) == model.classify(array)
    np.testing.assert_array_equal(model.extract_features(tensor), model.extract_features(array))
    probs = model.predict_proba(model.prepare([tensor]))
    assert not probs.requires_grad and probs.grad_fn is None


def test_an_ensemble_is_built_from_names_as_on_the_command_line():
    names = ["systema-nwucla-finetune", "systemb-nwucla-finetune"]
    by_name = SkeletonEnsemble.from_members(names)
    by_model = SkeletonEnsemble.from_members([SkeletonMAE.from_pretrained(n) for n in names])
    assert by_name.classify(CLIP) == by_model.classify(CLIP)


def test_predictions_read_as_the_command_line_prints_them_and_the_old_pairs_still_unpack():
    model = SkeletonMAE.from_pretrained("systema-nwucla-finetune")
    top = model.classify(CLIP, top_k=3)
    first = top[0]
    assert (first["label"], first.label) == ("sit down", "sit down")
    assert first["index"] == model.class_names.index("sit down") == first.index
    assert first.to_dict() == {"label": "sit down", "score": first.score, "index": first.index}
    assert repr(first) == repr(first.to_dict()) and 0 < first["score"] <= 1
    with pytest.raises(KeyError, match="not 'name'"):
        first["name"]
    with pytest.warns(DeprecationWarning, match="unpacking one as a"):
        label, score = first
    assert (label, score) == (first.label, first.score)
    with pytest.warns(DeprecationWarning):
        assert first[0] == "sit down"

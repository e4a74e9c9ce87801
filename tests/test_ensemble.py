"""Ensembles as one zoo model: members with their own input streams, one config and one weights
file, the averaged softmax, and the `ensemble` command's recorded evaluation."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from synthetic import CLASSES, make_clip, make_folder_dataset

from skeletonmae import (
    GraphSkeletonMAE,
    GraphSkeletonMAEConfig,
    SkeletonMAE,
    SkeletonModel,
    TransformerSkeletonMAEConfig,
)
from skeletonmae.cli import main
from skeletonmae.clip import Clip
from skeletonmae.models import EnsembleConfig, SkeletonEnsemble
from skeletonmae.transforms import PreprocessConfig

VIEWS = [[0.0, 1.0], [0.1, 0.8]]


def member_a(**pre) -> SkeletonMAE:
    torch.manual_seed(0)
    p = PreprocessConfig(**{"num_frames": 8, **pre})
    c = TransformerSkeletonMAEConfig(
        dim=16, depth=1, num_heads=2, decoder_depth=0, num_classes=3, class_names=CLASSES,
        in_channels=3 * len(p.streams), preprocess=p,
    )  # fmt: skip
    return SkeletonMAE(c).eval()


def member_b() -> GraphSkeletonMAE:
    torch.manual_seed(1)
    p = PreprocessConfig(num_frames=8, streams=["bone", "motion"])
    c = GraphSkeletonMAEConfig(
        dim=16, head_hidden=16, decoder_layers=0, num_classes=3, class_names=CLASSES,
        in_channels=6, preprocess=p,
    )  # fmt: skip
    return GraphSkeletonMAE(c).eval()


def clips() -> list[Clip]:
    rng = np.random.default_rng(0)
    return [Clip(make_clip(c, rng, frames=24)[None], "kinect-v1") for c in CLASSES * 2]


def test_ensemble_averages_what_its_members_predict_on_their_own_streams(tmp_path):
    a, b = member_a(), member_b()
    ens = SkeletonEnsemble.from_members([a, b], weights=[3, 1], test_views=VIEWS)
    assert ens.config.preprocess.streams == ("joint", "bone", "motion")
    ens.save_pretrained(tmp_path)
    loaded = SkeletonModel.from_pretrained(tmp_path)
    assert isinstance(loaded, SkeletonEnsemble)
    data = clips()
    with torch.no_grad():
        got = loaded.predict_proba(loaded.prepare_views(data))
        want = [
            m.predict_proba(
                torch.from_numpy(np.stack([m.prepare_views([c]).numpy()[0] for c in data]))
            )
            for m in (replace_views(a), replace_views(b))
        ]
    torch.testing.assert_close(got, (3 * want[0] + want[1]) / 4, rtol=1e-5, atol=1e-6)
    top = loaded.classify(data[0], top_k=3)
    assert [n for n, _ in top] == [CLASSES[i] for i in got[0].argsort(descending=True)]
    feats = loaded.extract_features_batch(data[:2])
    parts = [m.extract_features_batch(data[:2]) for m in (a, b)]
    np.testing.assert_allclose(feats, np.concatenate(parts, axis=1), rtol=1e-5, atol=1e-6)


def replace_views(model: SkeletonModel) -> SkeletonModel:
    """The member with the ensemble's test-time views, to compare like with like."""
    model.config.preprocess.test_views = tuple(tuple(v) for v in VIEWS)
    return model


@pytest.mark.parametrize(
    ("other", "word"),
    [
        (lambda: member_a(num_frames=16), "preprocessing"),
        (lambda: _with_classes(member_b(), ["a", "b", "c"]), "classes"),
    ],
)
def test_members_that_do_not_fit_are_refused(other, word):
    with pytest.raises(ValueError, match=word):
        SkeletonEnsemble.from_members([member_a(), other()])


def _with_classes(model: SkeletonModel, names: list[str]) -> SkeletonModel:
    model.config.class_names = names
    return model


def test_a_config_needs_two_members_and_positive_weights():
    a = member_a().config
    with pytest.raises(ValueError, match="at least two"):
        EnsembleConfig(num_classes=3, class_names=CLASSES, members=[a.to_dict()])
    with pytest.raises(ValueError, match="weights"):
        EnsembleConfig(
            num_classes=3, class_names=CLASSES, members=[a.to_dict()] * 2, weights=[1, 0],
            preprocess=a.preprocess,
        )  # fmt: skip


def test_ensemble_command_records_what_evaluate_recomputes(tmp_path):
    root = make_folder_dataset(tmp_path / "data", per_class=4)
    member_a().save_pretrained(tmp_path / "a")
    member_b().save_pretrained(tmp_path / "b")
    out = tmp_path / "ens"
    args = ["ensemble", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out)]
    args += ["--test-views", json.dumps(VIEWS), "--data-root", str(root)]
    r = CliRunner().invoke(main, [*args, "--dataset", "folder", "--split", "test"])
    assert r.exit_code == 0, r.output
    results = json.loads((out / "results.json").read_text())
    assert results["stage"] == "ensemble" and results["eval_split"] == "test"
    r = CliRunner().invoke(main, ["evaluate", str(out), "--data-root", str(root), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["top1"] == results["top1"]
    bad = CliRunner().invoke(main, ["ensemble", str(tmp_path / "a"), "-o", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "at least two" in bad.stderr

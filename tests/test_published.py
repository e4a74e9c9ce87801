"""The published checkpoints reproduce their manifest metrics on the real test splits.

This is the zoo's central promise (``skeletonmae evaluate NAME`` prints the recorded top-1):
every classifier entry is loaded by name and evaluated with the model's own deterministic
preprocessing; needs ../shared/data.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from skeletonmae import SkeletonMAE
from skeletonmae.datasets import open_dataset
from skeletonmae.engine import evaluate_model
from skeletonmae.zoo import load_manifest

ZOO = load_manifest()
CLASSIFIERS = [e for e in ZOO.entries.values() if e["task"] == "action-classification"]


def _metric(entry: dict, name: str) -> float:
    return next(m["value"] for m in entry["metrics"] if m["name"] == name)


@pytest.mark.slow  # every test split through every classifier and its test-time views
@pytest.mark.parametrize("entry", CLASSIFIERS, ids=[e["name"] for e in CLASSIFIERS])
def test_classifier_reproduces_its_manifest_metrics(entry, data_root):
    model = SkeletonMAE.from_pretrained(entry["name"])
    clips, _ = open_dataset(entry["dataset"], data_root / entry["dataset"]).load_split(
        entry["eval_split"]
    )
    res = evaluate_model(model, clips, details=True)
    assert res["num_clips"] == next(m["num_clips"] for m in entry["metrics"] if "num_clips" in m)
    assert {"top1", "top5", "ece"} <= {m["name"] for m in entry["metrics"]}
    for m in entry["metrics"]:  # every number the card shows
        assert round(res[m["name"]], 2) == m["value"], m["name"]


def _evaluation_cost(entry: dict) -> int:
    views = len(entry["preprocess"].get("test_views") or [[0.0, 1.0]])
    return views * next(m["num_clips"] for m in entry["metrics"] if "num_clips" in m)


def test_evaluate_command_prints_the_manifest_top1(data_root):
    entry = min(CLASSIFIERS, key=_evaluation_cost)  # the command path; all of them: above
    out = subprocess.run(
        [sys.executable, "-m", "skeletonmae", "evaluate", entry["name"], "--json"]
        + ["--data-root", str(data_root / entry["dataset"]), "--threads", "1"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["top1"] == _metric(entry, "top1")


def test_every_published_classifier_beats_chance_by_far():
    for e in CLASSIFIERS:
        assert _metric(e, "top1") > 3 * 100 / len(e["class_names"]), e["name"]

"""Calibrated scores: the temperature a classifier's logits are divided by, fitted on held-out
clips, and the expected calibration error that measures it."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from synthetic import make_folder_dataset
from zoo_helpers import tiny_model

from skeletonmae.cli import main
from skeletonmae.engine.calibration import expected_calibration_error, fit_temperature


def test_a_known_overconfidence_is_recovered():
    g = torch.Generator().manual_seed(0)
    true = torch.randn(4000, 1, 5, generator=g) * 2  # the logits whose softmax labels follow
    labels = torch.multinomial(true[:, 0].softmax(-1), 1, generator=g)[:, 0]
    assert fit_temperature(true * 4, labels) == pytest.approx(4, rel=0.1)  # four times too sure
    assert fit_temperature(true, labels) == pytest.approx(1, rel=0.1)


def test_expected_calibration_error_on_a_hand_computed_example():
    probs = torch.tensor([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]])
    labels = torch.tensor([0, 1, 0, 0])
    # bin (0.8, 0.867]: confidence 0.9, accuracy 0.5; bin (0.533, 0.6]: confidence 0.6, accuracy 1
    assert expected_calibration_error(probs, labels) == pytest.approx(100 * (0.5 * 0.4 + 0.5 * 0.4))
    assert expected_calibration_error(torch.eye(2)[[0, 1]], torch.tensor([0, 1])) == 0


def test_the_temperature_softens_scores_and_calibrate_fits_it_on_a_held_out_split(tmp_path):
    data = make_folder_dataset(tmp_path / "d", per_class=4)
    model = tiny_model(num_classes=3)
    model.config.class_names = ["left_wave", "right_wave", "still"]
    model.save_pretrained(tmp_path / "m")
    x = model.prepare([next((data / "test" / "still").glob("*.npy"))])
    sharp = model.predict_proba(x)
    model.config.temperature = 10.0
    soft = model.predict_proba(x)
    assert soft.max() < sharp.max() and soft.argmax() == sharp.argmax()
    args = ["calibrate", str(tmp_path / "m"), "--data-root", str(data), "--dataset", "folder"]
    r = CliRunner().invoke(main, [*args, "--split", "train", "-o", str(tmp_path / "cal")])
    assert r.exit_code == 0, r.output
    t = json.loads((tmp_path / "cal" / "config.json").read_text())["temperature"]
    assert t > 0 and f"temperature {t:.3g} fitted on folder train" in r.stdout
    ev = CliRunner().invoke(
        main,
        [
            "evaluate",
            str(tmp_path / "cal"),
            "--data-root",
            str(data),
            "--dataset",
            "folder",
            "--split",
            "test",
            "--json",
        ],
    )
    assert json.loads(ev.stdout)["temperature"] == t and np.isfinite(json.loads(ev.stdout)["ece"])

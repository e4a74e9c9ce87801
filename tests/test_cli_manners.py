"""What a user meets at the edges of the command line and the API: bare invocation, output
piped into a reader that stops early, and a top-k that asks for nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from zoo_helpers import random_clip, tiny_model


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "skeletonmae", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_bare_command_prints_its_help_laid_out():
    p = _cli()
    out, err = p.communicate()
    assert p.returncode == 2 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("Usage: ") and "Commands:" in lines
    assert not err.startswith("Error:")


def test_a_reader_that_stops_early_is_not_a_failure():
    p = _cli("list")
    p.stdout.close()  # like `skeletonmae list | head -0`
    assert p.wait() == 0
    assert p.stderr.read() == ""


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_top_k_must_ask_for_at_least_one_class(tmp_path, k):
    model = tiny_model()
    clip = random_clip(tmp_path / "c.npy")
    with pytest.raises(ValueError, match="top_k must be an integer >= 1"):
        model.classify(clip, top_k=k)
    assert len(model.classify(clip, top_k=1)) == 1


@pytest.mark.parametrize("pooling", ["mean", "joints-time", "banana"])
def test_a_pooling_an_strl_classifier_cannot_apply_is_refused(tmp_path, pooling):
    model = tiny_model(graph=True)
    clip = random_clip(tmp_path / "c.npy")
    with pytest.raises(ValueError, match=f"pooling '{pooling}' does not apply to an STRL"):
        model.extract_features(clip, pooling=pooling)
    assert model.extract_features(clip).ndim == 1  # its own features


def test_an_unknown_pooling_of_an_encoder_is_refused(tmp_path):
    model = tiny_model(num_classes=0)
    with pytest.raises(ValueError, match="unknown pooling 'banana'"):
        model.extract_features(random_clip(tmp_path / "c.npy"), pooling="banana")


def test_long_steps_show_a_progress_bar_on_a_terminal_only(tmp_path, monkeypatch):
    import io

    from synthetic import make_folder_dataset

    from skeletonmae.datasets import open_dataset
    from skeletonmae.engine import evaluate_model

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    ds = open_dataset("folder", make_folder_dataset(tmp_path / "d", per_class=2))
    model = tiny_model(num_classes=3)
    for stream, shown in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        clips, _ = ds.load_split("train")
        evaluate_model(model, clips)
        text = stream.getvalue()
        assert ("reading folder train" in text) is shown and ("evaluating" in text) is shown

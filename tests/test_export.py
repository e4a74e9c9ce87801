"""ONNX export: the exported graph computes what the PyTorch model computes, for any batch size,
for System A and System B classifiers and for an encoder."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from skeletonmae import (
    GraphSkeletonMAE,
    GraphSkeletonMAEConfig,
    SkeletonMAE,
    TransformerSkeletonMAEConfig,
)
from skeletonmae.export import check_onnx, example_input, export_onnx
from skeletonmae.transforms import PreprocessConfig

ort = pytest.importorskip("onnxruntime", reason="ONNX checks need onnxruntime (the dev extra)")
pytest.importorskip("onnxscript", reason="ONNX export needs onnxscript (the dev extra)")

PRE = PreprocessConfig(num_frames=16, max_persons=2)


def system_a(num_classes: int) -> SkeletonMAE:
    torch.manual_seed(0)
    cfg = TransformerSkeletonMAEConfig(
        dim=32, depth=2, num_heads=2, decoder_depth=0, num_classes=num_classes, preprocess=PRE
    )
    return SkeletonMAE(cfg).eval()


def system_b() -> GraphSkeletonMAE:
    torch.manual_seed(0)
    cfg = GraphSkeletonMAEConfig(
        dim=16, head_hidden=32, num_classes=5, decoder_layers=0, preprocess=PRE
    )
    return GraphSkeletonMAE(cfg).eval()


@pytest.mark.parametrize("make", [lambda: system_a(7), lambda: system_a(0), system_b])
def test_onnx_outputs_equal_pytorch(tmp_path, make) -> None:
    model = make()
    path = export_onnx(model, tmp_path / "m.onnx")
    assert check_onnx(model, path, batch=3) <= 1e-4
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == (
        ["logits"] if model.config.num_classes else ["features"]
    )
    # one person absent in one clip: the present-person mean is in the graph too
    x = example_input(model, batch=4, seed=3)
    x[1, ..., 1] = 0
    (got,) = session.run(None, {"x": x.numpy()})
    with torch.no_grad():
        torch.testing.assert_close(torch.from_numpy(got), model(x), rtol=1e-4, atol=1e-4)
    # what a user of the file alone needs: class names, layout, preprocessing
    meta = session.get_modelmeta().custom_metadata_map
    names = model.class_names if model.config.num_classes else []
    assert json.loads(meta["class_names"]) == names
    assert meta["layout"] == model.config.layout
    assert json.loads(meta["preprocess"]) == model.config.preprocess.to_dict()


@pytest.mark.slow  # a fresh process that imports torch and the exporter
def test_cli_exports_a_model_directory(tmp_path) -> None:
    system_b().save_pretrained(tmp_path / "b")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "skeletonmae",
            "export",
            str(tmp_path / "b"),
            "-o",
            str(tmp_path / "b.onnx"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "onnxruntime matches PyTorch" in out.stdout and (tmp_path / "b.onnx").stat().st_size > 0
    assert not out.stderr.strip(), out.stderr

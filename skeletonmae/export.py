"""ONNX export: a zoo model as a graph from the preprocessed (N, C, T, V, M) batch that
``model.prepare(clips)`` returns to its logits (a classifier) or features (an encoder), with a
dynamic batch axis.

Preprocessing stays outside the graph; the model config's ``preprocess`` block says how to
reproduce it (see the README's "Export" section). A config with several ``test_views`` expects
the caller to run each view through the graph and average the softmax, as `predict_proba` does.
"""

from __future__ import annotations

import io
import json
import logging
import os
import warnings
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import torch

from .extras import require
from .fileio import atomic_write
from .models.base import SkeletonModel

__all__ = ["check_onnx", "example_input", "export_onnx"]


def example_input(model: SkeletonModel, batch: int = 2, seed: int = 0) -> torch.Tensor:
    """A random (batch, C, T, V, M) input of the model's shape, every person present."""
    c = model.config
    g = torch.Generator().manual_seed(seed)
    shape = (batch, c.in_channels, c.preprocess.num_frames, c.num_joints, c.preprocess.max_persons)
    return torch.randn(shape, generator=g).to(model.device)


def export_onnx(model: SkeletonModel, path: str | os.PathLike) -> Path:
    """Write ``model`` (in eval mode) to ``path`` as ONNX: input ``x`` (N, C, T, V, M), output
    ``logits`` (N, num_classes) or ``features`` (N, F), N dynamic. Needs the ``onnx`` extra."""
    require("onnx", "onnx", "ONNX export")
    require("onnxscript", "onnx", "ONNX export")  # the exporter's own dependency, checked first
    model.eval()
    output = "logits" if model.config.num_classes else "features"

    def write(tmp: str) -> None:
        quiet = logging.getLogger("torch.onnx")  # it logs optional packages it did not find
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            with warnings.catch_warnings(), redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                program = torch.onnx.export(
                    model,
                    (example_input(model),),
                    input_names=["x"],
                    output_names=[output],
                    dynamic_shapes=({0: torch.export.Dim("batch")},),
                    dynamo=True,
                    verbose=False,
                )
        finally:
            quiet.setLevel(level)
        program.save(tmp)
        onnx = require("onnx", "onnx", "ONNX export")
        proto = onnx.load(tmp)
        onnx.helper.set_model_props(proto, onnx_metadata(model))
        onnx.save(proto, tmp)

    path = Path(path)
    atomic_write(path, write, suffix=".onnx")
    return path


def onnx_metadata(model: SkeletonModel) -> dict[str, str]:
    """What an ONNX file needs beside the graph to be used alone (its ``metadata_props``):
    class names, layout and the preprocessing block, as JSON strings."""
    c = model.config
    return {
        "skeletonmae_arch": c.arch,
        "layout": c.layout,
        "class_names": json.dumps(model.class_names if c.num_classes else []),
        "preprocess": json.dumps(c.preprocess.to_dict()),
        "input": "x: (N, C, T, V, M) preprocessed clips (see preprocess)",
    }


def check_onnx(model: SkeletonModel, path: str | os.PathLike, batch: int = 3) -> float:
    """Largest |difference| between onnxruntime's outputs for ``path`` and the model's own on a
    random batch of ``batch`` clips (another size than the export's, to exercise the dynamic
    axis). Needs onnxruntime."""
    ort = require("onnxruntime", "onnx", "checking an ONNX file")
    x = example_input(model, batch=batch, seed=1)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {session.get_inputs()[0].name: x.cpu().numpy()})
    with torch.no_grad():
        want = model.eval()(x).cpu().numpy()
    if got.shape != want.shape:
        raise ValueError(f"{path}: ONNX output shape {got.shape}, PyTorch's {want.shape}")
    return float(np.abs(got - want).max())

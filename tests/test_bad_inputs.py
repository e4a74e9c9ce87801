"""Every careless input a user can give the command line ends in one line on stderr, a non-zero
exit status, no traceback, and no file written or changed: clips, models, configs, checkpoints,
training arguments and the zoo commands' own options."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from safetensors.torch import save_file
from synthetic import make_folder_dataset
from zoo_helpers import RESULTS, empty_manifest, random_clip, tiny_model

from skeletonmae import zoo
from skeletonmae.cli import main
from skeletonmae.engine import Recipe
from skeletonmae.layouts import Layout
from skeletonmae.models import config_from_dict
from skeletonmae.transforms import PreprocessConfig


class Case:
    """A bad input: ``make(tmp)`` builds what it needs and returns the CLI arguments."""

    def __init__(self, name: str, make: Callable[[Path], list], expect: str, code: int = 1):
        self.name, self.make, self.expect, self.code = name, make, expect, code


def _npy(tmp: Path, name: str, array) -> Path:
    p = tmp / name
    with open(p, "wb") as f:
        np.save(f, array)
    return p


def _bytes(tmp: Path, name: str, data: bytes) -> Path:
    p = tmp / name
    p.write_bytes(data)
    return p


def _npy_header(shape, descr="<f4") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": descr, "fortran_order": False, "shape": shape}
    )
    return buf.getvalue()


def _good(tmp: Path) -> Path:
    return random_clip(tmp / "good.npy", seed=0)


def _model_dir(tmp: Path, config=None, weights: bytes | None = None, **tensors) -> Path:
    d = tmp / "model"
    m = tiny_model()
    m.save_pretrained(d)
    if config is not None:
        (d / "config.json").write_text(config if isinstance(config, str) else json.dumps(config))
    if weights is not None:
        (d / "model.safetensors").write_bytes(weights)
    if tensors:
        state = {k: v.clone() for k, v in m.state_dict().items()}
        for k, v in tensors.items():
            if v is None:
                state.pop(k.replace("__", "."))
            else:
                state[k.replace("__", ".")] = v
        save_file(state, str(d / "model.safetensors"))
    return d


def _config(**changes) -> dict:
    d = tiny_model().config.to_dict()
    d.update(changes)
    return d


def classify(clip_maker: Callable[[Path], Path], *extra: str) -> Callable[[Path], list]:
    return lambda tmp: ["classify", clip_maker(tmp), "--model", _model_dir(tmp), *extra]


def with_model(model_maker: Callable[[Path], Path]) -> Callable[[Path], list]:
    return lambda tmp: ["classify", _good(tmp), "--model", model_maker(tmp)]


def _pyskl(tmp: Path, obj) -> Path:
    return _bytes(tmp, "x.pkl", pickle.dumps(obj))


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


class _Huge:
    def __reduce__(self):
        # numpy.ndarray((10**12,), float64) through an allowed global: 8 TB if it were built.
        return (np.ndarray, ((10**12,), np.dtype("f8")))


def _huge_pickle() -> bytes:
    return pickle.dumps({"annotations": [_Huge()]})


CLIPS = [
    Case("missing file", lambda t: ["classify", t / "nope.npy"], "no such clip file"),
    Case("directory", lambda t: ["classify", t], "is a directory"),
    Case("empty glob", lambda t: ["classify", str(t / "*.npy")], "no clip files match"),
    Case("empty .npy", classify(lambda t: _bytes(t, "e.npy", b"")), "empty file"),
    Case(
        "truncated .npy",
        classify(lambda t: _bytes(t, "t.npy", _npy_header((10, 20, 3)) + b"\0" * 50)),
        "t.npy",
    ),
    Case("text as .npy", classify(lambda t: _bytes(t, "x.npy", b"hello world\n")), "x.npy"),
    Case(
        ".npy header claims 224 GiB",
        classify(lambda t: _bytes(t, "h.npy", _npy_header((10**6, 20000, 3)) + b"\0" * 64)),
        "GiB limit",
    ),
    Case(
        "object .npy",
        classify(lambda t: _npy(t, "o.npy", np.array([{"a": 1}], dtype=object))),
        "o.npy",
    ),
    Case(
        "complex .npy",
        classify(lambda t: _npy(t, "c.npy", np.ones((10, 20, 3), np.complex64))),
        "real numbers",
    ),
    Case(
        "string .npy",
        classify(lambda t: _npy(t, "s.npy", np.full((10, 20, 3), "a"))),
        "real numbers",
    ),
    Case("1-D array", classify(lambda t: _npy(t, "v.npy", np.ones(60, np.float32))), "v.npy"),
    Case(
        "6-D array",
        classify(lambda t: _npy(t, "d.npy", np.ones((1, 1, 1, 10, 20, 3), np.float32))),
        "d.npy",
    ),
    Case(
        "wrong joint count",
        classify(lambda t: _npy(t, "j.npy", np.ones((10, 7, 3), np.float32))),
        "7",
    ),
    Case(
        "a NiTE clip read as the model's layout",
        classify(lambda t: _npy(t, "n15.npy", np.ones((10, 15, 3), np.float32))),
        "n15.npy: found 15 joints, layout 'kinect-v1' expects 20; a 15-joint clip may be "
        "'openni-15' (pass layout= or --layout)",
    ),
    Case(
        "a COCO clip read as the model's layout",
        classify(lambda t: _npy(t, "c17.npy", np.ones((10, 17, 2), np.float32))),
        "a 17-joint clip may be 'coco-17'",
    ),
    Case(
        "an npz whose fps is not a number",
        classify(lambda t: _savez(t, "f.npz", data=np.ones((10, 20, 3), np.float32), fps="fast")),
        "its fps entry 'fast' is not a number (frames per second)",
    ),
    Case(
        "a confusion plot in a format matplotlib is not asked for",
        lambda t: ["evaluate", "tiny-a", "--data-root", t, "--confusion-plot", t / "c.gif"],
        "c.gif: the plot must be a .png, .svg or .pdf",
    ),
    Case(
        "a misspelt layout alias",
        lambda t: ["classify", _good(t), "--layout", "utkinnect"],
        "did you mean 'utkinect', 'kinect-v1'",
    ),
    Case(
        "4 values per joint",
        classify(lambda t: _npy(t, "k.npy", np.ones((10, 20, 4), np.float32))),
        "k.npy",
    ),
    Case(
        "NaN",
        classify(lambda t: _npy(t, "n.npy", np.full((10, 20, 3), np.nan, np.float32))),
        "NaN",
    ),
    Case(
        "infinity",
        classify(lambda t: _npy(t, "i.npy", np.full((10, 20, 3), np.inf, np.float32))),
        "infinite",
    ),
    Case(
        "all zeros",
        classify(lambda t: _npy(t, "z.npy", np.zeros((10, 20, 3), np.float32))),
        "zero",
    ),
    Case(
        "float32 overflow after conversion",
        classify(lambda t: _npy(t, "f.npy", np.full((10, 20, 3), 1e300))),
        "infinite",
    ),
    Case(
        "absurd coordinates",
        classify(lambda t: _npy(t, "a.npy", np.full((10, 20, 3), 1e30, np.float32))),
        "expected metres",
    ),
    Case(
        "no frames",
        classify(lambda t: _npy(t, "nf.npy", np.zeros((0, 20, 3), np.float32))),
        "empty",
    ),
    Case(
        "empty .npz",
        classify(
            lambda t: _bytes(
                t, "e.npz", zipfile.ZipFile(io.BytesIO(), "w") and b"PK\x05\x06" + b"\0" * 18
            )
        ),
        "e.npz",
    ),
    Case(
        "truncated .npz",
        classify(lambda t: _bytes(t, "tr.npz", b"PK\x03\x04" + b"\0" * 20)),
        "tr.npz",
    ),
    Case(
        ".npz with a non-numeric field",
        classify(lambda t: _savez(t, "nn.npz", data=np.full((10, 20, 3), "x"))),
        "real numbers",
    ),
    Case(
        ".npz with several arrays and no 'data'",
        classify(lambda t: _savez(t, "m.npz", a=np.ones((5, 20, 3)), b=np.ones((5, 20, 3)))),
        "expected a 'data' array",
    ),
    Case(
        "invalid NW-UCLA json",
        classify(lambda t: _bytes(t, "a01_s01_e01_v01.json", b"{not json")),
        "a01_s01_e01_v01.json",
    ),
    Case(
        "NW-UCLA json without skeletons",
        classify(lambda t: _bytes(t, "b.json", json.dumps({"label": 1}).encode())),
        "b.json",
    ),
    Case(
        "ragged NW-UCLA json",
        classify(
            lambda t: _bytes(
                t, "r.json", json.dumps({"skeletons": [[[0, 0, 1]] * 20, [[0, 0, 1]] * 3]}).encode()
            )
        ),
        "r.json",
    ),
    Case(
        "MSR text with 3 columns",
        classify(lambda t: _bytes(t, "a01_s01_e01_skeleton3D.txt", b"1 2 3\n" * 20)),
        "columns",
    ),
    Case(
        "truncated MSR text",
        classify(lambda t: _bytes(t, "a01_s01_e02_skeleton3D.txt", b"1 2 3 1\n" * 21)),
        "truncated",
    ),
    Case(
        "truncated NTU .skeleton",
        classify(lambda t: _bytes(t, "S001C001P001R001A001.skeleton", b"3\n1\n1 2 3\n")),
        "S001C001P001R001A001.skeleton",
    ),
    Case("unknown extension", classify(lambda t: _bytes(t, "c.xyz", b"1 2 3")), "format"),
    Case("symlink loop", classify(lambda t: _loop(t)), "symbolic link"),
    Case(
        "unknown layout",
        lambda t: ["classify", _good(t), "--model", _model_dir(t), "--layout", "kinect-v2"],
        "kinect-v1",
    ),
    Case("top-k 0", lambda t: ["classify", _good(t), "--top-k", "0"], "--top-k", code=2),
    Case("unknown option", lambda t: ["classify", _good(t), "--topk", "3"], "--topk", code=2),
    Case("pickle asking for os.system", classify(lambda t: _pyskl(t, _Evil())), "refused"),
    Case(
        "pickle asking for 8 TB",
        classify(lambda t: _bytes(t, "huge.pkl", _huge_pickle())),
        "GiB limit",
    ),
    Case(
        "pickle that is not PySKL",
        classify(lambda t: _pyskl(t, [1, 2, 3])),
        "x.pkl",
    ),
    Case(
        "corrupt .mat",
        classify(lambda t: _bytes(t, "a1_s1_t1_skeleton.mat", b"MATLAB 5.0 garbage")),
        "a1_s1_t1_skeleton.mat",
    ),
    Case(
        "MSRC-12 csv with 5 columns",
        classify(lambda t: _bytes(t, "P1_1_1_p01.csv", b"1 2 3 4 5\n")),
        "81",
    ),
]


def _savez(tmp: Path, name: str, **arrays) -> Path:
    p = tmp / name
    np.savez(p, **arrays)
    return p


def _loop(tmp: Path) -> Path:
    a, b = tmp / "loop_a.npy", tmp / "loop_b.npy"
    a.symlink_to(b)
    b.symlink_to(a)
    return a


MODELS = [
    Case("missing model dir", with_model(lambda t: t / "no-such-model"), "no-such-model"),
    Case(
        "a MAMP checkpoint given as a model",
        with_model(lambda t: _bytes(t, "mamp.pth", b"PK")),
        "mamp.pth is a PyTorch checkpoint, not a model directory; convert it first (MAMP's: "
        "skeletonmae convert mamp",
    ),
    Case(
        "a typo in a run's path, not a Hub repo",
        with_model(lambda t: (t / "runs" / "my-run").mkdir(parents=True) or "runs/my-rn"),
        "no model directory or .safetensors file at runs/my-rn; did you mean 'runs/my-run'?",
    ),
    Case(
        "dir without config",
        with_model(lambda t: (t / "emptydir").mkdir() or t / "emptydir"),
        "emptydir",
    ),
    Case("config []", with_model(lambda t: _model_dir(t, config=[])), "config"),
    Case("config null", with_model(lambda t: _model_dir(t, config="null")), "config"),
    Case("config not JSON", with_model(lambda t: _model_dir(t, config="{arch:")), "config"),
    Case(
        "config of an unknown architecture",
        with_model(lambda t: _model_dir(t, config=_config(arch="resnet"))),
        "resnet",
    ),
    Case(
        "config with a string for a number",
        with_model(lambda t: _model_dir(t, config=_config(dim="big"))),
        "dim",
    ),
    Case(
        "config with an unknown option",
        with_model(lambda t: _model_dir(t, config=_config(wings=2))),
        "wings",
    ),
    Case(
        "config with a negative class count",
        with_model(lambda t: _model_dir(t, config=_config(num_classes=-3, class_names=[]))),
        "num_classes",
    ),
    Case(
        "weights missing",
        with_model(lambda t: (_model_dir(t) / "model.safetensors").unlink() or t / "model"),
        "model.safetensors",
    ),
    Case(
        "weights corrupt",
        with_model(lambda t: _model_dir(t, weights=os.urandom(256))),
        "safetensors",
    ),
    Case(
        "weights truncated",
        with_model(lambda t: _truncate_weights(t)),
        "safetensors",
    ),
    Case(
        "weights full of NaN",
        with_model(
            lambda t: _model_dir(t, head__2__weight=torch.full_like(_head_weight(), float("nan")))
        ),
        "NaN",
    ),
    Case(
        "weights of another shape",
        with_model(lambda t: _model_dir(t, head__2__weight=torch.zeros(5, 16))),
        "shape",
    ),
    Case(
        "weights with a missing tensor",
        with_model(lambda t: _model_dir(t, head__2__bias=None)),
        "missing",
    ),
    Case("unknown zoo name", lambda t: ["classify", _good(t), "--model", "tiny-aa"], "tiny-a"),
    Case(
        "an encoder asked to classify",
        lambda t: ["classify", _good(t), "--model", _encoder_dir(t)],
        "extract",
    ),
    Case(
        "a run directory without its model",
        lambda t: ["classify", _good(t), "--model", _run_without_model(t)],
        "not been exported",
    ),
]


def _head_weight() -> torch.Tensor:
    return tiny_model().state_dict()["head.2.weight"]


def _truncate_weights(tmp: Path) -> Path:
    d = _model_dir(tmp)
    w = d / "model.safetensors"
    w.write_bytes(w.read_bytes()[: w.stat().st_size // 2])
    return d


def _encoder_dir(tmp: Path) -> Path:
    d = tmp / "enc"
    tiny_model(num_classes=0).save_pretrained(d)
    return d


def _run_without_model(tmp: Path) -> Path:
    d = tmp / "run"
    d.mkdir()
    (d / "results.json").write_text(json.dumps(RESULTS))
    (d / "metrics.jsonl").write_text('{"epoch": 1}\n')
    return d


def _recipe(tmp: Path, **changes) -> Path:
    d = {
        "name": "r",
        "stage": "pretrain",
        "model": {
            "arch": "skeletonmae-transformer",
            "dim": 16,
            "depth": 1,
            "num_heads": 2,
            "decoder_dim": 16,
            "decoder_depth": 1,
            "decoder_heads": 2,
            "preprocess": {"num_frames": 8},
        },
        "dataset": "folder",
        "train_split": "train",
        "epochs": 1,
        "batch_size": 8,
    }
    d.update(changes)
    p = tmp / "r.json"
    p.write_text(json.dumps(d))
    return p


def _finetune_recipe(tmp: Path) -> Path:
    model = {**json.loads(_recipe(tmp).read_text())["model"], "decoder_depth": 0}
    return _recipe(tmp, stage="finetune", eval_split="test", model=model)


def train(*extra, recipe: Callable[[Path], Path] = _recipe, stage: str = "pretrain"):
    def make(tmp: Path) -> list:
        tiny_model(graph=True, num_classes=0).save_pretrained(tmp / "graph-model")
        data = make_folder_dataset(tmp / "data", per_class=4)
        return [stage, recipe(tmp), "--data-root", data, "--output", tmp / "out", *extra]

    return make


def _existing_run(tmp: Path) -> Path:
    out = tmp / "out"
    out.mkdir()
    (out / "metrics.jsonl").write_text('{"epoch": 1}\n')
    return out


def _with_run(files: dict[str, bytes], *extra: str):
    def make(tmp: Path) -> list:
        args = train(*extra)(tmp)
        out = tmp / "out"
        out.mkdir(exist_ok=True)
        for name, data in files.items():
            (out / name).write_bytes(data)
        return args

    return make


TRAINING = [
    Case(
        "unknown recipe",
        lambda t: ["pretrain", "systema-nwucla-pretrian", "--data-root", t],
        "systema-nwucla-pretrain",
    ),
    Case(
        "recipe not JSON",
        train(recipe=lambda t: _bytes(t, "r.json", b"{")),
        "not valid JSON",
    ),
    Case("recipe with an unknown key", train(recipe=lambda t: _recipe(t, speed=3)), "speed"),
    Case("recipe with a bad stage", train(recipe=lambda t: _recipe(t, stage="train")), "stage"),
    Case("recipe without arch", train(recipe=lambda t: _recipe(t, model={})), "arch"),
    Case("epochs 0", train("--epochs", "0"), "epochs must be"),
    Case("batch size 0", train("--batch-size", "0"), "batch_size must be"),
    Case("negative lr", train("--lr", "-0.1"), "lr must be"),
    Case("epochs not a number", train("--epochs", "ten"), "--epochs", code=2),
    Case(
        "a label subset smaller than a batch",
        train("--label-fraction", "0.01", "--batch-size", "8"),
        "batch size 8 exceeds the 3 training clips of folder train (0.01 of its labels); pass "
        "--batch-size 1 or smaller",
    ),
    Case("a device PyTorch does not know", train("--device", "banana"), "unknown device 'banana'"),
    Case("a GPU this machine lacks", train("--device", "cuda:99"), "device 'cuda:99': this "),
    Case(
        "classify on a device PyTorch does not know",
        lambda t: ["classify", _good(t), "--device", "banana"],
        "unknown device 'banana'",
    ),
    Case("zero threads", lambda t: ["classify", _good(t), "--threads", "0"], "--threads", code=2),
    Case(
        "data root that does not exist",
        lambda t: ["pretrain", _recipe(t), "--data-root", t / "nothing"],
        "nothing",
        code=2,
    ),
    Case(
        "data root without the dataset",
        lambda t: ["pretrain", _recipe(t, dataset="nw-ucla"), "--data-root", t],
        "NW-UCLA",
    ),
    Case("unknown dataset", train("--dataset", "nw-ucal"), "nw-ucla"),
    Case("unknown split", train("--train-split", "trian"), "train"),
    Case(
        "batch larger than the data",
        train("--batch-size", "4096"),
        "exceeds",
    ),
    Case(
        "typo in --init",
        train(
            "--init",
            "tiny-aa",
            stage="finetune",
            recipe=_finetune_recipe,
        ),
        "tiny-a",
    ),
    Case(
        "an --init that does not fit",
        train(
            "--init",
            "graph-model",
            stage="finetune",
            recipe=_finetune_recipe,
        ),
        "does not fit",
    ),
    Case("stage mismatch", train(stage="finetune"), "skeletonmae pretrain"),
    Case("--resume without a checkpoint", train("--resume"), "does not exist"),
    Case(
        "--resume with a corrupt checkpoint",
        _with_run({"checkpoint.pt": b"garbage"}, "--resume"),
        "checkpoint.pt",
    ),
    Case(
        "an existing run without --resume",
        lambda t: train()(t) if _existing_run(t) else [],
        "already holds a run",
    ),
    Case("--resume and --overwrite", train("--resume", "--overwrite"), "pass one"),
]

ZOO = [
    Case(
        "calibrating on a test split",
        lambda t: ["calibrate", "tiny-a", "--data-root", t, "--split", "xview_test", "-o", t / "c"],
        "xview_test is a test split, where accuracy and calibration are reported",
    ),
    Case("info of an unknown model", lambda t: ["info", "tiny-b"], "tiny-a"),
    Case(
        "extract to a .txt",
        lambda t: ["extract", _good(t), "-o", t / "f.txt", "--model", _model_dir(t)],
        ".npz or .npy",
    ),
    Case(
        "extract clips with the same stem to .npz",
        lambda t: [
            "extract",
            _good(t),
            _dup(t),
            "-o",
            t / "f.npz",
            "--model",
            _model_dir(t),
        ],
        "share the file stem",
    ),
    Case(
        "extract with an unknown pooling",
        lambda t: ["extract", _good(t), "-o", t / "f.npy", "--pooling", "max"],
        "--pooling",
        code=2,
    ),
    Case(
        "evaluate an encoder",
        lambda t: [
            "evaluate",
            _encoder_dir(t),
            "--data-root",
            make_folder_dataset(Path(t) / "clips", per_class=2),
            "--dataset",
            "folder",
            "--split",
            "test",
        ],
        "is an encoder without a classifier head",
    ),
    Case("unknown command", lambda t: ["clasify", "x"], "clasify", code=2),
]


def _dup(tmp: Path) -> Path:
    (tmp / "other").mkdir(exist_ok=True)
    return random_clip(tmp / "other" / "good.npy", seed=3)


ALL = CLIPS + MODELS + TRAINING + ZOO


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            st = p.stat()
            out[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return out


def test_there_are_at_least_sixty_distinct_bad_inputs():
    names = [c.name for c in ALL]
    assert len(set(names)) == len(names) >= 60


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_bad_input_ends_in_one_line(case: Case, tmp_path: Path, monkeypatch):
    manifest = empty_manifest(tmp_path / "zoo" / "weights_manifest.json")
    tiny_model().save_pretrained(tmp_path / "zoo-a")
    zoo.register(
        tmp_path / "zoo-a", "tiny-a", RESULTS, bundled=True, default=True, manifest=manifest
    )
    monkeypatch.setenv(zoo.MANIFEST_ENV, str(manifest))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.chdir(tmp_path)
    args = [str(a) for a in case.make(tmp_path)]
    before = _snapshot(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == case.code, (args, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    assert case.expect in lines[0], lines[0]
    assert _snapshot(tmp_path) == before, "a failed command wrote or changed files"


@pytest.mark.parametrize(
    ("build", "expect"),
    [
        (
            lambda: load_recipe_dict({"lrr": 0.1}),
            "unknown keys in recipe ['lrr']; did you mean 'lr'",
        ),
        (
            lambda: config_from_dict({"arch": "skeletonmae-graph", "dimm": 8}),
            "unknown GraphSkeletonMAEConfig options ['dimm']; did you mean 'dim'",
        ),
        (
            lambda: PreprocessConfig.from_dict({"num_frame": 8}),
            "unknown preprocess options ['num_frame']; did you mean 'num_frames'",
        ),
        (
            lambda: Layout.from_dict({"name": "x", "joints": ["a"], "parent": [None]}),
            "unknown keys ['parent']; did you mean 'parents'",
        ),
    ],
)
def test_a_misspelt_key_in_any_json_form_names_the_key_it_meant(build, expect):
    with pytest.raises(ValueError, match=re.escape(expect)):
        build()


def load_recipe_dict(extra: dict):
    d = {"name": "r", "stage": "pretrain", "model": {"arch": "x"}, "dataset": "d"}
    return Recipe.from_dict({**d, "train_split": "t", **extra})


@pytest.mark.parametrize(
    ("missing", "make", "expect"),
    [
        (
            ("onnx",),
            lambda t: ["export", "tiny-a", "-o", t / "m.onnx"],
            "Error: ONNX export needs the onnx extra (onnx is not installed): "
            'pip install "skeletonmae[onnx]"',
        ),
        (
            ("scipy", "scipy.io"),
            lambda t: ["classify", _bytes(t, "a1_s1_t1_skeleton.mat", b"MATLAB 5.0")],
            "Error: reading UTD-MHAD .mat files needs the data extra (scipy.io is not installed): "
            'pip install "skeletonmae[data]"',
        ),
    ],
    ids=["export without onnx", "a UTD-MHAD file without scipy"],
)
def test_a_missing_extra_is_the_users_situation_not_a_bug(
    missing, make, expect, tmp_path, monkeypatch
):
    manifest = empty_manifest(tmp_path / "zoo" / "weights_manifest.json")
    tiny_model().save_pretrained(tmp_path / "zoo-a")
    zoo.register(
        tmp_path / "zoo-a", "tiny-a", RESULTS, bundled=True, default=True, manifest=manifest
    )
    monkeypatch.setenv(zoo.MANIFEST_ENV, str(manifest))
    monkeypatch.chdir(tmp_path)
    args = [str(a) for a in make(tmp_path)]
    for name in missing:
        monkeypatch.setitem(sys.modules, name, None)
    before = _snapshot(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert result.stderr == expect + "\n", result.stderr
    assert _snapshot(tmp_path) == before

"""The training engine end to end on synthetic clip folders: stages, resume after a kill,
two-process gloo training, and the CLI summary line."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from synthetic import make_folder_dataset

from skeletonmae import SkeletonMAE

MODEL = {
    "arch": "skeletonmae-transformer",
    "layout": "kinect-v1",
    "dim": 32,
    "depth": 2,
    "num_heads": 2,
    "decoder_dim": 32,
    "decoder_depth": 1,
    "decoder_heads": 2,
    "patch_size": 4,
    "mask_strategy": "random",
    "mask_ratio": 0.5,
    "preprocess": {"num_frames": 16, "crop_ratio": [0.8, 1.0], "rotate": 0.1},
}


def recipe(tmp: Path, name: str, stage: str, **kw) -> Path:
    d = {
        "name": name,
        "stage": stage,
        "model": dict(MODEL),
        "dataset": "folder",
        "train_split": "train",
        "eval_split": "test",
        "epochs": 3,
        "batch_size": 8,
        "lr": 2e-3,
        "warmup_epochs": 1,
        "seed": 0,
        **kw,
    }
    if stage != "pretrain":
        d["model"]["decoder_depth"] = 0
        d["model"]["head"] = "linear" if stage == "linear-probe" else "ln-linear"
    p = tmp / f"{name}.json"
    p.write_text(json.dumps(d))
    return p


def cli(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    e = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    out = subprocess.run(
        [sys.executable, "-m", "skeletonmae", *args], capture_output=True, text=True, env=e
    )
    if check and out.returncode:
        raise AssertionError(out.stderr[-3000:])
    return out


def train(stage: str, recipe_path: Path, data: Path, output: Path, *extra: str):
    """``skeletonmae <stage> RECIPE`` on ``data`` into ``output``, one thread, no progress bar."""
    args = ["--data-root", str(data), "--output", str(output), "--threads", "1", "--no-progress"]
    return cli(stage, str(recipe_path), *args, *extra)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return make_folder_dataset(tmp_path_factory.mktemp("clips"))


def test_pretrain_probe_finetune_evaluate(tmp_path, data):
    runs = tmp_path / "runs"
    cli(
        "pretrain",
        str(recipe(tmp_path, "pre", "pretrain")),
        "--data-root",
        str(data),
        "--output",
        str(runs / "pre"),
        "--threads",
        "1",
        "--no-progress",
    )
    assert (runs / "pre" / "model" / "model.safetensors").is_file()
    lines = (runs / "pre" / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(x)["epoch"] for x in lines] == [1, 2, 3]

    probe = cli(
        "linear-probe",
        str(recipe(tmp_path, "lp", "linear-probe", init="pre", optimizer="sgd", lr=0.1, epochs=20)),
        "--data-root",
        str(data),
        "--output",
        str(runs / "lp"),
        "--threads",
        "1",
    )
    assert "summary: lp (linear-probe)" in probe.stdout and "top1=" in probe.stdout
    assert f"init: the run {runs / 'pre'}" in probe.stderr  # a sibling run wins over a zoo name
    # The probe trained the head only: the encoder is the pre-trained one.
    pre = load_file(runs / "pre" / "model" / "model.safetensors")
    lp = load_file(runs / "lp" / "model" / "model.safetensors")
    assert all((pre[k] == lp[k]).all() for k in lp if k.startswith("encoder."))

    cli(
        "finetune",
        str(
            recipe(
                tmp_path,
                "ft",
                "finetune",
                init="pre",
                epochs=30,
                label_smoothing=0.1,
                layer_decay=0.8,
            )
        ),
        "--data-root",
        str(data),
        "--output",
        str(runs / "ft"),
        "--threads",
        "1",
    )
    results = json.loads((runs / "ft" / "results.json").read_text())
    assert results["top1"] > 60.0  # three easy classes, chance is 33 %
    for target in (runs / "ft", runs / "ft" / "model"):  # a run directory or its model
        ev = cli("evaluate", str(target), "--data-root", str(data), "--json")
        assert json.loads(ev.stdout)["top1"] == results["top1"]
    out = tmp_path / "predictions.json"
    ev = cli("evaluate", str(runs / "ft"), "--data-root", str(data), "--out", str(out))
    assert f"top1={results['top1']:.2f}" in ev.stdout and "confusion (rows: true class" in ev.stdout
    clips = json.loads(out.read_text())["clips"]
    assert len(clips) == results["num_clips"] and {"file", "true", "predicted"} <= clips[0].keys()
    hits = sum(c["true"] == c["predicted"] for c in clips)
    assert round(100 * hits / len(clips), 2) == results["top1"]
    model = SkeletonMAE.from_pretrained(runs / "ft" / "model")
    assert model.class_names == ["left_wave", "right_wave", "still"]


def test_stage_mismatch_and_unknown_recipe_fail_clearly(tmp_path, data):
    out = cli(
        "finetune", str(recipe(tmp_path, "pre", "pretrain")), "--data-root", str(data), check=False
    )
    assert out.returncode != 0 and "skeletonmae pretrain" in out.stderr
    out = cli("pretrain", "systema-nwucla-pretrian", "--data-root", str(data), check=False)
    assert out.returncode != 0 and "systema-nwucla-pretrain" in out.stderr


def test_killed_run_resumes_to_the_same_weights(tmp_path, data):
    r = recipe(tmp_path, "pre", "pretrain", epochs=8, batch_size=4)
    args = ["pretrain", str(r), "--data-root", str(data), "--threads", "1", "--no-progress"]
    cli(*args, "--output", str(tmp_path / "full"))

    out = tmp_path / "killed"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "skeletonmae", *args, "--output", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    metrics = out / "metrics.jsonl"
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        if metrics.is_file() and len(metrics.read_text().splitlines()) >= 2:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "model").exists(), "the run finished before it could be killed"
    resumed = cli(*args, "--output", str(out), "--resume")
    assert "resuming pre at epoch" in resumed.stdout
    a = load_file(tmp_path / "full" / "model" / "model.safetensors")
    b = load_file(out / "model" / "model.safetensors")
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)


def test_two_process_gloo_run_agrees_on_weights(tmp_path, data):
    r = recipe(tmp_path, "ddp", "finetune", epochs=2, batch_size=8)
    out = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node",
        "2",
        "--master_port",
        str(free_port()),
        "-m",
        "skeletonmae",
        "finetune",
        str(r),
        "--data-root",
        str(data),
        "--output",
        str(out),
        "--device",
        "cpu",
        "--no-progress",
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    hashes = json.loads((out / "results.json").read_text())["replica_sha256"]
    assert len(hashes) == 2 and hashes[0] == hashes[1]
    # the recipe's batch is the global one: 2 epochs × ⌊48 clips / 8⌋ steps, as on one process
    state = torch.load(out / "checkpoint.pt", weights_only=True)
    assert state["step"] == 2 * (48 // 8)


def test_run_directory_is_never_clobbered_and_resume_extends(tmp_path, data):
    r = recipe(tmp_path, "pre", "pretrain", epochs=2)
    out = tmp_path / "run"
    args = ["pretrain", str(r), "--data-root", str(data), "--output", str(out), "--no-progress"]
    cli(*args, "--threads", "1")
    metrics = (out / "metrics.jsonl").read_text()
    again = cli(*args, check=False)
    assert again.returncode == 1 and "already holds a run" in again.stderr
    assert "Traceback" not in again.stderr and len(again.stderr.strip().splitlines()) == 1
    assert (out / "metrics.jsonl").read_text() == metrics
    # A kill between the metrics line and the checkpoint leaves one line too many, and a kill
    # mid-write a temporary file: resuming drops both.
    with (out / "metrics.jsonl").open("a") as f:
        f.write(metrics.splitlines()[-1].replace('"epoch": 2', '"epoch": 3') + "\n")
    (out / ".checkpoint.pt.tmpabc").write_bytes(b"partial")
    cli(*args, "--resume", "--epochs", "4", "--threads", "1")
    epochs = [json.loads(x)["epoch"] for x in (out / "metrics.jsonl").read_text().splitlines()]
    assert epochs == [1, 2, 3, 4]
    assert not list(out.glob(".checkpoint.pt.tmp*"))
    assert json.loads((out / "results.json").read_text())["epochs"] == 4
    shorter = cli(*args, "--resume", "--epochs", "3", check=False)
    assert shorter.returncode == 1 and "cannot shorten" in shorter.stderr
    cli(*args, "--overwrite", "--threads", "1")
    assert len((out / "metrics.jsonl").read_text().splitlines()) == 2


def test_resume_without_checkpoint_and_bad_arguments_fail_before_work(tmp_path, data):
    r = str(recipe(tmp_path, "pre", "pretrain"))
    base = ["pretrain", r, "--data-root", str(data), "--output", str(tmp_path / "x")]
    cases = {
        ("--resume",): "does not exist",
        ("--epochs", "0"): "epochs must be",
        ("--batch-size", "0"): "batch_size must be",
        ("--lr", "-1"): "lr must be",
        ("--label-smoothing", "1.5"): "label_smoothing must be",
        ("--ema-decay", "1"): "ema_decay must be",
        ("--resume", "--overwrite"): "pass one",
    }
    for extra, message in cases.items():
        out = cli(*base, *extra, check=False)
        assert out.returncode == 1, extra
        assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert not (tmp_path / "x" / "model").exists()


def test_written_files_follow_the_umask(tmp_path):
    from skeletonmae.fileio import write_text_atomic

    old = os.umask(0o022)
    try:
        p = write_text_atomic(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert p.stat().st_mode & 0o777 == 0o644


def test_weight_average_is_what_the_run_saves_and_it_resumes(tmp_path, data):
    # Constant lr, so that 2 epochs resumed to 3 must equal 3 straight (the average included).
    r = recipe(tmp_path, "ema", "finetune", warmup_epochs=0, min_lr=2e-3, ema_decay=0.9)
    args = ["finetune", str(r), "--data-root", str(data), "--threads", "1", "--no-progress"]
    cli(*args, "--output", str(tmp_path / "straight"))
    cli(*args, "--output", str(tmp_path / "split"), "--epochs", "2")
    cli(*args, "--output", str(tmp_path / "split"), "--epochs", "3", "--resume")
    a = load_file(tmp_path / "straight" / "model" / "model.safetensors")
    b = load_file(tmp_path / "split" / "model" / "model.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    state = torch.load(tmp_path / "straight" / "checkpoint.pt", weights_only=True)
    assert all(torch.equal(a[k], state["ema"][k]) for k in a)
    assert not all(torch.equal(state["ema"][k], state["model"][k]) for k in a)
    results = json.loads((tmp_path / "straight" / "results.json").read_text())
    assert results["weights"] == "ema" and results["epochs"] == 3


def test_label_fraction_trains_on_a_balanced_subset_and_snapshots_mark_minutes(tmp_path, data):
    runs = tmp_path / "runs"
    r = recipe(tmp_path, "pre", "pretrain", epochs=2)
    train("pretrain", r, data, runs / "pre", "--snapshot-minutes", "0,1000")
    snap = json.loads((runs / "pre" / "snapshots" / "0min" / "snapshot.json").read_text())
    assert snap["epoch"] == 1 and snap["minutes"] == 0  # the first epoch past the mark
    assert (runs / "pre" / "snapshots" / "0min" / "model.safetensors").is_file()
    assert not (runs / "pre" / "snapshots" / "1000min").exists()
    last = json.loads((runs / "pre" / "metrics.jsonl").read_text().splitlines()[-1])
    assert last["cpu_time_s"] >= snap["cpu_time_s"]

    r = recipe(tmp_path, "ft", "finetune", init="pre", epochs=1, batch_size=4)
    train("finetune", r, data, runs / "ft", "--label-fraction", "0.25", "--subset-seed", "2")
    results = json.loads((runs / "ft" / "results.json").read_text())
    assert results["num_train_clips"] == 12  # 3 classes × ceil(0.25 · 16)
    saved = json.loads((runs / "ft" / "recipe.json").read_text())
    assert (saved["label_fraction"], saved["subset_seed"]) == (0.25, 2)
    bad = cli(
        "finetune",
        str(recipe(tmp_path, "ft2", "finetune")),
        "--data-root",
        str(data),
        "--label-fraction",
        "0",
        check=False,
    )
    assert bad.returncode == 1 and "label_fraction must be in (0, 1]" in bad.stderr

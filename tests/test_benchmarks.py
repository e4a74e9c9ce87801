"""The benchmark scripts still run and print their tables (timings themselves are not asserted)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each benchmark starts processes that import torch

BENCH = Path(__file__).parents[1] / "benchmarks"


def run(script: str, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, str(BENCH / script), *args], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_model_throughput_reports_every_mask_ratio_against_the_baseline():
    out = run("model_throughput.py", "--configs", "cpu-small", "--steps", "1", "--batch-size", "2")
    rows = re.findall(r"^cpu-small\s+(0\.\d\d)\s+[\d.]+\s+[\d.]+\s+[\d.]+x", out, re.M)
    assert rows == ["0.00", "0.75", "0.90"]
    assert re.search(r"^cpu-small\s+[\d.]+\s+[\d.]+\s+[\d.]+x\s+\d+$", out, re.M)  # inference


def test_cli_startup_reports_classify_against_bare_torch():
    out = run("cli_startup.py", "--repeats", "1", "--clips", "4")
    assert re.search(r'^python -c "import torch"\s+[\d.]+\s+[\d.]+\s+1\.00x', out, re.M)
    assert re.search(r"^skeletonmae classify \S+throw\.npy\s+[\d.]+", out, re.M)
    assert "classify_batch" in out and "classify loop" in out


def test_stream_latency_reports_an_update_beside_the_file_baseline():
    row = json.loads(run("stream_latency.py", "--repeats", "1", "--window", "16", "--json"))
    assert row["model"] == "systema-nwucla-finetune" and row["window"] == 16
    assert row["update_ms"] > 0 and row["file_ms"] > 0
    assert row["file_over_update"] == pytest.approx(row["file_ms"] / row["update_ms"], rel=0.02)


@pytest.mark.data
def test_transfer_probe_prints_pretrained_random_and_raw_rows(data_root):
    pytest.importorskip("scipy")
    out = run(
        "transfer_probe.py",
        "--encoder",
        "systema-nwucla-pretrain",
        "--data-root",
        str(data_root / "utd-mhad"),
        "--views",
        "1",
        "--epochs",
        "2",
        "--threads",
        "1",
    )
    rows = dict(re.findall(r"^\| (.+?) \| (\d+\.\d\d) \|$", out, re.M))
    assert set(rows) == {
        "pre-trained (mean)",
        "random weights seed 0 (mean)",
        "raw joints (16 frames)",
    }


def test_pretrain_efficiency_probes_each_snapshot_beside_the_controls(tmp_path):
    from synthetic import make_folder_dataset
    from test_engine import recipe, train

    data = make_folder_dataset(tmp_path / "clips", per_class=8)
    run_dir = tmp_path / "pre"
    train(
        "pretrain",
        recipe(tmp_path, "pre", "pretrain", epochs=2),
        data,
        run_dir,
        "--snapshot-minutes",
        "0",
    )
    out = run(
        "pretrain_efficiency.py",
        str(run_dir),
        "--data-root",
        str(data),
        "--dataset",
        "folder",
        "--train-split",
        "train",
        "--test-split",
        "test",
        "--views",
        "1",
        "--epochs",
        "2",
    )
    rows = re.findall(r"^\| (.+?) \| ([\d.]+) \| (\d+) \| (\d+\.\d\d) \|$", out, re.M)
    assert [(r[0], r[2]) for r in rows] == [
        (str(run_dir), "1"),  # the 0-minute snapshot, after the first epoch
        (str(run_dir), "2"),  # the final model
        ("random weights seed 0", "0"),
        ("raw joints (16 frames)", "0"),
    ]
    assert float(rows[0][1]) <= float(rows[1][1])  # CPU-minutes grow along the run


def test_label_efficiency_runs_each_init_and_seed_on_the_same_subsets(tmp_path):
    from synthetic import make_folder_dataset
    from test_engine import recipe

    data = make_folder_dataset(tmp_path / "clips", per_class=8)
    r = recipe(tmp_path, "ft", "finetune", epochs=1, batch_size=4)
    args = [
        str(r),
        "--data-root",
        str(data),
        "--fractions",
        "0.5",
        "--seeds",
        "0,1",
        "--init",
        "none",
        "--runs-dir",
        str(tmp_path / "le"),
    ]
    out = run("label_efficiency.py", *args)
    (row,) = re.findall(r"^\| 50% \| none \| ([\d.]+) / ([\d.]+) \| [\d.]+ ± [\d.]+ \|$", out, re.M)
    runs = sorted((tmp_path / "le" / "ft").iterdir())
    assert [p.name for p in runs] == ["scratch-f0.5-s0", "scratch-f0.5-s1"]
    for seed, p in enumerate(runs):
        res = json.loads((p / "results.json").read_text())
        assert res["num_train_clips"] == 12 and res["top1"] == float(row[seed])
    assert run("label_efficiency.py", *args) == out  # finished runs are read back

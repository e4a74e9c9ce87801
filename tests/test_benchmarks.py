"""The benchmark scripts still run and print their tables (timings themselves are not asserted)."""

from __future__ import annotations

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

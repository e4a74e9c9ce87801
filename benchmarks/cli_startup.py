"""Start-up cost of ``skeletonmae classify`` and batch classification throughput.

Each command runs in a fresh process (what a shell loop pays per call); wall time and the
child's peak RSS are reported next to a baseline measured in the same run: a bare
``python -c "import torch"``, the floor any PyTorch tool pays. Throughput compares
``classify_batch`` on many clips with a loop of single-clip ``classify`` calls.

    python benchmarks/cli_startup.py
    python benchmarks/cli_startup.py --repeats 10 --clips 256
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIP = ROOT / "examples" / "clips" / "throw.npy"


def timed_process(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()}")
    proc.stderr.close()
    return wall, usage.ru_maxrss / 1024


def startup(repeats: int) -> None:
    exe = Path(sys.executable).parent / "skeletonmae"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "skeletonmae"]
    commands = {
        'python -c "import torch"': [sys.executable, "-c", "import torch"],
        "skeletonmae --version": [*cli, "--version"],
        f"skeletonmae classify {CLIP.relative_to(ROOT)}": [*cli, "classify", str(CLIP)],
    }
    print(f"start-up: {repeats} fresh processes each (first run, then median)")
    print(f"{'command':<44} {'first s':>8} {'median s':>9} {'vs base':>8} {'peak MB':>8}")
    base = None
    for label, cmd in commands.items():
        runs = [timed_process(cmd) for _ in range(repeats)]
        walls = [w for w, _ in runs]
        median = statistics.median(walls)
        base = base or median
        peak = max(m for _, m in runs)
        print(f"{label:<44} {walls[0]:>8.2f} {median:>9.2f} {median / base:>7.2f}x {peak:>8.0f}")


def throughput(num_clips: int) -> None:
    import torch

    from skeletonmae import SkeletonMAE, load_clip
    from skeletonmae.zoo import load_manifest

    name = load_manifest().default
    model = SkeletonMAE.from_pretrained(name)
    clips = sorted((ROOT / "examples" / "clips").glob("*.npy"))
    layout = model.config.layout
    batch = [load_clip(clips[i % len(clips)], layout=layout) for i in range(num_clips)]
    model.classify_batch(batch[:4])  # warm-up

    start = time.perf_counter()
    model.classify_batch(batch)
    batched = num_clips / (time.perf_counter() - start)
    single_n = max(num_clips // 4, 1)
    start = time.perf_counter()
    for clip in batch[:single_n]:
        model.classify(clip)
    single = single_n / (time.perf_counter() - start)
    print(f"\nthroughput of {name} ({torch.get_num_threads()} threads), clips/s")
    print(f"{'classify_batch':<20} {batched:>8.1f}   ({num_clips} clips)")
    print(f"{'classify loop':<20} {single:>8.1f}   ({single_n} clips, baseline)")
    print(f"{'ratio':<20} {batched / single:>7.2f}x")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--clips", type=int, default=128)
    args = p.parse_args()
    startup(args.repeats)
    throughput(args.clips)


if __name__ == "__main__":
    main()

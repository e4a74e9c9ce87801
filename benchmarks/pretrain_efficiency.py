"""Accuracy per CPU-minute of pre-training: probe a run's snapshots on a transfer protocol.

Each run is pre-trained with ``skeletonmae pretrain RECIPE --snapshot-minutes 10,20,30 …``
(one thread, nothing else running beside it but at most one other such run), which saves the
encoder under ``<run>/snapshots/<m>min`` at the end of the first epoch past each mark. This
script fits the same frozen-feature linear probe as ``transfer_probe.py`` on every snapshot and
on the final model, and prints top-1 against the CPU-minutes the run had spent in training,
beside the controls (the same architecture with random weights, raw joints), so that objectives
are compared at equal compute:

    skeletonmae pretrain systema-kinect-pretrain-xdec --data-root ../shared/data \\
        --output runs/xdec --threads 1 --snapshot-minutes 10,20,30
    python benchmarks/pretrain_efficiency.py runs/xdec runs/today \\
        --data-root ../shared/data/utd-mhad

By default the probe trains on UTD-MHAD's development protocol (``xsub_dev_train`` →
``xsub_dev``, inside the training subjects), the one recipe choices are made on; pass
``--train-split xsub_train --test-split xsub_test`` to report the chosen recipe once. With
``--train RECIPE:EPOCHS`` the script runs the pre-training itself first (one thread).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import torch

from skeletonmae.datasets import open_dataset
from skeletonmae.engine.probe import cached_features, probe_accuracy, raw_joint_features
from skeletonmae.models.base import SkeletonModel, build_model


def checkpoints(run: Path) -> list[tuple[float, int, Path]]:
    """(training minutes, epoch, model folder) of a run's snapshots and its final model."""
    found = []
    for snap in sorted((run / "snapshots").glob("*min/snapshot.json")):
        rec = json.loads(snap.read_text())
        found.append((rec["cpu_time_s"] / 60, rec["epoch"], snap.parent))
    metrics = run / "metrics.jsonl"
    if (run / "model").is_dir() and metrics.is_file():
        last = json.loads(metrics.read_text().splitlines()[-1])
        minutes = last["cpu_time_s"] / 60
        if not any(epoch == last["epoch"] for _, epoch, _ in found):
            found.append((minutes, last["epoch"], run / "model"))
    if not found:
        raise SystemExit(f"{run}: no snapshots and no finished model to probe")
    return sorted(found)


def pretrain(spec: str, data_root: str, minutes: str, out_dir: Path) -> Path:
    """Run ``RECIPE:EPOCHS`` on one thread with snapshots; returns the run folder."""
    recipe, _, epochs = spec.rpartition(":")
    if not recipe or not epochs.isdigit():
        raise SystemExit(f"--train expects RECIPE:EPOCHS, got {spec!r}")
    output = out_dir / f"{Path(recipe).stem}-{epochs}ep"
    cmd = ["skeletonmae", "pretrain", recipe, "--data-root", data_root, "--output", str(output)]
    cmd += ["--epochs", epochs, "--threads", "1", "--no-progress", "--snapshot-minutes", minutes]
    if (output / "checkpoint.pt").is_file():
        cmd.append("--resume")
    subprocess.run(cmd, check=True, stdout=sys.stderr)  # the table alone on stdout
    return output


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="*", type=Path, help="pre-training run folders")
    ap.add_argument("--data-root", required=True, help="the probe dataset's folder")
    ap.add_argument("--dataset", default="utd-mhad")
    ap.add_argument("--train-split", default="xsub_dev_train")
    ap.add_argument("--test-split", default="xsub_dev")
    ap.add_argument("--pooling", default="joints-time")
    ap.add_argument("--views", type=int, default=4, help="training-set views cached for the probe")
    ap.add_argument("--epochs", type=int, default=100, help="probe epochs")
    ap.add_argument("--random-seeds", type=int, default=1)
    ap.add_argument("--train", action="append", default=[], metavar="RECIPE:EPOCHS")
    ap.add_argument("--corpus-root", default=None, help="data root for --train")
    ap.add_argument("--minutes", default="10,20,30", help="snapshot marks for --train")
    ap.add_argument("--runs-dir", type=Path, default=Path("runs/efficiency"))
    ap.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    args = ap.parse_args()
    torch.set_num_threads(1)
    runs = list(args.runs)
    for spec in args.train:
        if not args.corpus_root:
            raise SystemExit("--train needs --corpus-root (the pre-training data)")
        runs.append(pretrain(spec, args.corpus_root, args.minutes, args.runs_dir))
    if not runs:
        raise SystemExit("nothing to probe: give run folders or --train RECIPE:EPOCHS")

    start = time.time()
    ds = open_dataset(args.dataset, args.data_root)
    train_clips = ds.load_split(args.train_split)[0]
    test_clips = ds.load_split(args.test_split)[0]
    n_cls = len(ds.class_names)

    def probe(model: SkeletonModel) -> float:
        train = cached_features(model, train_clips, views=args.views, pooling=args.pooling)
        test = cached_features(model, test_clips, views=1, pooling=args.pooling)
        return probe_accuracy(train, test, num_classes=n_cls, epochs=args.epochs)

    rows: list[dict] = []
    config = None
    for run in runs:
        for minutes, epoch, folder in checkpoints(run):
            model = SkeletonModel.from_pretrained(folder)
            config = config or model.config
            top1 = probe(model)
            rows.append(dict(run=str(run), minutes=round(minutes, 1), epoch=epoch, top1=top1))
    for seed in range(args.random_seeds):
        torch.manual_seed(seed)
        rows.append(
            dict(
                run=f"random weights seed {seed}",
                minutes=0,
                epoch=0,
                top1=probe(build_model(config)),
            )
        )
    raw_train = raw_joint_features(train_clips, config.preprocess, config.layout, views=args.views)
    raw_test = raw_joint_features(test_clips, config.preprocess, config.layout)
    raw = probe_accuracy(raw_train, raw_test, num_classes=n_cls, epochs=args.epochs)
    rows.append(dict(run="raw joints (16 frames)", minutes=0, epoch=0, top1=raw))
    if args.json:
        for r in rows:
            print(json.dumps(r))
        return
    print(
        f"{args.dataset} {args.train_split} → {args.test_split}, {args.pooling} probe, "
        f"{len(train_clips)} / {len(test_clips)} clips"
    )
    print("| run | CPU-minutes | epoch | top-1 |\n| --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['run']} | {r['minutes']:.1f} | {r['epoch']} | {r['top1']:.2f} |")
    print(f"probe wall time {time.time() - start:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

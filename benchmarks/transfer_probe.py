"""Transfer benchmark: how much a pre-trained encoder's frozen features know, against controls.

For one dataset split pair (by default UTD-MHAD cross-subject, which the zoo's corpus encoders
never saw), fit the same linear probe (BatchNorm → Linear, SGD, see `skeletonmae.engine.probe`)
on three kinds of features and print their test top-1:

- the pre-trained encoder's frozen features (for each pooling asked for);
- the **same architecture with random weights** (one or more seeds), same pooling;
- **raw joints**: the clip preprocessed like the model's input, resampled to 16 frames, flattened.

    python benchmarks/transfer_probe.py --encoder systema-kinect-pretrain \\
        --data-root ../shared/data/utd-mhad --dataset utd-mhad
    python benchmarks/transfer_probe.py --encoder runs/x --dataset nw-ucla \\
        --data-root ../shared/data/nw-ucla --train-split xview_train --test-split xview_test

Nothing is selected on the test split: every number printed is the final probe's.
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from skeletonmae.datasets import open_dataset
from skeletonmae.engine.probe import cached_features, probe_accuracy, raw_joint_features
from skeletonmae.models.base import SkeletonModel, build_model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--encoder", default="systema-kinect-pretrain", help="zoo name or directory")
    ap.add_argument("--data-root", required=True)
    ap.add_argument("--dataset", default="utd-mhad")
    ap.add_argument("--train-split", default="xsub_train")
    ap.add_argument("--test-split", default="xsub_test")
    ap.add_argument("--poolings", default=None, help="comma-separated [default: the config's]")
    ap.add_argument("--random-seeds", type=int, default=1, help="random-weight encoders to probe")
    ap.add_argument("--views", type=int, default=4, help="training-set views cached for the probe")
    ap.add_argument("--epochs", type=int, default=100, help="probe epochs")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    start = time.time()
    model = SkeletonModel.from_pretrained(args.encoder)
    ds = open_dataset(args.dataset, args.data_root)
    train_clips = ds.load_split(args.train_split)[0]
    test_clips = ds.load_split(args.test_split)[0]
    n_cls = len(ds.class_names)
    poolings = args.poolings.split(",") if args.poolings else [model.config.pooling]

    def probe(m: SkeletonModel, pooling: str) -> float:
        train = cached_features(m, train_clips, views=args.views, pooling=pooling)
        test = cached_features(m, test_clips, views=1, pooling=pooling)
        return probe_accuracy(train, test, num_classes=n_cls, epochs=args.epochs)

    rows: dict[str, float] = {}
    for pooling in poolings:
        rows[f"pre-trained ({pooling})"] = probe(model, pooling)
        for seed in range(args.random_seeds):
            torch.manual_seed(seed)
            random = build_model(model.config)
            rows[f"random weights seed {seed} ({pooling})"] = probe(random, pooling)
    pre, lay = model.config.preprocess, model.config.layout
    raw_train = raw_joint_features(train_clips, pre, lay, views=args.views)
    raw_test = raw_joint_features(test_clips, pre, lay)
    rows["raw joints (16 frames)"] = probe_accuracy(
        raw_train, raw_test, num_classes=n_cls, epochs=args.epochs
    )
    result = {
        "encoder": args.encoder,
        "dataset": args.dataset,
        "train": f"{args.train_split} ({len(train_clips)} clips)",
        "test": f"{args.test_split} ({len(test_clips)} clips)",
        "top1": rows,
        "wall_time_s": round(time.time() - start, 1),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"linear probe on {args.dataset}: train {result['train']}, test {result['test']}")
    print("| features | top-1 |\n| --- | --- |")
    for name, acc in rows.items():
        print(f"| {name} | {acc:.2f} |")
    print(f"wall time {result['wall_time_s']:.0f} s")


if __name__ == "__main__":
    main()

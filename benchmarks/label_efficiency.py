"""Label efficiency: fine-tune with a fraction of the training labels, from a pre-trained encoder
and from scratch, over several seeds, and print top-1 (final epoch) mean ± std per cell.

Every method sees the same clips: seed ``s`` draws the class-balanced subset
(``--subset-seed s``, see `skeletonmae.engine.data.label_subset`) and seeds training
(``--seed s``). Each run is an ordinary ``skeletonmae finetune`` (one thread) in
``<runs-dir>/<recipe>/<init>-f<fraction>-s<seed>``; finished runs are read back, not repeated, so
an interrupted sweep continues where it stopped.

    python benchmarks/label_efficiency.py systema-nwucla-finetune \\
        --data-root ../shared/data/nw-ucla --fractions 0.1 --seeds 0,1,2 \\
        --init systema-kinect-pretrain --init none

Options the script does not know (``--epochs 30``) are passed to every fine-tune.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path


def run_one(args: argparse.Namespace, init: str, fraction: float, seed: int) -> float:
    """Top-1 of one fine-tune (running it unless its results exist)."""
    label = Path(init).name if init != "none" else "scratch"
    out = args.runs_dir / Path(args.recipe).stem / f"{label}-f{fraction:g}-s{seed}"
    results = out / "results.json"
    if not results.is_file():
        cmd = ["skeletonmae", "finetune", args.recipe, "--data-root", args.data_root]
        cmd += ["--output", str(out), "--init", init, "--label-fraction", str(fraction)]
        cmd += ["--subset-seed", str(seed), "--seed", str(seed), "--threads", "1"]
        cmd += ["--no-progress", *args.extra]
        if (out / "checkpoint.pt").is_file():
            cmd.append("--resume")
        subprocess.run(cmd, check=True, stdout=sys.stderr)  # the table alone on stdout
    return float(json.loads(results.read_text())["top1"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("recipe", help="a finetune recipe (name or .json)")
    ap.add_argument("--data-root", required=True)
    ap.add_argument("--fractions", default="0.05,0.1,0.25")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument(
        "--init",
        action="append",
        required=True,
        help="encoder to start from (zoo name, run or directory; 'none': from scratch); repeat",
    )
    ap.add_argument("--runs-dir", type=Path, default=Path("runs/label-efficiency"))
    ap.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    args, args.extra = ap.parse_known_args()  # other options go to every `skeletonmae finetune`
    fractions = [float(f) for f in args.fractions.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]

    rows = []
    for fraction in fractions:
        for init in args.init:
            accs = [run_one(args, init, fraction, seed) for seed in seeds]
            rows.append(dict(recipe=args.recipe, init=init, fraction=fraction, top1=accs))
    if args.json:
        for r in rows:
            print(json.dumps(r))
        return
    print(f"{args.recipe}: top-1 (final epoch), seeds {args.seeds}")
    print("| labels | init | top-1 per seed | mean ± std |\n| --- | --- | --- | --- |")
    for r in rows:
        accs = r["top1"]
        spread = statistics.stdev(accs) if len(accs) > 1 else 0.0
        per_seed = " / ".join(f"{a:.2f}" for a in accs)
        mean = statistics.mean(accs)
        print(f"| {r['fraction']:.0%} | {r['init']} | {per_seed} | {mean:.2f} ± {spread:.2f} |")


if __name__ == "__main__":
    main()

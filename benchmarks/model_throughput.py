"""Pre-training and inference throughput of the zoo's architectures, with peak memory.

Pre-training: one optimiser step (forward, backward, AdamW) of System A with random masking at
mask ratios 0.0, 0.75 and 0.9, against a naive baseline measured in the same run: the same model
and mask, but the encoder runs on *all* tokens (masked ones replaced by a constant token, as in
SimMIM-style implementations) and the decoder receives every latent. The ratio column is
baseline time / MAE time, so > 1 means the visible-token encoder is faster.

Inference: ``forward_features`` (no grad) on a batch, for every architecture the zoo ships, with
the unbatched (one clip per call) loop as the baseline.

Every measurement runs in a fresh subprocess; its peak memory is what the steps add on top of the
built model and input batch (growth of max RSS on the CPU, of peak allocated memory on CUDA).

    python benchmarks/model_throughput.py                  # all configurations
    python benchmarks/model_throughput.py --configs cpu-small --steps 3
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import torch

from skeletonmae import SkeletonMAE, TransformerSkeletonMAEConfig, masking
from skeletonmae.engine.recipe import load_recipe
from skeletonmae.models.base import build_model

MASK_RATIOS = (0.0, 0.75, 0.9)


def arch(name: str) -> str:
    """The architecture of a ``recipe:NAME`` configuration (presets are System A)."""
    return load_recipe(name.removeprefix("recipe:")).model["arch"]


def build(name: str) -> torch.nn.Module:
    """A named configuration: a System A preset, or the model of a shipped recipe."""
    if name.startswith("recipe:"):
        return build_model(dict(load_recipe(name.removeprefix("recipe:")).model))
    return SkeletonMAE(TransformerSkeletonMAEConfig.preset(name, mask_strategy="random"))


def batch(model: torch.nn.Module, n: int, device: str) -> torch.Tensor:
    c = model.config
    m = c.preprocess.max_persons
    return torch.randn(n, c.in_channels, c.preprocess.num_frames, c.num_joints, m, device=device)


def naive_loss(model: SkeletonMAE, x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """The all-tokens baseline: masked tokens are zeroed, not dropped, so the encoder (and the
    decoder) process every token."""
    flat, _ = model.split_persons(x)
    c = model.config
    m = masking.random_masking(
        flat.shape[0], c.num_patches, c.num_joints, c.mask_ratio, generator=gen
    )
    tokens = model.encoder.embed(flat) * (1 - m.mask).unsqueeze(-1)
    for block in model.encoder.blocks:
        tokens = block(tokens)
    latent = model.encoder.norm(tokens)
    identity = torch.arange(latent.shape[1], device=x.device).expand(latent.shape[0], -1)
    pred = model.decoder(latent, identity)
    per_token = ((pred - model.target(flat)) ** 2).mean(dim=-1)
    return (per_token * m.mask).sum() / m.mask.sum().clamp_min(1.0)


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def measure(job: dict) -> dict:
    """Run one measurement in this process; returns throughput and peak memory."""
    device = job["device"]
    torch.manual_seed(0)
    model = build(job["config"])
    if job["mode"] in ("mae", "naive"):
        model.config.mask_ratio = job["ratio"]
    model.to(device)
    x = batch(model, job["batch_size"], device)
    gen = torch.Generator(device=device).manual_seed(0)
    if job["mode"] in ("mae", "naive"):
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

        def step() -> None:
            if job["mode"] == "mae":
                loss = model.pretrain_loss(x, gen)[0]
            else:
                loss = naive_loss(model, x, gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    else:
        model.eval()
        per_clip = job["mode"] == "infer-1"

        @torch.no_grad()
        def step() -> None:
            if per_clip:
                for i in range(x.shape[0]):
                    model.forward_features(x[i : i + 1])
            else:
                model.forward_features(x)

    sync(device)
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
    else:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    step()  # warm-up (allocator, kernels)
    start = time.perf_counter()
    for _ in range(job["steps"]):
        step()
    sync(device)
    elapsed = time.perf_counter() - start
    if device.startswith("cuda"):
        peak = torch.cuda.max_memory_allocated()
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        **job,
        "samples_per_s": job["steps"] * job["batch_size"] / elapsed,
        "peak_mb": (peak - before) / 2**20,
    }


def run_child(job: dict, threads: int | None) -> dict:
    cmd = [sys.executable, __file__, "--child", json.dumps(job)]
    if threads:
        cmd += ["--threads", str(threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--configs", default="cpu-small,mamp,recipe:systemb-nwucla-finetune")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.child:
        print(json.dumps(measure(json.loads(args.child))))
        return

    common = {"batch_size": args.batch_size, "steps": args.steps, "device": args.device}
    print(
        f"device {args.device}, torch {torch.__version__}, threads {torch.get_num_threads()}, "
        f"batch {args.batch_size}, {args.steps} timed steps after one warm-up\n"
    )
    print("pre-training step (random masking; baseline = same model encoding all tokens)")
    print(
        f"{'config':<12} {'mask':>5} {'MAE samples/s':>14} {'baseline':>9} {'ratio':>6} "
        f"{'MAE peak MB':>12} {'baseline MB':>12}"
    )
    configs = args.configs.split(",")
    for name in configs:
        if name.startswith("recipe:") and arch(name) != TransformerSkeletonMAEConfig.arch:
            continue  # System B masks joints in place: every token is encoded either way
        for ratio in MASK_RATIOS:
            mae = run_child({**common, "config": name, "mode": "mae", "ratio": ratio}, args.threads)
            base = run_child(
                {**common, "config": name, "mode": "naive", "ratio": ratio}, args.threads
            )
            print(
                f"{name:<12} {ratio:>5.2f} {mae['samples_per_s']:>14.1f} "
                f"{base['samples_per_s']:>9.1f} "
                f"{mae['samples_per_s'] / base['samples_per_s']:>5.2f}x "
                f"{mae['peak_mb']:>12.0f} {base['peak_mb']:>12.0f}"
            )

    print("\ninference, forward_features (baseline = one clip per call)")
    print(f"{'config':<34} {'clips/s':>8} {'baseline':>9} {'ratio':>6} {'peak MB':>8}")
    for name in configs:
        batched = run_child({**common, "config": name, "mode": "infer"}, args.threads)
        single = run_child({**common, "config": name, "mode": "infer-1"}, args.threads)
        print(
            f"{name:<34} {batched['samples_per_s']:>8.1f} {single['samples_per_s']:>9.1f} "
            f"{batched['samples_per_s'] / single['samples_per_s']:>5.2f}x "
            f"{batched['peak_mb']:>8.0f}"
        )


if __name__ == "__main__":
    main()

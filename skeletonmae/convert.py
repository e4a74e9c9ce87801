"""MAMP's released checkpoints as zoo models.

MAMP (Mao et al., ICCV 2023) saves ``{'model': state_dict, 'optimizer', 'epoch', 'scaler',
'args': argparse.Namespace}`` with `torch.save`. Its transformer is System A's architecture
(`TransformerSkeletonMAEConfig.preset("mamp")`), so a checkpoint becomes a
`TransformerSkeletonMAE` by renaming tensors. The file is read with
``torch.load(weights_only=True)``, which unpickles no code: only tensors, plain containers and
the allow-listed `argparse.Namespace`.

Three kinds are told apart by their keys: ``pretrain`` (encoder + decoder), ``linprobe``
(``head.fc``: a Linear on the mean of all tokens) and ``finetune`` (``head.fc1``, ``head.bn``,
``head.fc2``: per-joint features averaged over time → MLP). MAMP averages the two person slots
whether or not the second is present, so converted models use ``person_pooling="all"``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import re
from pathlib import Path
from typing import Any

import torch

from .datasets import NTU_CLASSES
from .fileio import write_text_atomic
from .modelfiles import CheckpointError, torch_load_problem
from .models.transformer import TransformerSkeletonMAE, TransformerSkeletonMAEConfig
from .transforms import PreprocessConfig

__all__ = ["MAMP_KINDS", "convert_mamp", "load_mamp_checkpoint", "mamp_config", "mamp_kind"]

MAMP_KINDS = ("pretrain", "linprobe", "finetune")
MAMP_PAPER = (
    "Masked Motion Predictors are Strong 3D Action Representation Learners",
    "https://arxiv.org/abs/2308.07092",
)
# Renames from MAMP's module names to System A's, applied in order (first match wins).
_RENAMES = [
    (r"^joints_embed\.proj\.", "encoder.patch_embed."),
    (r"^temp_embed$", "encoder.pos_time"),
    (r"^pos_embed$", "encoder.pos_joint"),
    (r"^norm\.", "encoder.norm."),
    (r"^blocks\.(\d+)\.", r"encoder.blocks.\1."),
    (r"^decoder_embed\.", "decoder.embed."),
    (r"^mask_token$", "decoder.mask_token"),
    (r"^decoder_temp_embed$", "decoder.pos_time"),
    (r"^decoder_pos_embed$", "decoder.pos_joint"),
    (r"^decoder_blocks\.(\d+)\.", r"decoder.blocks.\1."),
    (r"^decoder_norm\.", "decoder.norm."),
    (r"^decoder_pred\.", "decoder.pred."),
    (r"^head\.fc\.", "head."),  # linprobe: one Linear
    (r"^head\.fc1\.", "head.1."),  # finetune: Dropout, Linear, BatchNorm, ReLU, Linear
    (r"^head\.bn\.", "head.2."),
    (r"^head\.fc2\.", "head.4."),
]
_BLOCK_RENAMES = [(r"\.mlp\.fc1\.", ".mlp.0."), (r"\.mlp\.fc2\.", ".mlp.2.")]


def load_mamp_checkpoint(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict]:
    """The model state dict and the training arguments (a plain dict, empty when absent) of a
    MAMP ``.pth`` file, read without unpickling code."""
    path = Path(path)
    try:
        with torch.serialization.safe_globals([argparse.Namespace]):
            ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, OSError, RuntimeError, EOFError, ValueError) as e:
        raise CheckpointError(
            f"{path}: not a readable PyTorch checkpoint ({torch_load_problem(e)}; only tensors, "
            "plain containers and argparse.Namespace are read)"
        ) from None
    if isinstance(ckpt, dict) and isinstance(ckpt.get("model"), dict):
        state, args = ckpt["model"], ckpt.get("args")
    else:
        state, args = ckpt, None
    if not isinstance(state, dict) or not state:
        raise CheckpointError(f"{path}: expected MAMP's {{'model': state_dict, …}}")
    state = {str(k).removeprefix("module."): v for k, v in state.items()}
    bad = sorted(k for k, v in state.items() if not isinstance(v, torch.Tensor))
    if bad:
        raise CheckpointError(f"{path}: state dict entries {bad[:4]} are not tensors")
    args = vars(args) if isinstance(args, argparse.Namespace) else dict(args or {})
    return state, args


def mamp_kind(state: dict[str, torch.Tensor]) -> str:
    """``pretrain``, ``linprobe`` or ``finetune``, from the state dict's keys."""
    if "joints_embed.proj.weight" not in state:
        raise CheckpointError(
            "not a MAMP transformer state dict (no joints_embed.proj.weight); "
            f"its first keys: {sorted(state)[:4]}"
        )
    if "head.fc1.weight" in state:
        return "finetune"
    if "head.fc.weight" in state:
        return "linprobe"
    if "decoder_pred.weight" in state:
        return "pretrain"
    raise CheckpointError("MAMP state dict has neither a decoder nor a head.fc / head.fc1 head")


def _count_blocks(state: dict[str, torch.Tensor], prefix: str) -> int:
    found = {int(m.group(1)) for k in state if (m := re.match(rf"{prefix}\.(\d+)\.", k))}
    return max(found) + 1 if found else 0


def mamp_config(
    state: dict[str, torch.Tensor],
    args: dict[str, Any] | None = None,
    *,
    class_names: list[str] | None = None,
    layout: str | None = None,
) -> TransformerSkeletonMAEConfig:
    """The System A config of a MAMP state dict: sizes read from the tensors (the head count,
    which no tensor shows, from the training arguments, else MAMP's 8), preprocessing as MAMP's
    evaluation feeder (120 frames, two persons, the centre 95 % of the clip)."""
    args = args or {}
    model_args = args.get("model_args") if isinstance(args.get("model_args"), dict) else {}
    kind = mamp_kind(state)
    dim, in_channels, patch = state["joints_embed.proj.weight"].shape[:3]
    num_patches, num_joints = state["temp_embed"].shape[1], state["pos_embed"].shape[2]
    heads = int(model_args.get("num_heads", 8))
    hidden = (
        state["blocks.0.mlp.fc1.weight"].shape[0] if "blocks.0.mlp.fc1.weight" in state else 4 * dim
    )
    if layout is None:
        if num_joints != 25:
            raise CheckpointError(
                f"MAMP checkpoint has {num_joints} joints; pass the layout it was trained on "
                "(25 joints are NTU RGB+D's, PKU-MMD's too)"
            )
        layout = "ntu-rgbd"
    kw: dict[str, Any] = {}
    if kind == "pretrain":
        kw.update(
            decoder_dim=state["decoder_embed.weight"].shape[0],
            decoder_depth=_count_blocks(state, "decoder_blocks"),
            decoder_heads=heads,
            mask_strategy="motion",
            mask_ratio=float(args.get("mask_ratio", 0.9)),
            motion_tau=float(args.get("motion_aware_tau", 0.8)),
            norm_target=bool(model_args.get("norm_skes_loss", True)),
        )
        num_classes = 0
    elif kind == "linprobe":
        kw.update(decoder_depth=0, head="fc")
        num_classes = state["head.fc.weight"].shape[0]
    else:
        kw.update(
            decoder_depth=0,
            head="mlp",
            head_hidden=state["head.fc1.weight"].shape[0],
            head_dropout=0.3,
            pooling="joints",
        )
        num_classes = state["head.fc2.weight"].shape[0]
    if class_names is None and num_classes:
        class_names = (
            NTU_CLASSES[:num_classes]
            if num_classes in (60, 120) and layout == "ntu-rgbd"
            else [f"class_{i}" for i in range(num_classes)]
        )
    preprocess = PreprocessConfig(
        num_frames=num_patches * patch,
        max_persons=2,
        center=True,
        align=False,
        scale=False,
        crop_ratio=(0.5, 1.0),
        rotate=0.3,
        test_views=((0.025, 0.95),),
    )
    return TransformerSkeletonMAEConfig(
        layout=layout,
        in_channels=in_channels,
        num_classes=num_classes,
        class_names=list(class_names or []),
        preprocess=preprocess,
        person_pooling="all",
        patch_size=patch,
        dim=dim,
        depth=_count_blocks(state, "blocks"),
        num_heads=heads,
        mlp_ratio=hidden / dim,
        **kw,
    )


def _rename(key: str) -> str:
    for pattern, repl in _RENAMES:
        new, n = re.subn(pattern, repl, key)
        if n:
            for p, r in _BLOCK_RENAMES:
                new = re.sub(p, r, new)
            return new
    return key


def mamp_to_skeletonmae(
    state: dict[str, torch.Tensor],
    args: dict[str, Any] | None = None,
    *,
    class_names: list[str] | None = None,
    layout: str | None = None,
) -> TransformerSkeletonMAE:
    """A `TransformerSkeletonMAE` holding a MAMP state dict's weights (every tensor used, every
    parameter filled, or a `CheckpointError` naming what does not fit)."""
    model = TransformerSkeletonMAE(mamp_config(state, args, class_names=class_names, layout=layout))
    model.load_state({_rename(k): v for k, v in state.items()}, "MAMP state dict (renamed)")
    return model.eval()


def _card(kind: str, source: Path, sha256: str, model: TransformerSkeletonMAE) -> str:
    c = model.config
    what = {
        "pretrain": "an encoder with its decoder (a pre-training checkpoint)",
        "linprobe": f"a {c.num_classes}-class linear-probe classifier",
        "finetune": f"a {c.num_classes}-class fine-tuned classifier",
    }[kind]
    return f"""# MAMP checkpoint converted for skeletonmae

{what}, converted from `{source.name}` (sha256 `{sha256}`) with `skeletonmae convert mamp`.

- **Model and weights: MAMP** — Mao et al., *{MAMP_PAPER[0]}*, ICCV 2023, {MAMP_PAPER[1]};
  code and checkpoints at https://github.com/maoyunyao/MAMP. Its repository states no licence:
  the weights remain the authors' work; ask them before redistributing or using them
  commercially.
- **Data terms**: MAMP's checkpoints were trained on NTU RGB+D 60/120 or PKU-MMD, released by
  their authors for non-commercial research only (the ROSE Lab release agreement for NTU RGB+D).
  Models trained on them inherit that restriction.
- Architecture: System A transformer, dim {c.dim}, depth {c.depth}, {c.num_heads} heads,
  {c.preprocess.num_frames} frames in patches of {c.patch_size}, {c.num_joints} joints
  (`{c.layout}`), {model.num_parameters():,} parameters. As in MAMP, features are averaged over
  both person slots even when the second is empty (`person_pooling: "all"`).
- Preprocessing approximates MAMP's evaluation feeder (centre 95 % of the clip resampled to
  {c.preprocess.num_frames} frames, centred, two persons); MAMP's own NTU preprocessing differs
  in detail (denoising, centring on the first frame's spine joint), so accuracy on clips prepared
  by this package can differ from MAMP's reported numbers.
"""


def convert_mamp(
    checkpoint: str | os.PathLike,
    output: str | os.PathLike,
    *,
    class_names: list[str] | None = None,
    layout: str | None = None,
) -> Path:
    """Convert a MAMP ``.pth`` file into a model directory (``config.json``,
    ``model.safetensors``, ``README.md``) that `skeletonmae.SkeletonMAE.from_pretrained` loads."""
    checkpoint = Path(checkpoint)
    state, args = load_mamp_checkpoint(checkpoint)
    kind = mamp_kind(state)
    model = mamp_to_skeletonmae(state, args, class_names=class_names, layout=layout)
    out = model.save_pretrained(output)
    sha = hashlib.sha256(checkpoint.read_bytes()).hexdigest()
    write_text_atomic(out / "README.md", _card(kind, checkpoint, sha, model))
    return out

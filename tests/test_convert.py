"""MAMP import: checkpoints written the way MAMP writes them (its key names and shapes, random
values) convert into System A models whose outputs equal MAMP's forward pass, written out here
from the tensors with plain torch operations."""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from skeletonmae import CheckpointError, SkeletonMAE
from skeletonmae.convert import convert_mamp, load_mamp_checkpoint, mamp_kind
from skeletonmae.datasets import NTU_CLASSES

DIM, DEPTH, HEADS, FRAMES, PATCH, JOINTS, HIDDEN = 16, 2, 2, 8, 4, 25, 24


def _block(prefix: str, dim: int, g: torch.Generator) -> dict[str, torch.Tensor]:
    r = lambda *s: torch.randn(*s, generator=g) * 0.3  # noqa: E731
    return {
        f"{prefix}.norm1.weight": 1 + r(dim),
        f"{prefix}.norm1.bias": r(dim),
        f"{prefix}.attn.qkv.weight": r(3 * dim, dim),
        f"{prefix}.attn.qkv.bias": r(3 * dim),
        f"{prefix}.attn.proj.weight": r(dim, dim),
        f"{prefix}.attn.proj.bias": r(dim),
        f"{prefix}.norm2.weight": 1 + r(dim),
        f"{prefix}.norm2.bias": r(dim),
        f"{prefix}.mlp.fc1.weight": r(4 * dim, dim),
        f"{prefix}.mlp.fc1.bias": r(4 * dim),
        f"{prefix}.mlp.fc2.weight": r(dim, 4 * dim),
        f"{prefix}.mlp.fc2.bias": r(dim),
    }


def mamp_state(kind: str, classes: int = 60, seed: int = 0) -> dict[str, torch.Tensor]:
    """A state dict with MAMP's key names and shapes for ``kind``."""
    g = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g) * 0.3  # noqa: E731
    s = {
        "joints_embed.proj.weight": r(DIM, 3, PATCH, 1),
        "joints_embed.proj.bias": r(DIM),
        "temp_embed": r(1, FRAMES // PATCH, 1, DIM),
        "pos_embed": r(1, 1, JOINTS, DIM),
        "norm.weight": 1 + r(DIM),
        "norm.bias": r(DIM),
    }
    for i in range(DEPTH):
        s.update(_block(f"blocks.{i}", DIM, g))
    if kind == "pretrain":
        s.update(
            {
                "decoder_embed.weight": r(DIM, DIM),
                "decoder_embed.bias": r(DIM),
                "mask_token": r(1, 1, DIM),
                "decoder_temp_embed": r(1, FRAMES // PATCH, 1, DIM),
                "decoder_pos_embed": r(1, 1, JOINTS, DIM),
                "decoder_norm.weight": 1 + r(DIM),
                "decoder_norm.bias": r(DIM),
                "decoder_pred.weight": r(PATCH * 3, DIM),
                "decoder_pred.bias": r(PATCH * 3),
            }
        )
        s.update(_block("decoder_blocks.0", DIM, g))
    elif kind == "linprobe":
        s.update({"head.fc.weight": r(classes, DIM), "head.fc.bias": r(classes)})
    else:
        s.update(
            {
                "head.fc1.weight": r(HIDDEN, JOINTS * DIM),
                "head.fc1.bias": r(HIDDEN),
                "head.bn.weight": 1 + r(HIDDEN),
                "head.bn.bias": r(HIDDEN),
                "head.bn.running_mean": r(HIDDEN),
                "head.bn.running_var": 0.5 + torch.rand(HIDDEN, generator=g),
                "head.bn.num_batches_tracked": torch.tensor(7),
                "head.fc2.weight": r(classes, HIDDEN),
                "head.fc2.bias": r(classes),
            }
        )
    return s


def save_mamp(path: Path, state: dict, **extra) -> Path:
    """Write ``state`` the way MAMP's ``util/misc.save_model`` does."""
    args = argparse.Namespace(
        model_args={"dim_feat": DIM, "depth": DEPTH, "num_heads": HEADS, "qk_scale": "None"},
        mask_ratio=0.9,
        motion_aware_tau=0.8,
        nb_classes=60,
        output_dir="./output_dir",
    )
    opt = {"state": {0: {"step": torch.tensor(3.0)}}, "param_groups": [{"lr": 1e-3, "params": [0]}]}
    torch.save(
        {"model": state, "optimizer": opt, "epoch": 3, "scaler": {"scale": 1024.0}, "args": args}
        | extra,
        path,
    )
    return path


def mamp_tokens(s: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """MAMP's encoder on (N, C, T, V, M) → (N, M, T', V, D) normalised tokens."""
    n, c, t, v, m = x.shape
    h = x.permute(0, 4, 1, 2, 3).reshape(n * m, c, t, v)
    h = F.conv2d(h, s["joints_embed.proj.weight"], s["joints_embed.proj.bias"], stride=(PATCH, 1))
    h = h.permute(0, 2, 3, 1) + s["pos_embed"] + s["temp_embed"]
    tp = h.shape[1]
    h = h.reshape(n * m, tp * v, DIM)
    for i in range(DEPTH):
        b = f"blocks.{i}."
        y = F.layer_norm(h, (DIM,), s[b + "norm1.weight"], s[b + "norm1.bias"])
        qkv = F.linear(y, s[b + "attn.qkv.weight"], s[b + "attn.qkv.bias"])
        q, k, val = qkv.reshape(n * m, -1, 3, HEADS, DIM // HEADS).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-2, -1) / math.sqrt(DIM // HEADS)).softmax(-1) @ val
        att = att.transpose(1, 2).reshape(n * m, -1, DIM)
        h = h + F.linear(att, s[b + "attn.proj.weight"], s[b + "attn.proj.bias"])
        y = F.layer_norm(h, (DIM,), s[b + "norm2.weight"], s[b + "norm2.bias"])
        y = F.gelu(F.linear(y, s[b + "mlp.fc1.weight"], s[b + "mlp.fc1.bias"]))
        h = h + F.linear(y, s[b + "mlp.fc2.weight"], s[b + "mlp.fc2.bias"])
    h = F.layer_norm(h, (DIM,), s["norm.weight"], s["norm.bias"])
    return h.reshape(n, m, tp, v, DIM)


def mamp_output(kind: str, s: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Logits of MAMP's two heads, or the clip feature (mean of all tokens) of an encoder."""
    tokens = mamp_tokens(s, x)
    if kind != "finetune":
        feat = tokens.mean(dim=(1, 2, 3))
        return (
            feat if kind == "pretrain" else F.linear(feat, s["head.fc.weight"], s["head.fc.bias"])
        )
    feat = tokens.mean(dim=2).flatten(2).mean(dim=1)  # (N, V·D), both person slots
    h = F.linear(feat, s["head.fc1.weight"], s["head.fc1.bias"])
    h = F.batch_norm(
        h,
        s["head.bn.running_mean"],
        s["head.bn.running_var"],
        s["head.bn.weight"],
        s["head.bn.bias"],
    )
    return F.linear(F.relu(h), s["head.fc2.weight"], s["head.fc2.bias"])


def batch(second_person: bool) -> torch.Tensor:
    x = torch.randn(3, 3, FRAMES, JOINTS, 2, generator=torch.Generator().manual_seed(1))
    if not second_person:
        x[..., 1] = 0
    return x


@pytest.mark.parametrize("kind", ["pretrain", "linprobe", "finetune"])
@pytest.mark.parametrize("second_person", [True, False])
def test_converted_model_computes_what_mamp_computes(tmp_path, kind, second_person) -> None:
    state = mamp_state(kind)
    out = convert_mamp(save_mamp(tmp_path / "ckpt.pth", state), tmp_path / "model")
    model = SkeletonMAE.from_pretrained(out)
    assert mamp_kind(state) == kind
    assert model.config.num_heads == HEADS and model.config.preprocess.num_frames == FRAMES
    x = batch(second_person)
    with torch.no_grad():
        got = model.forward_features(x) if kind == "pretrain" else model(x)
    torch.testing.assert_close(got, mamp_output(kind, state, x), rtol=1e-4, atol=1e-5)
    if kind != "pretrain":
        assert model.class_names == NTU_CLASSES[:60]
    card = (out / "README.md").read_text()
    assert "MAMP" in card and "non-commercial" in card


def test_the_decoder_is_carried_over(tmp_path) -> None:
    state = mamp_state("pretrain")
    model = SkeletonMAE.from_pretrained(
        convert_mamp(save_mamp(tmp_path / "c.pth", state), tmp_path / "m")
    )
    own = model.state_dict()
    assert torch.equal(own["decoder.pred.weight"], state["decoder_pred.weight"])
    assert torch.equal(
        own["decoder.blocks.0.mlp.2.weight"], state["decoder_blocks.0.mlp.fc2.weight"]
    )
    assert torch.equal(own["decoder.mask_token"], state["mask_token"])
    assert model.config.decoder_depth == 1 and model.config.mask_strategy == "motion"


def test_ntu120_names_and_a_ddp_prefix(tmp_path) -> None:
    state = {f"module.{k}": v for k, v in mamp_state("linprobe", classes=120).items()}
    model = SkeletonMAE.from_pretrained(
        convert_mamp(save_mamp(tmp_path / "c.pth", state), tmp_path / "m")
    )
    assert model.class_names == NTU_CLASSES


class NotAllowed:
    pass


def test_code_in_the_pickle_is_refused(tmp_path) -> None:
    path = save_mamp(tmp_path / "c.pth", mamp_state("linprobe"), extra=NotAllowed())
    with pytest.raises(CheckpointError, match=r"refusing to unpickle it: it asks for .*NotAllowed"):
        load_mamp_checkpoint(path)


def test_a_state_dict_that_is_not_mamps_is_refused(tmp_path) -> None:
    torch.save({"model": {"encoder.weight": torch.zeros(2)}}, tmp_path / "x.pth")
    with pytest.raises(CheckpointError, match="not a MAMP transformer"):
        convert_mamp(tmp_path / "x.pth", tmp_path / "m")
    state = mamp_state("linprobe")
    state["blocks.1.attn.qkv.weight"] = torch.zeros(5, 5)
    with pytest.raises(CheckpointError, match="shape mismatches"):
        convert_mamp(save_mamp(tmp_path / "y.pth", state), tmp_path / "m")


def test_cli_converts_and_refuses_in_one_line(tmp_path) -> None:
    ckpt = save_mamp(tmp_path / "c.pth", mamp_state("finetune"))
    cli = [sys.executable, "-m", "skeletonmae", "convert", "mamp"]
    ok = subprocess.run(
        [*cli, str(ckpt), "-o", str(tmp_path / "m")], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "m" / "model.safetensors").is_file()
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    bad = subprocess.run(
        [*cli, str(tmp_path / "junk.pth"), "-o", str(tmp_path / "n")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    assert "junk.pth: not a readable PyTorch checkpoint" in bad.stderr

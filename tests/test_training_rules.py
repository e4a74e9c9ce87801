"""The rules of training that every published number depends on, each checked where a quiet bug
would change results without failing a run: the learning-rate schedule, which parameters decay
and how fast each layer learns, fresh augmentation every epoch and none at evaluation, resuming
only the same recipe, the global batch under DDP, top-k, and the defaults of the commands."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from synthetic import make_folder_dataset
from test_engine import cli, recipe

from skeletonmae import SkeletonMAE, TransformerSkeletonMAEConfig
from skeletonmae.datasets import open_dataset
from skeletonmae.engine import run
from skeletonmae.engine.data import ClipDataset
from skeletonmae.engine.optim import build_optimizer, lr_at, set_lr
from skeletonmae.engine.recipe import Recipe, load_recipe
from skeletonmae.engine.trainer import topk_accuracy
from skeletonmae.transforms import preprocess_views


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return make_folder_dataset(tmp_path_factory.mktemp("clips"))


def _recipe(**kw) -> Recipe:
    base = dict(
        name="r",
        stage="finetune",
        model={"arch": "skeletonmae-transformer"},
        dataset="folder",
        train_split="train",
    )
    return Recipe(**{**base, **kw})


def test_learning_rate_warms_up_linearly_then_follows_a_cosine_to_its_floor():
    r = _recipe(lr=1e-3, min_lr=1e-5, warmup_epochs=2, epochs=10)
    assert lr_at(r, 0) == 0
    assert lr_at(r, 1) == pytest.approx(5e-4)
    assert lr_at(r, 2) == pytest.approx(1e-3)
    assert lr_at(r, 6) == pytest.approx(1e-5 + (1e-3 - 1e-5) * 0.5)  # half-way down the cosine
    assert lr_at(r, 4) == pytest.approx(1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + math.cos(math.pi / 4)))
    assert lr_at(r, 10) == pytest.approx(1e-5) and lr_at(r, 12) == pytest.approx(1e-5)


def test_weight_decay_skips_biases_norms_and_embeddings_and_layers_decay_by_depth():
    torch.manual_seed(0)
    cfg = TransformerSkeletonMAEConfig(dim=32, depth=3, num_heads=2, decoder_depth=0, num_classes=4)
    model = SkeletonMAE(cfg)
    opt = build_optimizer(model, _recipe(weight_decay=0.05, layer_decay=0.5))
    group_of = {id(p): g for g in opt.param_groups for p in g["params"]}
    params = dict(model.named_parameters())
    decay = {n: group_of[id(p)]["weight_decay"] for n, p in params.items()}
    scale = {n: group_of[id(p)]["lr_scale"] for n, p in params.items()}
    for name in (
        "encoder.pos_time",
        "encoder.pos_joint",
        "encoder.blocks.0.norm1.weight",
        "encoder.blocks.0.attn.qkv.bias",
        "encoder.norm.weight",
        "head.2.bias",
    ):
        assert decay[name] == 0.0, name
    for name in (
        "encoder.blocks.0.attn.qkv.weight",
        "encoder.blocks.2.mlp.0.weight",
        "encoder.patch_embed.weight",
        "head.2.weight",
    ):
        assert decay[name] == 0.05, name
    # depth 3: embeddings at layer 0, block i at i + 1, the head at 4 (full lr)
    assert scale["head.2.weight"] == 1.0
    assert scale["encoder.blocks.2.attn.qkv.weight"] == 0.5
    assert scale["encoder.blocks.0.attn.qkv.weight"] == 0.125
    assert scale["encoder.patch_embed.weight"] == 0.0625
    # the schedule's value reaches each group scaled by its depth, with the recipe's optimiser
    set_lr(opt, 0.01)
    lr = {n: group_of[id(p)]["lr"] for n, p in params.items()}
    assert lr["head.2.weight"] == pytest.approx(0.01)
    assert lr["encoder.patch_embed.weight"] == pytest.approx(0.01 * 0.0625)
    assert isinstance(opt, torch.optim.AdamW) and opt.defaults["betas"] == (0.9, 0.95)
    for q in model.encoder.parameters():  # a linear probe: the encoder frozen, the head trained
        q.requires_grad_(False)
    probe = build_optimizer(model, _recipe())
    trained = {id(q) for g in probe.param_groups for q in g["params"]}
    assert trained == {id(q) for q in model.head.parameters()}
    sgd = build_optimizer(model, _recipe(optimizer="sgd", lr=0.1, momentum=0.8))
    assert isinstance(sgd, torch.optim.SGD)
    assert sgd.defaults["momentum"] == 0.8 and sgd.defaults["nesterov"]


def test_the_optimiser_ends_a_run_at_the_scheduled_learning_rate(tmp_path, data):
    r = recipe(
        tmp_path, "ft", "finetune", epochs=2, lr=1e-3, min_lr=2e-4, warmup_epochs=1, layer_decay=0.5
    )
    cli(
        "finetune",
        str(r),
        "--data-root",
        str(data),
        "--output",
        str(tmp_path / "ft"),
        "--threads",
        "1",
        "--no-progress",
    )
    state = torch.load(tmp_path / "ft" / "checkpoint.pt", weights_only=True)
    steps = 48 // 8  # 3 classes × 16 clips, batch 8
    expected = lr_at(load_recipe(r), 1 + (steps - 1) / steps)  # last step of the last epoch
    groups = state["optimizer"]["param_groups"]
    assert {round(g["lr"] / g["lr_scale"], 12) for g in groups} == {round(expected, 12)}
    assert state["step"] == 2 * steps


def test_training_augments_afresh_every_epoch_and_evaluation_never(tmp_path, data, monkeypatch):
    seen: list[tuple[bool, bool, int, torch.Tensor]] = []
    original = ClipDataset.__getitem__

    def spy(self, i):
        x, y = original(self, i)
        seen.append((self.train, self.views, i, x.clone()))
        return x, y

    monkeypatch.setattr(ClipDataset, "__getitem__", spy)
    r = load_recipe(recipe(tmp_path, "ft", "finetune", epochs=2))
    run(r, data_root=data, output=tmp_path / "run", progress=False)
    train = [(i, x) for is_train, _, i, x in seen if is_train]
    evaluation = [(i, x) for is_train, views, i, x in seen if views]
    assert len(train) == 2 * 48 and evaluation
    first = dict(train[:48])
    second = dict(train[48:])
    assert first.keys() == second.keys()
    assert sum(not torch.equal(first[i], second[i]) for i in first) == 48  # new draws per epoch
    clips = open_dataset("folder", data).load_split("test")[0]
    cfg = SkeletonMAE.from_pretrained(tmp_path / "run" / "model").config
    for i, x in evaluation:  # the deterministic test-time views, no augmentation
        expected = preprocess_views(clips[i], cfg.preprocess, cfg.layout)
        assert np.array_equal(x.numpy(), expected)
    train_clips = open_dataset("folder", data).load_split("train")[0]
    plain = preprocess_views(train_clips[0], cfg.preprocess, cfg.layout)[0]
    assert not np.array_equal(first[0].numpy(), plain)  # training data is augmented


def test_resume_refuses_a_run_written_by_another_recipe(tmp_path, data):
    r = recipe(tmp_path, "pre", "pretrain", epochs=1)
    args = [
        "pretrain",
        str(r),
        "--data-root",
        str(data),
        "--output",
        str(tmp_path / "run"),
        "--threads",
        "1",
        "--no-progress",
    ]
    cli(*args)
    out = cli(*args, "--resume", "--epochs", "2", "--lr", "0.01", check=False)
    assert out.returncode == 1
    assert "written by a different recipe (changed: lr)" in out.stderr
    out = cli(*args, "--resume", "--epochs", "2", "--label-fraction", "0.5", check=False)
    assert "changed: label_fraction" in out.stderr


def test_top_k_counts_a_label_among_the_k_highest_scores():
    scores = torch.tensor(
        [
            [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],  # label 5 first
            [0.6, 0.5, 0.4, 0.3, 0.2, 0.1],  # label 4: fifth
            [0.6, 0.5, 0.4, 0.3, 0.2, 0.1],  # label 5: sixth, outside the top 5
            [0.0, 0.9, 0.1, 0.0, 0.0, 0.0],  # label 2: second
        ]
    )
    labels = torch.tensor([5, 4, 5, 2])
    assert topk_accuracy(scores, labels, 1) == 25.0
    assert topk_accuracy(scores, labels, 5) == 75.0
    assert topk_accuracy(scores[:, :3], torch.tensor([0, 0, 2, 2]), 5) == 100.0  # k > classes
    assert topk_accuracy(scores, torch.tensor([-1, -1, -1, -1]), 5) == 0.0


def test_confusion_and_mean_class_accuracy_on_a_hand_computed_example():
    from skeletonmae.engine.trainer import confusion_matrix, mean_class_accuracy

    scores = torch.tensor(
        [[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.5, 0.4, 0.1]]
    )
    labels = torch.tensor([0, 1, 1, 2, -1])  # the last clip has no label
    confusion = confusion_matrix(scores, labels, 3)
    assert confusion.tolist() == [[1, 0, 0], [1, 1, 0], [0, 0, 1]]
    assert mean_class_accuracy(confusion) == round(100 * (1 + 0.5 + 1) / 3, 2)  # 83.33, top-1 75


def test_evaluate_refuses_an_encoder_on_a_dataset_it_could_read(tmp_path, data):
    r = recipe(tmp_path, "pre", "pretrain", epochs=1)
    cli(
        "pretrain",
        str(r),
        "--data-root",
        str(data),
        "--output",
        str(tmp_path / "pre"),
        "--threads",
        "1",
        "--no-progress",
    )
    out = cli(
        "evaluate",
        str(tmp_path / "pre" / "model"),
        "--data-root",
        str(data),
        "--dataset",
        "folder",
        "--split",
        "test",
        check=False,
    )
    assert out.returncode == 1
    assert "is an encoder without a classifier head" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_extract_without_a_model_uses_the_default_encoder(tmp_path):
    from skeletonmae import zoo

    clip = Path(__file__).parents[1] / "examples" / "clips" / "sit_down.npy"
    cli("extract", str(clip), "-o", str(tmp_path / "f.npy"))
    feats = np.load(tmp_path / "f.npy")
    encoder = SkeletonMAE.from_pretrained(zoo.load_manifest().default_encoder)
    assert encoder.config.num_classes == 0
    expected = encoder.extract_features(str(clip))
    np.testing.assert_allclose(feats.reshape(-1), np.asarray(expected).reshape(-1), atol=1e-5)


def test_a_run_shorter_than_the_warm_up_still_leaves_it():
    from skeletonmae.cli.train import resolve_recipe

    full = resolve_recipe("systema-nwucla-finetune")
    assert (full.epochs, full.warmup_epochs) == (60, 5)
    short = resolve_recipe("systema-nwucla-finetune", epochs=4)
    assert short.warmup_epochs < short.epochs and lr_at(short, 3) > lr_at(short, 4) > 0
    assert resolve_recipe("systema-nwucla-finetune", epochs=4, warmup_epochs=4).warmup_epochs == 4
    assert resolve_recipe("systema-nwucla-finetune", epochs=30).warmup_epochs == 5  # unchanged


def test_a_bad_model_block_stops_the_run_before_any_data_is_read(tmp_path, monkeypatch):
    """The recipe's model is checked first: no dataset is opened (here none exists)."""
    import skeletonmae.engine.trainer as trainer

    opened = []
    monkeypatch.setattr(trainer, "open_dataset", lambda *a, **k: opened.append(a))
    r = load_recipe(
        recipe(tmp_path, "ft", "finetune", model={"arch": "skeletonmae-transformer", "dimm": 8})
    )
    with pytest.raises(ValueError, match=r"recipe 'ft': model: .*dimm.*did you mean 'dim'"):
        run(r, data_root=tmp_path / "nowhere", output=tmp_path / "run", progress=False)
    assert not opened and not (tmp_path / "run").exists()


def test_the_training_commands_offer_an_option_for_each_overridable_recipe_field():
    from click.testing import CliRunner

    from skeletonmae.cli import main
    from skeletonmae.engine.recipe import OVERRIDES

    help_text = CliRunner().invoke(main, ["finetune", "--help"]).output
    for name in OVERRIDES:
        assert "--" + name.replace("_", "-") in help_text, name

"""MSRC-12 and UTD-MHAD readers on the real files, the pre-training corpus (windows, split
exclusion), input streams and feature pooling."""

from __future__ import annotations

import lzma

import numpy as np
import pytest
import torch
from synthetic import make_clip, make_folder_dataset

from skeletonmae.clip import ClipFormatError
from skeletonmae.datasets import CorpusSource, open_dataset
from skeletonmae.formats import load_clip
from skeletonmae.io.msrc12 import read_msrc12_csv, read_msrc12_tags
from skeletonmae.layouts import get_layout
from skeletonmae.models.base import pool_tokens, pooled_dim
from skeletonmae.models.graph import GraphSkeletonMAE, GraphSkeletonMAEConfig
from skeletonmae.models.transformer import TransformerSkeletonMAE, TransformerSkeletonMAEConfig
from skeletonmae.transforms import (
    PreprocessConfig,
    preprocess,
    skeleton_streams,
    virtual_camera,
)

CORPUS = [
    {"dataset": "nw-ucla", "root": "nw-ucla", "split": "xview_train"},
    {"dataset": "msr-action3d", "root": "msr-action3d", "split": "xsub_train"},
    {"dataset": "utd-mhad", "root": "utd-mhad", "split": "xsub_train"},
    {"dataset": "msrc-12", "root": "msrc-12", "split": "all", "window": 64, "stride": 32},
]


def test_msrc12_csv_xz_and_plain_csv_agree(data_root, tmp_path):
    xz = data_root / "msrc-12" / "P1_1_10_p06.csv.xz"
    plain = tmp_path / "P1_1_10_p06.csv"
    plain.write_bytes(lzma.decompress(xz.read_bytes()))
    (tmp_path / "P1_1_10_p06.tagstream").write_bytes(
        xz.with_name("P1_1_10_p06.tagstream").read_bytes()
    )
    a, b = load_clip(xz), load_clip(plain)
    assert a.layout == "kinect-v1" and a.label == 9  # G10 change weapon
    np.testing.assert_array_equal(a.data, b.data)
    assert np.abs(a.data[0, 0]).sum() > 0  # leading frames without a skeleton are dropped


def test_msrc12_action_points_fall_inside_their_recording(data_root):
    root = data_root / "msrc-12"
    for name in ("P1_1_10_p06", "P2_1_3_p03"):
        csv = next(root.glob(f"{name}.csv*"), None)
        assert csv is not None, f"recording {name} is missing from {root}"
        stamps, joints = read_msrc12_csv(csv)
        points = read_msrc12_tags(root / f"{name}.tagstream", stamps)
        assert 5 <= len(points) <= 15
        frames = [p.frame for p in points]
        assert frames == sorted(frames) and frames[0] > 0 and frames[-1] < len(stamps) - 1
        tracked = np.abs(joints[frames]).sum(axis=(1, 2)) > 0
        assert tracked.all()  # the performer is in view at every action point


def test_msrc12_dataset_labels_from_tagstreams(data_root):
    ds = open_dataset("msrc-12", data_root / "msrc-12")
    assert len(ds.samples) == 593 and len(ds.class_names) == 12
    labels = {s.label for s in ds.samples}
    assert set(range(12)) <= labels
    assert not {s.subject for s in ds.split("xsub_train")} & {
        s.subject for s in ds.split("xsub_test")
    }


def test_msrc12_truncated_csv_is_refused(tmp_path):
    bad = tmp_path / "P1_1_1_p01.csv"
    bad.write_text("1 " + " ".join(["0.5"] * 80) + "\n2 0.1 0.2\n")
    with pytest.raises(ClipFormatError, match=r"P1_1_1_p01\.csv"):
        load_clip(bad)


def test_utd_mhad_reader_layout_and_split(data_root):
    pytest.importorskip("scipy")
    ds = open_dataset("utd-mhad", data_root / "utd-mhad")
    assert len(ds.samples) == 861 and len(ds.class_names) == 27
    train, test = ds.split("xsub_train"), ds.split("xsub_test")
    assert (len(train), len(test)) == (431, 430)
    assert {s.subject for s in train} == {1, 3, 5, 7} and {s.subject for s in test} == {2, 4, 6, 8}
    clip = ds.load(train[0])
    assert clip.layout == "utd-mhad" and clip.label == train[0].label
    kin = clip.to_layout("kinect-v1").data[0]
    lay = get_layout("kinect-v1")
    # Mapped onto Kinect v1: head above the hip centre, feet below the knees.
    assert (kin[:, lay.index("head"), 1] > kin[:, lay.index("hip_center"), 1]).all()
    assert (kin[:, lay.index("left_foot"), 1] < kin[:, lay.index("left_knee"), 1]).mean() > 0.9


@pytest.mark.slow  # reads all of MSRC-12 (~20 s)
def test_corpus_excludes_every_test_split_and_windows_long_recordings(data_root):
    pytest.importorskip("scipy")
    ds = open_dataset("corpus", data_root, sources=CORPUS)
    names = [s.name for s in ds.split("pretrain")]
    nw = [n for n in names if n.startswith("nw-ucla/")]
    msr = [n for n in names if n.startswith("msr-action3d/")]
    utd = [n for n in names if n.startswith("utd-mhad/")]
    assert nw and not [n for n in nw if "_v03" in n]
    assert msr and all(int(n.split("_s")[1][:2]) % 2 == 1 for n in msr)
    assert utd and all(int(n.split("_s")[1].split("_")[0]) % 2 == 1 for n in utd)
    src = ds.summary["sources"]
    assert src["msrc-12:all"]["windows"] > 10 * src["msrc-12:all"]["clips"]
    clips, _ = ds.load_split("pretrain", warn=False)
    assert all(c.layout == "kinect-v1" for c in clips[:50])
    msrc = [c for c, n in zip(clips, names, strict=True) if n.startswith("msrc-12/")]
    assert {c.data.shape[1] for c in msrc} == {64}


def test_corpus_refuses_a_test_split(tmp_path):
    with pytest.raises(ValueError, match="evaluation split"):
        CorpusSource("nw-ucla", "nw-ucla", "xview_test")
    with pytest.raises(ValueError, match="evaluation split"):
        open_dataset(
            "corpus", tmp_path, sources=[{"dataset": "utd-mhad", "root": "u", "split": "xsub_test"}]
        )


def test_a_virtual_camera_films_a_kinect_clip_like_a_2d_pose_estimator():
    lay = get_layout("kinect-v1")
    clip = make_clip("right_wave", np.random.default_rng(0))[None]  # facing the sensor, y up
    clip[0, :, lay.index("left_foot")] = 0  # a joint the sensor lost
    head, ankle = lay.index("head"), lay.index("right_ankle")
    right, left = lay.index("right_shoulder"), lay.index("left_shoulder")
    clip[0, :, right, 0], clip[0, :, left, 0] = 0.2, -0.2  # Kinect: x grows to their right
    front = virtual_camera(clip, np.random.default_rng(0), max_yaw=0.0, max_pitch=0.0)
    assert front.shape == (1, 20, 20, 2) and np.isfinite(front).all()
    assert (front[0, :, head, 1] < front[0, :, ankle, 1]).all()  # image y grows downwards
    assert (front[0, :, right, 0] < front[0, :, left, 0]).all()  # their right on the image's left
    assert not front[0, :, lay.index("left_foot")].any()  # absent stays absent
    height = front[0, :, :, 1].max() - front[0, :, :, 1].min()
    assert 150 < height < 500  # a 2 m person 2.5–4.5 m away, in pixels at focal 500
    rng = np.random.default_rng(1)
    turned = [virtual_camera(clip, rng) for _ in range(2)]
    assert not np.allclose(turned[0], turned[1])  # each view its own camera


def test_a_2d_corpus_films_its_3d_sources_and_refuses_to_mix_dimensions(tmp_path):
    make_folder_dataset(tmp_path / "k", per_class=2)
    sources = [{"dataset": "folder", "root": "k", "split": "train", "views": 2}]
    ds = open_dataset("corpus", tmp_path, sources=sources, layout="penn-action")
    names = [s.name for s in ds.split("pretrain")]
    assert len(names) == 2 * 6 and names[0].endswith("/view0") and names[1].endswith("/view1")
    clips, _ = ds.load_split("pretrain", warn=False)
    assert {(c.layout, c.data.shape[2:]) for c in clips} == {("penn-action", (13, 2))}
    assert ds.summary["sources"]["folder:train"]["views"] == 2
    again = open_dataset("corpus", tmp_path, sources=sources, layout="penn-action")
    np.testing.assert_array_equal(again.load(again.split("pretrain")[3]).data, clips[3].data)
    mixed = [*sources, {"dataset": "folder", "root": "k", "split": "train"}]
    with pytest.raises(ValueError, match="mix 2-D and 3-D clips; give the 3-D sources 'views'"):
        open_dataset("corpus", tmp_path, sources=mixed, layout="penn-action")


def test_streams_are_joint_bone_motion_of_the_preprocessed_clip():
    lay = get_layout("kinect-v1")
    rng = np.random.default_rng(0)
    data = rng.normal(size=(1, 20, 20, 3)).astype(np.float32)
    base = preprocess(data, PreprocessConfig(num_frames=8), lay)
    cfg = PreprocessConfig(num_frames=8, streams=("joint", "bone", "motion"))
    x = preprocess(data, cfg, lay)
    assert x.shape == (9, 8, 20, 1)
    np.testing.assert_array_equal(x[:3], base)
    child, parent = lay.bones[3]
    np.testing.assert_allclose(x[3:6, :, child], base[:, :, child] - base[:, :, parent])
    np.testing.assert_allclose(x[6:, :-1], base[:, 1:] - base[:, :-1])
    assert not x[6:, -1].any() and not x[3:6, :, lay.center[0]].any()
    with pytest.raises(ValueError, match="streams"):
        PreprocessConfig(streams=("joint", "velocity"))
    np.testing.assert_array_equal(skeleton_streams(base, ("motion",), lay), x[6:])


def test_pooling_options_shapes_and_values():
    tokens = torch.arange(2 * 4 * 3 * 5, dtype=torch.float32).reshape(2, 4, 3, 5)
    assert torch.equal(pool_tokens(tokens, "mean"), tokens.mean(dim=(1, 2)))
    joints = pool_tokens(tokens, "joints")
    assert joints.shape == (2, pooled_dim(5, 3, "joints")) == (2, 15)
    assert torch.equal(joints[:, 5:10], tokens[:, :, 1].mean(dim=1))
    jt = pool_tokens(tokens, "joints-time")
    assert jt.shape == (2, 30)
    assert torch.equal(jt[:, :15], tokens[:, :2].mean(dim=1).flatten(1))
    assert torch.equal(jt[:, 15:], tokens[:, 2:].mean(dim=1).flatten(1))
    with pytest.raises(ValueError, match="pooling"):
        pool_tokens(tokens, "max")


@pytest.mark.parametrize("pooling", ["mean", "joints", "joints-time"])
def test_models_pool_and_size_their_probe_head_by_the_config(pooling):
    pre = {"num_frames": 8, "streams": ["joint", "bone", "motion"]}
    a = TransformerSkeletonMAE(
        TransformerSkeletonMAEConfig(
            in_channels=9,
            dim=16,
            depth=1,
            num_heads=2,
            decoder_depth=0,
            patch_size=4,
            num_classes=3,
            head="linear",
            pooling=pooling,
            preprocess=pre,
        )
    ).eval()
    b = GraphSkeletonMAE(
        GraphSkeletonMAEConfig(
            in_channels=9,
            dim=8,
            decoder_layers=0,
            num_classes=3,
            head="linear",
            pooling=pooling,
            preprocess=pre,
        )
    ).eval()
    x = torch.randn(2, 9, 8, 20, 1)
    for m, d in ((a, 16), (b, 8)):
        assert m.forward_features(x).shape == (2, pooled_dim(d, 20, pooling))
        assert m(x).shape == (2, 3)
        assert m.forward_features(x, pooling="mean").shape == (2, d)


def test_ntu_reader_on_real_files(data_root):
    files = sorted((data_root / "ntu-samples").glob("*.skeleton"))
    assert len(files) == 26
    truncated = {"S005C002P013R002A056", "S012C001P008R002A030"}
    persons, actions = set(), set()
    for f in files:
        if f.stem in truncated:
            with pytest.raises(ClipFormatError, match=rf"{f.stem}\.skeleton: line \d+"):
                load_clip(f)
            continue
        clip = load_clip(f)
        assert clip.layout == "ntu-rgbd" and clip.data.shape[2:] == (25, 3)
        persons.add(clip.data.shape[0])
        actions.add(int(f.stem[-3:]))
        kin = clip.to_layout("kinect-v1").data
        lay = get_layout("kinect-v1")
        tracked = np.abs(kin[0]).sum(axis=(1, 2)) > 0
        head, hip = (
            kin[0, tracked, lay.index("head"), 1],
            kin[0, tracked, lay.index("hip_center"), 1],
        )
        assert (head > hip).mean() > 0.5  # upright in most frames (some actions bend or fall)
    assert persons == {1, 2} and max(actions) > 60 and min(actions) <= 60


def test_penn_action_official_split_2d_layout(data_root):
    pytest.importorskip("scipy")
    ds = open_dataset("penn-action", data_root / "penn-action")
    train, test = ds.split("official_train"), ds.split("official_test")
    assert (len(train), len(test)) == (1258, 1068) and len(ds.class_names) == 15
    assert {s.label for s in test} == set(range(15))
    clip = ds.load(test[0])
    assert clip.layout == "penn-action" and clip.data.shape[-2:] == (13, 2)
    assert ds.class_names[clip.label] == "baseball_pitch"
    lay = get_layout("penn-action")
    coco = get_layout("coco-17")
    shared = [j for j in lay.joints if j in coco.joints]
    assert len(shared) == 12 and lay.joints[0] == "head"  # all but the head are COCO's joints
    y = clip.data[0, :, :, 1]  # pixels, y down: the head is above the ankles
    assert (y[:, lay.index("head")] < y[:, lay.index("left_ankle")]).mean() > 0.9

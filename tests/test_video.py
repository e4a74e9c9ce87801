"""From a video, a photo or a live stream to actions: coordinate frames of every layout, clips
the wrong way up, timelines and streams, per-joint confidence, and (with the video extra)
MediaPipe Pose on real photos of people and a video made from them."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from synthetic import make_clip

from skeletonmae import SkeletonMAE
from skeletonmae.clip import Clip
from skeletonmae.datasets import open_dataset
from skeletonmae.formats import load_clip
from skeletonmae.layouts import Layout, axis_signs, get_layout, register_layout, upside_down
from skeletonmae.timeline import ClipStream, classify_windows, parse_span

EXAMPLE = Path(__file__).parents[1] / "examples" / "clips" / "sit_down.npy"
HAS_VIDEO = importlib.util.find_spec("mediapipe") is not None and (
    importlib.util.find_spec("cv2") is not None
)
needs_video = pytest.mark.skipif(not HAS_VIDEO, reason="the video extra (mediapipe) is absent")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skeletonmae", *args], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def default_model() -> SkeletonMAE:
    return SkeletonMAE.from_pretrained("systema-nwucla-finetune")


# -- coordinate frames ----------------------------------------------------------------------


def _picture(data: np.ndarray, layout: Layout) -> tuple[float, float]:
    """(how far the head is above the ankles, how far the left shoulder is right of the right
    one), both as a camera would picture them, from a clip in ``layout``'s declared axes."""
    up = 1.0 if layout.axes[1] == "up" else -1.0
    right = 1.0 if layout.axes[0] == "right" else -1.0
    d = data[0][np.abs(data[0]).sum(axis=(1, 2)) > 0]
    head, ankle = layout.index("head"), layout.index("left_ankle")
    left, right_shoulder = layout.index("left_shoulder"), layout.index("right_shoulder")
    height = up * float(np.median(d[:, head, 1] - d[:, ankle, 1]))
    facing = right * float(np.median(d[:, left, 0] - d[:, right_shoulder, 0]))
    return height, facing


@pytest.mark.parametrize(
    "dataset,root,split",
    [
        ("nw-ucla", "nw-ucla", "xview_train"),
        ("msr-action3d", "msr-action3d", "xsub_train"),
        ("utd-mhad", "utd-mhad", "xsub_train"),
        ("penn-action", "penn-action", "official_train"),
    ],
)
def test_each_datasets_layout_declares_the_axes_its_real_clips_use(data_root, dataset, root, split):
    pytest.importorskip("scipy")
    ds = open_dataset(dataset, data_root / root)
    layout = get_layout(ds.layout)
    assert len(layout.axes) >= 2 and layout.units
    pictures = [_picture(ds.load(s).data, layout) for s in ds.split(split)[:120:6]]
    assert all(h > 0 for h, _ in pictures)  # the head above the ankles, every clip
    if dataset != "penn-action":  # Kinect sets face the sensor: their left on the image's right
        assert np.mean([f > 0 for _, f in pictures]) > 0.9


def test_ntu_samples_use_the_kinect_camera_frame(data_root):
    files = sorted((data_root / "ntu-samples").glob("*.skeleton"))[:4]
    assert files
    layout = get_layout("ntu-rgbd")
    for f in files:
        height, facing = _picture(load_clip(f).data, layout)
        assert height > 0 and facing > 0, f


def test_axes_turn_coordinates_between_layouts():
    assert axis_signs("mediapipe-33", "kinect-v1", 3).tolist() == [-1, -1, 1]
    assert axis_signs("coco-17", "penn-action", 2).tolist() == [1, 1]
    assert axis_signs("kinect-v1", "openni-15", 3).tolist() == [-1, 1, 1]
    lay = get_layout("kinect-v1")
    odd = Layout(lay.name + "-undeclared", lay.joints, lay.parents, lay.center)
    assert axis_signs(odd, "kinect-v1", 3) is None  # undeclared: taken as it is
    with pytest.raises(ValueError, match="must say which way x, y"):
        Layout("bad", lay.joints, lay.parents, lay.center, axes=("up", "left"))


def _y_down_twin() -> tuple[Clip, Clip]:
    """The example clip, and the same clip in a layout whose y axis points down."""
    lay = get_layout("kinect-v1")
    down = register_layout(replace(lay, name="test-kinect-y-down", axes=("left", "down", "away")))
    upright = load_clip(EXAMPLE, layout="kinect-v1")
    return upright, Clip(upright.data * np.float32([1, -1, 1]), down.name)


def test_a_y_down_clip_is_classified_like_its_upright_twin(default_model):
    upright, flipped = _y_down_twin()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # converted by its axes: no upside-down warning
        twin = default_model.classify(flipped)
    assert twin[0]["label"] == default_model.classify(upright)[0]["label"] == "sit down"
    np.testing.assert_allclose(
        [p.score for p in twin], [p.score for p in default_model.classify(upright)], atol=1e-5
    )


def test_a_clip_still_upside_down_is_warned_about_with_the_fix(default_model, tmp_path):
    _, flipped = _y_down_twin()
    assert upside_down(flipped.data, "kinect-v1")
    np.save(tmp_path / "flipped.npy", flipped.data)  # y down, read as kinect-v1 (y up)
    with pytest.warns(UserWarning, match="flipped.npy: upside down .* negate y, or give the"):
        default_model.classify(tmp_path / "flipped.npy")
    r = cli("classify", str(tmp_path / "flipped.npy"))
    assert r.returncode == 0 and r.stderr.count("upside down") == 1
    assert r.stderr.startswith("Warning: ") and r.stderr.count("\n") == 1  # no source excerpt


# -- windows and streams --------------------------------------------------------------------


def _long_clip(frames: int = 90) -> Clip:
    rng = np.random.default_rng(0)
    parts = [make_clip(k, rng, frames=30) for k in ("left_wave", "still", "right_wave")]
    data = np.concatenate(parts)[None, :frames].copy()
    data[0, 40:50] = 0  # frames where nobody was tracked
    return Clip(data, "kinect-v1", fps=30.0, source="long.npy")


def test_spans_in_frames_or_seconds():
    assert parse_span("64", None) == parse_span(64, 15.0) == 64
    assert parse_span("2s", 15.0) == parse_span("2 s", 15.0) == 30
    for bad in ("0", "1.5", "-3", "two", "2m"):
        with pytest.raises(ValueError, match="window"):
            parse_span(bad, 30.0)
    with pytest.raises(ValueError, match="in seconds, but the clip does not say its fps"):
        parse_span("2s", None)


def test_windows_and_a_stream_score_exactly_as_each_window_alone(default_model):
    clip = _long_clip()
    timeline = classify_windows(default_model, clip, 20, 10, top_k=3)
    assert [(e["start"], e["end"]) for e in timeline] == [(s, s + 20) for s in range(0, 71, 10)]
    assert timeline[1]["start_s"] == 0.333 and timeline[1]["end_s"] == 1.0
    for e in timeline:
        alone = default_model.classify(
            Clip(clip.data[:, e["start"] : e["end"]], "kinect-v1"), top_k=3
        )
        assert [(t["label"], t["index"]) for t in e["top"]] == [(p.label, p.index) for p in alone]
        np.testing.assert_allclose(
            [t["score"] for t in e["top"]], [p.score for p in alone], atol=1e-6
        )
    stream = default_model.stream(20, 10, fps=30.0)
    out = [e for frame in clip.data[0] if (e := stream.push(frame)) is not None]
    assert [(e["start"], e["end"]) for e in out] == [(e["start"], e["end"]) for e in timeline]
    for a, b in zip(out, timeline, strict=True):
        np.testing.assert_allclose(
            [t["score"] for t in a["top"]], [t["score"] for t in b["top"]], atol=1e-6
        )


def test_a_window_without_a_person_has_no_label(default_model):
    data = _long_clip().data.copy()
    data[0, :20] = 0
    timeline = classify_windows(default_model, Clip(data, "kinect-v1", fps=30.0), 20, 20)
    assert timeline[0]["top"] == [] and timeline[1]["top"]
    stream = ClipStream(default_model, 20, 20)
    assert [stream.push(f) for f in data[0, :20]][-1]["top"] == []


def test_classify_and_extract_give_a_timeline_on_the_command_line(tmp_path):
    path = tmp_path / "long.npz"
    clip = _long_clip()
    np.savez(path, data=clip.data, layout="kinect-v1", fps=30.0)
    r = cli("classify", str(path), "--window", "1s", "--stride", "15", "--json", "-k", "2")
    assert r.returncode == 0, r.stderr
    timeline = json.loads(r.stdout)["results"][0]["timeline"]
    assert [(e["start"], e["end"]) for e in timeline] == [
        (0, 30),
        (15, 45),
        (30, 60),
        (45, 75),
        (60, 90),
    ]
    assert all(len(e["top"]) == 2 for e in timeline)
    table = cli("classify", str(path), "--window", "30", "--stride", "30")
    assert table.returncode == 0 and "0.00s–1.00s" in table.stdout
    out = tmp_path / "f.npz"
    r = cli("extract", str(path), "--window", "30", "-o", str(out))
    assert r.returncode == 0, r.stderr
    with np.load(out) as z:
        assert z["long"].shape[0] == 5 and z["long_windows"].tolist()[1] == [15, 45]
    usage = cli("classify", str(path), "--stride", "10")
    assert usage.returncode == 2 and "--stride needs --window" in usage.stderr
    bad = cli("classify", str(path), "--window", "3x")
    assert (
        bad.returncode == 1 and bad.stderr.count("\n") == 1 and "expected frames (64)" in bad.stderr
    )


# -- confidence -----------------------------------------------------------------------------


def test_joints_a_pose_estimator_is_unsure_of_reach_the_model_as_absent(tmp_path, default_model):
    clip = load_clip(EXAMPLE, layout="kinect-v1")
    conf = np.ones(clip.data.shape[:3], dtype=np.float32)
    hand = get_layout("kinect-v1").index("left_hand")
    conf[..., hand] = 0.2
    path = tmp_path / "scored.npz"
    np.savez(path, data=clip.data, layout="kinect-v1", confidence=conf)
    read = load_clip(path)
    assert read.confidence is not None and read.confidence[0, 0, hand] == pytest.approx(0.2)
    seen = default_model.to_clip(path)
    assert not seen.data[..., hand, :].any() and seen.data[..., 0, :].any()
    with pytest.raises(ValueError, match="confidence must be finite, one per joint"):
        Clip(clip.data, "kinect-v1", confidence=conf[:, :3])


def test_an_npz_whose_fps_is_not_a_number_is_refused_in_one_line(tmp_path):
    path = tmp_path / "c.npz"
    np.savez(path, data=load_clip(EXAMPLE, layout="kinect-v1").data, fps="fast")
    r = cli("classify", str(path))
    assert r.returncode == 1 and r.stderr.strip().endswith(
        "its fps entry 'fast' is not a number (frames per second)"
    )


# -- pose estimation ------------------------------------------------------------------------


@pytest.mark.skipif(HAS_VIDEO, reason="checks the message shown without the video extra")
def test_without_the_video_extra_pose_says_what_to_install(tmp_path):
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8")
    for args in (("pose", str(photo), "-o", str(tmp_path / "c.npz")), ("classify", str(photo))):
        r = cli(*args)
        assert r.returncode == 1 and r.stderr == (
            "Error: pose estimation needs the video extra (cv2 is not installed): "
            'pip install "skeletonmae[video]"\n'
        )
    assert not (tmp_path / "c.npz").exists()


@pytest.fixture(scope="module")
def photos(data_root) -> list[Path]:
    files = [
        data_root / "opencv-samples" / n
        for n in ("messi5.jpg", "basketball1.png", "basketball2.png")
    ]
    if not all(f.is_file() for f in files):
        pytest.skip("../shared/data/opencv-samples is incomplete")
    return files


@needs_video
def test_pose_finds_a_whole_body_in_each_real_photo(photos):
    from skeletonmae.pose import estimate_poses

    for photo in photos:
        seq = estimate_poses(photo)
        assert seq.present.tolist() == [True]
        assert seq.world.shape == (1, 33, 3) and seq.image.shape == (1, 33, 2)
        assert np.isfinite(seq.world).all() and (seq.visibility > 0.5).all()
        w, h = seq.size
        assert (seq.image[..., 0] >= -w * 0.1).all() and (seq.image[..., 1] <= h * 1.1).all()
        clip = seq.to_clip().to_layout("kinect-v1")  # MediaPipe's y-down world, turned upright
        assert not upside_down(clip.data, "kinect-v1")
        assert not upside_down(seq.to_clip("image").data, "mediapipe-33")


def _video(photo: Path, path: Path, frames: int = 24, blank: int = 4) -> Path:
    """A short video of crops sliding across ``photo``, then ``blank`` frames with nobody."""
    import cv2

    image = cv2.imread(str(photo))
    h, w = image.shape[:2]
    size = (w - 40, h - 20)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 12.0, size)
    for i in range(frames):
        writer.write(np.ascontiguousarray(image[10 : 10 + size[1], i : i + size[0]]))
    for _ in range(blank):
        writer.write(np.zeros((size[1], size[0], 3), dtype=np.uint8))
    writer.release()
    return path


@needs_video
def test_a_video_goes_through_pose_to_a_timeline(photos, tmp_path):
    video = _video(photos[1], tmp_path / "clip.avi")
    out = tmp_path / "clip.npz"
    r = cli("pose", str(video), "-o", str(out))
    assert r.returncode == 0, r.stderr
    with np.load(out) as z:
        assert z["data"].shape == (1, 28, 33, 3) and float(z["fps"]) == pytest.approx(12.0)
        assert z["present"].tolist() == [True] * 24 + [False] * 4  # missing, not a pose
        assert z["image"].shape == (1, 28, 33, 2) and z["confidence"].shape == (1, 28, 33)
    r = cli("classify", str(video), "--window", "12", "--stride", "6", "--json")
    assert r.returncode == 0, r.stderr
    assert "MediaPipe Pose" in r.stderr and "mediapipe-33 → kinect-v1" in r.stderr
    timeline = json.loads(r.stdout)["results"][0]["timeline"]
    assert [e["start"] for e in timeline] == [0, 6, 12] and all(e["top"] for e in timeline)
    assert cli("classify", str(out)).returncode == 0  # the saved clip reads back
    two_d = cli("classify", str(video), "--model", "systemb-pennaction-finetune")
    assert (
        two_d.returncode == 0 and "2-D image landmarks, mediapipe-33 → penn-action" in two_d.stderr
    )


@needs_video
def test_bad_videos_end_in_one_line_and_write_nothing(tmp_path):
    import cv2

    fake = tmp_path / "fake.mp4"
    fake.write_text("not a video")
    empty = tmp_path / "empty.avi"
    writer = cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    for _ in range(5):
        writer.write(np.zeros((48, 64, 3), dtype=np.uint8))
    writer.release()
    for video, message in (
        (fake, "not a readable video"),
        (empty, "no person found in any of its 5 frame(s)"),
    ):
        out = tmp_path / f"{video.stem}.npz"
        r = cli("pose", str(video), "-o", str(out))
        assert r.returncode == 1 and r.stderr.count("\n") == 1 and message in r.stderr, r.stderr
        assert not out.exists()


# -- the README's section -------------------------------------------------------------------


def test_readme_stream_block_prints_a_prediction_every_stride(capsys, monkeypatch):
    from test_readme import ROOT, _section_block

    monkeypatch.chdir(ROOT)
    exec(
        compile(_section_block("Videos, photos and live streams", "python"), "README.md", "exec"),
        {},
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["0", "24"], ["8", "32"], ["16", "40"]]


@needs_video
def test_readme_video_commands_run(photos, tmp_path, monkeypatch):
    from test_readme import _section_block

    monkeypatch.chdir(tmp_path)
    _video(photos[1], tmp_path / "my_video.mp4")
    commands = [
        line.split("  #")[0].strip()
        for line in _section_block("Videos, photos and live streams", "bash").splitlines()
        if line.startswith("skeletonmae ")
    ]
    assert len(commands) == 2
    for line in commands:
        r = subprocess.run(
            [sys.executable, "-m", "skeletonmae", *line.split()[1:]], capture_output=True, text=True
        )
        assert r.returncode == 0, f"{line}\n{r.stderr}"
    assert (tmp_path / "my_clip.npz").is_file() and "0.00s–2.00s" in r.stdout


def _stdout(cell) -> list[str]:
    return "".join(
        o.get("text", "") for o in cell.outputs if o.get("name") == "stdout"
    ).splitlines()


@needs_video
def test_the_video_notebook_draws_the_skeleton_and_prints_a_timeline(photos, tmp_path, monkeypatch):
    from test_notebooks import execute, images, tagged

    nb, _ = execute("video_to_actions.ipynb", tmp_path, monkeypatch)
    assert len(images(tagged(nb, "skeleton"))) == 1
    timeline = _stdout(tagged(nb, "timeline")[0])
    assert len(timeline) == 3 and all(" – " in line for line in timeline), timeline
    streamed = _stdout(tagged(nb, "stream")[0])
    assert [line.split()[:2] for line in streamed] == [["0", "24"], ["12", "36"], ["24", "48"]]

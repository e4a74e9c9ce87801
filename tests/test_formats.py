"""Clip formats: every reader on small synthetic files written here, round trips and bad input."""

from __future__ import annotations

import json
import os
import pickle
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from skeletonmae import Clip, ClipFormatError, load_clip, save_clip
from skeletonmae.formats import detect_format
from skeletonmae.io.arrays import array_to_clip
from skeletonmae.io.ntu import parse_ntu_name
from skeletonmae.io.utkinect import UTKINECT_CLASSES, cut_utkinect_stream, read_utkinect_labels
from skeletonmae.layouts import layout_mapping
from skeletonmae.safe_pickle import UnsafePickleError, safe_loads

RNG = np.random.default_rng(0)


def rand(*shape: int) -> np.ndarray:
    return RNG.normal(size=shape).astype(np.float32)


# -- writers for the text formats (the tests' own, following each format's description) ---------


def write_ntu(path: Path, frames: list[list[tuple[str, np.ndarray]]]) -> Path:
    """frames: per frame a list of (body id, (25, 3) xyz)."""
    lines = [str(len(frames))]
    for bodies in frames:
        lines.append(str(len(bodies)))
        for body_id, xyz in bodies:
            lines += [f"{body_id} 0 1 1 1 1 0 0.01 0.02 2", "25"]
            lines += [f"{x} {y} {z} 250.1 200.2 900.3 500.4 0.1 0.2 0.3 0.4 2" for x, y, z in xyz]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_utk_stream(path: Path, frame_numbers: list[int], joints: np.ndarray) -> Path:
    rows = [
        f"{f} " + " ".join(f"{v:.6f}" for v in j.ravel())
        for f, j in zip(frame_numbers, joints, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def write_pickle(path: Path, obj, protocol: int = 4) -> Path:
    path.write_bytes(pickle.dumps(obj, protocol=protocol))
    return path


NTU_NAME = "S002C003P004R001A005.skeleton"


# -- arrays --------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".npy", ".npz"])
def test_save_load_round_trip(tmp_path, suffix):
    clip = Clip(rand(2, 9, 25, 3), "ntu-rgbd", label=4, fps=30.0)
    # A bare (2, T, V, 3) .npy could be (C, T, V, M) too: it needs format= to be read back.
    fmt = "mtvc" if suffix == ".npy" else None
    out = load_clip(save_clip(clip, tmp_path / f"c{suffix}"), layout="ntu-rgbd", format=fmt)
    np.testing.assert_array_equal(out.data, clip.data)
    assert out.layout == "ntu-rgbd"
    if suffix == ".npz":  # .npz keeps the metadata, and needs no layout argument
        again = load_clip(tmp_path / "c.npz")
        assert (again.label, again.fps, again.layout) == (4, 30.0, "ntu-rgbd")


def test_array_conventions_agree(tmp_path):
    mtvc = rand(1, 7, 25, 3)
    as_tvc = array_to_clip(mtvc[0], layout="ntu-rgbd").data
    as_ctvm = array_to_clip(np.transpose(mtvc, (3, 1, 2, 0)), layout="ntu-rgbd").data
    np.testing.assert_array_equal(as_tvc, mtvc)
    np.testing.assert_array_equal(as_ctvm, mtvc)


@pytest.mark.parametrize("shape", [(2, 8, 25, 3), (3, 8, 25, 2), (2, 8, 25, 2)])
def test_ambiguous_array_shape_asks_for_format(tmp_path, shape):
    path = tmp_path / "amb.npy"
    np.save(path, rand(*shape))
    with pytest.raises(ClipFormatError, match=r"amb\.npy.*ambiguous.*format="):
        load_clip(path, layout="ntu-rgbd")
    clip = load_clip(path, layout="ntu-rgbd", format="ctvm")
    assert clip.data.shape == (shape[3], 8, 25, shape[0])


def test_joint_count_shared_by_layouts_asks_for_layout(tmp_path):
    path = tmp_path / "twenty.npy"
    np.save(path, rand(10, 20, 3))
    with pytest.raises(ClipFormatError, match=r"twenty\.npy.*kinect-v1.*msr-action3d.*layout="):
        load_clip(path)
    assert load_clip(path, layout="msr-action3d").layout == "msr-action3d"


@pytest.mark.parametrize(
    ("array", "match"),
    [
        (np.full((4, 25, 3), np.nan, np.float32), "NaN or infinite"),
        (np.concatenate([rand(3, 25, 3), np.full((1, 25, 3), np.inf, np.float32)]), "infinite"),
        (np.zeros((4, 25, 3), np.float32), "every coordinate is zero"),
        (rand(4, 24, 3), "24 joints"),
        (rand(4, 25, 4), "coordinates"),
        (rand(25, 3), "3 or 4 dimensions"),
        (np.zeros((0, 25, 3), np.float32), "empty"),
    ],
)
def test_bad_arrays_are_rejected_naming_the_file(tmp_path, array, match):
    path = tmp_path / "bad.npy"
    np.save(path, array)
    with pytest.raises(ClipFormatError, match=match) as e:
        load_clip(path, layout="ntu-rgbd")
    assert str(path) in str(e.value)


def test_empty_and_garbage_files(tmp_path):
    for name in ("e.npy", "e.skeleton", "e.pkl", "joints_s01_e01.txt", "e.json"):
        (tmp_path / name).write_bytes(b"")
        with pytest.raises(ClipFormatError, match="empty file") as e:
            load_clip(tmp_path / name)
        assert name in str(e.value)
    (tmp_path / "g.npy").write_bytes(b"not numpy at all")
    with pytest.raises(ClipFormatError, match=r"g\.npy.*not a readable \.npy"):
        load_clip(tmp_path / "g.npy")
    (tmp_path / "g.pkl").write_bytes(b"\x80\x04garbage")
    with pytest.raises(ClipFormatError, match=r"g\.pkl.*not a readable annotation pickle"):
        load_clip(tmp_path / "g.pkl")
    with pytest.raises(FileNotFoundError, match=r"missing\.npy"):
        load_clip(tmp_path / "missing.npy")


def test_unknown_format_and_unknown_extension(tmp_path):
    path = tmp_path / "clip.xyz"
    path.write_text("1 2 3\n")
    with pytest.raises(ClipFormatError, match=r"clip\.xyz.*cannot tell the clip format"):
        load_clip(path)
    with pytest.raises(ClipFormatError, match="unknown format 'bvh'"):
        load_clip(path, format="bvh")


# -- NW-UCLA JSON and MSR Action3D text -----------------------------------------------------------


def test_nwucla_json(tmp_path):
    sk = rand(6, 20, 3)
    path = tmp_path / "a08_s01_e00_v02.json"
    path.write_text(json.dumps({"file_name": path.stem, "skeletons": sk.tolist(), "label": 7}))
    clip = load_clip(path)
    assert (clip.layout, clip.label, clip.data.shape) == ("kinect-v1", 6, (1, 6, 20, 3))
    np.testing.assert_allclose(clip.data[0], sk)
    path.write_text(json.dumps({"skeletons": sk[:, :19].tolist(), "label": 1}))
    with pytest.raises(ClipFormatError, match=r"v02\.json.*19 joints, expected 20"):
        load_clip(path)
    path.write_text(json.dumps({"skeletons": sk.tolist(), "label": 11}))
    with pytest.raises(ClipFormatError, match="label 11"):
        load_clip(path)
    path.write_text('{"skeletons": [[[1, 2, 3]]')
    with pytest.raises(ClipFormatError, match="not a readable NW-UCLA JSON"):
        load_clip(path)


def msr_text(frames: np.ndarray) -> str:
    return "".join(f"{x} {y} {z} 1\n" for x, y, z in frames.reshape(-1, 3))


def test_msr_text_and_mapping_onto_kinect(tmp_path):
    sk = rand(5, 20, 3)
    path = tmp_path / "a07_s03_e02_skeleton3D.txt"
    path.write_text(msr_text(sk))
    clip = load_clip(path)
    assert (clip.layout, clip.label, clip.data.shape) == ("msr-action3d", 6, (1, 5, 20, 3))
    np.testing.assert_allclose(clip.data[0], sk, rtol=1e-6)
    # layout= maps a fixed-order format onto another layout (joints matched by name).
    mapped = load_clip(path, layout="kinect-v1")
    assert mapped.layout == "kinect-v1"
    np.testing.assert_array_equal(
        mapped.data, clip.data[:, :, layout_mapping("msr-action3d", "kinect-v1")]
    )


def test_msr_bad_files(tmp_path):
    path = tmp_path / "a01_s01_e01_skeleton3D.txt"
    path.write_text(msr_text(rand(3, 20, 3)).rsplit("\n", 6)[0] + "\n")  # 5 joint lines short
    with pytest.raises(ClipFormatError, match=r"e01_skeleton3D\.txt.*55 joint lines.*truncated"):
        load_clip(path)
    path.write_text("".join(f"{v} {v} {v}\n" for v in range(40)))
    with pytest.raises(ClipFormatError, match="3 columns per line, expected 4"):
        load_clip(path)
    path.write_text(msr_text(np.zeros((2, 20, 3))))
    with pytest.raises(ClipFormatError, match="every coordinate is zero"):
        load_clip(path)
    path.write_text(msr_text(np.full((2, 20, 3), np.nan)))
    with pytest.raises(ClipFormatError, match="NaN"):
        load_clip(path)


# -- NTU RGB+D .skeleton --------------------------------------------------------------------------


def test_ntu_name():
    assert parse_ntu_name("S017C002P040R002A120.skeleton") == (17, 2, 40, 2, 120)
    assert parse_ntu_name("a01_s01_e01") is None


def test_ntu_skeleton_bodies_are_padded_and_tracked_by_id(tmp_path):
    a, b = rand(3, 25, 3), rand(3, 25, 3)
    # Body "7" in all frames, body "9" only in frame 1 and listed first there; frame 2 empty.
    frames = [[("7", a[0])], [("9", b[1]), ("7", a[1])], [], [("7", a[2])]]
    clip = load_clip(write_ntu(tmp_path / NTU_NAME, frames))
    assert (clip.layout, clip.label, clip.fps, clip.data.shape) == (
        "ntu-rgbd",
        4,
        30.0,
        (2, 4, 25, 3),
    )
    np.testing.assert_allclose(clip.data[0, [0, 1, 3]], a, rtol=1e-5)
    np.testing.assert_allclose(clip.data[1, 1], b[1], rtol=1e-5)
    assert not clip.data[1, [0, 2, 3]].any() and not clip.data[0, 2].any()
    # Mapping onto Kinect v1 keeps the 20 shared joints.
    assert load_clip(tmp_path / NTU_NAME, layout="kinect-v1").data.shape == (2, 4, 20, 3)


def test_ntu_skeleton_label_needs_the_name(tmp_path):
    clip = load_clip(write_ntu(tmp_path / "custom.skeleton", [[("1", rand(25, 3))]]))
    assert clip.label is None


def ntu_lines(tmp_path) -> list[str]:
    write_ntu(tmp_path / NTU_NAME, [[("1", rand(25, 3))], [("1", rand(25, 3))]])
    return (tmp_path / NTU_NAME).read_text().splitlines()


def test_ntu_truncated_file_names_file_and_line(tmp_path):
    lines = ntu_lines(tmp_path)
    (tmp_path / NTU_NAME).write_text("\n".join(lines[:40]) + "\n")
    with pytest.raises(ClipFormatError, match=rf"{NTU_NAME}: line 41: file ends here.*truncated"):
        load_clip(tmp_path / NTU_NAME)


@pytest.mark.parametrize(
    ("line", "text", "match"),
    [
        (4, "24", "line 4: body 1 of frame 1 has 24 joints, expected 25"),
        (7, "1.0 2.0 3.0", "line 7: found 3 values, expected 12"),
        (7, "1.0 2.0 x 4 5 6 7 8 9 10 11 12", "line 7: expected 12 numbers"),
        (3, "1 0 1 1", "line 3: found 4 values, expected 10"),
        (2, "one", "line 2: expected the body count of frame 1"),
    ],
)
def test_ntu_malformed_lines(tmp_path, line, text, match):
    lines = ntu_lines(tmp_path)
    lines[line - 1] = text
    (tmp_path / NTU_NAME).write_text("\n".join(lines) + "\n")
    with pytest.raises(ClipFormatError, match=match) as e:
        load_clip(tmp_path / NTU_NAME)
    assert NTU_NAME in str(e.value)


def test_ntu_extra_content_and_empty_clips(tmp_path):
    lines = ntu_lines(tmp_path)
    (tmp_path / NTU_NAME).write_text("\n".join([*lines, "", "17"]) + "\n")
    with pytest.raises(ClipFormatError, match="line 59: unexpected content after the last of 2"):
        load_clip(tmp_path / NTU_NAME)
    (tmp_path / NTU_NAME).write_text("0\n")
    with pytest.raises(ClipFormatError, match="frame count is 0"):
        load_clip(tmp_path / NTU_NAME)
    write_ntu(tmp_path / NTU_NAME, [[], []])
    with pytest.raises(ClipFormatError, match="no body in any of its 2 frames"):
        load_clip(tmp_path / NTU_NAME)
    write_ntu(tmp_path / NTU_NAME, [[("1", np.full((25, 3), np.nan))]])
    with pytest.raises(ClipFormatError, match="NaN"):
        load_clip(tmp_path / NTU_NAME)


# -- UTKinect streams ------------------------------------------------------------------------------

LABELS = """s01_e01
walk: 10 13
sitDown: 15 16
standUp: NaN NaN

s02_e01
clapHands: 3 4
"""


def utk_files(tmp_path):
    joints = rand(8, 20, 3)
    frames = [10, 11, 12, 13, 14, 15, 16, 17]
    stream = write_utk_stream(tmp_path / "joints_s01_e01.txt", frames, joints)
    (tmp_path / "actionLabel.txt").write_text(LABELS)
    return stream, joints


def test_utkinect_stream_loads_as_one_unlabelled_clip(tmp_path):
    stream, joints = utk_files(tmp_path)
    assert detect_format(stream) == "utkinect"
    clip = load_clip(stream)
    assert (clip.layout, clip.label, clip.data.shape) == ("kinect-v1", None, (1, 8, 20, 3))
    np.testing.assert_allclose(clip.data[0], joints, atol=1e-5)
    # A .txt with another name is recognised by its 61 values per line.
    renamed = tmp_path / "stream.txt"
    renamed.write_text(stream.read_text())
    assert detect_format(renamed) == "utkinect"


def test_utkinect_cut_into_labelled_clips(tmp_path):
    stream, joints = utk_files(tmp_path)
    labels = read_utkinect_labels(tmp_path / "actionLabel.txt")
    assert [s.action for s in labels["s01_e01"]] == ["walk", "sitDown", "standUp"]
    assert labels["s01_e01"][2].start is None
    with pytest.warns(UserWarning, match="standUp"):
        clips = cut_utkinect_stream(stream, tmp_path / "actionLabel.txt")
    assert [c.label for c in clips] == [UTKINECT_CLASSES.index(a) for a in ("walk", "sitDown")]
    np.testing.assert_allclose(clips[0].data[0], joints[0:4], atol=1e-5)  # frames 10..13
    np.testing.assert_allclose(clips[1].data[0], joints[5:7], atol=1e-5)  # frames 15..16
    with pytest.raises(ClipFormatError, match=r"'clapHands' spans frames 3\.\.4.*10\.\.17"):
        cut_utkinect_stream(stream, labels, sequence="s02_e01")
    with pytest.raises(ClipFormatError, match="'s09_e01' has no entry"):
        cut_utkinect_stream(stream, labels, sequence="s09_e01")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("s01_e01\njump: 1 2\n", "line 2: unknown action 'jump'"),
        ("walk: 1 2\n", "line 1: action 'walk' before any sequence"),
        ("s01_e01\nwalk: 5 2\n", "line 2: expected two frame numbers"),
        ("s01_e01\nwalk: 5\n", "line 2: expected 'walk: start end'"),
        ("\n\n", "no sequences"),
    ],
)
def test_utkinect_bad_label_files(tmp_path, text, match):
    path = tmp_path / "actionLabel.txt"
    path.write_text(text)
    with pytest.raises(ClipFormatError, match=match) as e:
        read_utkinect_labels(path)
    assert "actionLabel.txt" in str(e.value)


def test_utkinect_bad_streams(tmp_path):
    stream, _ = utk_files(tmp_path)
    lines = stream.read_text().splitlines()
    stream.write_text("\n".join([*lines[:3], lines[3][:40]]) + "\n")  # last line cut short
    with pytest.raises(
        ClipFormatError, match=r"joints_s01_e01\.txt: line 4: found \d+ values, expected 61"
    ):
        load_clip(stream)
    stream.write_text("\n".join([*lines[:2], lines[2].replace(" ", " nan ", 1)]) + "\n")
    with pytest.raises(ClipFormatError, match="line 3: found 62 values"):
        load_clip(stream)
    first = lines[0].split()
    stream.write_text(" ".join([first[0], "nan", *first[2:]]) + "\n")
    with pytest.raises(ClipFormatError, match=r"joints_s01_e01\.txt: 1 NaN"):
        load_clip(stream)
    stream.write_text("\n".join(lines[:2]).replace("10 ", "1.5 ", 1) + "\n")
    with pytest.raises(ClipFormatError, match=r"frame number 1\.5 is not an integer"):
        load_clip(stream)
    stream.write_text("".join("3 " + " ".join(["0"] * 60) + "\n" for _ in range(2)))
    with pytest.raises(ClipFormatError, match="every coordinate is zero"):
        load_clip(stream)


# -- PySKL pickles --------------------------------------------------------------------------------


def pyskl_ann(frame_dir: str, label: int, m: int = 2, t: int = 6, v: int = 25, c: int = 3) -> dict:
    ann = {"frame_dir": frame_dir, "label": label, "total_frames": t, "keypoint": rand(m, t, v, c)}
    if c == 2:
        ann["keypoint_score"] = np.ones((m, t, v), np.float32)
        ann["img_shape"] = (1080, 1920)
    return ann


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_pyskl_pickle_round_trip(tmp_path, protocol):
    anns = [pyskl_ann("S001C001P001R001A001", 0), pyskl_ann("S001C002P001R001A002", 1)]
    data = {"split": {"xsub_train": ["S001C001P001R001A001"]}, "annotations": anns}
    path = write_pickle(tmp_path / "ntu.pkl", data, protocol)
    by_index = load_clip(path, item=1)
    by_name = load_clip(path, item="S001C002P001R001A002")
    for clip in (by_index, by_name):
        np.testing.assert_array_equal(clip.data, anns[1]["keypoint"])
        assert (clip.layout, clip.label) == ("ntu-rgbd", 1)
    assert "S001C002P001R001A002" in by_name.source and "ntu.pkl" in by_name.source


def test_pyskl_2d_keeps_two_channels(tmp_path):
    ann = pyskl_ann("clip", 3, m=1, v=17, c=2)
    clip = load_clip(write_pickle(tmp_path / "one.pkl", [ann]))
    assert (clip.layout, clip.data.shape, clip.label) == ("coco-17", (1, 6, 17, 2), 3)
    # A single annotation dict is a valid file too.
    assert load_clip(write_pickle(tmp_path / "single.pkl", ann)).data.shape == (1, 6, 17, 2)
    # the pose estimator's scores are the clip's per-joint confidence
    ann["keypoint_score"][0, :, 3] = 0.1
    scored = load_clip(write_pickle(tmp_path / "scored.pkl", ann))
    assert scored.confidence.shape == (1, 6, 17) and scored.confidence[0, 0, 3] == np.float32(0.1)
    assert (
        not scored.confident(0.5).data[0, :, 3].any() and scored.confident(0.5).data[0, :, 4].all()
    )
    ann["keypoint_score"] = np.ones((1, 6, 16), np.float32)
    with pytest.raises(ClipFormatError, match=r"'keypoint_score' has shape \(1, 6, 16\)"):
        load_clip(write_pickle(tmp_path / "bad.pkl", ann))


def test_pyskl_selection_errors(tmp_path):
    path = write_pickle(tmp_path / "two.pkl", [pyskl_ann("x", 0), pyskl_ann("y", 1)])
    with pytest.raises(ClipFormatError, match=r"two\.pkl: holds 2 annotations; pass item=.*'x'"):
        load_clip(path)
    with pytest.raises(ClipFormatError, match="no annotation with frame_dir 'z'"):
        load_clip(path, item="z")
    with pytest.raises(ClipFormatError, match=r"item 2 is not an index 0\.\.1"):
        load_clip(path, item=2)
    np.save(tmp_path / "a.npy", rand(3, 25, 3))
    with pytest.raises(ClipFormatError, match=r"a\.npy: item= selects"):
        load_clip(tmp_path / "a.npy", item=0)


@pytest.mark.parametrize(
    ("ann", "match"),
    [
        ({"frame_dir": "x", "label": 0, "keypoint": np.zeros((6, 25, 3))}, r"shape \(6, 25, 3\)"),
        ({"frame_dir": "x", "label": 0}, "no 'keypoint'"),
        ({**pyskl_ann("x", 0), "total_frames": 9}, "total_frames is 9 but 'keypoint' has 6"),
        ({**pyskl_ann("x", 0), "label": -1}, "label -1"),
        ({**pyskl_ann("x", 0), "keypoint": np.full((1, 6, 25, 3), np.nan)}, "NaN"),
        (pyskl_ann("x", 0, v=24), "24 joints fits no known layout"),
        (pyskl_ann("x", 0, v=20), "20 joints fits kinect-v1, msr-action3d, utd-mhad; pass layout="),
    ],
)
def test_pyskl_bad_annotations(tmp_path, ann, match):
    path = write_pickle(tmp_path / "bad.pkl", {"annotations": [ann]})
    with pytest.raises(ClipFormatError, match=match) as e:
        load_clip(path, item=0)
    assert "bad.pkl" in str(e.value)


def test_pyskl_bad_containers(tmp_path):
    cases = [
        ({"annotations": []}, "no annotations"),
        ({"annotations": "x"}, "expected {'split'"),
        (42, "found int"),
        ({"split": ["x"], "annotations": [pyskl_ann("x", 0)]}, "'split' must map split names"),
        ([{"frame_dir": "x"}], "no 'keypoint' array"),
    ]
    for obj, match in cases:
        path = write_pickle(tmp_path / "c.pkl", obj)
        with pytest.raises(ClipFormatError, match=re.escape(match)) as e:
            load_clip(path)
        assert "c.pkl" in str(e.value)


class _RunsCommand:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_malicious_pickle_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = write_pickle(tmp_path / "evil.pkl", {"annotations": [_RunsCommand(marker)]})
    with pytest.raises(
        ClipFormatError, match=r"evil\.pkl: refused to unpickle global '\w+\.system'"
    ):
        load_clip(path)
    assert not marker.exists()
    # The same pickle really would run the command with the stock unpickler.
    pickle.loads(path.read_bytes())
    assert marker.exists()


@pytest.mark.parametrize(
    ("obj", "refused"),
    [
        (eval, "builtins.eval"),
        (__import__("collections").OrderedDict(a=1), "collections.OrderedDict"),
        (Path("x"), "pathlib"),
        ({1, 2}, None),  # sets need no global in protocol 4: plain data, allowed
        (complex(1, 2), "builtins.complex"),
    ],
)
def test_safe_unpickler_allow_list(obj, refused):
    data = pickle.dumps(obj, protocol=4)
    if refused is None:
        assert safe_loads(data) == obj
        return
    with pytest.raises(UnsafePickleError, match=rf"refused to unpickle global '{refused}"):
        safe_loads(data)


def test_safe_unpickler_numpy_and_old_protocols():
    obj = {
        "a": np.arange(12, dtype=np.float32).reshape(3, 4),
        "f": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "s": np.int64(5),
        "b": b"\x00\xff",
        "t": (1, 2.5, None, True, "x"),
    }
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        out = safe_loads(pickle.dumps(obj, protocol=protocol))
        np.testing.assert_array_equal(out["a"], obj["a"])
        np.testing.assert_array_equal(out["f"], obj["f"])
        assert out["s"] == 5 and out["b"] == obj["b"] and out["t"] == obj["t"]
    # Old pickles spell bytes as _codecs.encode(text, "latin1"); other encodings are refused.
    sneaky = b"c_codecs\nencode\n(X\x01\x00\x00\x00aX\x05\x00\x00\x00utf-8tR."
    with pytest.raises(pickle.UnpicklingError, match="only the latin-1"):
        safe_loads(sneaky)


def test_detect_format_by_name_and_content(tmp_path):
    msr = tmp_path / "walk.txt"
    msr.write_text(msr_text(rand(2, 20, 3)))
    assert detect_format(msr) == "msr-action3d"
    for name, fmt in [("x.skeleton", "ntu-rgbd"), ("x.pkl", "pyskl"), ("x.json", "nw-ucla")]:
        assert detect_format(tmp_path / name) == fmt
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_clip(msr, layout="msr-action3d").data.shape == (1, 2, 20, 3)


def test_names_formats_used_to_re_export_still_work_with_a_warning():
    import skeletonmae.formats as formats

    with pytest.warns(DeprecationWarning, match="skeletonmae.io.utkinect.cut_utkinect_stream"):
        assert formats.cut_utkinect_stream is cut_utkinect_stream
    with pytest.warns(DeprecationWarning, match="formats()"):
        assert formats.FORMATS["nw-ucla"] is formats.formats()["nw-ucla"].read

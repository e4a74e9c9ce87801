"""Skeleton layouts: registry, aliases, user JSON layouts, mappings and body regions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from skeletonmae.layouts import (
    DerivedJointsWarning,
    Layout,
    LayoutError,
    available_layouts,
    get_layout,
    joint_weights,
    layout_mapping,
    load_layout,
    map_joints,
    register_layout,
)

BUILT_IN = {
    "kinect-v1": 20,
    "msr-action3d": 20,
    "ntu-rgbd": 25,
    "coco-17": 17,
    "utd-mhad": 20,
    "penn-action": 13,
    "openni-15": 15,
    "mediapipe-33": 33,
    "smpl-24": 24,
}


def edges(pairs) -> set[frozenset[int]]:
    return {frozenset(p) for p in pairs}


def test_registry_has_the_built_in_layouts():
    assert set(BUILT_IN) <= set(available_layouts())
    for name, v in BUILT_IN.items():
        lay = get_layout(name)
        assert (lay.name, lay.num_joints, len(lay.parents)) == (name, v, v)
        assert get_layout(lay) is lay


@pytest.mark.parametrize(
    ("alias", "name"),
    [("nw-ucla", "kinect-v1"), ("utkinect", "kinect-v1"), ("ntu", "ntu-rgbd"), ("coco", "coco-17")],
)
def test_aliases(alias, name):
    assert get_layout(alias) is get_layout(name)


def test_unknown_names_suggest_close_ones():
    with pytest.raises(LayoutError, match="unknown layout 'kinect-v2'; did you mean 'kinect-v1'"):
        get_layout("kinect-v2")
    with pytest.raises(LayoutError, match="did you mean 'left_elbow'"):
        get_layout("kinect-v1").index("left_elbw")


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_bones_form_one_tree(name):
    lay = get_layout(name)
    roots = [i for i, p in enumerate(lay.parents) if p < 0]
    assert len(roots) == 1 and len(lay.bones) == lay.num_joints - 1
    for i in range(lay.num_joints):  # every joint reaches the root
        seen = 0
        while lay.parents[i] >= 0:
            i, seen = lay.parents[i], seen + 1
            assert seen < lay.num_joints
    adj = lay.adjacency()
    np.testing.assert_array_equal(adj, adj.T)
    assert adj.sum() == 2 * len(lay.bones) and not np.diag(adj).any()


def test_bones_match_the_dataset_descriptions():
    # Undirected (child, parent) lists, 1-based, from the datasets' descriptions.
    kinect = [(1, 2), (2, 3), (4, 3), (5, 3), (6, 5), (7, 6), (8, 7), (9, 3), (10, 9), (11, 10),
              (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18),
              (20, 19)]  # fmt: skip
    msr = [(7, 4), (4, 3), (3, 20), (3, 1), (3, 2), (1, 8), (2, 9), (8, 10), (9, 11), (10, 12),
           (11, 13), (7, 5), (7, 6), (5, 14), (6, 15), (14, 16), (15, 17), (16, 18),
           (17, 19)]  # fmt: skip
    for name, pairs in (("kinect-v1", kinect), ("msr-action3d", msr)):
        got = edges((c + 1, p + 1) for c, p in get_layout(name).bones)
        assert got == edges(pairs), name
    assert get_layout("msr-action3d").joints[19] == "head"


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_regions_partition_the_joints(name):
    lay = get_layout(name)
    members = [j for idx in lay.regions.values() for j in idx]
    assert sorted(members) == list(range(lay.num_joints))
    assert len(lay.regions) == 6


def test_coco_regions_follow_system_b():
    sizes = {k: len(v) for k, v in get_layout("coco-17").regions.items()}
    assert sizes == {"head": 5, "torso": 4, "left_arm": 2, "right_arm": 2, "left_leg": 2,
                     "right_leg": 2}  # fmt: skip


def test_custom_json_layout_round_trip(tmp_path):
    spec = {
        "name": "stick-5",
        "joints": ["pelvis", "neck", "head", "left_hand", "right_hand"],
        "parents": [None, "pelvis", "neck", "neck", "neck"],
        "center": "pelvis",
        "regions": {"core": ["pelvis", "neck", "head"], "arms": [3, 4]},
    }
    path = tmp_path / "stick.json"
    path.write_text(json.dumps(spec))
    lay = load_layout(path)
    assert lay.parents == (-1, 0, 1, 1, 1) and lay.center == (0,)
    assert lay.regions == {"core": (0, 1, 2), "arms": (3, 4)}
    assert get_layout("stick-5") is lay and "stick-5" in available_layouts()
    again = tmp_path / "again.json"
    again.write_text(json.dumps(lay.to_dict()))
    assert load_layout(again, register=False) == lay
    assert get_layout(str(again)) == lay  # a path to a .json file works as a layout name


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ({"joints": ["a", "b"]}, "needs 'name' and 'joints'"),
        ({"name": "x", "joints": ["a", "a"]}, "repeats joint names"),
        ({"name": "x", "joints": ["a", "b"], "parents": [None, "c"]}, "unknown joint 'c'"),
        ({"name": "x", "joints": ["a", "b"], "parents": [None]}, "1 parents for 2 joints"),
        ({"name": "x", "joints": ["a", "b"], "parents": [1, 0]}, "cycle"),
        ({"name": "x", "joints": ["a", "b"], "center": [5]}, "out of range"),
        ({"name": "x", "joints": ["a", "b"], "regions": {"r": ["a"], "s": ["a", "b"]}}, "overlaps"),
    ],
)
def test_malformed_json_layouts(tmp_path, spec, match):
    path = tmp_path / "bad_layout.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(LayoutError, match=match):
        load_layout(path, register=False)
    path.write_text("{not json")
    with pytest.raises(LayoutError, match=r"cannot read layout file .*bad_layout\.json"):
        load_layout(path)


def test_register_refuses_a_different_layout_under_a_taken_name():
    kin = get_layout("kinect-v1")
    register_layout(kin)  # the same layout again is fine
    other = Layout("kinect-v1", ("a",), (-1,), (0,))
    with pytest.raises(LayoutError, match="already registered"):
        register_layout(other)


def test_msr_and_kinect_map_both_ways():
    data = np.random.default_rng(0).normal(size=(1, 4, 20, 3))
    to_kinect = map_joints(data, "msr-action3d", "kinect-v1")
    msr, kin = get_layout("msr-action3d"), get_layout("kinect-v1")
    for j, name in enumerate(kin.joints):
        np.testing.assert_array_equal(to_kinect[..., j, :], data[..., msr.index(name), :])
    np.testing.assert_array_equal(map_joints(to_kinect, "kinect-v1", "msr-action3d"), data)
    # The mapping is a permutation, and the bones survive it.
    perm = layout_mapping("msr-action3d", "kinect-v1")
    assert sorted(perm) == list(range(20))
    assert edges((perm[c], perm[p]) for c, p in kin.bones) == edges(msr.bones)


def test_ntu_maps_onto_kinect_by_the_shared_joints():
    idx = layout_mapping("ntu-rgbd", "kinect-v1")
    assert len(idx) == 20 and len(set(idx.tolist())) == 20
    # 1-based NTU joints: 4 head, 21 spine-shoulder (Kinect v1's shoulder centre), 8 left hand.
    kin = get_layout("kinect-v1")
    assert idx[kin.index("head")] == 3
    assert idx[kin.index("shoulder_center")] == 20
    assert idx[kin.index("left_hand")] == 7
    assert set(range(25)) - set(idx.tolist()) == {2, 21, 22, 23, 24}  # neck, tips, thumbs
    data = np.arange(25 * 3, dtype=np.float32).reshape(1, 1, 25, 3)
    assert map_joints(data, "ntu-rgbd", "kinect-v1").shape == (1, 1, 20, 3)


def test_unmappable_layouts_fail_clearly():
    with pytest.raises(
        LayoutError, match=r"cannot map layout 'coco-17' onto 'kinect-v1'.*hip_center"
    ):
        layout_mapping("coco-17", "kinect-v1")
    with pytest.raises(LayoutError, match=r"'kinect-v1' has no .*left_hand_tip"):
        layout_mapping("kinect-v1", "ntu-rgbd")
    with pytest.raises(
        LayoutError, match="data has 25 joints on axis -2, layout 'kinect-v1' has 20"
    ):
        map_joints(np.zeros((1, 2, 25, 3)), "kinect-v1", "msr-action3d")


def joint(data: np.ndarray, layout: str, name: str) -> np.ndarray:
    return data[..., get_layout(layout).index(name), :]


@pytest.mark.parametrize("src", ["openni-15", "coco-17", "mediapipe-33", "smpl-24"])
@pytest.mark.parametrize("dst", ["kinect-v1", "ntu-rgbd", "penn-action"])
def test_sensor_layouts_reach_the_model_layouts(src, dst):
    """Every joint of ``dst`` is either one ``src`` has (copied) or one it derives (a weighted
    mean of its joints, weights summing to one)."""
    w, derived = joint_weights(src, dst)
    s, d = get_layout(src), get_layout(dst)
    assert w.shape == (d.num_joints, s.num_joints)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-6)
    for row, name in enumerate(d.joints):
        if name in s.joints:
            assert w[row, s.index(name)] == 1.0 and name not in derived
        else:
            assert name in derived


def test_derived_joints_have_the_declared_values():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(1, 4, 15, 3)).astype(np.float32)
    with pytest.warns(DerivedJointsWarning, match="derived hip_center, spine, shoulder_center"):
        k = map_joints(data, "openni-15", "kinect-v1")
    mid_hips = (joint(data, "openni-15", "left_hip") + joint(data, "openni-15", "right_hip")) / 2
    np.testing.assert_allclose(joint(k, "kinect-v1", "hip_center"), mid_hips, rtol=1e-6)
    np.testing.assert_array_equal(joint(k, "kinect-v1", "spine"), joint(data, "openni-15", "torso"))
    for side in ("left", "right"):
        hand = joint(data, "openni-15", f"{side}_hand")
        np.testing.assert_array_equal(joint(k, "kinect-v1", f"{side}_wrist"), hand)
        np.testing.assert_array_equal(joint(k, "kinect-v1", f"{side}_hand"), hand)
    coco = rng.normal(size=(2, 3, 17, 2)).astype(np.float32)
    with pytest.warns(DerivedJointsWarning):
        ntu = map_joints(coco, "coco-17", "ntu-rgbd")
    four = [
        joint(coco, "coco-17", f"{s}_{p}") for s in ("left", "right") for p in ("shoulder", "hip")
    ]
    np.testing.assert_allclose(joint(ntu, "ntu-rgbd", "spine"), sum(four) / 4, rtol=1e-5)
    assert ntu.shape == (2, 3, 25, 2) and ntu.dtype == np.float32


def test_exact_mappings_do_not_warn(recwarn):
    map_joints(np.zeros((1, 2, 24, 3), np.float32), "smpl-24", "penn-action")
    assert not [w for w in recwarn if issubclass(w.category, DerivedJointsWarning)]


def test_user_layouts_declare_derived_joints(tmp_path):
    spec = {
        "name": "three-points",
        "joints": ["left_hip", "right_hip", "head"],
        "parents": [None, "left_hip", "left_hip"],
        "derived": {"hip_center": {"left_hip": 1, "right_hip": 1}},
    }
    (tmp_path / "l.json").write_text(json.dumps(spec))
    lay = load_layout(tmp_path / "l.json")
    assert lay.derived == {"hip_center": ((0, 1.0), (1, 1.0))}
    assert Layout.from_dict(lay.to_dict()) == lay
    for bad in ({"head": {"left_hip": 1}}, {"neck": {"left_hip": -1}}, {"neck": {"ear": 1}}):
        with pytest.raises(LayoutError, match="derived"):
            Layout.from_dict({**spec, "derived": bad})


@pytest.mark.parametrize("v", [15, 24, 33])
def test_sensor_layouts_are_never_guessed_from_a_joint_count(v):
    from skeletonmae.io.arrays import array_to_clip

    with pytest.raises(ValueError, match="pass layout="):
        array_to_clip(np.zeros((4, v, 3), np.float32) + 0.1)


def test_an_unknown_layout_lists_the_aliases_it_may_suggest():
    with pytest.raises(LayoutError) as e:
        get_layout("utkinnect")
    message = str(e.value)
    assert "did you mean 'utkinect'" in message
    aliases = "coco = coco-17, ntu = ntu-rgbd, nw-ucla = kinect-v1, utkinect = kinect-v1"
    assert f"aliases: {aliases}" in message

"""Skeleton layouts: joint names, bones, centre joint and body regions, plus mappings between them.

A layout is the contract between data and a model: a model trained on ``kinect-v1`` expects 20
joints in the Kinect SDK v1 order. Joints are identified across layouts by their canonical names
(``left_elbow``, ``hip_center``…), which is what makes a mapping between layouts possible.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .names import check_keys, did_you_mean

__all__ = [
    "AXIS_WORDS",
    "SENSOR_LAYOUTS",
    "DerivedJointsWarning",
    "Layout",
    "LayoutError",
    "available_layouts",
    "axis_signs",
    "get_layout",
    "joint_weights",
    "layout_aliases",
    "layout_mapping",
    "load_layout",
    "map_joints",
    "register_layout",
    "upside_down",
]


class LayoutError(ValueError):
    """A layout is unknown, malformed, or cannot be mapped onto another."""


# Which way each coordinate grows, seen from the camera: x, then y, then z (a 2-D clip of a
# layout uses its first two). Opposites flip a coordinate's sign when a clip changes layout.
AXIS_WORDS = (("left", "right"), ("up", "down"), ("away", "toward"))
UNITS = ("m", "mm", "px")


@dataclass(frozen=True)
class Layout:
    """A named skeleton: joints in order, a parent per joint (-1 for the root), centre joints,
    body regions (ordered name → joint indices, used by region masking) and ``derived``: joints
    this layout lacks, each as a weighted sum of its own joints (name → ((index, weight), …)),
    which lets its clips reach models of layouts that have them (see `joint_weights`)."""

    name: str
    joints: tuple[str, ...]
    parents: tuple[int, ...]
    center: tuple[int, ...]
    regions: dict[str, tuple[int, ...]] = field(default_factory=dict)
    derived: dict[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)
    axes: tuple[str, ...] = ()
    units: str = ""

    def __post_init__(self) -> None:
        v = len(self.joints)
        if self.axes and (
            len(self.axes) not in (2, 3)
            or any(a not in pair for a, pair in zip(self.axes, AXIS_WORDS, strict=False))
        ):
            raise LayoutError(
                f"layout {self.name!r}: axes {list(self.axes)} must say which way x, y (and z) "
                f"grow, seen from the camera: {' / '.join('|'.join(p) for p in AXIS_WORDS)}"
            )
        if self.units and self.units not in UNITS:
            raise LayoutError(f"layout {self.name!r}: units {self.units!r} not in {UNITS}")
        if v == 0:
            raise LayoutError(f"layout {self.name!r} has no joints")
        if len(set(self.joints)) != v:
            dup = sorted({j for j in self.joints if self.joints.count(j) > 1})
            raise LayoutError(f"layout {self.name!r} repeats joint names: {dup}")
        if len(self.parents) != v:
            raise LayoutError(f"layout {self.name!r}: {len(self.parents)} parents for {v} joints")
        for i, p in enumerate(self.parents):
            if (p != -1 and not 0 <= p < v) or p == i:
                raise LayoutError(f"layout {self.name!r}: joint {self.joints[i]!r} has parent {p}")
        for i in range(v):  # parent links must end at a root, not loop
            j, steps = i, 0
            while self.parents[j] != -1 and steps <= v:
                j, steps = self.parents[j], steps + 1
            if steps > v:
                raise LayoutError(
                    f"layout {self.name!r}: the parents of joint {self.joints[i]!r} form a cycle"
                )
        if not self.center or any(not 0 <= c < v for c in self.center):
            raise LayoutError(f"layout {self.name!r}: centre joints {self.center} out of range")
        seen: set[int] = set()
        for region, idx in self.regions.items():
            if any(not 0 <= i < v for i in idx) or not idx:
                raise LayoutError(f"layout {self.name!r}: region {region!r} has bad joints {idx}")
            if seen & set(idx):
                raise LayoutError(f"layout {self.name!r}: region {region!r} overlaps another")
            seen |= set(idx)
        for joint, terms in self.derived.items():
            if joint in self.joints or not terms:
                raise LayoutError(
                    f"layout {self.name!r}: derived joint {joint!r} must be a joint it lacks, "
                    "made of at least one of its joints"
                )
            if any(not 0 <= i < v or not w > 0 for i, w in terms):
                raise LayoutError(
                    f"layout {self.name!r}: derived joint {joint!r} has bad terms {terms} "
                    "(expected joints of the layout with positive weights)"
                )

    @property
    def num_joints(self) -> int:
        return len(self.joints)

    @property
    def bones(self) -> list[tuple[int, int]]:
        """(child, parent) pairs, 0-based."""
        return [(i, p) for i, p in enumerate(self.parents) if p >= 0]

    @property
    def parent_index(self) -> np.ndarray:
        """(V,) index of each joint's parent, the root pointing at itself: ``x - x[...,
        parent_index, :]`` gives every joint's bone vector, zero at the root, in numpy or torch."""
        return np.array([p if p >= 0 else i for i, p in enumerate(self.parents)], dtype=np.int64)

    def adjacency(self) -> np.ndarray:
        """Symmetric 0/1 bone adjacency (V, V) without self loops."""
        a = np.zeros((self.num_joints, self.num_joints), dtype=np.float32)
        for c, p in self.bones:
            a[c, p] = a[p, c] = 1.0
        return a

    def index(self, joint: str) -> int:
        """Index of a joint by name; unknown names suggest close ones."""
        try:
            return self.joints.index(joint)
        except ValueError:
            hint = did_you_mean(joint, self.joints)
            raise LayoutError(f"layout {self.name!r} has no joint {joint!r}{hint}") from None

    def to_dict(self) -> dict:
        """JSON form, with joints referred to by name (the format `load_layout` reads)."""
        d = {
            "name": self.name,
            "joints": list(self.joints),
            "parents": [self.joints[p] if p >= 0 else None for p in self.parents],
            "center": [self.joints[c] for c in self.center],
            "regions": {k: [self.joints[i] for i in v] for k, v in self.regions.items()},
        }
        if self.derived:
            d["derived"] = {
                k: {self.joints[i]: w for i, w in terms} for k, terms in self.derived.items()
            }
        if self.axes:
            d["axes"] = list(self.axes)
        if self.units:
            d["units"] = self.units
        return d

    @classmethod
    def from_dict(cls, d: dict, *, source: str = "layout") -> Layout:
        """Build a layout from its JSON form; parents/centre/regions may be names or indices."""
        if not isinstance(d, dict):
            raise LayoutError(f"{source}: a layout is a JSON object, got {type(d).__name__}")
        try:
            check_keys(
                d,
                ("name", "joints", "parents", "center", "regions", "derived", "axes", "units"),
                "keys",
            )
        except ValueError as e:
            raise LayoutError(f"{source}: {e}") from None
        try:
            joints = tuple(str(j) for j in d["joints"])
            name = str(d["name"])
        except (KeyError, TypeError) as e:
            raise LayoutError(f"{source}: a layout needs 'name' and 'joints' ({e})") from None

        def idx(x: int | str) -> int:
            if isinstance(x, int):
                return x
            if x not in joints:
                raise LayoutError(f"{source}: unknown joint {x!r} (joints are {list(joints)})")
            return joints.index(x)

        parents = tuple(-1 if p is None else idx(p) for p in d.get("parents", [None] * len(joints)))
        center = d.get("center", [joints[0]])
        center = (center,) if isinstance(center, int | str) else tuple(center)
        regions = {str(k): tuple(idx(j) for j in v) for k, v in d.get("regions", {}).items()}
        try:
            derived = {
                str(k): tuple((idx(j), float(w)) for j, w in dict(v).items())
                for k, v in d.get("derived", {}).items()
            }
        except (TypeError, ValueError, AttributeError) as e:
            raise LayoutError(
                f"{source}: 'derived' maps a joint to {{joint: weight}} ({e})"
            ) from None
        axes = tuple(str(a) for a in d.get("axes", ()))
        units = str(d.get("units", ""))
        return cls(
            name, joints, parents, tuple(idx(c) for c in center), regions, derived, axes, units
        )


_REGISTRY: dict[str, Layout] = {}
_ALIASES = {"nw-ucla": "kinect-v1", "utkinect": "kinect-v1", "ntu": "ntu-rgbd", "coco": "coco-17"}


def register_layout(layout: Layout, *, overwrite: bool = False) -> Layout:
    """Add a layout to the registry so that it can be referred to by name."""
    if layout.name in _REGISTRY and not overwrite and _REGISTRY[layout.name] != layout:
        raise LayoutError(f"a different layout named {layout.name!r} is already registered")
    _REGISTRY[layout.name] = layout
    return layout


def available_layouts() -> list[str]:
    return sorted(_REGISTRY)


def layout_aliases() -> dict[str, str]:
    """Other names layouts answer to (alias → layout name), e.g. ``utkinect`` → ``kinect-v1``."""
    return dict(_ALIASES)


def load_layout(path: str | Path, *, register: bool = True) -> Layout:
    """Read a user-defined layout from a small JSON file (see `Layout.to_dict` for the format)."""
    path = Path(path)
    try:
        d = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise LayoutError(f"cannot read layout file {path}: {e}") from None
    layout = Layout.from_dict(d, source=str(path))
    return register_layout(layout, overwrite=True) if register else layout


def get_layout(layout: str | Path | Layout) -> Layout:
    """A layout by registered name (or alias), by JSON file path, or passed through."""
    if isinstance(layout, Layout):
        return layout
    name = str(layout)
    name = _ALIASES.get(name, name)
    if name in _REGISTRY:
        return _REGISTRY[name]
    if name.endswith(".json") and Path(name).is_file():
        return load_layout(name)
    hint = did_you_mean(name, list(_REGISTRY) + list(_ALIASES))
    aliases = ", ".join(f"{a} = {n}" for a, n in sorted(_ALIASES.items()))
    raise LayoutError(
        f"unknown layout {name!r}{hint} (known: {', '.join(available_layouts())}; aliases: "
        f"{aliases}; or a path to a layout .json file)"
    )


def layout_mapping(src: str | Layout, dst: str | Layout) -> np.ndarray:
    """Indices into ``src`` joints giving each ``dst`` joint, matched by joint name.

    Raises `LayoutError` naming the ``dst`` joints that ``src`` lacks (`joint_weights` also
    uses the joints ``src`` can derive).
    """
    s, d = get_layout(src), get_layout(dst)
    missing = [j for j in d.joints if j not in s.joints]
    if missing:
        raise LayoutError(
            f"cannot map layout {s.name!r} onto {d.name!r}: {s.name!r} has no {', '.join(missing)}"
        )
    return np.array([s.joints.index(j) for j in d.joints], dtype=np.int64)


def joint_weights(src: str | Layout, dst: str | Layout) -> tuple[np.ndarray, list[str]]:
    """A (V_dst, V_src) float32 matrix giving each ``dst`` joint from ``src`` joints (its own by
    name, else the weighted sum ``src`` declares in ``derived``), and the names of the derived
    joints. Raises `LayoutError` naming the joints neither gives."""
    s, d = get_layout(src), get_layout(dst)
    missing = [j for j in d.joints if j not in s.joints and j not in s.derived]
    if missing:
        raise LayoutError(
            f"cannot map layout {s.name!r} onto {d.name!r}: {s.name!r} has no "
            f"{', '.join(missing)} and declares no way to derive them"
        )
    w = np.zeros((d.num_joints, s.num_joints), dtype=np.float32)
    derived = []
    for row, joint in enumerate(d.joints):
        if joint in s.joints:
            w[row, s.joints.index(joint)] = 1.0
        else:
            derived.append(joint)
            terms = s.derived[joint]
            total = sum(weight for _, weight in terms)
            for i, weight in terms:
                w[row, i] += weight / total
    return w, derived


def map_joints(
    data: np.ndarray, src: str | Layout, dst: str | Layout, axis: int = -2
) -> np.ndarray:
    """Reorder/select the joint axis of ``data`` from layout ``src`` to layout ``dst``; joints
    ``src`` lacks are derived as it declares, with a warning that names them."""
    s, d = get_layout(src), get_layout(dst)
    if data.shape[axis] != s.num_joints:
        raise LayoutError(
            f"data has {data.shape[axis]} joints on axis {axis}, layout {s.name!r} has "
            f"{s.num_joints}"
        )
    if s.name == d.name:
        return data
    if all(j in s.joints for j in d.joints):
        return np.take(data, layout_mapping(s, d), axis=axis)
    w, derived = joint_weights(s, d)
    warnings.warn(
        f"layout {s.name!r} mapped onto {d.name!r}: derived {', '.join(derived)}",
        DerivedJointsWarning,
        stacklevel=2,
    )
    moved = np.moveaxis(data, axis, -1)
    return np.moveaxis(moved @ w.T, -1, axis).astype(data.dtype, copy=False)


class DerivedJointsWarning(UserWarning):
    """Joints a model needs were computed from others (see `Layout.derived`)."""


def axis_signs(src: str | Layout, dst: str | Layout, channels: int) -> np.ndarray | None:
    """(channels,) ±1 that turn coordinates in ``src``'s axes into ``dst``'s, or None when
    either layout does not declare its axes (the coordinates are then taken as they are)."""
    s, d = get_layout(src), get_layout(dst)
    if len(s.axes) < channels or len(d.axes) < channels:
        return None
    pairs = zip(s.axes[:channels], d.axes[:channels], strict=True)
    return np.array([1.0 if a == b else -1.0 for a, b in pairs], dtype=np.float32)


def upside_down(data: np.ndarray, layout: str | Layout) -> bool:
    """Whether an (M, T, V, C) clip's head is below its ankles in ``layout``'s declared axes,
    i.e. its y axis points the other way (False when the layout lacks the joints or axes)."""
    lay = get_layout(layout)
    feet = [i for i, j in enumerate(lay.joints) if j in ("left_ankle", "right_ankle")]
    if "head" not in lay.joints or not feet or len(lay.axes) < 2:
        return False
    present = np.abs(data).sum(-1) > 0
    head, ankle = lay.joints.index("head"), feet[0]
    both = present[..., head] & present[..., ankle]
    if not both.any():
        return False
    height = float(np.median((data[..., head, 1] - data[..., ankle, 1])[both]))
    return height < 0 if lay.axes[1] == "up" else height > 0


def _build(
    name: str,
    joints: Sequence[str],
    parents: dict[str, str],
    center: Sequence[str],
    regions: dict[str, Sequence[str]],
    derived: dict[str, dict[str, float]] | None = None,
    *,
    axes: tuple[str, ...] = (),
    units: str = "",
) -> Layout:
    return register_layout(
        Layout.from_dict(
            {
                "name": name,
                "joints": list(joints),
                "parents": [parents.get(j) for j in joints],
                "center": list(center),
                "regions": {k: list(v) for k, v in regions.items()},
                "derived": derived or {},
                "axes": list(axes),
                "units": units,
            },
            source=name,
        )
    )


def _mid(*joints: str) -> dict[str, float]:
    """The mean of ``joints``: a derivation."""
    return {j: 1.0 for j in joints}


def _both_sides(make: dict[str, Any]) -> dict[str, Any]:
    """Entries written for one side with ``{s}`` in their names (a parent's name, or a
    derivation's joints), for the left and the right side."""

    def side(value: Any, s: str) -> Any:
        if isinstance(value, str):
            return value.format(s=s)
        return {j.format(s=s): w for j, w in value.items()}

    return {k.format(s=s): side(v, s) for k, v in make.items() for s in ("left", "right")}


def _side(prefix: str, names: Sequence[str]) -> list[str]:
    return [f"{prefix}_{n}" for n in names]


# Kinect-style trees share parent links by joint name; each layout keeps the joints it has.
_KINECT_PARENTS = {
    "spine": "hip_center",
    "shoulder_center": "spine",
    "head": "shoulder_center",
    **{f"{s}_shoulder": "shoulder_center" for s in ("left", "right")},
    **{f"{s}_elbow": f"{s}_shoulder" for s in ("left", "right")},
    **{f"{s}_wrist": f"{s}_elbow" for s in ("left", "right")},
    **{f"{s}_hand": f"{s}_wrist" for s in ("left", "right")},
    **{f"{s}_hip": "hip_center" for s in ("left", "right")},
    **{f"{s}_knee": f"{s}_hip" for s in ("left", "right")},
    **{f"{s}_ankle": f"{s}_knee" for s in ("left", "right")},
    **{f"{s}_foot": f"{s}_ankle" for s in ("left", "right")},
}
_ARM = ("shoulder", "elbow", "wrist", "hand")
_LEG = ("hip", "knee", "ankle", "foot")
# Arms then legs, left before right, root to tip: the order Kinect-style layouts share.
_KINECT_LIMBS = (
    _side("left", _ARM) + _side("right", _ARM) + _side("left", _LEG) + _side("right", _LEG)
)
_KINECT_REGIONS = {
    "head": ["shoulder_center", "head"],
    "torso": ["hip_center", "spine", "left_shoulder", "right_shoulder", "left_hip", "right_hip"],
    "left_arm": ["left_elbow", "left_wrist", "left_hand"],
    "right_arm": ["right_elbow", "right_wrist", "right_hand"],
    "left_leg": ["left_knee", "left_ankle", "left_foot"],
    "right_leg": ["right_knee", "right_ankle", "right_foot"],
}

# The Kinect SDK's camera space (v1 and v2): metres, x towards the camera's left (a person
# facing the sensor has their right hand at larger x), y up, z away from the sensor.
_KINECT_CAMERA = ("left", "up", "away")

KINECT_V1 = _build(
    "kinect-v1",
    ["hip_center", "spine", "shoulder_center", "head"] + _KINECT_LIMBS,
    _KINECT_PARENTS,
    ["hip_center"],
    _KINECT_REGIONS,
    axes=_KINECT_CAMERA,
    units="m",
)

# MSR Action3D's own order. Which shoulder is "left" was decided geometrically: joints 1, 5, 8…
# lie on the same side of the body (smaller x) as kinect-v1's left joints on NW-UCLA, so the
# mapping onto kinect-v1 preserves the picture rather than mirroring it.
MSR_ACTION3D = _build(
    "msr-action3d",
    [
        "left_shoulder",
        "right_shoulder",
        "shoulder_center",
        "spine",
        "left_hip",
        "right_hip",
        "hip_center",
        "left_elbow",
        "right_elbow",
        "left_wrist",
        "right_wrist",
        "left_hand",
        "right_hand",
        "left_knee",
        "right_knee",
        "left_ankle",
        "right_ankle",
        "left_foot",
        "right_foot",
        "head",
    ],
    _KINECT_PARENTS,
    ["hip_center"],
    _KINECT_REGIONS,
    axes=_KINECT_CAMERA,
    units="m",
)

# UTD-MHAD's own order (its Skeleton_joint_order.txt): head first, then down the spine.
UTD_MHAD = _build(
    "utd-mhad",
    ["head", "shoulder_center", "spine", "hip_center"] + _KINECT_LIMBS,
    _KINECT_PARENTS,
    ["hip_center"],
    _KINECT_REGIONS,
    axes=_KINECT_CAMERA,
    units="m",
)

NTU_RGBD = _build(
    "ntu-rgbd",
    ["hip_center", "spine", "neck", "head"]
    + _KINECT_LIMBS
    + ["shoulder_center", "left_hand_tip", "left_thumb", "right_hand_tip", "right_thumb"],
    {
        **_KINECT_PARENTS,
        "neck": "shoulder_center",
        "head": "neck",
        **{f"{s}_{t}": f"{s}_hand" for s in ("left", "right") for t in ("hand_tip", "thumb")},
    },
    ["spine"],
    {
        "head": ["neck", "head"],
        "torso": _KINECT_REGIONS["torso"] + ["shoulder_center"],
        **{
            f"{s}_arm": [f"{s}_elbow", f"{s}_wrist", f"{s}_hand", f"{s}_hand_tip", f"{s}_thumb"]
            for s in ("left", "right")
        },
        "left_leg": _KINECT_REGIONS["left_leg"],
        "right_leg": _KINECT_REGIONS["right_leg"],
    },
    axes=_KINECT_CAMERA,
    units="m",
)

COCO_17 = _build(
    "coco-17",
    ["nose", "left_eye", "right_eye", "left_ear", "right_ear"]
    + [
        f"{s}_{p}"
        for p in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
        for s in ("left", "right")
    ],
    {
        "left_eye": "nose",
        "right_eye": "nose",
        "left_ear": "left_eye",
        "right_ear": "right_eye",
        **{f"{s}_shoulder": "nose" for s in ("left", "right")},
        **{f"{s}_elbow": f"{s}_shoulder" for s in ("left", "right")},
        **{f"{s}_wrist": f"{s}_elbow" for s in ("left", "right")},
        **{f"{s}_hip": f"{s}_shoulder" for s in ("left", "right")},
        **{f"{s}_knee": f"{s}_hip" for s in ("left", "right")},
        **{f"{s}_ankle": f"{s}_knee" for s in ("left", "right")},
    },
    ["left_hip", "right_hip"],
    {
        "head": ["nose", "left_eye", "right_eye", "left_ear", "right_ear"],
        "torso": ["left_shoulder", "right_shoulder", "left_hip", "right_hip"],
        "left_arm": ["left_elbow", "left_wrist"],
        "right_arm": ["right_elbow", "right_wrist"],
        "left_leg": ["left_knee", "left_ankle"],
        "right_leg": ["right_knee", "right_ankle"],
    },
    {
        "hip_center": _mid("left_hip", "right_hip"),
        "shoulder_center": _mid("left_shoulder", "right_shoulder"),
        "neck": _mid("left_shoulder", "right_shoulder"),
        "spine": _mid("left_shoulder", "right_shoulder", "left_hip", "right_hip"),
        "head": _mid("left_ear", "right_ear"),
        **_both_sides(
            {
                "{s}_hand": _mid("{s}_wrist"),
                "{s}_hand_tip": _mid("{s}_wrist"),
                "{s}_thumb": _mid("{s}_wrist"),
                "{s}_foot": _mid("{s}_ankle"),
            }
        ),
    },
    axes=("right", "down"),
    units="px",
)

# Penn Action's 13 annotated joints; names shared with coco-17 where they are the same joints.
PENN_ACTION = _build(
    "penn-action",
    ["head"]
    + [
        f"{s}_{p}"
        for p in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
        for s in ("left", "right")
    ],
    {
        **{f"{s}_shoulder": "head" for s in ("left", "right")},
        **{f"{s}_elbow": f"{s}_shoulder" for s in ("left", "right")},
        **{f"{s}_wrist": f"{s}_elbow" for s in ("left", "right")},
        **{f"{s}_hip": f"{s}_shoulder" for s in ("left", "right")},
        **{f"{s}_knee": f"{s}_hip" for s in ("left", "right")},
        **{f"{s}_ankle": f"{s}_knee" for s in ("left", "right")},
    },
    ["left_hip", "right_hip"],
    {
        "head": ["head"],
        "torso": ["left_shoulder", "right_shoulder", "left_hip", "right_hip"],
        "left_arm": ["left_elbow", "left_wrist"],
        "right_arm": ["right_elbow", "right_wrist"],
        "left_leg": ["left_knee", "left_ankle"],
        "right_leg": ["right_knee", "right_ankle"],
    },
    axes=("right", "down"),
    units="px",
)

# Sensors and pose estimators whose joints reach the models above through derived joints.
# Each derivation approximates a joint the layout lacks from the nearest ones it has (the
# hip centre is the mid-point of the hips, a missing wrist is the hand, a missing hand is
# the wrist…); they serve inference on other sensors' clips, not training.

# Layouts used when named, never guessed from a joint count: other skeletons share their counts
# in other orders (JHMDB's 15 joints, for one).
SENSOR_LAYOUTS = ("openni-15", "mediapipe-33", "smpl-24")

# OpenNI / PrimeSense NiTE 2 skeleton (nite::JointType order), 15 joints, 3-D.
OPENNI_15 = _build(
    "openni-15",
    ["head", "neck", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow"]
    + ["left_hand", "right_hand", "torso", "left_hip", "right_hip", "left_knee", "right_knee"]
    + ["left_foot", "right_foot"],
    {
        "neck": "torso",
        "head": "neck",
        **_both_sides({"{s}_shoulder": "neck", "{s}_hip": "torso"}),
        **{f"{s}_elbow": f"{s}_shoulder" for s in ("left", "right")},
        **{f"{s}_hand": f"{s}_elbow" for s in ("left", "right")},
        **{f"{s}_knee": f"{s}_hip" for s in ("left", "right")},
        **{f"{s}_foot": f"{s}_knee" for s in ("left", "right")},
    },
    ["torso"],
    {
        "head": ["neck", "head"],
        "torso": ["torso", "left_shoulder", "right_shoulder", "left_hip", "right_hip"],
        **{f"{s}_arm": [f"{s}_elbow", f"{s}_hand"] for s in ("left", "right")},
        **{f"{s}_leg": [f"{s}_knee", f"{s}_foot"] for s in ("left", "right")},
    },
    {
        "hip_center": _mid("left_hip", "right_hip"),
        "spine": _mid("torso"),
        "shoulder_center": _mid("neck"),
        **_both_sides(
            {
                "{s}_wrist": _mid("{s}_hand"),
                "{s}_hand_tip": _mid("{s}_hand"),
                "{s}_thumb": _mid("{s}_hand"),
                "{s}_ankle": _mid("{s}_foot"),
            }
        ),
    },
    axes=("right", "up", "away"),
    units="mm",
)

# MediaPipe BlazePose's 33 landmarks (its PoseLandmark order), 2-D image or 3-D world.
MEDIAPIPE_33 = _build(
    "mediapipe-33",
    ["nose", "left_eye_inner", "left_eye", "left_eye_outer"]
    + ["right_eye_inner", "right_eye", "right_eye_outer", "left_ear", "right_ear"]
    + ["mouth_left", "mouth_right"]
    + [
        f"{s}_{p}"
        for p in ("shoulder", "elbow", "wrist", "pinky", "index", "thumb", "hip", "knee")
        + ("ankle", "heel", "foot_index")
        for s in ("left", "right")
    ],
    {
        **{j: "nose" for j in ("left_eye_inner", "right_eye_inner", "mouth_left", "mouth_right")},
        **_both_sides(
            {
                "{s}_eye": "{s}_eye_inner",
                "{s}_eye_outer": "{s}_eye",
                "{s}_ear": "{s}_eye_outer",
                "{s}_shoulder": "nose",
                "{s}_elbow": "{s}_shoulder",
                "{s}_wrist": "{s}_elbow",
                "{s}_pinky": "{s}_wrist",
                "{s}_index": "{s}_wrist",
                "{s}_thumb": "{s}_wrist",
                "{s}_hip": "{s}_shoulder",
                "{s}_knee": "{s}_hip",
                "{s}_ankle": "{s}_knee",
                "{s}_heel": "{s}_ankle",
                "{s}_foot_index": "{s}_ankle",
            }
        ),
    },
    ["left_hip", "right_hip"],
    {
        "head": ["nose", "left_ear", "right_ear", "mouth_left", "mouth_right"]
        + [f"{s}_{p}" for s in ("left", "right") for p in ("eye_inner", "eye", "eye_outer")],
        "torso": ["left_shoulder", "right_shoulder", "left_hip", "right_hip"],
        **{
            f"{s}_arm": [f"{s}_{p}" for p in ("elbow", "wrist", "pinky", "index", "thumb")]
            for s in ("left", "right")
        },
        **{
            f"{s}_leg": [f"{s}_{p}" for p in ("knee", "ankle", "heel", "foot_index")]
            for s in ("left", "right")
        },
    },
    {
        "hip_center": _mid("left_hip", "right_hip"),
        "shoulder_center": _mid("left_shoulder", "right_shoulder"),
        "neck": _mid("left_shoulder", "right_shoulder"),
        "spine": _mid("left_shoulder", "right_shoulder", "left_hip", "right_hip"),
        "head": _mid("left_ear", "right_ear"),
        **_both_sides(
            {
                "{s}_hand": _mid("{s}_wrist", "{s}_pinky", "{s}_index"),
                "{s}_hand_tip": _mid("{s}_index"),
                "{s}_foot": _mid("{s}_foot_index"),
            }
        ),
    },
    axes=("right", "down", "away"),
    units="m",
)

# SMPL's 24 body joints (the SMPL model's kinematic tree and order), 3-D.
SMPL_24 = _build(
    "smpl-24",
    ["pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2"]
    + ["left_ankle", "right_ankle", "spine3", "left_foot", "right_foot", "neck"]
    + ["left_collar", "right_collar", "head", "left_shoulder", "right_shoulder"]
    + ["left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hand", "right_hand"],
    {
        "spine1": "pelvis",
        "spine2": "spine1",
        "spine3": "spine2",
        "neck": "spine3",
        "head": "neck",
        **_both_sides(
            {
                "{s}_hip": "pelvis",
                "{s}_knee": "{s}_hip",
                "{s}_ankle": "{s}_knee",
                "{s}_foot": "{s}_ankle",
                "{s}_collar": "spine3",
                "{s}_shoulder": "{s}_collar",
                "{s}_elbow": "{s}_shoulder",
                "{s}_wrist": "{s}_elbow",
                "{s}_hand": "{s}_wrist",
            }
        ),
    },
    ["pelvis"],
    {
        "head": ["neck", "head"],
        "torso": ["pelvis", "spine1", "spine2", "spine3", "left_hip", "right_hip"]
        + ["left_collar", "right_collar", "left_shoulder", "right_shoulder"],
        **{f"{s}_arm": [f"{s}_elbow", f"{s}_wrist", f"{s}_hand"] for s in ("left", "right")},
        **{f"{s}_leg": [f"{s}_knee", f"{s}_ankle", f"{s}_foot"] for s in ("left", "right")},
    },
    {
        "hip_center": _mid("pelvis"),
        "spine": _mid("spine1", "spine2"),
        "shoulder_center": _mid("spine3", "neck"),
        **_both_sides({"{s}_hand_tip": _mid("{s}_hand"), "{s}_thumb": _mid("{s}_hand")}),
    },
    axes=("right", "up", "toward"),
    units="m",
)

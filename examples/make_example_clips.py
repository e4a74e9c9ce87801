"""Make the example clips in ``examples/clips/`` from a small kinematic rig.

The clips are the project's own synthetic skeletons, not data from any dataset: a 20-joint body in
the ``kinect-v1`` layout (metres, y up, z the depth from the camera, about 3 m away as in
NW-UCLA) driven by hand-written joint angles for a few NW-UCLA actions. Each bone is a fixed
offset rotated by the joint angles (forward kinematics), so bone lengths stay constant over time.
Small per-clip variations (position, heading, timing, amplitude) come from a seeded generator, so
running the script again writes identical files::

    python examples/make_example_clips.py            # writes examples/clips/*.npy
    python examples/make_example_clips.py -o DIR     # elsewhere

Each file is a (T, V, C) float32 array; load it with
``skeletonmae.load_clip(path, layout="kinect-v1")``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np

SEED = 20230710
FPS = 30.0
OUT_DIR = Path(__file__).resolve().parent / "clips"

# Body-local frame: +x is the body's right, +y up, −z forward. A subject facing the camera
# (heading 0) therefore has its left side at smaller x, as in Kinect camera space.
# (joint, parent, rest offset from the parent in metres)
RIG: list[tuple[str, str | None, tuple[float, float, float]]] = [
    ("hip_center", None, (0.0, 0.0, 0.0)),
    ("spine", "hip_center", (0.0, 0.24, 0.0)),
    ("shoulder_center", "spine", (0.0, 0.26, 0.0)),
    ("head", "shoulder_center", (0.0, 0.20, 0.0)),
    ("left_shoulder", "shoulder_center", (-0.17, -0.03, 0.0)),
    ("left_elbow", "left_shoulder", (0.0, -0.26, 0.0)),
    ("left_wrist", "left_elbow", (0.0, -0.25, 0.0)),
    ("left_hand", "left_wrist", (0.0, -0.08, 0.0)),
    ("right_shoulder", "shoulder_center", (0.17, -0.03, 0.0)),
    ("right_elbow", "right_shoulder", (0.0, -0.26, 0.0)),
    ("right_wrist", "right_elbow", (0.0, -0.25, 0.0)),
    ("right_hand", "right_wrist", (0.0, -0.08, 0.0)),
    ("left_hip", "hip_center", (-0.09, -0.06, 0.0)),
    ("left_knee", "left_hip", (0.0, -0.45, 0.0)),
    ("left_ankle", "left_knee", (0.0, -0.34, 0.0)),
    ("left_foot", "left_ankle", (0.0, -0.05, -0.10)),
    ("right_hip", "hip_center", (0.09, -0.06, 0.0)),
    ("right_knee", "right_hip", (0.0, -0.45, 0.0)),
    ("right_ankle", "right_knee", (0.0, -0.34, 0.0)),
    ("right_foot", "right_ankle", (0.0, -0.05, -0.10)),
]
JOINTS = [r[0] for r in RIG]
LEG_LENGTH = 0.06 + 0.45 + 0.34 + 0.05  # hip_center to the foot joint, standing straight
ANKLE_HEIGHT = 0.08  # above the floor
FLOOR_Y = -1.0  # the camera about a metre above the floor

# Angles (radians) per frame, keyed by the joint whose bone they rotate:
# flex = rotation about the body's x axis (positive swings a hanging limb forward, tilts an
# upright bone backward), abd = about z (positive swings a hanging limb towards +x),
# twist = about y.
Pose = dict[str, dict[str, np.ndarray]]


def rot_x(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([o, z, z, z, c, -s, z, s, c], -1).reshape(*a.shape, 3, 3)


def rot_y(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([c, z, s, z, o, z, -s, z, c], -1).reshape(*a.shape, 3, 3)


def rot_z(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([c, -s, z, s, c, z, z, z, o], -1).reshape(*a.shape, 3, 3)


def forward_kinematics(pose: Pose, root: np.ndarray, heading: np.ndarray) -> np.ndarray:
    """Joint positions (T, 20, 3) from per-bone angles, the root position (T, 3) and the heading
    (T,) about the vertical axis (0 = facing the camera)."""
    t = len(heading)
    zeros = np.zeros(t)
    frames: dict[str, np.ndarray] = {}
    out = np.zeros((t, len(RIG), 3))
    for i, (name, parent, offset) in enumerate(RIG):
        angles = pose.get(name, {})
        local = (
            rot_y(angles.get("twist", zeros))
            @ rot_x(angles.get("flex", zeros))
            @ rot_z(angles.get("abd", zeros))
        )
        if parent is None:
            frames[name] = rot_y(heading) @ local
            out[:, i] = root
            continue
        j = JOINTS.index(parent)
        frames[name] = frames[parent] @ local
        out[:, i] = out[:, j] + frames[name] @ np.asarray(offset)
    return out


def ease(s: np.ndarray) -> np.ndarray:
    """Smoothstep on [0, 1]: starts and ends at rest."""
    s = np.clip(s, 0.0, 1.0)
    return s * s * (3 - 2 * s)


def keys(s: np.ndarray, *points: tuple[float, float]) -> np.ndarray:
    """An angle curve through ``(time, value)`` key poses (time in [0, 1]), eased between keys so
    that the motion starts and stops smoothly."""
    times = np.array([p[0] for p in points])
    values = np.array([p[1] for p in points])
    i = np.clip(np.searchsorted(times, s, side="right") - 1, 0, len(times) - 2)
    w = ease((s - times[i]) / (times[i + 1] - times[i]))
    return values[i] + w * (values[i + 1] - values[i])


def plant(xyz: np.ndarray, rng: np.random.Generator, ankles: tuple[str, ...]) -> np.ndarray:
    """Translate every frame so that the given ankles' midpoint stays on one spot of the floor,
    picked at random about 3 m in front of the camera (feet planted while the body moves)."""
    idx = [JOINTS.index(a) for a in ankles]
    spot = np.array([rng.uniform(-0.3, 0.3), FLOOR_Y + ANKLE_HEIGHT, rng.uniform(2.8, 3.2)])
    return xyz - xyz[:, idx].mean(axis=1, keepdims=True) + spot


def rest_arms(t: int, rng: np.random.Generator) -> Pose:
    """Arms hanging slightly away from the body, elbows a little bent."""
    pose: Pose = {}
    for side, sign in (("left", -1.0), ("right", 1.0)):
        pose[f"{side}_elbow"] = {"abd": np.full(t, sign * rng.uniform(0.12, 0.2))}
        pose[f"{side}_wrist"] = {"flex": np.full(t, rng.uniform(0.1, 0.25))}
    return pose


def facing_camera(rng: np.random.Generator, t: int) -> np.ndarray:
    """A constant heading within about ±17° of facing the camera."""
    return np.full(t, rng.uniform(-0.3, 0.3))


def _bend_and_reach(t: int, rng: np.random.Generator, hands: tuple[str, ...]) -> np.ndarray:
    """Bend at the hips and knees, reach the floor in front of the feet, stand up holding the
    object at the waist."""
    s = np.linspace(0.0, 1.0, t)
    low = rng.uniform(0.45, 0.55)
    two = len(hands) == 2
    # Two-handed lifts squat deeper and keep the back straighter.
    lean = rng.uniform(1.3, 1.45) * (0.7 if two else 1.0)  # trunk flexion, radians
    thigh = rng.uniform(0.9, 1.05) * (1.3 if two else 1.0)  # thigh forward of vertical
    shin = -rng.uniform(0.6, 0.7) * (1.2 if two else 1.0)  # knee ahead of the ankle
    down = keys(s, (0.0, 0.0), (0.1, 0.0), (low, 1.0), (0.92, 0.0), (1.0, 0.0))
    pose = rest_arms(t, rng)
    pose["spine"] = {"flex": -0.7 * lean * down}
    pose["shoulder_center"] = {"flex": -0.3 * lean * down}
    pose["head"] = {"flex": 0.4 * down}
    for side in ("left", "right"):
        pose[f"{side}_knee"] = {"flex": thigh * down}
        pose[f"{side}_ankle"] = {"flex": (shin - thigh) * down}
        pose[f"{side}_foot"] = {"flex": -shin * down}  # foot stays flat
    carry = keys(s, (0.0, 0.0), (low, 0.0), (1.0, 1.0))
    for side in hands:
        # The arm hangs with the trunk, then reaches past vertical towards the floor.
        pose[f"{side}_elbow"]["flex"] = (lean + 0.05) * down + 0.3 * carry
        pose[f"{side}_wrist"]["flex"] = pose[f"{side}_wrist"]["flex"] + 0.9 * carry
    xyz = forward_kinematics(pose, np.zeros((t, 3)), facing_camera(rng, t))
    return plant(xyz, rng, ("left_ankle", "right_ankle"))


def pick_up_with_one_hand(t: int, rng: np.random.Generator) -> np.ndarray:
    return _bend_and_reach(t, rng, ("right",))


def pick_up_with_two_hands(t: int, rng: np.random.Generator) -> np.ndarray:
    return _bend_and_reach(t, rng, ("left", "right"))


def _sit(t: int, rng: np.random.Generator, sit: np.ndarray) -> np.ndarray:
    """``sit`` goes from 0 (standing) to 1 (seated on a chair, thighs level) or back; the trunk
    leans forward while the weight passes over the feet."""
    depth = rng.uniform(1.35, 1.55)  # thigh angle when seated
    over = np.sin(np.pi * sit)  # largest half-way
    lean = rng.uniform(0.55, 0.7) * over + 0.15 * sit
    thigh = depth * sit + 0.2 * over
    shin = -0.35 * over  # knees ahead of the ankles half-way
    pose = rest_arms(t, rng)
    pose["spine"] = {"flex": -0.65 * lean}
    pose["shoulder_center"] = {"flex": -0.3 * lean}
    pose["head"] = {"flex": 0.2 * lean}
    for side in ("left", "right"):
        pose[f"{side}_knee"] = {"flex": thigh}
        pose[f"{side}_ankle"] = {"flex": shin - thigh}
        pose[f"{side}_foot"] = {"flex": -shin}
        # Hands come to rest on the thighs.
        pose[f"{side}_elbow"]["flex"] = 0.9 * lean + 0.3 * sit
        pose[f"{side}_wrist"]["flex"] = pose[f"{side}_wrist"]["flex"] + 0.9 * sit
    xyz = forward_kinematics(pose, np.zeros((t, 3)), facing_camera(rng, t))
    return plant(xyz, rng, ("left_ankle", "right_ankle"))


def sit_down(t: int, rng: np.random.Generator) -> np.ndarray:
    s = np.linspace(0.0, 1.0, t)
    return _sit(t, rng, keys(s, (0.0, 0.0), (0.1, 0.0), (rng.uniform(0.8, 0.9), 1.0), (1.0, 1.0)))


def stand_up(t: int, rng: np.random.Generator) -> np.ndarray:
    s = np.linspace(0.0, 1.0, t)
    return _sit(t, rng, keys(s, (0.0, 1.0), (0.15, 1.0), (rng.uniform(0.8, 0.9), 0.0), (1.0, 0.0)))


def throw(t: int, rng: np.random.Generator) -> np.ndarray:
    """Overarm throw: the right arm winds up behind the head while the trunk turns away and the
    left foot steps forward, then the arm whips forward and down past the release."""
    s = np.linspace(0.0, 1.0, t)
    top = rng.uniform(0.38, 0.45)
    rel = top + rng.uniform(0.18, 0.24)
    pose = rest_arms(t, rng)
    pose["spine"] = {
        "flex": keys(s, (0.0, 0.0), (top, 0.12), (rel, -0.35), (1.0, -0.2)),
        "twist": keys(s, (0.0, 0.0), (top, -0.5), (rel, 0.35), (1.0, 0.2)),
    }
    pose["right_elbow"] = {
        "flex": keys(s, (0.0, 0.1), (top, 3.3), (rel, 1.5), (1.0, 0.5)),
        "abd": keys(s, (0.0, 0.15), (top, 0.35), (rel, 0.2), (1.0, 0.15)),
    }
    pose["right_wrist"] = {"flex": keys(s, (0.0, 0.2), (top, 1.6), (rel, 0.1), (1.0, 0.3))}
    pose["left_elbow"]["flex"] = keys(s, (0.0, 0.1), (top, 1.2), (rel, 0.6), (1.0, 0.3))
    pose["left_knee"] = {"flex": keys(s, (0.0, 0.0), (top, 0.45), (rel, 0.35), (1.0, 0.35))}
    pose["left_ankle"] = {"flex": keys(s, (0.0, 0.0), (top, -0.6), (rel, -0.3), (1.0, -0.3))}
    pose["left_foot"] = {"flex": keys(s, (0.0, 0.0), (top, 0.15), (rel, -0.05), (1.0, -0.05))}
    pose["right_knee"] = {"flex": keys(s, (0.0, 0.0), (rel, -0.3), (1.0, -0.3))}
    pose["right_ankle"] = {"flex": keys(s, (0.0, 0.0), (rel, -0.15), (1.0, -0.15))}
    pose["right_foot"] = {"flex": keys(s, (0.0, 0.0), (rel, 0.45), (1.0, 0.45))}
    xyz = forward_kinematics(pose, np.zeros((t, 3)), facing_camera(rng, t))
    return plant(xyz, rng, ("right_ankle",))


def walk_around(t: int, rng: np.random.Generator) -> np.ndarray:
    """A walk along an arc in front of the camera: alternating leg and arm swings, the hips
    bobbing, the heading along the path."""
    s = np.arange(t) / FPS
    cadence = rng.uniform(0.9, 1.05)  # strides per second
    phase = 2 * np.pi * cadence * s + rng.uniform(0, 2 * np.pi)
    stride = rng.uniform(0.4, 0.5)  # thigh swing amplitude, radians
    pose = rest_arms(t, rng)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        swing = sign * np.sin(phase)
        pose[f"{side}_knee"] = {"flex": stride * swing}
        # The knee bends while the leg swings forward.
        pose[f"{side}_ankle"] = {"flex": -1.1 * stride * np.clip(sign * np.cos(phase), 0, None)}
        pose[f"{side}_elbow"]["flex"] = -0.6 * stride * swing  # arms opposite to the legs
        pose[f"{side}_wrist"]["flex"] = pose[f"{side}_wrist"]["flex"] + 0.2 * (1 - swing)
    pose["spine"] = {"flex": np.full(t, -0.06), "twist": 0.08 * np.sin(phase)}
    radius = rng.uniform(1.0, 1.3)
    speed = 1.8 * stride * LEG_LENGTH * cadence  # metres per second
    angle = rng.uniform(-0.4, 0.0) + speed * s / radius
    cx, cz = rng.uniform(-0.2, 0.2), rng.uniform(3.3, 3.6)
    height = FLOOR_Y + LEG_LENGTH * np.cos(0.7 * stride) + 0.02 * np.cos(2 * phase)
    root = np.stack([cx + radius * np.sin(angle), height, cz - radius * np.cos(angle)], -1)
    heading = -np.pi / 2 - angle  # forward = the arc's tangent
    return forward_kinematics(pose, root, heading)


ACTIONS: dict[str, tuple[Callable[[int, np.random.Generator], np.ndarray], int]] = {
    "pick_up_with_one_hand": (pick_up_with_one_hand, 48),
    "pick_up_with_two_hands": (pick_up_with_two_hands, 48),
    "walk_around": (walk_around, 60),
    "sit_down": (sit_down, 45),
    "stand_up": (stand_up, 45),
    "throw": (throw, 40),
}


def make_clips() -> dict[str, np.ndarray]:
    """Every example clip, (T, 20, 3) float32, deterministically from `SEED`."""
    out = {}
    for i, (name, (make, frames)) in enumerate(ACTIONS.items()):
        rng = np.random.default_rng([SEED, i])
        out[name] = make(frames, rng).astype(np.float32)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--out", type=Path, default=OUT_DIR, help="output directory")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in make_clips().items():
        path = args.out / f"{name}.npy"
        np.save(path, data)
        print(f"{path}  {data.shape[0]} frames")


if __name__ == "__main__":
    main()

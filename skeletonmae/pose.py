"""From a video or photos to a skeleton clip: MediaPipe Pose (the ``video`` extra).

Only the model that the ``mediapipe==0.10.21`` wheel ships is used (model complexity 1), so this
runs without a network. Each frame gives 33 landmarks in two frames of reference: *world*
(metres, origin between the hips, MediaPipe's axes: x to the image's right, y down) and *image*
(pixels, y down), with a visibility per landmark. Frames where no person is found are marked
missing (``present``), not filled with zeros that look like a pose.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .clip import Clip, ClipFormatError
from .extras import require
from .fileio import atomic_write

__all__ = [
    "IMAGE_SUFFIXES",
    "VIDEO_SUFFIXES",
    "PoseSequence",
    "estimate_poses",
    "is_media",
]

VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")
LAYOUT = "mediapipe-33"
NUM_LANDMARKS = 33


def is_media(path: str | Path) -> bool:
    """Whether ``path`` names a video or an image (by its suffix), i.e. needs pose estimation."""
    return Path(path).suffix.lower() in VIDEO_SUFFIXES + IMAGE_SUFFIXES


@dataclass
class PoseSequence:
    """Landmarks of one person over T frames: ``world`` (T, 33, 3) metres, ``image`` (T, 33, 2)
    pixels, ``visibility`` (T, 33) in [0, 1], ``present`` (T,) whether a person was found (the
    other arrays are zero where not), ``fps`` and ``size`` (width, height) of the frames."""

    world: np.ndarray
    image: np.ndarray
    visibility: np.ndarray
    present: np.ndarray
    fps: float
    size: tuple[int, int]
    source: str

    def to_clip(self, kind: str = "world") -> Clip:
        """The ``mediapipe-33`` clip of the ``world`` (3-D, metres) or ``image`` (2-D, pixels)
        landmarks, with their visibility as per-joint confidence; missing frames are zero, which
        preprocessing drops."""
        if kind not in ("world", "image"):
            raise ValueError(f"kind must be 'world' or 'image', got {kind!r}")
        if not self.present.any():
            raise ClipFormatError(f"{self.source}: no person found in any frame")
        data = (self.world if kind == "world" else self.image)[None]
        return Clip(
            data,
            LAYOUT,
            fps=self.fps,
            source=self.source,
            confidence=self.visibility[None],
        )

    def save(self, path: str | Path) -> None:
        """Write an ``.npz`` clip (atomically): ``data`` = world landmarks (1, T, 33, 3) that
        every command reads, plus ``image``, ``confidence``, ``present``, ``fps``, ``size``."""
        arrays = {
            "data": self.world[None].astype(np.float32),
            "image": self.image[None].astype(np.float32),
            "confidence": self.visibility[None].astype(np.float32),
            "present": self.present,
            "layout": np.array(LAYOUT),
            "fps": np.array(self.fps),
            "size": np.array(self.size),
        }
        atomic_write(path, lambda tmp: np.savez(tmp, **arrays), suffix=".npz")


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Silence what FFmpeg, OpenCV and MediaPipe's C++ write to file descriptor 2 (codec
    complaints, glog lines), so that a command's stderr holds its own lines only."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _mediapipe():
    cv2 = require("cv2", "video", "pose estimation")
    mp = require("mediapipe", "video", "pose estimation")
    return cv2, mp


def _frames(paths: Sequence[Path], cv2) -> tuple[Iterator[np.ndarray], float | None]:
    """RGB frames of one video, or of images in the given order; the video's fps if known."""
    if len(paths) == 1 and paths[0].suffix.lower() in VIDEO_SUFFIXES:
        cap = cv2.VideoCapture(str(paths[0]))
        if not cap.isOpened():
            raise ClipFormatError(f"{paths[0]}: not a readable video")
        fps = cap.get(cv2.CAP_PROP_FPS)

        def read() -> Iterator[np.ndarray]:
            try:
                while True:
                    ok, frame = cap.read()
                    if not ok:
                        return
                    yield cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
            finally:
                cap.release()

        return read(), (fps if fps and np.isfinite(fps) and fps > 0 else None)

    def images() -> Iterator[np.ndarray]:
        for p in paths:
            if p.suffix.lower() in VIDEO_SUFFIXES:
                raise ClipFormatError(f"{p}: give one video, or images only")
            frame = cv2.imread(str(p), cv2.IMREAD_COLOR)
            if frame is None:
                raise ClipFormatError(f"{p}: not a readable image")
            yield cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)

    return images(), None


def estimate_poses(
    paths: str | Path | Sequence[str | Path], *, fps: float | None = None, every: int = 1
) -> PoseSequence:
    """Run MediaPipe Pose (model complexity 1) over one video or a sequence of images and return
    the landmarks of the person it tracks. ``fps`` overrides the video's (images: default 30);
    ``every`` keeps one frame in ``every``. Raises `ClipFormatError` for an unreadable input or
    when no frame has a person, `extras.MissingExtraError` without the video extra."""
    paths = [Path(paths)] if isinstance(paths, str | os.PathLike) else [Path(p) for p in paths]
    if not paths:
        raise ClipFormatError("no video or image given")
    for p in paths:
        if not p.is_file():
            raise ClipFormatError(f"{p}: no such file")
    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    cv2, mp = _mediapipe()
    images = len(paths) > 1 or paths[0].suffix.lower() in IMAGE_SUFFIXES
    world, image, vis, present = [], [], [], []
    size = (0, 0)
    with (
        _native_stderr_silenced(),
        mp.solutions.pose.Pose(
            static_image_mode=images, model_complexity=1, enable_segmentation=False
        ) as pose,
    ):
        frames, video_fps = _frames(paths, cv2)
        for i, rgb in enumerate(frames):
            if i % every:
                continue
            h, w = rgb.shape[:2]
            size = (w, h)
            result = pose.process(rgb)
            found = result.pose_world_landmarks is not None and result.pose_landmarks is not None
            present.append(found)
            if not found:
                world.append(np.zeros((NUM_LANDMARKS, 3)))
                image.append(np.zeros((NUM_LANDMARKS, 2)))
                vis.append(np.zeros(NUM_LANDMARKS))
                continue
            world.append([(p.x, p.y, p.z) for p in result.pose_world_landmarks.landmark])
            image.append([(p.x * w, p.y * h) for p in result.pose_landmarks.landmark])
            vis.append([p.visibility for p in result.pose_landmarks.landmark])
    source = str(paths[0]) if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} images)"
    if not present:
        raise ClipFormatError(f"{source}: no frames")
    if not any(present):
        raise ClipFormatError(f"{source}: no person found in any of its {len(present)} frame(s)")
    rate = fps or video_fps or 30.0
    return PoseSequence(
        np.asarray(world, dtype=np.float32),
        np.asarray(image, dtype=np.float32),
        np.clip(np.asarray(vis, dtype=np.float32), 0.0, 1.0),
        np.asarray(present, dtype=bool),
        float(rate) / every,
        size,
        source,
    )

"""Long recordings and live streams: a model applied to sliding windows of frames.

`classify_windows` turns a whole recording into a timeline, `ClipStream` takes frames one at a
time (from a pose estimator's loop) and answers every ``stride`` frames. Both classify exactly
the windows ``[k · stride, k · stride + window)``, so a stream gives the same scores as the
timeline of the same frames.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .clip import Clip
from .inference import read_clip

if TYPE_CHECKING:
    from .inference import ClipLike
    from .models.base import SkeletonModel

__all__ = ["ClipStream", "classify_windows", "extract_windows", "parse_span", "window_starts"]


def parse_span(text: str | int, fps: float | None, what: str = "window") -> int:
    """Frames in ``text``: ``64`` (frames) or ``2s`` / ``1.5 s`` (seconds, at ``fps``)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|f|frames?)?\s*", str(text))
    if not m:
        raise ValueError(f"{what} {text!r}: expected frames (64) or seconds (2s)")
    value, unit = float(m.group(1)), m.group(2)
    if unit == "s":
        if not fps:
            raise ValueError(f"{what} {text!r} is in seconds, but the clip does not say its fps")
        value *= fps
    frames = round(value)
    if frames < 1 or (unit != "s" and value != frames):
        raise ValueError(f"{what} {text!r}: expected a whole number of frames >= 1")
    return frames


def window_starts(num_frames: int, window: int, stride: int) -> list[int]:
    """Start frames of the windows ``[s, s + window)`` that fit in ``num_frames`` (one window
    of the whole clip when it is shorter)."""
    if window < 1 or stride < 1:
        raise ValueError(f"window and stride must be >= 1, got {window} and {stride}")
    return list(range(0, max(num_frames - window, 0) + 1, stride))


def _cut(clip: Clip, start: int, window: int) -> Clip:
    conf = clip.confidence
    return replace(
        clip,
        data=clip.data[:, start : start + window],
        confidence=None if conf is None else conf[:, start : start + window],
    )


def _spans(window: int | str, stride: int | str | None, fps: float | None) -> tuple[int, int]:
    """(window, stride) in frames; the stride defaults to half the window."""
    w = parse_span(window, fps)
    return w, parse_span(stride, fps, "stride") if stride is not None else max(w // 2, 1)


def _windowed(
    model: SkeletonModel,
    clip: ClipLike,
    window: int | str,
    stride: int | str | None,
    layout: str | None,
) -> tuple[Clip, int, list[int]]:
    """The clip on the model's layout, the window in frames and the windows' start frames."""
    c = read_clip(clip, model.config, layout=layout)
    w, s = _spans(window, stride, c.fps)
    return c, w, window_starts(c.num_frames, w, s)


def _tracked(clip: Clip, start: int, window: int) -> bool:
    return bool(clip.data[:, start : start + window].any())


def _entry(start: int, end: int, fps: float | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"start": start, "end": end}
    if fps:
        entry |= {"start_s": round(start / fps, 3), "end_s": round(end / fps, 3)}
    return entry


def classify_windows(
    model: SkeletonModel,
    clip: ClipLike,
    window: int | str,
    stride: int | str | None = None,
    *,
    top_k: int = 3,
    layout: str | None = None,
    batch_size: int = 64,
) -> list[dict[str, Any]]:
    """The timeline of a recording: ``[{"start", "end", "top": [{"label", "score"}, ...]},
    ...]`` for windows of ``window`` frames every ``stride`` (default ``window // 2``); either may
    be given in seconds (``"2s"``), with ``start_s`` / ``end_s`` added when the clip has an fps."""
    c, w, starts = _windowed(model, clip, window, stride, layout)
    seen = [a for a in starts if _tracked(c, a, w)]  # windows with no person have no label
    tops = dict(
        zip(
            seen,
            model.classify_batch([_cut(c, a, w) for a in seen], top_k=top_k, batch_size=batch_size)
            if seen
            else [],
            strict=True,
        )
    )
    return [
        _entry(a, min(a + w, c.num_frames), c.fps) | {"top": [p.to_dict() for p in tops.get(a, [])]}
        for a in starts
    ]


def extract_windows(
    model: SkeletonModel,
    clip: ClipLike,
    window: int | str,
    stride: int | str | None = None,
    *,
    layout: str | None = None,
    pooling: str | None = None,
    batch_size: int = 64,
) -> tuple[np.ndarray, np.ndarray]:
    """Features of each window, (N, F), and the windows' (start, end) frames, (N, 2)."""
    c, w, starts = _windowed(model, clip, window, stride, layout)
    starts = [a for a in starts if _tracked(c, a, w)]
    if not starts:
        raise ValueError(f"{c.source or 'clip'}: no window has a person in it")
    feats = model.extract_features_batch(
        [_cut(c, a, w) for a in starts], pooling=pooling, batch_size=batch_size
    )
    spans = np.array([(a, min(a + w, c.num_frames)) for a in starts], dtype=np.int64)
    return feats, spans


class ClipStream:
    """Frames in, a prediction every ``stride`` frames out, once ``window`` frames have come.

    ``push(frame)`` takes one frame, (V, C) or (M, V, C) joints in ``layout`` (the model's when
    None), with an optional per-joint ``confidence``; it returns ``None`` or the entry of the
    window that just closed (`classify_windows`'s form). Keeps only the last ``window`` frames.
    """

    def __init__(
        self,
        model: SkeletonModel,
        window: int,
        stride: int | None = None,
        *,
        layout: str | None = None,
        fps: float | None = None,
        top_k: int = 3,
    ) -> None:
        if model.config.num_classes == 0:
            raise ValueError("a stream needs a classifier; this model is an encoder")
        self.model, self.layout, self.fps, self.top_k = (
            model,
            layout or model.config.layout,
            fps,
            top_k,
        )
        self.window, self.stride = _spans(window, stride, fps)
        self._frames: deque[np.ndarray] = deque(maxlen=self.window)
        self._confidence: deque[np.ndarray] = deque(maxlen=self.window)
        self.seen = 0

    def push(self, frame: np.ndarray, confidence: np.ndarray | None = None) -> dict | None:
        frame = np.asarray(frame, dtype=np.float32)
        frame = frame[None] if frame.ndim == 2 else frame
        if frame.ndim != 3:
            raise ValueError(f"a frame is (V, C) or (M, V, C) joints, got shape {frame.shape}")
        self._frames.append(frame)
        if confidence is not None:
            conf = np.asarray(confidence, dtype=np.float32)
            self._confidence.append(conf[None] if conf.ndim == 1 else conf)
        self.seen += 1
        if self.seen < self.window or (self.seen - self.window) % self.stride:
            return None
        start, data = self.seen - self.window, np.stack(self._frames, axis=1)
        top: list = []
        if data.any():  # a window with no person has no label
            conf = (
                np.stack(self._confidence, axis=1) if len(self._confidence) == self.window else None
            )
            clip = Clip(data, self.layout, fps=self.fps, source="stream", confidence=conf)
            top = self.model.classify(clip, top_k=self.top_k)
        return _entry(start, self.seen, self.fps) | {"top": [p.to_dict() for p in top]}

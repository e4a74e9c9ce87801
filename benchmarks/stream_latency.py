"""Live use on one thread: the latency of one `ClipStream` update (the push that closes a window
and classifies it) for a zoo model, against classifying the same window as a clip from a file
(the baseline, measured in the same run); with the video extra, the time from a camera frame to a
label: MediaPipe Pose per frame of a video (made from a real photo) plus one update.

    python benchmarks/stream_latency.py                       # the zoo's default model
    python benchmarks/stream_latency.py --model systemb-nwucla-finetune --window 48
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from skeletonmae import SkeletonMAE
from skeletonmae.formats import load_clip
from skeletonmae.zoo import load_manifest

ROOT = Path(__file__).parents[1]
PHOTO = ROOT.parent / "shared" / "data" / "opencv-samples" / "basketball1.png"


def _median_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def _video(photo: Path, path: Path, frames: int) -> Path:
    """A video of crops sliding across ``photo``: a camera's frames with one person."""
    import cv2

    image = cv2.imread(str(photo))
    h, w = image.shape[:2]
    size = (w - frames, h)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, size)
    for i in range(frames):
        writer.write(np.ascontiguousarray(image[:, i : i + size[0]]))
    writer.release()
    return path


def _pose(video: Path) -> None:
    from skeletonmae.pose import estimate_poses

    estimate_poses(video)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="zoo name [default: the zoo's default]")
    ap.add_argument("--window", type=int, default=32, help="frames per window")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    name = args.model or load_manifest().default
    model = SkeletonMAE.from_pretrained(name)
    clip = load_clip(ROOT / "examples" / "clips" / "throw.npy", layout=model.config.layout)
    frames = np.resize(clip.data[0], (args.window, *clip.data.shape[2:]))
    stream = model.stream(args.window, 1, layout=clip.layout)
    for f in frames:  # fill the window: from here on every push classifies
        stream.push(f)
    update = _median_ms(lambda: stream.push(frames[0]), args.repeats)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "window.npy"
        np.save(path, frames[None])
        from_file = _median_ms(lambda: model.classify(path), args.repeats)
    rows = {"model": name, "window": args.window, "update_ms": round(update, 2)}
    rows["file_ms"] = round(from_file, 2)
    rows["file_over_update"] = round(from_file / update, 2)
    if importlib.util.find_spec("mediapipe") and PHOTO.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            video = _video(PHOTO, Path(tmp) / "v.avi", 30)
            pose_ms = _median_ms(lambda: _pose(video), 3) / 30  # per frame, video mode
        rows["pose_ms"] = round(pose_ms, 2)
        rows["frame_to_label_ms"] = round(pose_ms + update, 2)
    if args.json:
        print(json.dumps(rows))
        return
    print(f"{name}, window {args.window} frames, one thread (median of {args.repeats})")
    print(f"  one stream update (classify the window): {update:8.2f} ms")
    ratio = from_file / update
    print(f"  the same window from a file (baseline):  {from_file:8.2f} ms  ({ratio:.2f}×)")
    if "pose_ms" in rows:
        print(f"  MediaPipe Pose, per video frame:         {rows['pose_ms']:8.2f} ms")
        print(f"  frame to label:                          {rows['frame_to_label_ms']:8.2f} ms")
    else:
        print("  (frame to label: needs the video extra and ../shared/data/opencv-samples)")


if __name__ == "__main__":
    main()

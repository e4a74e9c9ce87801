"""Model cards: the README.md of a published repo. Its YAML metadata (license, library_name,
tags, datasets, metrics, model-index) is generated from a manifest entry with huggingface_hub's
own card classes, so the Hub reads it as it reads any card; the body says what the model is, how
to use it, how it was trained and measured, and that the weights are for research use only.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .zoo import ZooEntry

__all__ = ["card_data", "render_model_card"]

METRICS = {
    "top1": ("accuracy", "Top-1 accuracy (%)"),
    "top5": ("top_5_accuracy", "Top-5 accuracy (%)"),
    "mean_class_accuracy": ("mean_class_accuracy", "Mean per-class accuracy (%)"),
    "ece": ("expected_calibration_error", "Expected calibration error (%, lower is better)"),
}
TASK = ("skeleton-based-action-recognition", "Skeleton-based action recognition")


def _dataset(entry: ZooEntry) -> tuple[str, str]:
    """(title, citation) of an entry's dataset, as its source module declares them."""
    from .datasets import get_dataset

    try:
        d = get_dataset(entry.dataset)
    except KeyError:
        return entry.dataset or "unknown data", entry.dataset or "unknown data"
    return d.title, d.citation


def card_data(entry: ZooEntry):
    """The card's metadata as a ``huggingface_hub.ModelCardData``."""
    from huggingface_hub import EvalResult, ModelCardData

    results = [
        EvalResult(
            task_type=TASK[0],
            task_name=TASK[1],
            dataset_type=entry.dataset,
            dataset_name=_dataset(entry)[0],
            dataset_config=entry.protocol,
            dataset_split=m["split"],
            metric_type=METRICS.get(m["name"], (m["name"],))[0],
            metric_name=METRICS.get(m["name"], (None, m["name"]))[1],
            metric_value=m["value"],
        )
        for m in entry.metrics
    ]
    extra = (  # the weights' terms are the card's own "Terms of use" section
        {"license_name": "research-only", "license_link": "README.md#terms-of-use"}
        if entry.license == "other"
        else {}
    )
    tags = [
        "skeletonmae",
        TASK[0],
        "action-recognition",
        "masked-autoencoder",
        "self-supervised",
        entry.architecture,
        entry.layout,
        "pytorch",
        "safetensors",
    ]
    return ModelCardData(
        license=entry.license,
        library_name="skeletonmae",
        # skeleton sequences are what a video becomes; the Hub has no skeleton pipeline of its own
        pipeline_tag="video-classification"
        if entry.task == "action-classification"
        else "feature-extraction",
        tags=tags,
        datasets=[entry.dataset] if entry.dataset else None,
        metrics=sorted({METRICS.get(m["name"], (m["name"],))[0] for m in entry.metrics}) or None,
        model_name=entry.name,
        eval_results=results or None,
        **extra,
    )


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _members(entry: ZooEntry) -> list[str]:
    """For an ensemble: what it is made of."""
    members = entry.config.get("members") or []
    if not members:
        return []
    weights = entry.config.get("weights") or [1.0] * len(members)
    lines = ["", f"It is an **ensemble of {len(members)}** classifiers, softmax averaged:"]
    for m, w in zip(members, weights, strict=True):
        streams = ", ".join(m["preprocess"].get("streams", ["joint"]))
        lines.append(f"- weight {w:g}: `{m['arch']}`, input {streams}")
    return lines


def render_model_card(entry: ZooEntry) -> str:
    """README.md text (YAML front matter + Markdown) for a manifest entry."""
    name, repo = entry.name, entry.repo_id
    arch = entry.summary or f"`{entry.architecture}`"
    full_data = _dataset(entry)[1]
    classifier = entry.task == "action-classification"
    what = "an action classifier" if classifier else "a pre-trained encoder (features only)"
    lines = [
        "---",
        card_data(entry).to_yaml(),
        "---",
        "",
        f"# {name}",
        "",
        entry.description or f"SkeletonMAE: {what} for `{entry.layout}` skeletons.",
        "",
        f"Architecture: {arch}. Parameters: {entry.params:,}.",
        *_members(entry),
        "",
        "## Use",
        "",
        "```python",
        "from skeletonmae import SkeletonModel",
        "",
        f'model = SkeletonModel.from_pretrained("{repo}")',
        'print(model.classify("clip.npy", top_k=5))'
        if classifier
        else 'features = model.extract_features("clip.npy")',
        "```",
        "",
        "or from the command line:",
        "",
        "```",
        f"skeletonmae {'classify' if classifier else 'extract'} clip.npy --model {repo}"
        + ("" if classifier else " -o features.npz"),
        "```",
        "",
        "## Results",
        "",
    ]
    if entry.metrics:
        if entry.evaluation:
            lines += [f"How obtained: {entry.evaluation}.", ""]
        lines += ["| metric | value | split | clips | command |", "|---|---|---|---|---|"]
        lines += [
            f"| {METRICS.get(m['name'], (None, m['name']))[1]} | {m['value']} | {m['split']} "
            f"| {m.get('num_clips', '')} | `{_cell(m['command'])}` |"
            for m in entry.metrics
        ]
    else:
        lines.append("No evaluation recorded for this checkpoint.")
    lines += [
        "",
        "## Training",
        "",
        f"- Data: {full_data}, protocol `{entry.protocol}`, trained on "
        f"`{entry.train_split}`, evaluated on `{entry.eval_split}`."
        if entry.dataset
        else "- Data: not recorded.",
    ]
    if entry.stage:
        lines.append(
            f"- Stage: {entry.stage}" + (f" (recipe `{entry.recipe}`)" if entry.recipe else "")
        )
    if entry.command:
        lines.append(f"- Command: `{entry.command}`")
    lines += [
        "",
        "## Input",
        "",
        f"- Skeleton layout: `{entry.layout}`; clips in another layout are mapped onto it "
        "when a mapping exists.",
        f"- Preprocessing: `{json.dumps(entry.preprocess, sort_keys=True)}`",
    ]
    if classifier:
        lines.append(
            "- Classes (in class-id order): "
            + ", ".join(f"{i}: {c}" for i, c in enumerate(entry.class_names))
        )
    lines += [
        "",
        "## Files",
        "",
        "| file | bytes | sha256 |",
        "|---|---|---|",
        *(f"| {f} | {r['size']} | `{r['sha256']}` |" for f, r in entry.files.items()),
        "",
        "## Terms of use",
        "",
        (
            f"These weights were trained on {full_data}. The dataset is distributed by its "
            "authors for research use only; weights derived from it inherit that restriction: "
            "use them for non-commercial research only."
            if entry.dataset
            else "Weights inherit the terms of the data they were trained on; the skeleton "
            "datasets this project trains on are distributed for research use only."
        )
        + f" Licence: `{entry.license}`.",
        "",
        "## Papers",
        "",
        *(f"- [{p['title']}]({p['url']})" for p in entry.papers),
        "",
    ]
    return "\n".join(lines)

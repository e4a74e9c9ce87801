"""torch.hub entry points: ``torch.hub.load("skeletonmae/skeletonmae", NAME)`` for each zoo
model (``-`` written ``_``: ``systema_nwucla_finetune``), and ``skeletonmae`` taking the zoo name
as an argument (``torch.hub.load(..., "skeletonmae", "systema-nwucla-finetune")``); or a checkout
with ``source="local"``. Each returns the model ``skeletonmae.create_model`` gives: its trained
weights (``pretrained=False``: freshly initialised), ``num_classes=`` for a new head."""

from __future__ import annotations

dependencies = ["torch", "numpy", "huggingface_hub", "safetensors", "einops", "click"]


def skeletonmae(name: str | None = None, pretrained: bool = True, **kwargs):
    """A zoo model by name (default: the zoo's default classifier); ``kwargs`` go to
    ``skeletonmae.create_model`` (``num_classes``, ``revision``, ``cache_dir``,
    ``local_files_only``, ``map_location``, ``token``)."""
    from skeletonmae import create_model
    from skeletonmae.zoo import load_manifest

    return create_model(name or load_manifest().data["default"], pretrained=pretrained, **kwargs)


def _entry(name: str, description: str):
    def load(pretrained: bool = True, **kwargs):
        return skeletonmae(name, pretrained=pretrained, **kwargs)

    load.__name__ = load.__qualname__ = name.replace("-", "_")
    load.__doc__ = f"{name}: {description}\n\n``pretrained=False``: freshly initialised weights."
    return load


def _zoo() -> list[dict]:
    try:
        from skeletonmae.zoo import load_manifest

        return load_manifest().data["models"]
    except ImportError:  # the package's own dependencies are not installed yet
        return []


for _e in _zoo():
    globals()[_e["name"].replace("-", "_")] = _entry(_e["name"], _e["description"])

skeletonmae.__doc__ = (skeletonmae.__doc__ or "") + "".join(
    f"\n    {e['name']}: {e['description']}" for e in _zoo()
)

"""torch.hub entry point: ``torch.hub.load("skeletonmae/skeletonmae", "skeletonmae", NAME)``
(or a checkout with ``source="local"``) returns the zoo model NAME, loaded from its safetensors
weights exactly as ``skeletonmae.SkeletonMAE.from_pretrained(NAME)`` would."""

from __future__ import annotations

dependencies = ["torch", "numpy", "huggingface_hub", "safetensors", "einops", "click"]


def skeletonmae(name: str | None = None, **kwargs):
    """A zoo model by name (default: the zoo's default classifier); ``kwargs`` go to
    ``from_pretrained`` (``revision``, ``cache_dir``, ``local_files_only``, ``map_location``)."""
    from skeletonmae import SkeletonMAE
    from skeletonmae.zoo import load_manifest

    return SkeletonMAE.from_pretrained(name or load_manifest().data["default"], **kwargs)


def _zoo_doc() -> str:
    """The entry point's help, with the zoo's models and what each one is."""
    try:
        from skeletonmae.zoo import load_manifest

        data = load_manifest().data
    except ImportError:  # the package's own dependencies are not installed yet
        return ""
    lines = [f"    {e['name']}: {e['description']}" for e in data["models"]]
    return f"\n\nModels (default {data['default']}):\n" + "\n".join(lines)


skeletonmae.__doc__ = (skeletonmae.__doc__ or "") + _zoo_doc()

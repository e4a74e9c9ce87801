"""The one training engine: recipes, data, optimisation, checkpoints, distributed runs."""

from .recipe import Recipe, available_recipes, load_recipe
from .trainer import evaluate_model, load_encoder, predict_clips, run

__all__ = [
    "Recipe",
    "available_recipes",
    "evaluate_model",
    "load_encoder",
    "load_recipe",
    "predict_clips",
    "run",
]

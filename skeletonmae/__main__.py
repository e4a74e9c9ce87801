"""``python -m skeletonmae`` (also what ``torchrun -m skeletonmae`` runs)."""

from .cli import main

main()

"""The label-scarce protocol: class-balanced training subsets fixed by a seed."""

from __future__ import annotations

from collections import Counter

import pytest

from skeletonmae.engine.data import label_subset

LABELS = [0] * 10 + [1] * 20 + [2] * 5 + [None] * 3


def test_every_class_keeps_its_share_and_at_least_one_clip():
    keep = label_subset(LABELS, 0.1, seed=0)
    assert Counter(LABELS[i] for i in keep) == {0: 1, 1: 2, 2: 1}
    keep = label_subset(LABELS, 0.25, seed=0)
    assert Counter(LABELS[i] for i in keep) == {0: 3, 1: 5, 2: 2}
    assert keep == sorted(keep)


def test_the_subset_depends_on_the_seed_alone():
    assert label_subset(LABELS, 0.5, seed=3) == label_subset(list(LABELS), 0.5, seed=3)
    assert label_subset(LABELS, 0.5, seed=3) != label_subset(LABELS, 0.5, seed=4)


def test_all_labels_is_every_labelled_clip():
    labelled = [i for i, y in enumerate(LABELS) if y is not None]
    assert label_subset(LABELS, 1.0) == labelled


@pytest.mark.parametrize("fraction", [0.0, -0.1, 1.5])
def test_fractions_outside_zero_one_are_refused(fraction):
    with pytest.raises(ValueError, match=r"label fraction must be in \(0, 1\]"):
        label_subset(LABELS, fraction)

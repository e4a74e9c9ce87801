"""Label maps: one class per line, the names the published models carry."""

from __future__ import annotations

import pytest

from skeletonmae.labels import available_label_maps, load_label_map
from skeletonmae.zoo import load_manifest

SIZES = {"nw-ucla": 10, "msr-action3d": 20, "ntu120": 120, "utkinect": 10, "msrc-12": 12,
         "penn-action": 15, "utd-mhad": 27}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SIZES))
def test_label_maps_hold_distinct_names(name):
    names = load_label_map(name)
    assert len(names) == SIZES[name] == len(set(names))
    assert all(n and n == n.strip() for n in names)
    names.append("mutated")  # a fresh list each time
    assert len(load_label_map(name)) == SIZES[name]


def test_every_label_map_is_listed_and_unknown_names_are_refused():
    assert available_label_maps() == sorted(SIZES)
    with pytest.raises(KeyError, match="nw-ucla"):
        load_label_map("nw-ucl")


def test_published_classifiers_carry_their_datasets_label_map():
    for e in load_manifest().data["models"]:
        if e["class_names"]:
            assert e["class_names"] == load_label_map(e["dataset"]), e["name"]

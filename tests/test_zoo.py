"""The weights manifest (schema, rules, the shipped copy), registering checkpoints, resolving
zoo names / local paths offline, model cards and push_to_hub's local mode."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from hubserver import card_metadata_errors
from zoo_helpers import (
    CLASSES,
    PRETRAIN_RESULTS,
    RESULTS,
    empty_manifest,
    logits,
    random_clip,
    tiny_model,
)

from skeletonmae import (
    SkeletonMAE,
    SkeletonModel,
    TransformerSkeletonMAE,
    TransformerSkeletonMAEConfig,
    zoo,
)
from skeletonmae.hub import ChecksumError, ModelNotFoundError, resolve_pretrained
from skeletonmae.modelcard import render_model_card

PACKAGE = zoo.load_manifest(zoo.PACKAGE_MANIFEST)


@pytest.fixture
def tiny_zoo(tmp_path: Path) -> dict:
    """A temporary manifest with a bundled default classifier ``tiny-a`` and an encoder
    ``tiny-enc`` (registered from a run directory holding model/ and results.json)."""
    manifest = empty_manifest(tmp_path / "zoo" / "weights_manifest.json")
    model = tiny_model()
    model.save_pretrained(tmp_path / "a")
    zoo.register(tmp_path / "a", "tiny-a", RESULTS, bundled=True, default=True, manifest=manifest)
    run = tmp_path / "run"
    tiny_model(num_classes=0, seed=1).save_pretrained(run / "model")
    (run / "results.json").write_text(json.dumps(PRETRAIN_RESULTS))
    zoo.register(run, "tiny-enc", manifest=manifest)
    return {"manifest": manifest, "model": model, "dir": tmp_path / "a", "tmp": tmp_path}


def _data(manifest: Path) -> dict:
    return json.loads(manifest.read_text())


# -- the shipped manifest --------------------------------------------------------------------------


def test_package_manifest_is_valid_and_mirrored_at_the_root():
    assert PACKAGE.data["schema_version"] == 1
    if not zoo.ROOT_MANIFEST.is_file():
        pytest.skip("not a source checkout: no weights_manifest.json at the repository root")
    assert zoo.ROOT_MANIFEST.read_bytes() == zoo.PACKAGE_MANIFEST.read_bytes()


@pytest.mark.parametrize("name", [n for n, e in PACKAGE.entries.items() if e["bundled"]])
def test_bundled_files_match_the_manifest(name: str):
    entry = PACKAGE.entries[name]
    folder = PACKAGE.weights_dir(name)
    for filename, record in entry["files"].items():
        data = (folder / filename).read_bytes()
        assert len(data) == record["size"]
        assert hashlib.sha256(data).hexdigest() == record["sha256"]
    config = json.loads((folder / "config.json").read_text())
    assert config["arch"] == entry["architecture"]
    assert config["layout"] == entry["layout"]
    assert config["class_names"] == entry["class_names"]
    assert SkeletonModel.from_pretrained(name).num_parameters() == entry["params"]


@pytest.mark.parametrize("name", [n for n, e in PACKAGE.entries.items() if e.get("recipe")])
def test_each_published_model_is_what_its_recipe_builds(name: str):
    """Recipes name a preset plus overrides; resolved, they give the published config."""
    from skeletonmae.engine.recipe import load_recipe
    from skeletonmae.models.base import config_from_dict

    entry = PACKAGE.entries[name]
    saved = json.loads((PACKAGE.weights_dir(name) / "config.json").read_text())
    published = config_from_dict(saved).to_dict()
    model = load_recipe(entry["recipe"]).model
    built = config_from_dict({**model, "num_classes": published["num_classes"]}).to_dict()
    for key in ("class_names", "layout_spec"):
        built.pop(key), published.pop(key)
    assert built == published


def recipe_of_command(command: str, data_root: Path):
    """The recipe a recorded ``skeletonmae <stage> RECIPE …`` command runs, parsed by the CLI's
    own options (``--data-root`` pointed at an existing folder: it does not shape the recipe)."""
    import shlex

    from skeletonmae.cli import main
    from skeletonmae.cli.train import resolve_recipe
    from skeletonmae.engine.recipe import Recipe

    program, stage, *args = shlex.split(command)
    assert program == "skeletonmae"
    i = args.index("--data-root")
    args[i + 1] = str(data_root)
    params = main.commands[stage].make_context(stage, args).params
    fields = set(Recipe.__dataclass_fields__) - {"init"}
    overrides = {k: v for k, v in params.items() if k in fields}
    return resolve_recipe(params["recipe"], params["init"], **overrides)


@pytest.mark.parametrize("name", [n for n, e in PACKAGE.entries.items() if e.get("recipe")])
def test_each_published_model_records_what_its_command_trains_with(name: str, tmp_path):
    """A shipped recipe may not drift from the one a published model was trained with: the
    entry's fingerprint is that of its recorded command (a new recipe is the way to change)."""
    entry = PACKAGE.entries[name]
    assert recipe_of_command(entry["command"], tmp_path).fingerprint() == entry["recipe_sha256"]


def test_package_default_is_a_bundled_classifier():
    if PACKAGE.default is None:
        pytest.skip("the package manifest has no default model yet")
    entry = PACKAGE.get(PACKAGE.default)
    assert entry["bundled"] and entry["task"] == "action-classification"


# -- schema and rules ----------------------------------------------------------------------------


def test_schema_is_valid_json_schema_and_accepts_registered_entries(tiny_zoo):
    jsonschema = pytest.importorskip("jsonschema")
    schema = zoo.load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(_data(tiny_zoo["manifest"]), schema)


def _mutations() -> list[tuple[tuple, object, str]]:
    """(keys of the value to change, new value — None deletes it — , words in the error)."""
    m0 = ("models", 0)
    return [
        ((*m0, "files", "model.safetensors", "sha256"), "abc", "does not match"),
        ((*m0, "revision"), "main", "does not match"),
        ((*m0, "params"), True, "expected integer"),
        ((*m0, "params"), 0, "below the minimum"),
        ((*m0, "license"), None, "missing 'license'"),
        ((*m0, "bundled"), "yes", "expected boolean"),
        ((*m0, "papers"), [{"title": "t"}], "missing 'url'"),
        ((*m0, "summary"), 3, "expected string"),
        ((*m0, "task"), "segmentation", "is not one of"),
        ((*m0, "repo_id"), "no-slash", "does not match"),
        ((*m0, "metrics", 0, "command"), None, "missing 'command'"),
        ((*m0, "weights"), "x", "unknown field 'weights'"),
        (("schema_version",), 2, "expected 1"),
    ]


def _mutate(data: dict, keys: tuple, value: object) -> dict:
    data = copy.deepcopy(data)
    target = data
    for k in keys[:-1]:
        target = target[k]
    if value is None:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return data


@pytest.mark.parametrize(("keys", "value", "words"), _mutations())
def test_schema_violations_are_reported_and_jsonschema_agrees(tiny_zoo, keys, value, words):
    data = _mutate(_data(tiny_zoo["manifest"]), keys, value)
    with pytest.raises(zoo.ManifestError, match="invalid weights manifest") as err:
        zoo.validate_manifest(data, "m.json")
    assert words in str(err.value) and "m.json" in str(err.value)
    jsonschema = pytest.importorskip("jsonschema")
    assert list(jsonschema.Draft202012Validator(zoo.load_schema()).iter_errors(data))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["models"].append(copy.deepcopy(d["models"][0])), "duplicate name"),
        (lambda d: d.update(default="tiny-b"), "'tiny-b' is not a model"),
        (lambda d: d.update(default="tiny-enc"), "is not a classifier"),
        (lambda d: d["models"][0]["class_names"].pop(), "2 class_names for num_classes=3"),
        (lambda d: d["models"][1].update(task="action-classification"), "does not fit"),
    ],
)
def test_rules_beyond_the_schema(tiny_zoo, change, words):
    data = _data(tiny_zoo["manifest"])
    change(data)
    assert any(words in p for p in zoo.manifest_problems(data))


def test_unreadable_or_missing_manifest_names_the_file(tmp_path, monkeypatch):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(zoo.ManifestError, match=r"bad\.json: unreadable"):
        zoo.load_manifest(bad)
    monkeypatch.setenv(zoo.MANIFEST_ENV, str(tmp_path / "absent.json"))
    with pytest.raises(zoo.ManifestError, match=r"absent\.json: weights manifest not found"):
        zoo.load_manifest()


def test_manifest_path_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv(zoo.MANIFEST_ENV, raising=False)
    assert zoo.manifest_path() == zoo.PACKAGE_MANIFEST
    monkeypatch.setenv(zoo.MANIFEST_ENV, str(tmp_path / "env.json"))
    assert zoo.manifest_path() == tmp_path / "env.json"
    assert zoo.manifest_path(tmp_path / "arg.json") == tmp_path / "arg.json"


# -- building and registering entries ------------------------------------------------------------


def test_make_entry_records_the_checkpoint(tmp_path):
    model = tiny_model()
    model.save_pretrained(tmp_path)
    e = zoo.make_entry("tiny-a", tmp_path, RESULTS, description="d")
    assert e["params"] == model.num_parameters()
    for f in ("config.json", "model.safetensors"):
        data = (tmp_path / f).read_bytes()
        assert e["files"][f] == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert e["architecture"] == "skeletonmae-transformer"
    assert e["class_names"] == CLASSES and e["task"] == "action-classification"
    assert e["layout"] == "kinect-v1" and e["preprocess"]["num_frames"] == 8
    lifted = {"arch", "summary", "papers", "layout", "layout_spec", "preprocess", "class_names"}
    assert not lifted & set(e["config"])
    assert e["config"]["num_classes"] == 3
    assert (e["dataset"], e["protocol"], e["eval_split"]) == ("nw-ucla", "xview", "xview_test")
    assert [(m["name"], m["value"], m["command"]) for m in e["metrics"]] == [
        ("top1", RESULTS["top1"], RESULTS["command"]),
        ("top5", RESULTS["top5"], RESULTS["command"]),
    ]
    assert e["revision"] == "" and e["repo_id"] == "skeletonmae/tiny-a"
    # what the architecture is comes from config.json, where save_pretrained wrote it
    assert (e["summary"], e["papers"][0]["url"]) == (
        TransformerSkeletonMAE.summary,
        TransformerSkeletonMAE.papers[0].url,
    )
    assert (e["stage"], e["recipe"], e["description"]) == ("finetune", "tiny-finetune", "d")


def test_make_entry_names_what_the_weights_started_from(tmp_path):
    tiny_model().save_pretrained(tmp_path / "model")
    pre = {**RESULTS, "stage": "pretrain"}
    assert "self-supervised" in zoo.make_entry("p", tmp_path, pre)["pretraining"]
    ft = {**RESULTS, "init": "runs/tiny-pretrain/model"}
    assert zoo.make_entry("f", tmp_path, ft)["pretraining"] == "tiny-pretrain"
    assert zoo.make_entry("s", tmp_path, {**RESULTS, "init": None})["pretraining"] == (
        "none (from scratch)"
    )
    # Runs without an ``init`` in results.json: read from the run's recipe.json.
    (tmp_path / "recipe.json").write_text(json.dumps({"init": "tiny-zoo-encoder"}))
    assert zoo.make_entry("r", tmp_path, RESULTS)["pretraining"] == "tiny-zoo-encoder"


def test_make_entry_needs_a_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no config\.json"):
        zoo.make_entry("x", tmp_path)


def test_register_bundles_and_loads_by_name(tiny_zoo, monkeypatch):
    manifest, model = tiny_zoo["manifest"], tiny_zoo["model"]
    zoo_ = zoo.load_manifest(manifest)
    assert zoo_.default == "tiny-a" and list(zoo_.entries) == ["tiny-a", "tiny-enc"]
    assert zoo_.entries["tiny-enc"]["task"] == "feature-extraction"
    assert zoo_.entries["tiny-enc"]["eval_split"] is None
    folder = zoo_.weights_dir("tiny-a")
    assert folder == manifest.parent / "weights" / "tiny-a"
    for f in ("config.json", "model.safetensors"):
        assert (folder / f).read_bytes() == (tiny_zoo["dir"] / f).read_bytes()
    monkeypatch.setenv(zoo.MANIFEST_ENV, str(manifest))
    clip = random_clip(tiny_zoo["tmp"] / "c.npy")
    loaded = SkeletonMAE.from_pretrained("tiny-a")
    np.testing.assert_array_equal(logits(loaded, clip), logits(model, clip))
    assert loaded.class_names == CLASSES


def test_register_replaces_an_entry_and_unbundles(tiny_zoo):
    manifest = tiny_zoo["manifest"]
    zoo.register(tiny_zoo["dir"], "tiny-a", RESULTS, manifest=manifest, description="again")
    entries = zoo.load_manifest(manifest).entries
    assert list(entries) == ["tiny-a", "tiny-enc"]  # replaced in place, order kept
    assert entries["tiny-a"]["description"] == "again" and not entries["tiny-a"]["bundled"]
    assert not (manifest.parent / "weights" / "tiny-a").exists()


def test_register_rejects_an_invalid_entry_without_touching_the_manifest(tiny_zoo):
    before = tiny_zoo["manifest"].read_bytes()
    with pytest.raises(zoo.ManifestError, match="repo_id"):
        zoo.register(
            tiny_zoo["dir"],
            "tiny-b",
            RESULTS,
            manifest=tiny_zoo["manifest"],
            bundled=True,
            repo_id="not a repo",
        )
    assert tiny_zoo["manifest"].read_bytes() == before
    assert not (tiny_zoo["manifest"].parent / "weights" / "tiny-b").exists()


def test_set_revision_records_a_commit(tiny_zoo):
    sha = "0123456789abcdef0123456789abcdef01234567"
    zoo.set_revision("tiny-a", "org/tiny", sha, tiny_zoo["manifest"])
    e = zoo.get_entry("tiny-a", tiny_zoo["manifest"])
    assert (e["repo_id"], e["revision"]) == ("org/tiny", sha)
    with pytest.raises(zoo.ManifestError, match="revision"):
        zoo.set_revision("tiny-a", "org/tiny", "main", tiny_zoo["manifest"])


# -- resolution ----------------------------------------------------------------------------------


def test_unknown_names_get_the_closest_names(tiny_zoo, tmp_path):
    with pytest.raises(zoo.UnknownModelError, match="did you mean 'tiny-a'") as err:
        resolve_pretrained("tiny-aa", manifest=tiny_zoo["manifest"])
    assert isinstance(err.value, KeyError) and "tiny-enc" in str(err.value)
    with pytest.raises(zoo.UnknownModelError, match="has no models yet"):
        resolve_pretrained("tiny-a", manifest=empty_manifest(tmp_path / "e.json"))


def test_bundled_checksum_mismatch_is_an_error(tiny_zoo):
    zoo_ = zoo.load_manifest(tiny_zoo["manifest"])
    weights = zoo_.weights_dir("tiny-a") / "model.safetensors"
    expected = zoo_.get("tiny-a")["files"]["model.safetensors"]["sha256"]
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    with pytest.raises(ChecksumError, match="the manifest expects") as err:
        resolve_pretrained("tiny-a", manifest=tiny_zoo["manifest"])
    msg = str(err.value)
    assert "model.safetensors" in msg and expected in msg
    assert hashlib.sha256(data).hexdigest() in msg
    assert weights.exists()  # package files are reported, never deleted


def test_missing_bundled_file_is_reported(tiny_zoo):
    (zoo.load_manifest(tiny_zoo["manifest"]).weights_dir("tiny-a") / "config.json").unlink()
    with pytest.raises(ModelNotFoundError, match=r"config\.json is missing"):
        resolve_pretrained("tiny-a", manifest=tiny_zoo["manifest"])


def test_a_zoo_name_only_loads_its_pinned_revision(tiny_zoo):
    with pytest.raises(ValueError, match="skeletonmae/tiny-a@v2"):
        resolve_pretrained("tiny-a", revision="v2", manifest=tiny_zoo["manifest"])


def test_local_paths(tmp_path):
    model = tiny_model()
    model.save_pretrained(tmp_path / "m")
    config, weights = resolve_pretrained(tmp_path / "m")
    assert (config.name, weights.name) == ("config.json", "model.safetensors")
    assert resolve_pretrained(str(tmp_path / "m" / "model.safetensors")) == (config, weights)
    with pytest.raises(ModelNotFoundError, match="no model directory"):
        resolve_pretrained(str(tmp_path / "nope" / "deeper"))
    (tmp_path / "m" / "model.safetensors").unlink()
    with pytest.raises(ModelNotFoundError, match=r"missing model\.safetensors"):
        resolve_pretrained(tmp_path / "m")


def test_uncached_hub_repo_offline_fails_with_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"config.json of org/none@main: offline"):
        resolve_pretrained("org/none", cache_dir=tmp_path, local_files_only=True)
    with pytest.raises(ValueError, match="names revision 'a' but revision='b'"):
        resolve_pretrained("org/none@a", revision="b")


def test_system_b_loads_through_any_class(tmp_path, monkeypatch):
    from skeletonmae.models import graph

    manifest = empty_manifest(tmp_path / "zoo.json")
    model = tiny_model(graph=True)
    model.save_pretrained(tmp_path / "g")
    entry = zoo.register(tmp_path / "g", "tiny-graph", RESULTS, bundled=True, manifest=manifest)
    assert entry["architecture"] == "skeletonmae-graph"
    monkeypatch.setenv(zoo.MANIFEST_ENV, str(manifest))
    loaded = SkeletonMAE.from_pretrained("tiny-graph")
    assert isinstance(loaded, graph.GraphSkeletonMAE)
    clip = random_clip(tmp_path / "c.npy")
    np.testing.assert_array_equal(logits(loaded, clip), logits(model, clip))


# -- model cards and push_to_hub(local_dir=) -----------------------------------------------------


def test_model_card_metadata_comes_from_the_entry(tiny_zoo):
    yaml = pytest.importorskip("yaml")
    entry = zoo.get_entry("tiny-a", tiny_zoo["manifest"])
    card = render_model_card(entry)
    assert card_metadata_errors(card) == []
    meta = yaml.safe_load(card.split("---\n")[1])
    assert meta["license"] == "other" and meta["library_name"] == "skeletonmae"
    assert meta["datasets"] == ["nw-ucla"] and "skeletonmae" in meta["tags"]
    (result,) = meta["model-index"][0]["results"]
    assert result["dataset"]["split"] == "xview_test"
    assert [m["value"] for m in result["metrics"]] == [RESULTS["top1"], RESULTS["top5"]]
    assert "research use only" in card and RESULTS["command"] in card
    assert entry["files"]["model.safetensors"]["sha256"] in card


def test_encoder_card_has_no_results(tiny_zoo):
    card = render_model_card(zoo.get_entry("tiny-enc", tiny_zoo["manifest"]))
    assert card_metadata_errors(card) == []
    assert "model-index" not in card and "extract_features" in card


def test_push_to_hub_local_dir_writes_save_pretrained_files_and_a_card(tmp_path):
    model = tiny_model()
    model.save_pretrained(tmp_path / "saved")
    result = model.push_to_hub("org/tiny", local_dir=tmp_path / "repo")
    assert result.commit is None and result.folder == tmp_path / "repo"
    assert sorted(p.name for p in result.folder.iterdir()) == [
        "README.md",
        "config.json",
        "model.safetensors",
    ]
    for f in ("config.json", "model.safetensors"):
        assert (tmp_path / "repo" / f).read_bytes() == (tmp_path / "saved" / f).read_bytes()
    card = (tmp_path / "repo" / "README.md").read_text()
    assert card_metadata_errors(card) == [] and 'from_pretrained("org/tiny")' in card
    assert "research use only" in card
    assert TransformerSkeletonMAE.summary in card and TransformerSkeletonMAE.papers[0].url in card
    with pytest.raises(ValueError, match="org/name"):
        model.push_to_hub("no-org", local_dir=tmp_path / "x")


def test_bundled_weights_stay_within_55_mb():
    """The wheel carries every bundled model; the zoo keeps that download small (40 MB until the
    NW-UCLA ensemble, whose file repeats its two members' 7.7 MB of weights)."""
    total = sum(
        f["size"] for e in PACKAGE.data["models"] if e["bundled"] for f in e["files"].values()
    )
    assert total <= 55_000_000, f"bundled weights hold {total / 1e6:.1f} MB"


def test_each_bundled_model_ships_its_card_as_generated_from_the_manifest():
    from skeletonmae.modelcard import render_model_card

    manifest = zoo.load_manifest()
    bundled = [e for e in manifest.entries.values() if e["bundled"]]
    assert bundled
    for e in bundled:
        card = (manifest.weights_dir(e["name"]) / "README.md").read_text()
        assert card == render_model_card(e), f"{e['name']}: re-generate its card"
        assert "pipeline_tag: " in card and "license_link: " in card


def test_bundled_configs_are_saved_in_todays_form_with_their_architecture_facts():
    """Each bundled config.json is what its config writes today (no loader shim serves it), and
    states what the architecture is, as zoo entries and cards use it."""
    from skeletonmae.models.base import config_from_dict

    for e in PACKAGE.data["models"]:
        if not e["bundled"]:
            continue
        saved = json.loads((PACKAGE.weights_dir(e["name"]) / "config.json").read_text())
        assert config_from_dict(saved).to_dict() == saved, e["name"]
        assert saved["summary"] == e["summary"] and saved["papers"] == e["papers"], e["name"]
        assert saved["summary"], e["name"]


def test_a_config_from_before_the_agreement_term_was_removed_still_loads():
    from skeletonmae.models.base import config_from_dict

    cfg = TransformerSkeletonMAEConfig(num_classes=3)
    old = {**cfg.to_dict(), "invariance_weight": 0.0, "projector_dim": 128}
    assert config_from_dict(old).to_dict() == cfg.to_dict()


def test_zoo_entries_are_typed_records_that_round_trip_the_manifest():
    for d in PACKAGE.data["models"]:
        entry = zoo.ZooEntry.from_dict(d)
        assert entry.to_dict() == d, d["name"]
        assert entry.metric("top1") == next(
            (m["value"] for m in d["metrics"] if m["name"] == "top1"), None
        )
        assert entry["name"] == entry.name and entry.get("missing", 1) == 1
    with pytest.raises(TypeError):
        zoo.ZooEntry.from_dict({**PACKAGE.data["models"][0], "unknown_field": 1})


def test_run_results_keep_every_key_of_results_json(tmp_path):
    from skeletonmae.runs import RunDir, RunResults

    written = {**RESULTS, "final_loss": 0.5, "dataset_summary": {"sources": {}}}
    run = RunDir(tmp_path)
    run.write_results(RunResults.from_dict(written))
    back = run.read_results()
    assert back.to_dict() == written and back.top1 == RESULTS["top1"]
    assert back.metrics == {"top1": RESULTS["top1"], "top5": RESULTS["top5"]}
    assert back.extra == {"final_loss": 0.5, "dataset_summary": {"sources": {}}}
    assert not run.has_model() and run.run_files() == [run.results_file]

"""The zoo commands (list, info, classify, extract, push --local-dir, register) on tiny models in
a temporary manifest, offline; and `classify` with the package's default model when it has one."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from zoo_helpers import CLASSES, PRETRAIN_RESULTS, RESULTS, empty_manifest, random_clip, tiny_model

from skeletonmae import GraphSkeletonMAE, SkeletonModel, TransformerSkeletonMAE, zoo
from skeletonmae.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def env(tmp_path: Path, monkeypatch) -> dict:
    """A manifest with the bundled default classifier ``tiny-a`` and encoder ``tiny-enc``, and
    three clips in ``clips/``."""
    manifest = empty_manifest(tmp_path / "zoo" / "weights_manifest.json")
    tiny_model().save_pretrained(tmp_path / "a")
    zoo.register(tmp_path / "a", "tiny-a", RESULTS, bundled=True, default=True, manifest=manifest)
    tiny_model(num_classes=0, seed=1).save_pretrained(tmp_path / "enc")
    zoo.register(tmp_path / "enc", "tiny-enc", PRETRAIN_RESULTS, bundled=True, manifest=manifest)
    monkeypatch.setenv(zoo.MANIFEST_ENV, str(manifest))
    clips = [random_clip(tmp_path / "clips" / f"c{i}.npy", seed=i) for i in range(3)]
    return {"manifest": manifest, "clips": clips, "tmp": tmp_path}


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_user_error(result, *words: str) -> None:
    """Exit status 1 and one line on stderr, with no traceback."""
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "Traceback" not in result.output
    for w in words:
        assert w in line, line


def test_list_table_and_json(env):
    r = run("list")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["name", "architecture", "dataset", "metric", "size"]
    assert lines[1].startswith("tiny-a *") and "top1 66.67 (xview_test)" in lines[1]
    assert lines[2].startswith("tiny-enc ") and "nw-ucla" in lines[2]
    r = run("list", "--json")
    data = json.loads(r.stdout)
    assert data["default"] == "tiny-a"
    assert [m["name"] for m in data["models"]] == ["tiny-a", "tiny-enc"]


def test_list_of_an_empty_zoo(tmp_path, monkeypatch):
    monkeypatch.setenv(zoo.MANIFEST_ENV, str(empty_manifest(tmp_path / "m.json")))
    r = run("list")
    assert r.exit_code == 0 and "has no models yet" in r.stdout


def test_info(env):
    r = run("info", "tiny-a")
    assert r.exit_code == 0, r.output
    fields = dict(line.split(":", 1) for line in r.stdout.splitlines())
    arch = f"skeletonmae-transformer: {TransformerSkeletonMAE.summary}"
    assert fields["architecture"].strip() == arch
    assert fields["bundled"].strip().startswith("yes")
    assert "revision (not uploaded yet)" in fields["hub"]
    assert fields["started from"].strip() == zoo.get_entry("tiny-a")["pretraining"]
    assert json.loads(run("info", "tiny-a", "--json").stdout) == zoo.get_entry("tiny-a").to_dict()
    assert_user_error(run("info", "tiny-b"), "unknown model 'tiny-b'", "did you mean 'tiny-a'")


def test_classify_many_files_and_globs(env):
    c0, c1, c2 = env["clips"]
    r = run("classify", c0, str(c0.parent / "c[12].npy"), "--top-k", "2")
    assert r.exit_code == 0, r.output
    header, *blocks = r.stdout.strip().split("\n\n")
    assert header == "model: tiny-a"
    assert [b.splitlines()[0] for b in blocks] == [str(c) for c in (c0, c1, c2)]
    model = SkeletonModel.from_pretrained("tiny-a")
    for block, clip in zip(blocks, (c0, c1, c2), strict=True):
        rows = [line.split(None, 2) for line in block.splitlines()[1:]]
        expected = model.classify(clip, top_k=2)
        assert [(row[2], float(row[1])) for row in rows] == [
            (p.label, round(p.score, 3)) for p in expected
        ]


def test_skip_errors_processes_the_good_clips_and_fails(env):
    c0, c1, _ = env["clips"]
    bad = env["tmp"] / "bad.npy"
    bad.write_bytes(b"not an array")
    r = run("classify", c0, bad, c1, "--skip-errors", "--top-k", "1", "--batch-size", "1")
    assert r.exit_code == 1
    assert str(c0) in r.stdout and str(c1) in r.stdout and str(bad) not in r.stdout
    assert "bad.npy" in r.stderr and "1 of 3 clip(s) could not be read" in r.stderr
    out = env["tmp"] / "skip.npy"
    r = run("extract", c0, bad, "-o", out, "--model", "tiny-enc", "--skip-errors")
    assert r.exit_code == 1 and np.load(out).shape[0] == 1
    r = run("classify", c0, bad, "--top-k", "1")
    assert r.exit_code == 1 and str(c0) not in r.stdout  # without the flag: nothing printed
    r = run("classify", c0, bad, c1, "--skip-errors", "--json", "-k", "1")
    results = json.loads(r.stdout)["results"]  # every file, in order, the bad one with its error
    assert [x["file"] for x in results] == [str(c0), str(bad), str(c1)]
    assert "predictions" in results[0] and "predictions" in results[2]
    assert "error" in results[1] and "bad.npy" in results[1]["error"]
    assert results[0]["predictions"][0].keys() == {"label", "score", "index"}


def test_classify_json(env):
    r = run("classify", *env["clips"], "--json", "-k", "3")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["model"] == "tiny-a"
    assert [x["file"] for x in data["results"]] == [str(c) for c in env["clips"]]
    for result in data["results"]:
        scores = [p["score"] for p in result["predictions"]]
        assert sorted(p["label"] for p in result["predictions"]) == sorted(CLASSES)
        assert scores == sorted(scores, reverse=True) and sum(scores) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda t: [str(t / "missing.npy")], ["no such clip file", "missing.npy"]),
        (lambda t: [str(t / "clips" / "*.json")], ["no clip files match"]),
        (lambda t: [str(t / "clips")], ["is a directory"]),
        (lambda t: [_bad_clip(t)], ["bad.npy", "got shape (5, 7)"]),
        (lambda t: [str(t / "clips" / "c0.npy"), "--model", "tiny-b"], ["did you mean"]),
        (lambda t: [str(t / "clips" / "c0.npy"), "--model", "tiny-enc"], ["encoder"]),
        (lambda t: [str(t / "clips" / "c0.npy"), "--model", "./nowhere"], ["no model directory"]),
    ],
)
def test_classify_bad_input_is_one_line(env, make, words):
    assert_user_error(run("classify", *make(env["tmp"])), *words)


def _bad_clip(tmp: Path) -> str:
    np.save(tmp / "bad.npy", np.zeros((5, 7), dtype=np.float32))
    return str(tmp / "bad.npy")


def test_classify_without_a_default_model(tmp_path, monkeypatch):
    monkeypatch.setenv(zoo.MANIFEST_ENV, str(empty_manifest(tmp_path / "m.json")))
    clip = random_clip(tmp_path / "c.npy")
    assert_user_error(run("classify", clip), "no default model", "--model")


def test_classify_a_model_directory(env):
    r = run("classify", env["clips"][0], "--model", env["tmp"] / "a", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["model"] == str(env["tmp"] / "a")


def test_extract_npz_and_npy(env):
    out = env["tmp"] / "f.npz"
    r = run("extract", *env["clips"], "-o", out, "--model", "tiny-enc")
    assert r.exit_code == 0, r.output
    model = SkeletonModel.from_pretrained("tiny-enc")
    with np.load(out) as z:
        assert sorted(z.files) == ["c0", "c1", "c2"]
        for clip in env["clips"]:
            np.testing.assert_allclose(
                z[clip.stem], model.extract_features(clip), rtol=1e-5, atol=1e-6
            )
    out = env["tmp"] / "f.npy"
    r = run("extract", env["clips"][2], env["clips"][0], "-o", out, "--model", "tiny-enc")
    assert r.exit_code == 0, r.output
    np.testing.assert_allclose(
        np.load(out),
        model.extract_features_batch([env["clips"][2], env["clips"][0]]),
        rtol=1e-5,
        atol=1e-6,
    )


def test_extract_bad_input(env):
    other = random_clip(env["tmp"] / "other" / "c0.npy")
    assert_user_error(
        run("extract", env["clips"][0], other, "-o", env["tmp"] / "f.npz"), "share the file stem"
    )
    assert_user_error(run("extract", env["clips"][0], "-o", env["tmp"] / "f.txt"), ".npz or .npy")


def test_push_local_dir(env):
    out = env["tmp"] / "repo"
    r = run("push", "tiny-a", "--repo-id", "org/tiny-a", "--local-dir", out)
    assert r.exit_code == 0, r.output
    entry = zoo.get_entry("tiny-a")
    for f, record in entry["files"].items():
        assert hashlib.sha256((out / f).read_bytes()).hexdigest() == record["sha256"]
    card = (out / "README.md").read_text()
    assert "org/tiny-a" in card and "research use only" in card
    tiny_model(graph=True).save_pretrained(env["tmp"] / "b")
    r = run("push", env["tmp"] / "b", "--repo-id", "org/tiny-b", "--local-dir", out / "b")
    assert r.exit_code == 0, r.output
    assert GraphSkeletonMAE.papers[0].url in (out / "b" / "README.md").read_text()
    assert_user_error(
        run("push", "tiny-a", "--repo-id", "org/x", "--local-dir", out, "--record-revision"),
        "revision needs a zoo name and a real upload",
    )


def test_register_command(env):
    run_dir = env["tmp"] / "run"
    tiny_model(seed=3).save_pretrained(run_dir / "model")
    (run_dir / "results.json").write_text(json.dumps(RESULTS))
    r = run(
        "register",
        run_dir,
        "--name",
        "tiny-new",
        "--bundle",
        "--default",
        "--description",
        "a new one",
    )
    assert r.exit_code == 0, r.output
    manifest = zoo.load_manifest()
    assert manifest.default == "tiny-new"
    assert manifest.get("tiny-new")["description"] == "a new one"
    assert manifest.get("tiny-new")["summary"] == TransformerSkeletonMAE.summary
    assert manifest.get("tiny-new")["papers"] == [
        {"title": p.title, "url": p.url} for p in TransformerSkeletonMAE.papers
    ]
    assert manifest.get("tiny-new")["metrics"][0]["value"] == RESULTS["top1"]
    assert (manifest.weights_dir("tiny-new") / "model.safetensors").is_file()
    assert "tiny-new *" in run("list").stdout
    assert_user_error(run("register", env["tmp"] / "clips", "--name", "x"), "no config.json")


def test_classify_with_the_bundled_default_model(monkeypatch):
    monkeypatch.delenv(zoo.MANIFEST_ENV, raising=False)
    default = zoo.load_manifest().default
    if default is None:
        pytest.skip("the package manifest has no default model yet")
    clips = sorted((REPO / "examples" / "clips").glob("*.np[yz]"))
    if not clips:
        pytest.skip("no example clips in examples/clips")
    r = run("classify", clips[0], "--json")
    assert r.exit_code == 0, r.output
    (result,) = json.loads(r.stdout)["results"]
    assert len(result["predictions"]) == min(5, len(zoo.get_entry(default)["class_names"]))


def test_millimetre_clips_are_warned_about_and_converted_with_units(env, tmp_path):
    c0 = env["clips"][0]
    mm = tmp_path / "mm.npy"
    np.save(mm, np.load(c0) * 1000)
    r = run("classify", mm, "--top-k", "1")
    assert r.exit_code == 0 and "look like millimetres" in r.stderr
    r = run("classify", mm, "--top-k", "1", "--units", "mm")
    assert r.exit_code == 0 and "millimetres" not in r.stderr
    plain = run("classify", c0, "--top-k", "1")
    assert r.stdout.splitlines()[-1] == plain.stdout.splitlines()[-1]
    cm = tmp_path / "cm.npy"
    np.save(cm, np.load(c0) * 100)
    r = run("classify", cm, "--top-k", "1")
    assert "look like centimetres" in r.stderr and "--units cm" in r.stderr
    assert "model.to_clip(path, units='cm')" in r.stderr


def test_classify_clips_of_another_sensor_says_once_which_joints_were_derived(env):
    rng = np.random.default_rng(0)
    clips = []
    for i in range(2):
        path = env["tmp"] / f"openni{i}.npy"
        np.save(path, rng.normal(0, 0.3, size=(20, 15, 3)).astype(np.float32))
        clips.append(path)
    r = run("classify", *clips, "--layout", "openni-15", "--json")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) == 2
    (warning,) = r.stderr.strip().splitlines()
    assert "'openni-15' mapped onto 'kinect-v1': derived hip_center" in warning


def test_a_2d_clip_on_a_3d_model_is_one_clear_line(env):
    path = env["tmp"] / "coco.npy"
    np.save(path, np.random.default_rng(0).normal(size=(20, 17, 2)).astype(np.float32))
    assert_user_error(run("classify", path, "--layout", "coco-17"), "2-D joints", "3-D")


def test_recipes_and_layouts_are_listed():
    from skeletonmae.engine.recipe import available_recipes
    from skeletonmae.layouts import available_layouts

    r = run("recipes")
    assert r.exit_code == 0
    names = [line.split()[0] for line in r.stdout.splitlines()[1:]]
    assert names == available_recipes()
    r = run("layouts")
    rows = {line.split()[0]: line for line in r.stdout.splitlines()[1:]}
    assert set(available_layouts()) <= set(rows)
    assert "left, up, away" in rows["kinect-v1"] and "utkinect" in rows["kinect-v1"]
    assert "right, down" in rows["penn-action"] and " px" in rows["penn-action"]
    assert json.loads(run("layouts", "--json").stdout)[0]["name"] == sorted(available_layouts())[0]


def test_info_describes_a_model_directory_or_a_run(tmp_path):
    folder = tiny_model().save_pretrained(tmp_path / "run" / "model")
    (tmp_path / "run" / "results.json").write_text(
        json.dumps(
            {
                "dataset": "folder",
                "train_split": "train",
                "eval_split": "test",
                "top1": 61.5,
                "stage": "finetune",
                "recipe": "r",
                "command": "skeletonmae finetune r --data-root d",
            }
        )
    )
    for where in (tmp_path / "run", folder):
        r = run("info", where)
        assert r.exit_code == 0, r.output
        assert "architecture: skeletonmae-transformer" in r.stdout
    assert "top1 = 61.5 on test" in run("info", tmp_path / "run").stdout
    (tmp_path / "empty").mkdir()
    r = run("info", tmp_path / "empty")
    assert r.exit_code == 1 and "not a model directory or training run" in r.stderr

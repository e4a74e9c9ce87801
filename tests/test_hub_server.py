"""Zoo models and Hub repo ids through huggingface_hub's real download and upload code, against
the Hub-compatible server of `hubserver` on 127.0.0.1.

huggingface_hub reads HF_ENDPOINT / HF_HUB_OFFLINE / HF_HUB_CACHE when it is imported, so every
download runs in a fresh Python process with those variables pointing at the server and at a
cache in tmp_path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from hubserver import HubServer, card_metadata_errors
from zoo_helpers import RESULTS, empty_manifest, logits, random_clip, tiny_model

from skeletonmae import zoo

pytestmark = pytest.mark.slow  # each test starts Python processes that import torch

# Loads each model named in argv[3:] and saves its logits on the clip argv[1] to argv[2]/<i>.npy;
# prints one JSON line per model: {"type": class name} or {"error": type, "message": ...}.
LOAD = """
import json, sys
import numpy as np, torch
from skeletonmae import SkeletonMAE
for i, name in enumerate(sys.argv[3:]):
    try:
        model = SkeletonMAE.from_pretrained(name)
    except (OSError, ValueError, LookupError) as e:
        print(json.dumps({"error": type(e).__name__, "message": str(e)}))
        continue
    with torch.no_grad():
        np.save(f"{sys.argv[2]}/{i}.npy", model(model.prepare([sys.argv[1]])).numpy())
    print(json.dumps({"type": type(model).__name__}))
"""


@pytest.fixture
def hub():
    with HubServer() as server:
        yield server


@pytest.fixture
def site(tmp_path: Path, hub: HubServer) -> dict:
    """A tiny model published on the server as ``org/tiny`` and registered (not bundled) in a
    temporary manifest as ``tiny-hub``, pinned to the server's commit."""
    model = tiny_model()
    model.save_pretrained(tmp_path / "src")
    commit = hub.add_folder("org/tiny", tmp_path / "src")
    manifest = empty_manifest(tmp_path / "zoo.json")
    zoo.register(
        tmp_path / "src",
        "tiny-hub",
        RESULTS,
        manifest=manifest,
        repo_id="org/tiny",
        revision=commit,
        default=True,
    )
    clip = random_clip(tmp_path / "clip.npy")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update(
        HF_ENDPOINT=hub.url,
        HF_HUB_OFFLINE="0",
        HF_HOME=str(tmp_path / "hf_home"),
        HF_HUB_CACHE=str(tmp_path / "cache"),
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        SKELETONMAE_MANIFEST=str(manifest),
        OMP_NUM_THREADS="1",
    )
    return {
        "model": model,
        "commit": commit,
        "manifest": manifest,
        "clip": clip,
        "env": env,
        "expected": logits(model, clip),
        "tmp": tmp_path,
    }


CLI = [sys.executable, "-c", "from skeletonmae.cli import main; main()"]


def _run(args: list[str], env: dict, **overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, env={**env, **overrides}, capture_output=True, text=True, timeout=300
    )


def _load(site: dict, *names: str, **overrides: str) -> list[dict]:
    """Load ``names`` in one fresh process; each result holds "logits" or "error" + "message"."""
    out = site["tmp"] / f"out-{len(list(site['tmp'].glob('out-*')))}"
    out.mkdir()
    p = _run(
        [sys.executable, "-c", LOAD, str(site["clip"]), str(out), *names], site["env"], **overrides
    )
    assert p.returncode == 0, p.stdout + p.stderr
    results = [json.loads(line) for line in p.stdout.splitlines()]
    for i, r in enumerate(results):
        if "type" in r:
            r["logits"] = np.load(out / f"{i}.npy")
    return results


def _resolves(hub: HubServer) -> list[tuple[str, str]]:
    return [r for r in hub.requests if "/resolve/" in r[1]]


def test_server_speaks_the_resolve_protocol(hub, tmp_path):
    commit = hub.add_commit("org/x", {"config.json": b"{}", "model.safetensors": b"12345"})

    def head(path: str) -> tuple[int, dict]:
        req = urllib.request.Request(hub.url + path, method="HEAD")
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers)

    status, h = head("/org/x/resolve/main/model.safetensors")
    assert status == 200 and h["X-Repo-Commit"] == commit
    assert h["X-Linked-Size"] == h["Content-Length"] == "5" and h["X-Linked-Etag"].strip('"')
    status, h = head(f"/org/x/resolve/{commit}/config.json")
    assert status == 200 and h["ETag"].strip('"') and "X-Linked-Etag" not in h
    for path, code in [
        ("/org/y/resolve/main/config.json", "RepoNotFound"),
        ("/org/x/resolve/v9/config.json", "RevisionNotFound"),
        ("/org/x/resolve/main/nope.json", "EntryNotFound"),
    ]:
        status, h = head(path)
        assert (status, h["X-Error-Code"]) == (404, code)


def test_zoo_name_downloads_at_the_pinned_revision_then_loads_offline(site, hub):
    (r,) = _load(site, "tiny-hub")
    np.testing.assert_array_equal(r["logits"], site["expected"])
    requested = _resolves(hub)
    assert ("HEAD", f"/org/tiny/resolve/{site['commit']}/model.safetensors") in requested
    assert all(f"/resolve/{site['commit']}/" in path for _, path in requested)
    snapshot = site["tmp"] / "cache" / "models--org--tiny" / "snapshots" / site["commit"]
    assert sorted(f.name for f in snapshot.iterdir()) == ["config.json", "model.safetensors"]

    hub.requests.clear()
    (r,) = _load(site, "tiny-hub", HF_HUB_OFFLINE="1")
    np.testing.assert_array_equal(r["logits"], site["expected"])
    assert hub.requests == []


def test_repo_ids_load_from_branch_and_commit(site, hub):
    for r in _load(site, "org/tiny", f"org/tiny@{site['commit']}"):
        np.testing.assert_array_equal(r["logits"], site["expected"])
    assert ("HEAD", "/org/tiny/resolve/main/config.json") in hub.requests


def test_a_token_and_force_download_reach_the_hub(site, hub):
    script = (
        "import sys; from skeletonmae import SkeletonMAE; "
        "SkeletonMAE.from_pretrained('org/tiny', token='secret-token', force_download=True)"
    )
    for _ in range(2):
        p = _run([sys.executable, "-c", script], site["env"])
        assert p.returncode == 0, p.stderr
    gets = [path for method, path in hub.requests if method == "GET" and "/resolve/" in path]
    assert gets.count("/org/tiny/resolve/main/model.safetensors") == 2  # fetched again, cached
    assert set(hub.tokens) == {"Bearer secret-token"}


def test_uncached_offline_fails_at_once_with_a_one_line_reason(site, hub):
    p = _run([*CLI, "classify", str(site["clip"])], site["env"], HF_HUB_OFFLINE="1")
    assert p.returncode == 1 and p.stdout == ""
    (line,) = p.stderr.strip().splitlines()
    assert "offline" in line and "not in the Hub cache" in line and "org/tiny" in line
    assert hub.requests == []


def test_tampered_file_is_rejected_and_removed_from_the_cache(site, hub, tmp_path):
    other = tiny_model(seed=7)
    other.save_pretrained(tmp_path / "other")
    hub.add_commit(
        "org/tiny", {"model.safetensors": (tmp_path / "other" / "model.safetensors").read_bytes()}
    )
    zoo.set_revision("tiny-hub", "org/tiny", "", site["manifest"])  # follow main: the bad commit
    (r,) = _load(site, "tiny-hub")
    expected = zoo.get_entry("tiny-hub", site["manifest"])["files"]["model.safetensors"]["sha256"]
    actual = zoo.sha256_file(tmp_path / "other" / "model.safetensors")
    assert r["error"] == "ChecksumError" and "model.safetensors" in r["message"]
    assert expected in r["message"] and actual in r["message"]
    blobs = list((tmp_path / "cache" / "models--org--tiny" / "blobs").iterdir())
    assert actual not in [b.name for b in blobs]
    assert not list((tmp_path / "cache").rglob("model.safetensors"))
    (r,) = _load(site, "tiny-hub", HF_HUB_OFFLINE="1")  # nothing bad is left to load offline
    assert r["error"] == "ModelNotFoundError" and "not in the Hub cache" in r["message"]


def test_missing_repo_revision_or_file_are_clear_errors(site, hub):
    hub.add_commit("org/partial", {"config.json": b"{}"})
    cases = {
        "org/absent": "Hub repository 'org/absent' not found",
        "org/tiny@" + "f" * 40: "revision '" + "f" * 40 + "' not found in Hub repository",
        "org/partial": "org/partial@main has no file 'model.safetensors'",
    }
    for r, words in zip(_load(site, *cases), cases.values(), strict=True):
        assert r["error"] == "ModelNotFoundError" and words in r["message"], r


PUSH = """
import sys
from skeletonmae import SkeletonMAE
model = SkeletonMAE.from_pretrained(sys.argv[1])
model.save_pretrained(sys.argv[2])
print(model.push_to_hub("org/pushed", token="test-token").commit)
"""


def test_push_to_hub_uploads_a_loadable_repo_with_a_card(site, hub):
    saved = site["tmp"] / "saved"
    p = _run([sys.executable, "-c", PUSH, "tiny-hub", str(saved)], site["env"])
    assert p.returncode == 0, p.stdout + p.stderr
    commit = p.stdout.strip().splitlines()[-1]
    files = hub.files("org/pushed", commit)
    assert sorted(files) == ["README.md", "config.json", "model.safetensors"]
    for f in ("config.json", "model.safetensors"):
        assert files[f] == (saved / f).read_bytes()
    assert card_metadata_errors(files["README.md"].decode()) == []
    (r,) = _load(site, f"org/pushed@{commit}")
    np.testing.assert_array_equal(r["logits"], site["expected"])


def test_cli_push_records_the_commit_in_the_manifest(site, hub):
    p = _run(
        [
            *CLI,
            "push",
            "tiny-hub",
            "--repo-id",
            "org/again",
            "--record-revision",
            "--token",
            "test-token",
        ],
        site["env"],
    )
    assert p.returncode == 0, p.stdout + p.stderr
    entry = zoo.get_entry("tiny-hub", site["manifest"])
    assert (
        entry["repo_id"] == "org/again" and entry["revision"] == hub.repos["org/again"].refs["main"]
    )
    card = hub.files("org/again")["README.md"].decode()
    assert "tiny-hub" in card and str(RESULTS["top1"]) in card
    (r,) = _load(site, "tiny-hub")  # now from the new repo; the checksums still match
    np.testing.assert_array_equal(r["logits"], site["expected"])
    assert json.loads(site["manifest"].read_text())["default"] == "tiny-hub"


def test_an_unreachable_endpoint_falls_back_to_the_cache_and_says_so_when_uncached(site, hub):
    (r,) = _load(site, "tiny-hub")  # cached from the live server
    closed = f"http://127.0.0.1:{_closed_port()}"
    hub.requests.clear()
    (r,) = _load(site, "tiny-hub", HF_ENDPOINT=closed)
    np.testing.assert_array_equal(r["logits"], site["expected"])
    assert hub.requests == []
    (r,) = _load(site, "tiny-hub", HF_ENDPOINT=closed, HF_HUB_CACHE=str(site["tmp"] / "empty"))
    assert r["error"] == "ModelNotFoundError"
    assert f"cannot reach {closed}" in r["message"] and "not in the Hub cache" in r["message"]


def test_push_without_a_reachable_hub_ends_in_one_line(site, hub):
    closed = f"http://127.0.0.1:{_closed_port()}"
    local = tiny_model().save_pretrained(site["tmp"] / "to-push")
    before = site["manifest"].read_text()
    args = [*CLI, "push", str(local), "--repo-id", "org/nowhere", "--token", "test-token"]
    p = _run(args, site["env"], HF_ENDPOINT=closed)
    assert p.returncode == 1 and p.stderr.count("\n") == 1, p.stderr
    assert p.stderr.startswith(f"Error: could not publish org/nowhere to {closed}: ")
    assert site["manifest"].read_text() == before


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

"""A Hugging Face Hub-compatible HTTP server on 127.0.0.1 for tests.

It serves model repos held in memory (add them from bytes or a folder) with the parts of the Hub
protocol that ``hf_hub_download`` and ``HfApi.create_repo`` / ``upload_folder`` use:

- ``HEAD`` / ``GET /{repo_id}/resolve/{revision}/{filename}`` with ``X-Repo-Commit``, ``ETag``
  (git blob sha1; for ``*.safetensors`` also ``X-Linked-Etag`` = sha256 and ``X-Linked-Size``, as
  the Hub does for LFS files) and ``Content-Length``; 404s carry ``X-Error-Code``
  ``RepoNotFound`` / ``RevisionNotFound`` / ``EntryNotFound``.
- ``POST /api/repos/create``; ``POST /api/validate-yaml`` (a model-index check of README.md);
  ``POST /api/models/{repo_id}/preupload/{revision}`` (every file is a regular git file, so no
  LFS / Xet transfer is needed); ``POST /api/models/{repo_id}/commit/{revision}`` (NDJSON),
  which adds a commit.

Every request is logged as ``(method, path)`` in `HubServer.requests`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["HubServer"]


@dataclass
class Repo:
    commits: dict[str, dict[str, bytes]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)


def _git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def card_metadata_errors(readme: str) -> list[str]:
    """What the Hub's README check would reject: front matter that is not a YAML mapping, or a
    ``model-index`` whose results lack a task type, dataset type / name or metric type / value."""
    import yaml

    if not readme.startswith("---\n"):
        return ["README.md has no YAML front matter"]
    try:
        meta = yaml.safe_load(readme[4:].split("\n---\n", 1)[0])
    except yaml.YAMLError as e:
        return [f"front matter is not YAML: {e}"]
    if not isinstance(meta, dict):
        return ["front matter is not a mapping"]
    errors = []
    for model in meta.get("model-index", []):
        for r in model.get("results", []):
            if not r.get("task", {}).get("type"):
                errors.append(f"{model.get('name')}: result without task.type")
            if not {"type", "name"} <= set(r.get("dataset", {})):
                errors.append(f"{model.get('name')}: result without dataset type and name")
            if not r.get("metrics") or any({"type", "value"} - set(m) for m in r["metrics"]):
                errors.append(f"{model.get('name')}: metrics need type and value")
    return errors


class HubServer:
    """Start with ``with HubServer() as hub:``; ``hub.url`` is the endpoint for ``HF_ENDPOINT``."""

    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.requests: list[tuple[str, str]] = []
        self.tokens: list[str | None] = []  # each request's Authorization header
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # -- content -------------------------------------------------------------------------------
    def add_commit(
        self,
        repo_id: str,
        files: Mapping[str, bytes],
        *,
        branch: str = "main",
        parent: str | None = None,
    ) -> str:
        """Commit ``files`` (on top of ``parent``'s, default the branch head) and move the
        branch to the new commit; returns its 40-hex id."""
        with self._lock:
            repo = self.repos.setdefault(repo_id, Repo())
            base = parent or repo.refs.get(branch)
            tree = {**(repo.commits[base] if base else {}), **files}
            digest = hashlib.sha1(f"{repo_id}{base}{len(repo.commits)}".encode())
            for name in sorted(tree):
                digest.update(name.encode() + _git_blob_sha1(tree[name]).encode())
            sha = digest.hexdigest()
            repo.commits[sha] = tree
            repo.refs[branch] = sha
            return sha

    def add_folder(self, repo_id: str, folder: str | Path, **kw) -> str:
        """Commit every file of a folder (paths relative to it)."""
        root = Path(folder)
        files = {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }
        return self.add_commit(repo_id, files, **kw)

    def files(self, repo_id: str, revision: str = "main") -> dict[str, bytes]:
        repo = self.repos[repo_id]
        return repo.commits[repo.refs.get(revision, revision)]

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.hub = self  # type: ignore[attr-defined]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    server_version = "skeletonmae-test-hub"

    @property
    def hub(self) -> HubServer:
        return self.server.hub  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _path(self) -> list[str]:
        path = urlsplit(self.path).path
        with self.hub._lock:
            self.hub.requests.append((self.command, unquote(path)))
            self.hub.tokens.append(self.headers.get("Authorization"))
        return [unquote(p) for p in path.strip("/").split("/")]

    def _send(
        self,
        status: int,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        body = json.dumps({"error": message}).encode()
        self._send(404, body, {"X-Error-Code": code, "X-Error-Message": message, **(headers or {})})

    def _json(self, data: object, status: int = 200) -> None:
        self._send(status, json.dumps(data).encode())

    def _commit(self, repo_id: str, revision: str) -> str | None:
        """A branch name or full commit id → the commit id (None: unknown revision)."""
        repo = self.hub.repos[repo_id]
        return repo.refs.get(revision) or (revision if revision in repo.commits else None)

    # -- download ------------------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self._resolve(self._path())

    def do_GET(self) -> None:
        self._resolve(self._path())

    def _resolve(self, parts: list[str]) -> None:
        if len(parts) < 5 or parts[2] != "resolve":
            self._send(400, b'{"error": "unsupported endpoint"}')
            return
        repo_id, revision, filename = "/".join(parts[:2]), parts[3], "/".join(parts[4:])
        if repo_id not in self.hub.repos:
            self._error("RepoNotFound", f"Repository {repo_id} not found")
            return
        commit = self._commit(repo_id, revision)
        if commit is None:
            self._error("RevisionNotFound", f"Invalid rev id: {revision}")
            return
        data = self.hub.repos[repo_id].commits[commit].get(filename)
        if data is None:
            self._error(
                "EntryNotFound",
                f"{filename} does not exist at {revision}",
                {"X-Repo-Commit": commit},
            )
            return
        headers = {"X-Repo-Commit": commit, "ETag": f'"{_git_blob_sha1(data)}"'}
        if filename.endswith(".safetensors"):
            headers["X-Linked-Etag"] = f'"{hashlib.sha256(data).hexdigest()}"'
            headers["X-Linked-Size"] = str(len(data))
        self._send(200, data, headers, content_type="application/octet-stream")

    # -- upload --------------------------------------------------------------------------------
    def do_POST(self) -> None:
        parts = self._path()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if parts == ["api", "repos", "create"]:
            self._create(json.loads(body))
        elif parts == ["api", "validate-yaml"]:
            errors = card_metadata_errors(json.loads(body)["content"])
            self._json({"errors": [{"message": e} for e in errors]}, 400 if errors else 200)
        elif len(parts) == 6 and parts[:2] == ["api", "models"] and parts[4] == "preupload":
            files = json.loads(body)["files"]
            self._json(
                {
                    "files": [
                        {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                        for f in files
                    ]
                }
            )
        elif len(parts) == 6 and parts[:2] == ["api", "models"] and parts[4] == "commit":
            self._commit_upload("/".join(parts[2:4]), parts[5], body)
        else:
            self._send(400, b'{"error": "unsupported endpoint"}')

    def _create(self, payload: dict) -> None:
        repo_id = f"{payload['organization']}/{payload['name']}"
        url = f"{self.hub.url}/{repo_id}"
        with self.hub._lock:
            exists = repo_id in self.hub.repos
            self.hub.repos.setdefault(repo_id, Repo())
        if exists:
            self._json({"error": "You already created this model repo", "url": url}, 409)
        else:
            self._json({"url": url, "name": repo_id})

    def _commit_upload(self, repo_id: str, revision: str, body: bytes) -> None:
        if repo_id not in self.hub.repos:
            self._error("RepoNotFound", f"Repository {repo_id} not found")
            return
        files = {}
        for line in body.splitlines():
            item = json.loads(line)
            if item["key"] == "file":
                files[item["value"]["path"]] = base64.b64decode(item["value"]["content"])
            elif item["key"] != "header":
                self._send(400, json.dumps({"error": f"unsupported {item['key']}"}).encode())
                return
        sha = self.hub.add_commit(repo_id, files, branch=revision)
        self._json(
            {
                "commitUrl": f"{self.hub.url}/{repo_id}/commit/{sha}",
                "commitOid": sha,
                "pullRequestUrl": None,
            }
        )

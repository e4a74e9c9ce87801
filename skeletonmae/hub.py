"""Resolving ``from_pretrained`` arguments to a (config.json, model.safetensors) pair on disk, and
publishing a model to the Hugging Face Hub.

Resolution order: an existing local directory or ``.safetensors`` file; a Hub repo id
``org/name`` (optionally ``org/name@revision``), fetched as is; otherwise a zoo name from the
weights manifest. A zoo model's files come from the package when it is bundled, else from its Hub
repo at the manifest's pinned revision; either way every file must match the manifest's sha256.

Downloads go through ``huggingface_hub.hf_hub_download`` into the standard Hub cache, so
``HF_ENDPOINT``, ``HF_HUB_OFFLINE`` and ``HF_HUB_CACHE`` behave as for any Hub library (note that
huggingface_hub reads them when it is first imported). With a pinned commit, a cached file is
returned without any request; a branch name costs a HEAD request per file, falling back to the
cached ref when offline. huggingface_hub is imported only when a file has to come from the Hub,
which keeps loading bundled models fast.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlsplit

from . import zoo
from .fileio import write_text_atomic
from .modelfiles import CONFIG_NAME, WEIGHTS_NAME, CheckpointError
from .names import close_names
from .runs import RunDir


class SavableModel(Protocol):
    """What `push_model` needs of a model (every `skeletonmae.models.SkeletonModel` is one)."""

    def save_pretrained(self, save_directory: str | os.PathLike) -> Path: ...


__all__ = [
    "ChecksumError",
    "ModelNotFoundError",
    "PushResult",
    "push",
    "push_files",
    "push_model",
    "resolve_pretrained",
]

_REPO_ID = re.compile(r"^([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*)(?:@([\w./-]+))?$")


class ModelNotFoundError(FileNotFoundError):
    """The model's files cannot be found: no such path, Hub repo, revision or file, or offline
    with nothing in the cache."""


class ChecksumError(CheckpointError):
    """A file's sha256 differs from the one the manifest records."""


def resolve_pretrained(
    name_or_path: str | os.PathLike,
    *,
    revision: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    local_files_only: bool | None = None,
    manifest: str | os.PathLike | None = None,
    token: str | bool | None = None,
    force_download: bool = False,
) -> tuple[Path, Path]:
    """A local directory / ``.safetensors`` file, a Hub repo id, or a zoo name → the paths of
    its config.json and model.safetensors. ``token`` and ``force_download`` go to the Hub client
    (a token for private repositories; fetch again even when cached).

    For a zoo name ``revision`` may only repeat the manifest's pinned revision (its checksums
    describe those files); load another revision through the repo id, ``org/name@rev``.
    """
    p = Path(name_or_path)
    if p.exists():
        return _local_files(p)
    text = os.fspath(name_or_path)
    hub = _REPO_ID.match(text)
    nearby = _local_near_miss(p)
    if hub and not nearby:
        repo_id, rev = hub.groups()
        if rev and revision and rev != revision:
            raise ValueError(f"{text!r} names revision {rev!r} but revision={revision!r} was given")
        try:
            return _download(
                repo_id, rev or revision, cache_dir, local_files_only, token, force_download
            )
        except ModelNotFoundError as e:
            if p.parent.is_dir() and p.parent != Path("."):  # `runs/a`: a path, most likely
                raise ModelNotFoundError(
                    f"no model directory at {p} ({p.parent} has none); {e}"
                ) from None
            raise
    if any(sep in text for sep in ("/", "\\")) or p.suffix in (".safetensors", ".json"):
        raise ModelNotFoundError(f"no model directory or .safetensors file at {p}{nearby}")
    manifest_ = zoo.load_manifest(manifest)
    return resolve_entry(
        manifest_.get(text),
        manifest_,
        revision=revision,
        cache_dir=cache_dir,
        local_files_only=local_files_only,
        token=token,
        force_download=force_download,
    )


def _local_near_miss(p: Path) -> str:
    """``"; did you mean …"`` when ``p`` does not exist but its folder holds something close to
    it (a typo in ``runs/systema-nwucla-finetun``), else ``""``."""
    if p.parent == Path(".") or not p.parent.is_dir():
        return ""
    try:
        siblings = [c.name for c in p.parent.iterdir()]
    except OSError:
        return ""
    close = [str(p.parent / c) for c in close_names(p.name, siblings, 3, 0.8)]
    return f"; did you mean {', '.join(map(repr, close))}?" if close else ""


def _local_files(p: Path) -> tuple[Path, Path]:
    """A model directory, a training run's directory (its exported ``model/``), or a
    ``.safetensors`` file beside its config.json → (config, weights)."""
    if p.is_dir() and not (p / CONFIG_NAME).exists() and (RunDir(p).model / CONFIG_NAME).is_file():
        p = RunDir(p).model
    if p.is_dir():
        config, weights = p / CONFIG_NAME, p / WEIGHTS_NAME
    elif p.suffix == ".safetensors":
        config, weights = p.parent / CONFIG_NAME, p
    elif p.suffix in (".pth", ".pt", ".tar", ".ckpt"):
        raise ModelNotFoundError(
            f"{p} is a PyTorch checkpoint, not a model directory; convert it first (MAMP's: "
            f"skeletonmae convert mamp {p} -o DIR), then pass DIR"
        )
    else:
        raise ModelNotFoundError(f"{p} is neither a model directory nor a .safetensors file")
    for f in (config, weights):
        if not f.is_file():
            if RunDir(p).run_files():
                raise ModelNotFoundError(
                    f"{p} is a training run whose model/ has not been exported yet (the run did "
                    "not finish: continue it with --resume)"
                )
            raise ModelNotFoundError(f"{p}: missing {f.name}")
    return config, weights


def resolve_entry(
    entry: zoo.ZooEntry,
    manifest: zoo.Manifest,
    *,
    revision: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    local_files_only: bool | None = None,
    token: str | bool | None = None,
    force_download: bool = False,
) -> tuple[Path, Path]:
    """The checked files of a zoo entry: bundled in the package, or downloaded from its repo."""
    name, pinned = entry.name, entry.revision
    if revision is not None and revision != pinned:
        raise ValueError(
            f"zoo model {name!r} is pinned to revision {pinned or '(none yet)'!r}, not "
            f"{revision!r}; to load another revision use its repo id: "
            f"'{entry.repo_id}@{revision}'"
        )
    if entry.bundled:
        folder = manifest.weights_dir(name)
        paths = [folder / f for f in zoo.MODEL_FILES]
        for path in paths:
            if not path.is_file():
                raise ModelNotFoundError(
                    f"bundled model {name!r}: {path} is missing (a broken install? reinstall "
                    "skeletonmae)"
                )
            _verify(path, entry, source=f"bundled model {name!r}", delete=False)
    else:
        paths = list(
            _download(
                entry.repo_id, pinned or None, cache_dir, local_files_only, token, force_download
            )
        )
        for path in paths:
            _verify(path, entry, source=f"zoo model {name!r} ({entry.repo_id})", delete=True)
    return paths[0], paths[1]


def _verify(path: Path, entry: zoo.ZooEntry, *, source: str, delete: bool) -> None:
    """Compare a file's sha256 with the manifest; on a mismatch remove a downloaded copy from the
    cache (so it is never used) and raise `ChecksumError`."""
    expected = entry.files[path.name]["sha256"]
    actual = zoo.sha256_file(path)
    if actual == expected:
        return
    if delete:
        blob = path.resolve()
        path.unlink(missing_ok=True)
        blob.unlink(missing_ok=True)
    raise ChecksumError(
        f"{source}: {path.name} has sha256 {actual}, the manifest expects {expected}"
        + ("; the file was removed from the cache" if delete else "")
    )


def _download(
    repo_id: str,
    revision: str | None,
    cache_dir: str | os.PathLike | None,
    local_files_only: bool | None,
    token: str | bool | None = None,
    force_download: bool = False,
) -> tuple[Path, Path]:
    """config.json and model.safetensors of a Hub repo, through the Hub cache; the library's
    errors become one-line `ModelNotFoundError` messages."""
    from huggingface_hub import constants, hf_hub_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    where = f"{repo_id}@{revision or 'main'}"
    paths = []
    unreachable = None
    if not local_files_only and not constants.is_offline_mode():
        unreachable = _unreachable(constants.ENDPOINT)
        local_files_only = unreachable is not None  # the cache only, without retrying for ~20 s
    for filename in zoo.MODEL_FILES:
        try:
            path = hf_hub_download(
                repo_id,
                filename,
                revision=revision,
                cache_dir=cache_dir,
                local_files_only=bool(local_files_only),
                token=token,
                force_download=force_download,
                library_name="skeletonmae",
            )
        except RepositoryNotFoundError:
            raise ModelNotFoundError(
                f"Hub repository {repo_id!r} not found at {constants.ENDPOINT} (or it is private "
                "and no valid token was given)"
            ) from None
        except RevisionNotFoundError:
            raise ModelNotFoundError(
                f"revision {revision!r} not found in Hub repository {repo_id!r}"
            ) from None
        except LocalEntryNotFoundError as e:
            if unreachable:
                why = f"cannot reach {constants.ENDPOINT} ({unreachable})"
            elif local_files_only or constants.is_offline_mode():
                why = "offline (HF_HUB_OFFLINE=1 or local_files_only)"
            else:
                cause = str(e.__cause__ or "no answer").splitlines()[0]
                why = f"cannot get it from {constants.ENDPOINT} ({cause})"
            cache = cache_dir or constants.HF_HUB_CACHE
            raise ModelNotFoundError(
                f"{filename} of {where}: {why} and the file is not in the Hub cache at {cache}"
            ) from None
        except EntryNotFoundError:
            raise ModelNotFoundError(f"{where} has no file {filename!r}") from None
        except HfHubHTTPError as e:
            raise ModelNotFoundError(f"{filename} of {where}: {str(e).splitlines()[0]}") from None
        paths.append(Path(path))
    return paths[0], paths[1]


def _unreachable(endpoint: str, timeout: float = 3.0) -> str | None:
    """Why a TCP connection to the Hub endpoint cannot be made within ``timeout`` seconds, or
    None when it can."""
    url = urlsplit(endpoint)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=timeout):
            return None
    except OSError as e:
        return e.strerror or type(e).__name__


# -- publishing ----------------------------------------------------------------------------------


class PushResult(NamedTuple):
    """Where a push went: the folder written (``local_dir`` mode) or the Hub commit created."""

    repo_id: str
    folder: Path | None
    commit: str | None


def push(
    name_or_path: str,
    repo_id: str,
    *,
    local_dir: str | os.PathLike | None = None,
    private: bool | None = None,
    token: str | None = None,
    commit_message: str | None = None,
    record_revision: bool = False,
    manifest: str | os.PathLike | None = None,
) -> PushResult:
    """Publish a zoo model (by name: its checksummed files, its card from its manifest entry)
    or any other checkpoint `resolve_pretrained` finds, as `push_files` does. With
    ``record_revision`` the uploaded commit is pinned in the zoo entry (a zoo name and a real
    upload only)."""
    zoo_ = zoo.load_manifest(manifest)
    entry = zoo_.entries.get(name_or_path)
    if record_revision and (entry is None or local_dir is not None):
        raise ValueError("recording the revision needs a zoo name and a real upload (no local_dir)")
    files = resolve_entry(entry, zoo_) if entry is not None else resolve_pretrained(name_or_path)
    result = push_files(
        *files,
        repo_id,
        entry=entry,
        local_dir=local_dir,
        private=private,
        token=token,
        commit_message=commit_message,
    )
    if record_revision:
        zoo.set_revision(name_or_path, repo_id, result.commit, zoo_.path)
    return result


def push_files(
    config_path: str | os.PathLike,
    weights_path: str | os.PathLike,
    repo_id: str,
    *,
    entry: zoo.ZooEntry | None = None,
    local_dir: str | os.PathLike | None = None,
    private: bool | None = None,
    token: str | None = None,
    commit_message: str | None = None,
) -> PushResult:
    """Publish a checkpoint: its config.json and model.safetensors plus a model card README.md
    generated from ``entry`` (made from the files when not given: what the architecture is comes
    from config.json).

    With ``local_dir`` the repository folder is written there and nothing is uploaded; otherwise
    the repo is created if needed (``HfApi.create_repo``) and the folder uploaded in one commit
    (``HfApi.upload_folder``), whose id is returned — the revision to pin in the manifest.
    """
    from .modelcard import render_model_card

    if not _REPO_ID.match(repo_id) or "@" in repo_id:
        raise ValueError(f"repo id must look like 'org/name', got {repo_id!r}")
    with tempfile.TemporaryDirectory(prefix="skeletonmae-push-") as tmp:
        folder = Path(local_dir) if local_dir is not None else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for src, name in ((config_path, CONFIG_NAME), (weights_path, WEIGHTS_NAME)):
            if Path(src).resolve() != (folder / name).resolve():
                shutil.copyfile(src, folder / name)
        card_entry = zoo.make_entry(repo_id.split("/")[1].lower(), folder, {}, repo_id=repo_id)
        if entry is not None:
            card_entry = replace(entry, repo_id=repo_id, files=card_entry.files)
        write_text_atomic(folder / "README.md", render_model_card(card_entry))
        if local_dir is not None:
            return PushResult(repo_id, folder, None)
        from huggingface_hub import HfApi, constants

        api = HfApi(token=token, library_name="skeletonmae")
        try:
            api.create_repo(repo_id, private=private, exist_ok=True)
            info = api.upload_folder(
                repo_id=repo_id,
                folder_path=folder,
                commit_message=commit_message or f"Upload {card_entry.name} with skeletonmae",
            )
        except Exception as e:  # the Hub client's network and HTTP errors: the user's situation
            if not _from_the_network(e):
                raise
            raise OSError(
                f"could not publish {repo_id} to {constants.ENDPOINT}: {' '.join(str(e).split())}"
            ) from None
        return PushResult(repo_id, None, info.oid)


def _from_the_network(error: BaseException) -> bool:
    """Whether ``error`` comes from reaching a server (connection, HTTP status, offline mode)."""
    package = type(error).__module__.split(".")[0]
    return isinstance(error, OSError) or package in (
        "httpx",
        "httpx2",
        "httpcore",
        "huggingface_hub",
    )


def push_model(
    model: SavableModel, repo_id: str, *, local_dir: str | os.PathLike | None = None, **kw: Any
) -> PushResult:
    """`push_files` for a model in memory: the same files as ``save_pretrained`` plus the card."""
    with tempfile.TemporaryDirectory(prefix="skeletonmae-save-") as tmp:
        folder = model.save_pretrained(local_dir if local_dir is not None else tmp)
        return push_files(
            folder / CONFIG_NAME, folder / WEIGHTS_NAME, repo_id, local_dir=local_dir, **kw
        )

"""What a dataset source declares, in one place: the `Source` record each ``io/<source>.py``
registers (how its files are named, read and detected), the `Dataset` records of the datasets
built from it (title, citation, index), and the `Sample` / `DatasetIndex` an index returns.

`skeletonmae.formats` (reading one file) and `skeletonmae.datasets` (opening a dataset
directory) only look names up here; adding a dataset is one module in ``skeletonmae/io/``, its
label file in ``skeletonmae/labels/`` and its fixture in the tests.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
import pkgutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..clip import Clip, ClipFormatError
from ..names import did_you_mean
from ..progress import progress

__all__ = [
    "Dataset",
    "DatasetIndex",
    "Sample",
    "Source",
    "dataset",
    "datasets",
    "file_samples",
    "get_dataset",
    "register_source",
    "sources",
]


@dataclass(frozen=True)
class Source:
    """How one source's files hold skeletons.

    ``read(path, **options)`` turns one file into a `Clip`; it takes ``layout`` and
    ``convention`` only when the source has no native joint order (``layout`` None: arrays that
    state theirs or are told it) and ``item`` only when a file holds several clips
    (``multi_clip``). ``patterns`` are the file names it reads (case-insensitive globs, also what
    `skeletonmae.formats.detect_format` matches); ``sniff`` tells its ``.txt`` files from the
    first non-blank line's number of values when the name does not.
    """

    name: str
    read: Callable[..., Clip]
    patterns: tuple[str, ...]
    layout: str | None = None
    multi_clip: bool = False
    sniff: Callable[[int], bool] | None = None

    def matches(self, path: Path) -> bool:
        """Whether ``path``'s file name is one of this source's."""
        name = path.name.lower()
        return any(fnmatch.fnmatchcase(name, p) for p in self.patterns)


@dataclass(frozen=True)
class Sample:
    """One clip of a dataset: where it is, its 0-based label and the factors splits use."""

    path: Path
    label: int
    name: str
    subject: int | None = None
    view: int | None = None
    setup: int | None = None
    index: int | None = None  # position inside a multi-clip file or stream


@dataclass
class DatasetIndex:
    """A dataset's samples, class names, layout and named splits (lists of sample positions):
    an index of where the clips are, not a torch ``Dataset`` (`engine.data.ClipDataset` is the
    one that yields tensors). ``loader`` reads one sample as a `Clip` on ``layout``."""

    name: str
    root: Path
    layout: str
    class_names: list[str]
    samples: list[Sample]
    splits: dict[str, list[int]]
    loader: Callable[[Sample], Clip] = field(repr=False)
    summary: dict = field(default_factory=dict)  # facts a run records (e.g. a corpus' sources)

    def split(self, name: str) -> list[Sample]:
        if name not in self.splits:
            hint = did_you_mean(name, self.splits, cutoff=0.3)
            raise KeyError(
                f"dataset {self.name!r} has no split {name!r}{hint} "
                f"(splits: {', '.join(sorted(self.splits))})"
            )
        return [self.samples[i] for i in self.splits[name]]

    def load(self, sample: Sample) -> Clip:
        clip = self.loader(sample)
        clip.label = sample.label if sample.label >= 0 else None
        return clip

    def load_split(self, name: str, *, warn: bool = True) -> tuple[list[Clip], list[str]]:
        """Read every clip of a split; unreadable ones are returned as messages and warned about."""
        clips, skipped = [], []
        for s in progress(self.split(name), f"reading {self.name} {name}"):
            try:
                clips.append(self.load(s))
            except ClipFormatError as e:
                skipped.append(str(e))
        if skipped and warn:
            warnings.warn(
                f"{self.name} {name}: skipped {len(skipped)} unreadable clip(s): "
                + "; ".join(skipped),
                stacklevel=2,
            )
        return clips, skipped


@dataclass(frozen=True)
class Dataset:
    """A dataset `skeletonmae.datasets.open_dataset` opens: ``index(root, **options)`` lists its
    samples and splits; ``title`` and ``citation`` are what model cards say of it; ``source`` is
    the `Source` its files are read with (None for a dataset of mixed files)."""

    name: str
    title: str
    citation: str
    index: Callable[..., DatasetIndex]
    source: str | None = None


_SOURCES: dict[str, Source] = {}
_DATASETS: dict[str, Dataset] = {}


def register_source(source: Source) -> Source:
    """Register a source (its module does so once, at import)."""
    _SOURCES[source.name] = source
    return source


def dataset(
    name: str, title: str, citation: str, *, source: str | None = ""
) -> Callable[[Callable[..., DatasetIndex]], Callable[..., DatasetIndex]]:
    """Register the decorated index function as dataset ``name`` (see `Dataset`); its files are
    those of the source of the same name unless ``source`` names another (None: any source's)."""

    def decorate(index: Callable[..., DatasetIndex]) -> Callable[..., DatasetIndex]:
        _DATASETS[name] = Dataset(name, title, citation, index, name if source == "" else source)
        return index

    return decorate


@functools.cache
def _discover() -> None:
    """Import every module of ``skeletonmae.io``, once per process, so that each registers what
    it holds (not once per clip read: `load_clip` asks for the sources on every call)."""
    package = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{__package__}.{info.name}")


def sources() -> dict[str, Source]:
    """Every registered source by name (the formats `skeletonmae.load_clip` reads)."""
    _discover()
    return dict(_SOURCES)


def datasets() -> dict[str, Dataset]:
    """Every registered dataset by name (`skeletonmae.datasets` adds ``folder`` and ``corpus``,
    which read files of any source)."""
    _discover()
    return dict(_DATASETS)


def get_dataset(name: str) -> Dataset:
    """The registered dataset ``name``; a `KeyError` with the closest names otherwise."""
    known = datasets()
    if name not in known:
        hint = did_you_mean(name, known, cutoff=0.3)
        raise KeyError(f"unknown dataset {name!r}{hint} (known: {', '.join(sorted(known))})")
    return known[name]


# -- what several indexes share -------------------------------------------------------------------
def require_dir(root: Path, sub: str, what: str) -> Path:
    """``root/sub`` when it exists, else ``root`` itself (which must be a directory)."""
    d = root / sub if (root / sub).is_dir() else root
    if not d.is_dir():
        raise FileNotFoundError(f"{what}: no directory at {root}")
    return d


def where(samples: list[Sample], keep: Callable[[Sample], bool]) -> list[int]:
    """Positions of the samples ``keep`` accepts."""
    return [i for i, s in enumerate(samples) if keep(s)]


def odd_even_subjects(samples: list[Sample]) -> dict[str, list[int]]:
    """The cross-subject protocol of MSR Action3D, UTD-MHAD, UTKinect (and our MSRC-12 split):
    odd subjects train (``xsub_train``), even ones test (``xsub_test``)."""
    return {
        "xsub_train": where(samples, lambda s: s.subject % 2 == 1),
        "xsub_test": where(samples, lambda s: s.subject % 2 == 0),
    }


def file_samples(
    root: Path,
    sub: str,
    patterns: str | tuple[str, ...],
    sample: Callable[[Path], Sample | None],
    what: str,
    expected: str,
) -> list[Sample]:
    """One `Sample` per file matching ``patterns`` in ``root/sub`` (or ``root`` itself), as
    ``sample(file)`` names it; a file it cannot name (None) is a `ClipFormatError`, no file at all
    a `FileNotFoundError`."""
    folder = require_dir(root, sub, what)
    patterns = (patterns,) if isinstance(patterns, str) else patterns
    files = sorted({f for p in patterns for f in folder.glob(p) if f.is_file()})
    if not files:
        raise FileNotFoundError(f"{what}: no {expected} files under {folder}")
    samples = []
    for f in files:
        if (s := sample(f)) is None:
            raise ClipFormatError(f"{f}: not a file name of {what} ({expected})")
        samples.append(s)
    return samples


def file_loader(read: Callable[[Path], Clip]) -> Callable[[Sample], Clip]:
    """The loader of an index whose samples are one file each, read by ``read``."""
    return lambda sample: read(sample.path)

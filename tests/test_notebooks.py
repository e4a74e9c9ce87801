"""The example notebooks run top to bottom, offline, in a scratch copy of examples/ (so a run never
touches tracked files), and show what a reader should see; the committed copies carry their
outputs, and the quickstart's printed results must be today's."""

from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

from conftest import DATA_ROOT  # noqa: E402
from nbclient.exceptions import CellExecutionError  # noqa: E402
from PIL import Image  # noqa: E402

from skeletonmae import masking, zoo  # noqa: E402
from skeletonmae.datasets import NW_UCLA_CLASSES  # noqa: E402
from skeletonmae.models.transformer import MASK_STRATEGIES  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOKS = ["quickstart.ipynb", "masking_and_reconstruction.ipynb", "finetune_on_your_data.ipynb"]
MAX_BYTES = 1_500_000


def _snapshot() -> list[tuple[str, int]]:
    return sorted(
        (str(p.relative_to(EXAMPLES)), p.stat().st_mtime_ns)
        for p in EXAMPLES.rglob("*")
        if "__pycache__" not in p.parts
    )


def _stream_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def _failure_context(nb) -> str:
    """The printed output of the cell before the failing one (a shell command's error lands
    there, and only shows up as a missing file one cell later)."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(code):
        if any(o.output_type == "error" for o in cell.get("outputs", [])) and i:
            return _stream_text(code[i - 1])[-3000:]
    return ""


def execute(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: Path = DATA_ROOT):
    """Run a notebook (outputs cleared) in a copy of examples/, with ``data`` as the datasets'
    root; return it and the copy's path."""
    work = tmp_path / "examples"
    shutil.copytree(
        EXAMPLES,
        work,
        ignore=shutil.ignore_patterns("*.ipynb", "__pycache__", ".ipynb_checkpoints", "*_demo"),
    )
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SKELETONMAE_TEST_DATA", str(data))
    before = _snapshot()
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    try:
        client.execute()
    except CellExecutionError as e:
        context = _failure_context(nb)
        hint = f"\n\noutput of the cell before it:\n{context}" if context else ""
        pytest.fail(f"{name}: a cell failed:\n{e}{hint}", pytrace=False)
    assert _snapshot() == before, "running the notebook changed files in examples/"
    return nb, work


def tagged(nb, tag: str) -> list:
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert cells, f"no cell tagged {tag!r}"
    return cells


def images(cells: list, mime: str = "image/png") -> list[Image.Image]:
    """The pictures a list of cells displayed, decoded."""
    found = []
    for cell in cells:
        for out in cell.get("outputs", []):
            if mime in out.get("data", {}):
                found.append(Image.open(io.BytesIO(base64.b64decode(out["data"][mime]))))
    return found


def markdown(cell) -> str:
    return "".join(o.get("data", {}).get("text/markdown", "") for o in cell.outputs)


@pytest.mark.slow
def test_quickstart(tmp_path, monkeypatch):
    nb, work = execute("quickstart.ipynb", tmp_path, monkeypatch)

    listing = markdown(tagged(nb, "zoo")[0])
    manifest = zoo.load_manifest()
    assert set(manifest.entries) <= set(re.findall(r"^\| ([\w-]+) \|", listing, re.M))
    assert f"default model: {manifest.default}" in _stream_text(tagged(nb, "zoo")[0])

    lines = _stream_text(tagged(nb, "top5")[0]).splitlines()
    top5 = [re.fullmatch(r"\s*([\d.]+)%  (.+)", line) for line in lines]
    assert len(top5) == 5 and all(top5), lines
    probs = [float(m.group(1)) for m in top5]
    assert probs == sorted(probs, reverse=True) and sum(probs) <= 100.05
    assert {m.group(2) for m in top5} <= set(NW_UCLA_CLASSES)

    batch = _stream_text(tagged(nb, "batch")[0]).splitlines()
    assert sorted(line.split()[0] for line in batch) == sorted(
        p.stem for p in (work / "clips").glob("*.npy")
    )

    figures = images(tagged(nb, "figure"))
    assert len(figures) == 2 and all(f.width > 300 and f.height > 100 for f in figures)
    (gif,) = images(tagged(nb, "gif"), "image/gif")
    assert gif.format == "GIF" and gif.n_frames > 1

    assert_committed_outputs_current(nb, "quickstart.ipynb", ("zoo", "top5", "batch"))


def assert_committed_outputs_current(nb, name: str, tags: tuple[str, ...]) -> None:
    """What a reader sees in the committed copy's ``tags`` cells is what the code gives today
    (wall times aside)."""
    committed = nbformat.read(EXAMPLES / name, as_version=4)

    def text(book, tag: str) -> str:
        shown = _stream_text(tagged(book, tag)[0]) + markdown(tagged(book, tag)[0])
        return re.sub(r"\d+(\.\d+)? s\b", "<seconds> s", shown)

    for tag in tags:
        assert text(committed, tag) == text(nb, tag), (
            f"the committed {name}'s {tag!r} cell is stale"
        )


@pytest.mark.slow
def test_masking_and_reconstruction(tmp_path, monkeypatch):
    nb, _ = execute("masking_and_reconstruction.ipynb", tmp_path, monkeypatch)

    real = (DATA_ROOT / "nw-ucla" / "all_sqe" / "a11_s01_e00_v01.json").is_file()
    said = markdown(tagged(nb, "clip")[0])
    assert ("NW-UCLA recording" in said) is real and ("bundled synthetic clip" in said) is not real

    cell = tagged(nb, "strategies")[0]
    printed = _stream_text(cell)
    strategies = [name for name in masking.__all__ if name.endswith("_masking")]
    for name in strategies:
        assert re.search(rf"^{name} +\d+ of 160 tokens masked$", printed, re.M), name
    assert len(images([cell])) == len(strategies)

    assert len(images(tagged(nb, "reconstruction"))) == 1
    cell = tagged(nb, "other-strategies")[0]
    for strategy in MASK_STRATEGIES:
        assert re.search(rf"^{strategy} +\d+% masked  loss \d", _stream_text(cell), re.M)
    assert len(images([cell])) == 1
    # the committed copy shows the bundled clip, what a reader without the datasets gets
    nb, _ = execute("masking_and_reconstruction.ipynb", tmp_path / "bare", monkeypatch, tmp_path)
    tags = ("clip", "strategies", "other-strategies")
    assert_committed_outputs_current(nb, "masking_and_reconstruction.ipynb", tags)


@pytest.mark.slow
def test_finetune_on_your_data(tmp_path, monkeypatch):
    nb, work = execute("finetune_on_your_data.ipynb", tmp_path, monkeypatch)
    demo = work / "finetune_demo"

    classes = sorted(d.name for d in (demo / "clips" / "train").iterdir())
    test_clips = sorted((demo / "clips" / "test").rglob("*.npy"))
    assert len(classes) >= 2 and test_clips
    assert "top-1" in _stream_text(tagged(nb, "results")[0])
    assert (demo / "run" / "results.json").is_file()

    predictions = _stream_text(tagged(nb, "predictions")[0]).splitlines()
    assert len(predictions) == len(test_clips)
    assert {line.split("->")[1].split()[0] for line in predictions} <= set(classes)

    pushed = demo / "hub" / "my-actions"
    assert sorted(p.name for p in pushed.iterdir()) == [
        "README.md",
        "config.json",
        "model.safetensors",
    ]
    card = (pushed / "README.md").read_text()
    assert "# my-actions" in card and "Top-1 accuracy (%)" in card

    reload = _stream_text(tagged(nb, "reload")[0]).splitlines()
    assert reload[0] == "same weights as the fine-tuned model: True"
    assert {line.split("%", 1)[1].strip() for line in reload[1:]} == set(classes)
    tags = ("results", "predictions", "reload")
    assert_committed_outputs_current(nb, "finetune_on_your_data.ipynb", tags)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_carries_its_outputs(name):
    path = EXAMPLES / name
    assert path.stat().st_size < MAX_BYTES
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell was not executed"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert images(code), "no figure in the saved outputs"

"""The README stays true: its zoo table is the one generated from the manifest, its set-up
commands are the ones CI runs, and its API and command-line examples run."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from skeletonmae.zoo import results_table

ROOT = Path(__file__).parents[1]


def test_zoo_table_matches_manifest():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- zoo-table:start -->\n")[1].split("\n<!-- zoo-table:end -->")[0]
    assert block == results_table()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    test_command = readme.split("```bash\n")[1].splitlines()[1]
    assert test_command in (ROOT / ".ci" / "run").read_text()


def _section_block(heading: str, lang: str) -> str:
    """The first ``lang`` code block under the README section ``heading``."""
    section = (ROOT / "README.md").read_text().split(f"\n## {heading}\n")[1].split("\n## ")[0]
    return section.split(f"```{lang}\n")[1].split("```")[0]


@pytest.fixture()
def workdir(tmp_path, monkeypatch) -> Path:
    """A scratch directory where the README's relative ``examples/`` paths resolve."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_command_line_block_runs(workdir):
    cli = f"{shlex.quote(sys.executable)} -m skeletonmae"
    for line in _section_block("Command line", "bash").strip().splitlines():
        assert line.startswith("skeletonmae "), line
        out = subprocess.run(
            cli + line.removeprefix("skeletonmae"), shell=True, capture_output=True, text=True
        )
        assert out.returncode == 0, f"{line}\n{out.stderr[-2000:]}"
    for made in ("features.npz", "recon.gif", "hub-export/README.md"):
        assert (workdir / made).is_file(), made


def test_readme_api_block_runs(workdir, capsys):
    exec(compile(_section_block("API", "python"), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "[{'label': 'sit down', 'score': " in printed and "(128,)" in printed  # its top-1
    assert (workdir / "my-model" / "model.safetensors").is_file()


def test_readme_building_blocks_block_runs(capsys):
    exec(compile(_section_block("Building blocks", "python"), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "torch.Size([2, 16, 128])" in printed and "tensor([144., 144.])" in printed


@pytest.mark.slow  # two CLI processes, one of them an ONNX export
def test_readme_sensor_and_export_blocks_run(workdir, capsys):
    exec(compile(_section_block("Clips from other sensors", "python"), "README.md", "exec"), {})
    cli = f"{shlex.quote(sys.executable)} -m skeletonmae"
    lines = [
        *_section_block("Clips from other sensors", "bash").strip().splitlines(),
        *_section_block("Exporting to ONNX", "bash").strip().splitlines(),
    ]
    outputs = []
    for line in lines:
        assert line.startswith("skeletonmae "), line
        out = subprocess.run(
            cli + line.removeprefix("skeletonmae"), shell=True, capture_output=True, text=True
        )
        assert out.returncode == 0, f"{line}\n{out.stderr[-2000:]}"
        outputs.append(out)
    assert "derived hip_center" in outputs[0].stderr
    assert re.search(r"1\.\s+[\d.]+\s+sit down$", outputs[0].stdout, re.M), outputs[0].stdout
    assert (workdir / "systemb.onnx").is_file()


def test_the_anchor_table_quotes_the_manifest():
    """Every checkpoint row of the comparison with the anchors (docs/results.md) gives the top-1
    its manifest entry records."""
    from skeletonmae.zoo import load_manifest

    entries = load_manifest().entries
    section = (
        (ROOT / "docs" / "results.md").read_text().split("## Against the published anchors")[1]
    )
    rows = re.findall(r"^\| `([\w-]+)`[^|]*\| ([\d.]+)", section.split("\n## ")[0], re.M)
    assert len(rows) >= 6
    for name, top1 in rows:
        metric = next(m["value"] for m in entries[name]["metrics"] if m["name"] == "top1")
        assert float(top1) == metric, name

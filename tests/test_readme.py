"""The README's zoo table is the one generated from the manifest, and its set-up commands are the
ones CI runs."""

from __future__ import annotations

from pathlib import Path

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

"""The package's structure: its import graph has no circle (module-level and function-level
imports both count; imports under ``if TYPE_CHECKING`` do not run and are left out), the models
do not know files, and the public API is one list."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).parents[1] / "skeletonmae"


def _module_name(path: Path, root: Path = PKG) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str], root: Path = PKG) -> set[str]:
    """Package modules that ``path`` imports, anywhere in its code."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for a in node.names:
                target = f"{base}.{a.name}"
                found.add(target if target in modules else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    # Importing a submodule runs its parent package's __init__: not an edge worth a circle.
    return {m for m in found if m in modules and m != name and not name.startswith(m + ".")}


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` (module → imported modules), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return [*stack[stack.index(n) :], n]
            if n not in state and (found := dfs(n)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := dfs(m)):
            return found
    return None


def test_circle_finder_finds_function_level_circles(tmp_path):
    root = tmp_path / "skeletonmae"
    root.mkdir()
    a = root / "a.py"
    a.write_text("def f():\n    from . import hub\n    from .zoo import x\n")
    modules = {"skeletonmae.a", "skeletonmae.hub", "skeletonmae.zoo"}
    assert _imports(a, modules, root) == {"skeletonmae.hub", "skeletonmae.zoo"}
    assert find_circle({"x": {"y"}, "y": {"z"}, "z": {"x"}}) == ["x", "y", "z", "x"]
    assert find_circle({"x": {"y"}, "y": set()}) is None


def test_package_import_graph_has_no_circle():
    files = sorted(PKG.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    graph = {_module_name(f): _imports(f, modules) for f in files}
    graph["skeletonmae"] = set()  # the package root only re-exports, lazily
    assert "skeletonmae.hub" in graph["skeletonmae.models.base"]  # function-level edges count
    circle = find_circle(graph)
    assert circle is None, "import circle: " + " -> ".join(circle or [])


# The layer that knows files: clip formats, dataset sources and indexes, videos and photos.
FILE_LAYER = ("skeletonmae.formats", "skeletonmae.datasets", "skeletonmae.io", "skeletonmae.pose")


def _graph() -> dict[str, set[str]]:
    files = sorted(PKG.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    return {_module_name(f): _imports(f, modules) for f in files}


def test_no_model_module_imports_the_file_layer():
    """Models read tensors and clips: files reach them only through `skeletonmae.inference`,
    and importing the models loads none of the file layer."""
    graph = _graph()
    models = [m for m in graph if m.startswith("skeletonmae.models")]
    assert len(models) >= 6
    for m in models:
        bad = sorted(i for i in graph[m] if i.startswith(FILE_LAYER))
        assert not bad, f"{m} imports {bad}"
    code = (
        "import sys, skeletonmae.models; "
        f"print([m for m in sys.modules if m.startswith({FILE_LAYER!r})])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_the_public_api_is_one_list_each_name_importable_and_documented():
    import skeletonmae

    assert skeletonmae.__all__ == sorted(
        [*skeletonmae._EXPORTS, *skeletonmae._MODULES, "__version__"]
    )
    promised = [
        "SkeletonMAE", "TransformerSkeletonMAE", "TransformerEncoder", "TransformerDecoder",
        "GraphSkeletonMAE", "GraphEncoder", "GraphDecoder", "MaskResult", "masking",
        "list_models", "load_clip", "load_model", "open_dataset", "read_clip",
    ]  # fmt: skip
    for name in promised:
        assert name in skeletonmae.__all__, name
    for name in skeletonmae.__all__:
        value = getattr(skeletonmae, name)
        if name != "__version__":
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"


def test_renamed_public_names_still_work_with_a_deprecation_warning():
    import skeletonmae

    for old, new in (
        ("SkeletonMAEConfig", "TransformerSkeletonMAEConfig"),
        ("SkeletonEncoder", "TransformerEncoder"),
        ("SkeletonDecoder", "TransformerDecoder"),
    ):
        with pytest.warns(DeprecationWarning, match=f"now called {new}"):
            assert getattr(skeletonmae, old) is getattr(skeletonmae, new)


def test_retired_names_warn_before_they_go(tmp_path):
    import numpy as np
    from click.testing import CliRunner

    from skeletonmae import Clip
    from skeletonmae.cli import main

    with pytest.warns(DeprecationWarning, match="data.shape"):
        assert Clip(np.ones((2, 3, 20, 3), np.float32), "kinect-v1").num_persons == 2
    r = CliRunner().invoke(
        main, ["export", "nope", "-o", str(tmp_path / "x.onnx"), "--format", "onnx"]
    )
    assert "--format is deprecated" in r.stderr

"""The package's shape: an acyclic import graph, no function-local package imports, ``__all__``
in every package, doctests that run, a curated top-level API."""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import geoplan

PKG = Path(geoplan.__file__).parent
# optional heavy dependencies that may be imported where they are used (documented in README)
# (mapclassify: only the choropleth needs it, and it costs ~1 s of imports at start-up)
OPTIONAL_LOCAL = {"osmnx", "dask_geopandas", "dask", "mapclassify", "numba", "streamlit_folium", "pulp",
                  "sqlalchemy", "geoalchemy2", "psycopg", "docx", "pypdf", "reportlab", "jieba"}


def _modules() -> dict[str, Path]:
    mods = {}
    for p in PKG.rglob("*.py"):
        if "_resources" in p.parts:
            continue
        parts = ("geoplan",) + p.relative_to(PKG).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = p
    return mods


def _edges() -> dict[str, set[str]]:
    mods = _modules()
    edges = {m: set() for m in mods}
    for m, p in mods.items():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = m.split(".")
                    keep = len(base) - node.level + (1 if p.name == "__init__.py" else 0)
                    target = ".".join(base[:keep] + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for cand in [target] + [f"{target}.{a.name}" for a in node.names]:
                    if cand in mods and cand != m and not m.startswith(cand + "."):
                        edges[m].add(cand)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in mods and a.name != m:
                        edges[m].add(a.name)
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    for start in sorted(edges):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(edges[start])))]
        path = [start]
        state[start] = 1
        while stack:
            v, it = stack[-1]
            w = next(it, None)
            if w is None:
                state[v] = 2
                stack.pop()
                path.pop()
            elif state.get(w) == 1:
                return path[path.index(w):] + [w]
            elif not state.get(w):
                state[w] = 1
                stack.append((w, iter(sorted(edges[w]))))
                path.append(w)
    return None


def test_cycle_finder_finds_a_constructed_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_import_graph_is_acyclic():
    assert _cycle(_edges()) is None


def test_data_layer_imports_no_analysis():
    edges = _edges()
    for m, targets in edges.items():
        if m.startswith("geoplan.data"):
            bad = {t for t in targets if t.split(".")[1] in ("siting", "intensity", "maps", "io", "commands", "cli")}
            assert not bad, f"{m} imports {bad}: data flows one way"
        if not m.startswith(("geoplan.commands", "geoplan.cli", "geoplan.__main__")):
            assert not {t for t in targets if t.startswith(("geoplan.commands", "geoplan.cli"))}, m


def test_no_function_local_imports_except_optional_dependencies():
    offenders = []
    for m, p in _modules().items():
        tree = ast.parse(p.read_text(encoding="utf-8"))
        top = set(map(id, tree.body))
        for n in tree.body:  # `if TYPE_CHECKING:` imports are for annotations only
            if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test):
                top |= {id(x) for x in ast.walk(n)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top:
                if isinstance(node, ast.ImportFrom) and not node.level and node.module == "__future__":
                    continue
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                if isinstance(node, ast.ImportFrom) and node.level:
                    offenders.append(f"{m}:{node.lineno}")
                elif not all(n in OPTIONAL_LOCAL or n.split(".")[0] in OPTIONAL_LOCAL for n in names):
                    offenders.append(f"{m}:{node.lineno} {names}")
    assert not offenders


def test_every_package_declares_all():
    for m, p in _modules().items():
        if p.name == "__init__.py" and m != "geoplan.commands":
            mod = importlib.import_module(m)
            assert isinstance(getattr(mod, "__all__", None), list), m
            for name in mod.__all__:
                assert hasattr(mod, name), f"{m}.__all__ lists {name}, which it lacks"


def test_curated_api_has_numpydoc_docstrings():
    for name in ("load_layer", "select_sites", "evaluate_intensity", "corridor_proximity", "read_any",
                 "write_layer", "distance_raster", "import_file", "resolve_industry", "load_spec"):
        doc = getattr(geoplan, name).__doc__ or ""
        for section in ("Parameters\n", "Returns\n", "Examples\n"):
            assert section in doc, f"gp.{name} lacks a {section.strip()} section"
    assert issubclass(geoplan.InputError, geoplan.GeoplanError)


def test_doctests_run_and_pass():
    attempted = 0
    for info in pkgutil.walk_packages(geoplan.__path__, "geoplan."):
        if info.name.startswith(("geoplan.commands", "geoplan.__main__")) or "_resources" in info.name:
            continue
        mod = importlib.import_module(info.name)
        res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert res.failed == 0, info.name
        attempted += res.attempted
    assert attempted >= 30  # the curated API's examples, at least


def test_ruff_is_clean():
    """The configured lint (pyflakes, import order, numpy docstrings, complexity) passes: CI runs it here."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    res = subprocess.run([ruff, "check", str(PKG.parent)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:]

"""The pip and conda dependency lists must name the same packages, and the Quick start must match tasks.py."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pip_deps = {_name(r) for r in pyproject["project"]["dependencies"]}
    pip_deps |= {_name(r) for r in pyproject["project"]["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    conda |= {_name(d) for d in env["dependencies"] if isinstance(d, dict) for d in d.get("pip", [])}
    assert pip_deps == conda, f"only in pyproject: {pip_deps - conda}; only in environment.yml: {conda - pip_deps}"


def test_readme_quick_start_has_exactly_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", section, flags=re.DOTALL)
    commands = [ln for b in blocks for ln in b.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert commands == ["python3 tasks.py app", "python3 tasks.py test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 tasks.py test" in ci

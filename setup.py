"""Build hook: the wheel carries the project's top-level resources inside the package.

``data/``, ``layers/``, ``config/`` and ``static/`` stay at the top level of the checkout (the
project's agreed layout); a regular (non-editable) build copies them to ``geoplan/_resources/`` so
that an installed wheel works outside the checkout (``geoplan.paths.resource_root``). Editable
installs read the checkout directly and get no copy. Everything else is in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RESOURCES = ("data", "layers", "config", "static")  # geoplan.paths.RESOURCE_DIRS


class BuildPyWithResources(build_py):
    """build_py that also copies the resource folders into the built package."""

    def run(self) -> None:  # noqa: D102 - setuptools hook
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "geoplan" / "_resources"
        for name in RESOURCES:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, target / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_data"))


setup(cmdclass={"build_py": BuildPyWithResources})

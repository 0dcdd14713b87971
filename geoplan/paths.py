"""Where geoplan finds its resources: embedded data, layer specs, configuration, the shared seeds.

In a checkout (or an editable install) the resources are the project's top-level ``data/``,
``layers/`` and ``config/`` folders. A wheel carries copies of them inside the package, under
``geoplan/_resources/`` (see ``setup.py``), so a non-editable install works outside the checkout.
Environment variables override each folder: ``GEOPLAN_DATA_DIR``, ``GEOPLAN_LAYERS_DIR``,
``GEOPLAN_CONFIG_DIR`` and ``GEOPLAN_SHARED_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PROJECT_ROOT", "RESOURCE_DIRS", "config_dir", "data_dir", "layers_dir", "reference_dir",
           "resource_root", "seeds_dir", "shared_dir", "static_dir"]

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
RESOURCE_DIRS = ("data", "layers", "config", "static")
_BUNDLED = PACKAGE_DIR / "_resources"


def resource_root() -> Path:
    """The folder holding ``data/``, ``layers/``, ``config/``: the checkout, else the wheel's copy."""
    if (PROJECT_ROOT / "data").is_dir() and (PROJECT_ROOT / "layers").is_dir():
        return PROJECT_ROOT
    return _BUNDLED


def _dir(env: str, name: str) -> Path:
    return Path(os.environ.get(env) or resource_root() / name)


def data_dir() -> Path:
    """The embedded data folder (``GEOPLAN_DATA_DIR`` overrides it)."""
    return _dir("GEOPLAN_DATA_DIR", "data")


def layers_dir() -> Path:
    """The folder of declarative layer specs (``GEOPLAN_LAYERS_DIR`` overrides it)."""
    return _dir("GEOPLAN_LAYERS_DIR", "layers")


def config_dir() -> Path:
    """The folder of the YAML configuration (``GEOPLAN_CONFIG_DIR`` overrides it)."""
    return _dir("GEOPLAN_CONFIG_DIR", "config")


def static_dir() -> Path:
    """Static web assets (vendored Leaflet) served by the app."""
    return resource_root() / "static"


def shared_dir() -> Path:
    """``../shared`` beside the project (seeds and reference tables); may not exist."""
    return Path(os.environ.get("GEOPLAN_SHARED_DIR") or PROJECT_ROOT.parent / "shared")


def seeds_dir() -> Path:
    """The seed plan texts (``shared/seeds``)."""
    return shared_dir() / "seeds"


def reference_dir() -> Path:
    """The draft reference tables (``shared/reference``)."""
    return shared_dir() / "reference"

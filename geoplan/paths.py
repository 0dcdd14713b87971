"""Where geoplan finds its embedded data, the layer specs and the shared seed texts."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The embedded data folder (``GEOPLAN_DATA_DIR`` overrides it)."""
    return Path(os.environ.get("GEOPLAN_DATA_DIR", PROJECT_ROOT / "data"))


def layers_dir() -> Path:
    """The folder of declarative layer specs (``GEOPLAN_LAYERS_DIR`` overrides it)."""
    return Path(os.environ.get("GEOPLAN_LAYERS_DIR", PROJECT_ROOT / "layers"))


def shared_dir() -> Path:
    """``../shared`` beside the project (seeds and reference tables); may not exist."""
    return Path(os.environ.get("GEOPLAN_SHARED_DIR", PROJECT_ROOT.parent / "shared"))


def seeds_dir() -> Path:
    return shared_dir() / "seeds"


def reference_dir() -> Path:
    return shared_dir() / "reference"

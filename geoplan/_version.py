"""The package version (one home, read by pyproject and by exports)."""

__version__ = "0.2.0"

"""Exception types that geoplan raises, each with a message a user can act on."""

from __future__ import annotations

__all__ = ["CRSError", "ConfigError", "DataError", "GeoplanError", "InputError", "ResolutionError", "StaleWriteError", "StoreError",
           "UnknownLayerError"]


class GeoplanError(Exception):
    """Base class for every error geoplan raises on purpose."""


class DataError(GeoplanError):
    """Embedded or derived data is missing or inconsistent (a build problem)."""


class InputError(GeoplanError, ValueError):
    """User input is malformed: names the file, row and field where possible."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None) -> None:
        self.file, self.row, self.field = file, row, field
        self.bare = message  # the message without the "file …, row …:" prefix
        where = []
        if file:
            where.append(f"file {file}")
        if row is not None:
            where.append(f"row {row}")
        if field:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class CRSError(InputError):
    """A coordinate reference system is missing, unknown or inconsistent with the coordinates."""


class UnknownLayerError(GeoplanError, KeyError):
    """A layer id that the catalogue does not have."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class ResolutionError(GeoplanError, LookupError):
    """A free-text industry or place name that resolves to nothing or to several entries."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        self.candidates = candidates or []
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ConfigError(InputError):
    """A configuration file (``config/*.yaml`` or a user's method file) is malformed."""


class StoreError(GeoplanError):
    """The workspace store (GeoPackage or PostGIS) cannot be opened or written."""


class StaleWriteError(StoreError):
    """An edit based on an old version of a row (someone saved in between): reload, then save again."""

    def __init__(self, message: str, *, key: str = "", expected: int | None = None,
                 current: int | None = None) -> None:
        self.key, self.expected, self.current = key, expected, current
        super().__init__(message)

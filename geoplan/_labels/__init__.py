"""Label tables, one per concern, merged by :mod:`geoplan.i18n` (add a label to its concern's table)."""

__all__: list[str] = []

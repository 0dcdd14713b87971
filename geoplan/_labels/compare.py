"""Labels: compare (merged into ``geoplan.i18n.LABELS``)."""

LABELS: dict[str, dict[str, str]] = {
}

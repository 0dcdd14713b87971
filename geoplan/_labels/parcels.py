"""Labels: parcel layers on maps (merged into ``geoplan.i18n.LABELS``)."""

LABELS: dict[str, dict[str, str]] = {
    "parcels_overview_layer": {"zh": "全部地块（概览图）", "en": "All parcels (overview image)"},
    "parcels_shortlist_layer": {"zh": "候选地块", "en": "Shortlisted parcels"},
    "parcels_id": {"zh": "地块编号", "en": "Parcel id"},
}

"""Labels: corridor (merged into ``geoplan.i18n.LABELS``)."""

LABELS: dict[str, dict[str, str]] = {
    "band": {"zh": "距离带", "en": "Distance band"},
    "band_set": {"zh": "距离带划分", "en": "Band limits"},
    "all_bands": {"zh": "全部", "en": "All"},
    "distance_km": {"zh": "距离(km)", "en": "Distance (km)"},
    "nearest_axis": {"zh": "最近通道", "en": "Nearest axis"},
    "chainage_km": {"zh": "里程(km，自重庆端)", "en": "Chainage (km from the Chongqing end)"},
    "seat_artefact": {"zh": "距离无意义(同驻地)", "en": "distance is an artefact (same seat)"},
    "inside_band": {"zh": "位于所选距离带内", "en": "Inside the chosen band"},
}

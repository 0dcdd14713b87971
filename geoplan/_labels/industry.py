"""Labels: industry map (merged into ``geoplan.i18n.LABELS``)."""

LABELS: dict[str, dict[str, str]] = {
    "color_by": {"zh": "区县着色", "en": "Colour districts by"},
    "color_region": {"zh": "一区两群", "en": "One Area, Two Clusters"},
    "color_sector": {"zh": "产业门类", "en": "Industry sector"},
    "sector": {"zh": "产业门类", "en": "Sector"},
    "sector_count": {"zh": "规划布局条数", "en": "Plan assignments"},
    "sector_count_unit": {"zh": "条(区县及其园区)", "en": "rows (district and its parks)"},
    "industry_filter": {"zh": "按产业筛选(中文或英文，支持别名)", "en": "Filter by industry (Chinese or English, aliases)"},
    "industry_filter_help": {"zh": "例如：汽车、新材料、集成电路、nev", "en": "e.g. 汽车, new materials, integrated circuits, nev"},
    "industry_unresolved": {"zh": "未能识别该产业：", "en": "Industry not recognised: "},
    "did_you_mean": {"zh": "您是否要找：", "en": "Did you mean: "},
    "industry_resolved": {"zh": "已识别产业", "en": "Resolved industry"},
    "places_lit": {"zh": "规划布局地点", "en": "Places the plans assign it to"},
    "no_places": {"zh": "规划文本未给该产业指定地点。", "en": "The plans assign this industry to no place."},
    "click_hint": {"zh": "点击园区或区县查看其产业及规划原文。", "en": "Click a park or district to see its industries with the plan sentences."},
    "selected_place": {"zh": "所选地点", "en": "Selected place"},
    "approx_note": {
        "zh": "空心符号：仅按区县政府驻地定位，实际位置可能相距10–30 km。",
        "en": "Hollow marker: located only at the host district's seat; the park may lie 10–30 km away.",
    },
    "layer_districts": {"zh": "区县", "en": "Districts"},
    "layer_parks": {"zh": "园区", "en": "Parks"},
    "layer_corridors": {"zh": "成渝通道", "en": "Corridors"},
    "layer_agglomeration": {"zh": "万亿级产业集聚区", "en": "Trillion-level agglomeration areas"},
    "layer_context": {"zh": "四川相邻地市", "en": "Sichuan context"},
    "layer_highlight": {"zh": "筛选结果", "en": "Filter result"},
}

"""Labels: maps (merged into ``geoplan.i18n.LABELS``)."""

LABELS: dict[str, dict[str, str]] = {
    "maps_measure_button": {"zh": "测距", "en": "Measure"},
    "maps_measure_hint": {"zh": "点击开始测距，在地图上依次点击各点；再次点击按钮清除",
                          "en": "Click to start, then click points on the map; click again to clear"},
    "maps_measure_total": {"zh": "总距离", "en": "Total"},
    "maps_search": {"zh": "查找园区或区县（中文、英文、拼音、别名）",
                    "en": "Find a park or district (Chinese, English, pinyin, alias)"},
    "maps_search_placeholder": {"zh": "例如：永川、两江、西永", "en": "e.g. Yongchuan, Liangjiang, Xiyong"},
    "maps_search_none": {"zh": "未找到匹配的园区或区县：", "en": "No park or district matches: "},
    "maps_search_pick": {"zh": "匹配结果", "en": "Matches"},
    "maps_highlight": {"zh": "筛选结果（高亮）", "en": "Filter result (highlight)"},
    "maps_highlight_direct": {"zh": "规划直接点名", "en": "named by the plan"},
    "maps_highlight_related": {"zh": "同产业链/同门类（虚线）", "en": "same chain / sector (dashed)"},
    "maps_spread_note": {"zh": "密集处的标记已散开显示，点击位置以弹窗为准",
                         "en": "Crowded markers are fanned out on screen; the popup gives the true place"},
    "maps_place_district": {"zh": "区县", "en": "district"},
    "maps_place_park": {"zh": "园区", "en": "park"},
}

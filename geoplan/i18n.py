"""User-facing labels in Chinese and English: ``t(key, lang)``.

Every label the app or a map shows comes from ``LABELS`` so that the 中文/English switch changes
all of them. Keys are ascii; a missing key raises KeyError (a test checks both languages exist).
"""

from __future__ import annotations

LANGS = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    # app shell
    "app_title": {"zh": "重庆产业园区规划地图", "en": "Chongqing industrial-park planning map"},
    "language": {"zh": "语言 / Language", "en": "Language / 语言"},
    "page": {"zh": "页面", "en": "Page"},
    "page_industry": {"zh": "产业地图", "en": "Industry map"},
    "page_intensity": {"zh": "亩均效益", "en": "Land-output intensity"},
    "page_corridor": {"zh": "成渝走廊", "en": "Chengdu–Chongqing corridors"},
    "page_siting": {"zh": "项目选址", "en": "Site selection"},
    "basemap": {"zh": "底图", "en": "Basemap"},
    "tiles_none": {"zh": "无底图(区县边界)", "en": "No tiles (district boundaries)"},
    "tiles_osm": {"zh": "OpenStreetMap(需联网)", "en": "OpenStreetMap (online)"},
    "tiles_tianditu": {"zh": "天地图(需密钥、联网)", "en": "Tianditu (key, online)"},
    "tiles_amap": {"zh": "高德(GCJ-02，需联网)", "en": "AMap/Gaode (GCJ-02, online)"},
    "tianditu_no_key": {
        "zh": "未找到天地图密钥(环境变量 TIANDITU_KEY 或 secrets)，已改用无底图。",
        "en": "No Tianditu key found (env TIANDITU_KEY or Streamlit secrets); showing no tiles.",
    },
    "amap_note": {
        "zh": "高德底图为GCJ-02坐标：图上数据已临时偏移至GCJ-02，仅用于显示；下载数据仍为WGS84。",
        "en": "AMap tiles are GCJ-02: the data are shifted to GCJ-02 for display only; downloads stay WGS84.",
    },
    "offline_note": {"zh": "无底图时完全离线可用。", "en": "Without tiles the app works fully offline."},
    "error": {"zh": "出错：", "en": "Error: "},
    "download_geojson": {"zh": "下载 GeoJSON", "en": "Download GeoJSON"},
    "download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "empty_state": {"zh": "暂无可显示的内容。", "en": "Nothing to show."},
    "map_layers": {"zh": "图层", "en": "Layers"},
    "legend": {"zh": "图例", "en": "Legend"},
    "source": {"zh": "来源", "en": "Source"},
    "metadata": {"zh": "图层说明", "en": "Layer notes"},
    # industry map
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
    # common field labels
    "place": {"zh": "地点", "en": "Place"},
    "place_type": {"zh": "地点类型", "en": "Place type"},
    "industry": {"zh": "产业", "en": "Industry"},
    "role": {"zh": "定位", "en": "Role"},
    "strength": {"zh": "强度", "en": "Strength"},
    "plan": {"zh": "规划", "en": "Plan"},
    "seed": {"zh": "文件", "en": "Seed file"},
    "assignment_kind": {"zh": "类型(布局/区域方向/合作/现状/科学设施)",
                        "en": "Kind (siting / regional direction / cooperation / current state / science infrastructure)"},
    "line": {"zh": "行", "en": "Line"},
    "evidence": {"zh": "规划原文", "en": "Plan sentence"},
    "tier": {"zh": "层级", "en": "Tier"},
    "level": {"zh": "级别", "en": "Level"},
    "precision": {"zh": "位置精度", "en": "Location precision"},
    "confidence": {"zh": "名单置信度", "en": "Membership confidence"},
    "district": {"zh": "区县", "en": "District"},
    "park": {"zh": "园区", "en": "Park"},
    "region": {"zh": "区域", "en": "Region"},
    "lead_industries": {"zh": "主导产业", "en": "Lead industries"},
    "industries_here": {"zh": "规划产业", "en": "Plan industries"},
    "host_district_industries": {"zh": "所在区县的规划产业", "en": "Plan industries of the host district"},
    "relation": {"zh": "关联", "en": "Relation"},
    "matched_via": {"zh": "匹配方式", "en": "Matched via"},
    "no_industries": {"zh": "规划文本未在此列出产业。", "en": "No industry assigned here in the plans."},
    "prec_district_seat": {"zh": "区县驻地(近似，无公开园区位置)", "en": "district seat (approximate; no public park location)"},
    "prec_address": {"zh": "地址(管委会等)", "en": "address (management committee etc.)"},
    "prec_park_area": {"zh": "园区范围", "en": "park area"},
    "conf_confirmed": {"zh": "规划文本确认", "en": "confirmed by the plan text"},
    "conf_inferred": {"zh": "推断(规划未列明名单)", "en": "inferred (the plan lists no members)"},
    "conf_candidate_high": {"zh": "候选成员(可能性高)", "en": "likely member (candidate, high)"},
    "conf_candidate_medium": {"zh": "候选成员(可能性中)", "en": "possible member (candidate, medium)"},
    "conf_candidate_low": {"zh": "候选成员(可能性低)", "en": "uncertain member (candidate, low)"},
    "conf_not_member": {"zh": "不计入“2+10+36”", "en": "not counted in “2+10+36”"},
    "park_lead_source": {"zh": "园区主导产业(非规划文本)", "en": "park lead industries (not plan text)"},
    "chainage_artefact": {"zh": "园区位于区县驻地，与同驻地节点的距离无意义",
                          "en": "park at its district seat: distance to a node at the same seat is an artefact"},
    "prec_town_center": {"zh": "镇中心(±5 km)", "en": "town centre (±5 km)"},
    "prec_park_center": {"zh": "园区中心(±2 km)", "en": "park centre (±2 km)"},
    "prec_boundary": {"zh": "行政边界", "en": "boundary"},
    "prec_region_of_districts": {"zh": "区县组合", "en": "group of districts"},
    "more_rows": {"zh": "另有 {n} 条，见侧表", "en": "{n} more, see the side table"},
    # intensity
    "metric": {"zh": "指标", "en": "Metric"},
    "scheme": {"zh": "分级方法", "en": "Classification"},
    "scheme_Quantiles": {"zh": "分位数", "en": "Quantiles"},
    "scheme_NaturalBreaks": {"zh": "自然断点", "en": "Natural breaks"},
    "scheme_EqualInterval": {"zh": "等间距", "en": "Equal interval"},
    "scheme_FisherJenks": {"zh": "Fisher-Jenks", "en": "Fisher-Jenks"},
    "classes": {"zh": "分级数", "en": "Classes"},
    "level_agg": {"zh": "汇总层级", "en": "Aggregate to"},
    "upload": {"zh": "上传企业/地块表(CSV 或 Excel)", "en": "Upload an enterprise/parcel table (CSV or Excel)"},
    "upload_help": {"zh": "不上传则使用铜梁规划项目(附表2)。", "en": "Without an upload, Tongliang's plan projects (Annex 2) are used."},
    "upload_error": {"zh": "上传文件有误：", "en": "The upload has a problem: "},
    "rows_excluded": {"zh": "{n} 行数据有误，已排除(原因见下表)：", "en": "{n} rows were excluded (reasons below):"},
    "using_default": {"zh": "当前数据：铜梁规划项目(附表2，规划指导数)", "en": "Data: Tongliang plan projects (Annex 2, plan guidance figures)"},
    "using_upload": {"zh": "当前数据：上传文件", "en": "Data: your upload"},
    "land_mu": {"zh": "用地(亩)", "en": "Land (mu)"},
    "base_mu": {"zh": "分母合计", "en": "Denominator total"},
    "n_contributing": {"zh": "参与计算条数", "en": "Rows counted"},
    "grading": {"zh": "分级评价(A/B/C/D)", "en": "Grading (A/B/C/D)"},
    "distribution": {"zh": "分布", "en": "Distribution"},
    "rows_table": {"zh": "明细", "en": "Rows"},
    "no_geometry_note": {"zh": "该数据无独立空间位置，地图按所在园区/区县汇总。", "en": "These rows have no location of their own; the map aggregates them to their park/district."},
    # corridor
    "band": {"zh": "距离带", "en": "Distance band"},
    "band_set": {"zh": "距离带划分", "en": "Band limits"},
    "all_bands": {"zh": "全部", "en": "All"},
    "distance_km": {"zh": "距离(km)", "en": "Distance (km)"},
    "nearest_axis": {"zh": "最近通道", "en": "Nearest axis"},
    "chainage_km": {"zh": "里程(km，自重庆端)", "en": "Chainage (km from the Chongqing end)"},
    "seat_artefact": {"zh": "距离无意义(同驻地)", "en": "distance is an artefact (same seat)"},
    "inside_band": {"zh": "位于所选距离带内", "en": "Inside the chosen band"},
    # siting
    "spec_form": {"zh": "项目需求", "en": "Project specification"},
    "spec_industry": {"zh": "产业", "en": "Industry"},
    "spec_land": {"zh": "用地需求(亩)", "en": "Land needed (mu)"},
    "spec_investment": {"zh": "投资(亿元)", "en": "Investment (100 M CNY)"},
    "spec_max_corridor": {"zh": "距成渝通道不超过(km)", "en": "At most this far from a corridor (km)"},
    "spec_top": {"zh": "显示前 N 名", "en": "Show top N"},
    "spec_load": {"zh": "载入需求文件(JSON/YAML)", "en": "Load a spec (JSON/YAML)"},
    "spec_save": {"zh": "保存需求(JSON)", "en": "Save spec (JSON)"},
    "run_siting": {"zh": "开始选址", "en": "Rank sites"},
    "ranked": {"zh": "候选排序", "en": "Ranked candidates"},
    "contributions": {"zh": "各项得分贡献", "en": "Per-criterion contributions"},
    "citations": {"zh": "规划依据", "en": "Plan citations"},
    "stability": {"zh": "稳定性", "en": "Stability"},
    "explanation": {"zh": "说明", "en": "Explanation"},
    "gates": {"zh": "门槛", "en": "Gates"},
    "score": {"zh": "得分", "en": "Score"},
    "rank": {"zh": "名次", "en": "Rank"},
    "download_result": {"zh": "下载结果 JSON", "en": "Download result JSON"},
    "siting_prompt": {"zh": "填写需求后点击“开始选址”。", "en": "Fill in the form and press “Rank sites”."},
}


def t(key: str, lang: str = "zh") -> str:
    """The label ``key`` in ``lang`` ('zh' or 'en'); unknown languages fall back to Chinese."""
    entry = LABELS[key]
    return entry.get(lang) or entry["zh"]


UNITS_EN = {"万元/亩": "10k CNY/mu", "万元/人": "10k CNY/person", "万元/吨标煤": "10k CNY/tce",
            "万元/吨": "10k CNY/t", "亿元": "100M CNY", "万元": "10k CNY", "亩": "mu", "亿元/平方公里": "100M CNY/km²"}


def unit(u: str, lang: str) -> str:
    """A unit label in ``lang`` (the data keep the Chinese unit; English readers get a translation)."""
    return UNITS_EN.get(u, u) if lang == "en" else u


def pick(obj: dict[str, str] | str | None, lang: str) -> str:
    """A ``{zh, en}`` mapping from a layer spec (or a plain string) in ``lang``."""
    if obj is None:
        return ""
    if isinstance(obj, dict):
        return str(obj.get(lang) or obj.get("zh") or next(iter(obj.values()), ""))
    return str(obj)


def name_col(lang: str) -> str:
    """The name column to show: ``name_zh`` or ``name_en``."""
    return "name_en" if lang == "en" else "name_zh"

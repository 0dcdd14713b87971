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
    "page_workspace": {"zh": "工作空间", "en": "Workspace"},
    # workspace page
    "ws_location": {"zh": "工作空间位置", "en": "Workspace location"},
    "ws_parks": {"zh": "园区属性(可编辑，保存后长期保留)", "en": "Park attributes (editable, kept after saving)"},
    "ws_available_land": {"zh": "可用地(亩)", "en": "Available land (mu)"},
    "ws_as_of": {"zh": "截至日期", "en": "As of"},
    "ws_land_source": {"zh": "数据来源", "en": "Source"},
    "ws_notes": {"zh": "备注", "en": "Notes"},
    "ws_version": {"zh": "版本", "en": "Version"},
    "ws_save": {"zh": "保存修改", "en": "Save changes"},
    "ws_saved": {"zh": "已保存园区数：", "en": "Parks saved: "},
    "ws_stale": {"zh": "未保存：该园区已被他人修改，请刷新页面后重试。", "en": "Not saved: someone else changed this park; reload the page and try again."},
    "ws_results": {"zh": "已保存的选址结果", "en": "Saved site-selection results"},
    "ws_no_results": {"zh": "尚无保存的结果。", "en": "No saved results yet."},
    "ws_reopen": {"zh": "重新打开", "en": "Re-open"},
    "ws_as_saved": {"zh": "保存时的排名", "en": "Ranking as saved"},
    "ws_changes": {"zh": "按当前数据重新计算的差异", "en": "Differences when re-run on today's data"},
    "ws_no_change": {"zh": "按当前数据重新计算，排名不变。", "en": "Re-run on today's data: the ranking is unchanged."},
    "ws_data_changed": {"zh": "数据已变化(数据版本不同)。", "en": "The data changed since (different data version)."},
    "ws_save_result": {"zh": "保存当前选址结果到工作空间", "en": "Save this site-selection result to the workspace"},
    "ws_polygon": {"zh": "上传园区边界", "en": "Upload a park polygon"},
    "ws_polygon_file": {"zh": "边界文件(GeoJSON、GeoPackage 或 Shapefile 压缩包)", "en": "Boundary file (GeoJSON, GeoPackage or zipped Shapefile)"},
    "ws_polygon_bad": {"zh": "文件中没有面要素。", "en": "the file holds no polygon."},
    "ws_result_name": {"zh": "结果名称", "en": "Result name"},
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
    "prec_district_seat": {"zh": "区县驻地(近似)", "en": "district seat (approximate)"},
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
    "chainage_km": {"zh": "里程(km，自成都端)", "en": "Chainage (km from Chengdu)"},
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
    # plan ingestion page (读取规划)
    "page_ingest": {"zh": "读取规划", "en": "Read a plan"},
    "ingest_intro": {
        "zh": "上传一份规划（.txt / .docx / .pdf），系统按原文行号提出“产业 → 地点”条目，并与已有知识库比对。"
              "请在“决定”列选择 accept（接受）/ edit（修改后接受）/ reject（拒绝），然后点击“批准”。"
              "读取规划不会改动内置数据 data/。",
        "en": "Upload a plan (.txt / .docx / .pdf): geoplan proposes industry → place rows with their line "
              "citations and compares them with what it knows. Set the decision column to accept / edit / "
              "reject, then press Approve. Reading a plan never changes the embedded data/.",
    },
    "ingest_upload": {"zh": "规划文件", "en": "Plan file"},
    "ingest_doc_title": {"zh": "文件名称", "en": "Document title"},
    "ingest_doc_number": {"zh": "文号", "en": "Document number"},
    "ingest_doc_date": {"zh": "发布日期", "en": "Date"},
    "ingest_prompt": {"zh": "请上传一份规划文件。", "en": "Upload a plan to start."},
    "ingest_read_error": {"zh": "无法读取规划：", "en": "Cannot read the plan: "},
    "ingest_none": {"zh": "未在该规划中找到“产业 → 地点”的表述。", "en": "No industry → place statements found in this plan."},
    "ingest_summary": {"zh": "共 {n} 行原文，提出 {k} 条：新增 {new}，已有 {existing}，冲突 {contradiction}，新地点 {new_site}。",
                       "en": "{n} lines read, {k} rows proposed: new {new}, existing {existing}, "
                             "contradiction {contradiction}, new site {new_site}."},
    "ingest_decision": {"zh": "决定", "en": "Decision"},
    "ingest_approve": {"zh": "批准", "en": "Approve"},
    "ingest_invalid": {"zh": "审核表有误（接受的条目的证据须逐字出现在原文该行）：",
                       "en": "The reviewed table has a problem (accepted rows need their evidence verbatim on their line): "},
    "ingest_approved": {"zh": "已批准 {n} 条，拒绝 {r} 条，未决定 {u} 条。", "en": "{n} rows approved, {r} rejected, {u} undecided."},
    "ingest_download": {"zh": "下载已批准条目 CSV", "en": "Download approved rows (CSV)"},
    "ingest_download_review": {"zh": "下载审核表 CSV", "en": "Download review table (CSV)"},
    # 招商 brief (geoplan.brief)
    "brief_title": {"zh": "招商项目选址建议：{industry}", "en": "Investment site brief: {industry}"},
    "brief_subtitle": {"zh": "依据重庆市及区县规划文本自动生成，供招商洽谈参考", "en": "Generated from Chongqing's municipal and district plans, for discussion with the investor"},
    "brief_date": {"zh": "生成日期", "en": "Date"},
    "brief_project": {"zh": "一、项目概况", "en": "1. The project"},
    "brief_industry_asked": {"zh": "项目产业(填报)", "en": "Industry (as asked)"},
    "brief_industry_resolved": {"zh": "对应规划产业", "en": "Plan industry"},
    "brief_output": {"zh": "预计年产值(亿元)", "en": "Expected annual output (100 M CNY)"},
    "brief_tax": {"zh": "预计年税收(万元)", "en": "Expected annual tax (10k CNY)"},
    "brief_not_given": {"zh": "未提供", "en": "not given"},
    "brief_unknown": {"zh": "未知", "en": "unknown"},
    "brief_parks": {"zh": "二、推荐园区(前 {n} 名，共 {m} 个园区满足门槛)", "en": "2. Recommended parks (top {n} of {m} passing every gate)"},
    "brief_no_parks": {"zh": "没有园区满足全部门槛。", "en": "No park passes every gate."},
    "brief_reasons": {"zh": "推荐理由", "en": "Why"},
    "brief_plan_basis": {"zh": "规划依据", "en": "Plan basis"},
    "brief_plan_sentence": {"zh": "规划原文", "en": "Plan sentence"},
    "brief_line": {"zh": "第 {line} 行", "en": "line {line}"},
    "brief_host": {"zh": "所在区县：{host}({region})", "en": "Host district: {host} ({region})"},
    "brief_score": {"zh": "综合得分 {score:.1f} / 100", "en": "Score {score:.1f} / 100"},
    "brief_rel_direct": {"zh": "规划明确将本产业布局于此", "en": "the plans assign this very industry here"},
    "brief_rel_same_chain": {"zh": "规划在此布局同一产业链的产业", "en": "the plans assign an industry of the same chain here"},
    "brief_rel_same_sector": {"zh": "规划在此布局同一门类的产业", "en": "the plans assign an industry of the same sector here"},
    "brief_level_park": {"zh": "(园区层面)", "en": " (at park level)"},
    "brief_level_district": {"zh": "(所在区县层面)", "en": " (at the level of the host district)"},
    "brief_level_region": {"zh": "(片区层面)", "en": " (at the level of a wider region)"},
    "brief_corridor": {"zh": "距{axis} {km:.1f} km(位置误差约 ±{margin:g} km)", "en": "{km:.1f} km from the {axis} (location accurate to about ±{margin:g} km)"},
    "brief_tier": {"zh": "“2+10+36”园区体系层级：{tier}", "en": "tier in the 2+10+36 park system: {tier}"},
    "brief_tier_unknown": {"zh": "不在“2+10+36”名单中或层级未知", "en": "not in the 2+10+36 list or tier unknown"},
    "brief_role": {"zh": "“一区两群”功能定位：{region}——{role}", "en": "One Area, Two Clusters role of {region}: {role}"},
    "brief_map": {"zh": "三、区位图", "en": "3. Location map"},
    "brief_map_caption": {"zh": "数字为推荐名次；彩色线为成渝通道；灰线为区县边界。空心圆：仅按区县驻地近似定位。",
                          "en": "Numbers are ranks; coloured lines are the Chengdu–Chongqing corridors; grey lines are district boundaries. Hollow circle: located only at the district seat."},
    "brief_land": {"zh": "四、用地与“标准地”条件", "en": "4. Land and 标准地 (standard land) terms"},
    "brief_land_need": {"zh": "用地需求", "en": "Land needed"},
    "brief_land_avail": {"zh": "可用地(亩)", "en": "Available land (mu)"},
    "brief_land_gate": {"zh": "用地门槛", "en": "Land gate"},
    "brief_floors": {"zh": "“标准地”控制指标", "en": "标准地 floors"},
    "brief_caveats": {"zh": "五、注意事项", "en": "5. Caveats"},
    "brief_caveat_general": {"zh": "本建议仅依据公开规划文本自动生成，不构成用地承诺；可用地、地价和“标准地”指标须与园区及区县主管部门逐项核实。",
                             "en": "This brief is generated from published plan texts only and is no land commitment; available land, price and 标准地 terms must be confirmed with the park and the district authorities."},
    "brief_caveat_precision": {"zh": "位置为{prec}，距离为近似值", "en": "location is {prec}; distances are approximate"},
    "brief_caveat_notes": {"zh": "选址计算说明(原文)：", "en": "Notes from the site-selection run:"},
    "brief_status_pass": {"zh": "满足", "en": "pass"},
    "brief_status_fail": {"zh": "不满足", "en": "fail"},
    "brief_status_unknown": {"zh": "未知(待核实)", "en": "unknown (to confirm)"},
    "brief_status_n/a": {"zh": "未设限", "en": "no limit set"},
    "brief_tier_other": {"zh": "“2+10+36”名单外", "en": "outside the 2+10+36 list"},
    "brief_land_unknown_note": {"zh": "可用地未知：须向园区确认能否提供 ≥ {mu:g} 亩", "en": "available land unknown: confirm ≥ {mu:g} mu with the park"},
    "brief_membership": {"zh": "“2+10+36”名单身份：{conf}", "en": "membership in the 2+10+36 list: {conf}"},
    "brief_conf_not_member": {"zh": "不在名单内", "en": "not a member"},
    "brief_conf_inferred": {"zh": "推断", "en": "inferred"},
    "brief_conf_candidate_high": {"zh": "待确认(可能性高)", "en": "unconfirmed (likely)"},
    "brief_conf_candidate_medium": {"zh": "待确认(可能性中)", "en": "unconfirmed (possible)"},
    "brief_conf_candidate_low": {"zh": "待确认(可能性低)", "en": "unconfirmed (unlikely)"},
    "brief_ranks": {"zh": "名次 {ranks}", "en": "rank {ranks}"},
    "brief_file_line": {"zh": "文件 {seed} 第 {line} 行", "en": "file {seed}, line {line}"},
    "brief_download_pdf": {"zh": "下载招商简报 PDF", "en": "Download investment brief (PDF)"},
    "brief_download_docx": {"zh": "下载招商简报 Word", "en": "Download investment brief (Word)"},
    "brief_font_missing": {"zh": "生成 PDF 需要中文 TrueType 字体，但未找到；请安装 fonts-wqy-zenhei，或设置环境变量 GEOPLAN_CJK_FONT 指向 .ttf/.ttc 文件。",
                           "en": "The PDF needs a Chinese TrueType font and none was found; install fonts-wqy-zenhei or set the environment variable GEOPLAN_CJK_FONT to a .ttf/.ttc file."},
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

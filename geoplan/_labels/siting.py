"""Labels: siting (merged into ``geoplan.i18n.LABELS``)."""

LABELS: dict[str, dict[str, str]] = {
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

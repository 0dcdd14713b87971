"""Labels: plan ingestion page (读取规划) (merged into ``geoplan.i18n.LABELS``)."""

LABELS: dict[str, dict[str, str]] = {
    "page_ingest": {"zh": "读取规划", "en": "Read a plan"},
    "ingest_intro": {
        "zh": "上传一份规划（.txt / .docx / .pdf），系统按原文行号提出“产业 → 地点”条目，并与已有知识库比对。"
              "请在“决定”列填写 `accept`（接受）/ `edit`（修改后接受）/ `reject`（拒绝），然后点击“批准”。"
              "读取规划不会改动内置数据 data/。",
        "en": "Upload a plan (.txt / .docx / .pdf): geoplan proposes industry → place rows with their line "
              "citations and compares them with what it knows. Set the decision column to `accept` / `edit` / "
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
    "ingest_accept_rows": {"zh": "接受的条目", "en": "Rows to accept"},
    "ingest_reject_rows": {"zh": "拒绝的条目", "en": "Rows to reject"},
    "ingest_quick_help": {"zh": "可在此按条目选择接受或拒绝，也可在下表“决定”列逐条填写（含修改）。",
                          "en": "Pick rows to accept or reject here, or set the decision column row by row below (edits too)."},
    "ingest_stored": {"zh": "已存入工作空间 {k} 条（{d} 条此前已存入）；产业地图中按规划名称和行号引用。",
                      "en": "{k} rows stored in the workspace ({d} were stored before); the industry map cites them "
                            "by plan title and line."},
    "ingest_store_error": {"zh": "无法写入工作空间：", "en": "Cannot write to the workspace: "},
    "ingest_download": {"zh": "下载已批准条目 CSV", "en": "Download approved rows (CSV)"},
    "ingest_download_review": {"zh": "下载审核表 CSV", "en": "Download review table (CSV)"},
}

"""Labels: app shell (merged into ``geoplan.i18n.LABELS``)."""

LABELS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "重庆产业园区规划地图", "en": "Chongqing industrial-park planning map"},
    "language": {"zh": "语言 / Language", "en": "Language / 语言"},
    "page": {"zh": "页面", "en": "Page"},
    "page_industry": {"zh": "产业地图", "en": "Industry map"},
    "page_intensity": {"zh": "亩均效益", "en": "Land-output intensity"},
    "page_corridor": {"zh": "成渝走廊", "en": "Chengdu–Chongqing corridors"},
    "page_siting": {"zh": "项目选址", "en": "Site selection"},
    "page_workspace": {"zh": "工作空间", "en": "Workspace"},
    "shell_download_shp": {"zh": "下载 Shapefile（zip）", "en": "Download Shapefile (zip)"},
    "shell_choose": {"zh": "请选择", "en": "Choose"},
}

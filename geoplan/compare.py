"""Compare 2–4 parks or districts side by side: plan designations (with plan titles), tier, free land,
distance to each Chengdu–Chongqing axis, 亩均 figures where the data have them, plan targets.

Unknown stays unknown: free land or 亩均 figures the data do not hold are ``NaN`` (shown as
未知 / unknown), never 0. The 亩均 figures are the Tongliang plan's Annex 2 guidance figures
(planned, not measured), aggregated Σ/Σ by :func:`geoplan.intensity.evaluate` to the host park.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from .corridor import axis_distances
from .data import catalog
from .data.citations import plan_title
from .data.layers import layer_spec, load_layer
from .errors import InputError
from .i18n import name_col, pick, t
from .intensity.evaluate import evaluate
from .io.validate import neutralise_frame

MIN_PLACES, MAX_PLACES = 2, 4


INTENSITY_COLS = ("output_per_mu", "investment_per_mu")


TONGLIANG_ADCODE = "500151"  # the scope 'tongliang' of data/targets.csv (seed 004, 铜梁区's plan)


DISPLAY_ROWS = ("place_type", "tier", "n_designations", "industries", "plans", "free_land_mu",
                "dist_km_CY_MAIN", "dist_km_CY_MID", "dist_km_CSY", "nearest_axis",
                "output_per_mu", "investment_per_mu", "n_targets", "targets_status")


def _places(places: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    out = [(str(pt), str(pid)) for pt, pid in places]
    if not MIN_PLACES <= len(out) <= MAX_PLACES:
        raise InputError(f"compare needs {MIN_PLACES} to {MAX_PLACES} places, got {len(out)}")
    bad = [pt for pt, _ in out if pt not in ("park", "district")]
    if bad:
        raise InputError(f"place type '{bad[0]}' cannot be compared; valid: park, district")
    return out


def _intensity_by_park() -> pd.DataFrame:
    """亩均 figures per host park from the Tongliang plan's projects (Σ output / Σ land of the rows with both)."""
    tp = load_layer("tongliang_projects")
    table = evaluate(tp, level="park", id_col="project_id")["table"]
    return table.set_index("park_id")


def compare_places(places: Sequence[tuple[str, str]], lang: str = "zh") -> pd.DataFrame:
    """One row per place, in the order given.

    Parameters
    ----------
    places : sequence of (place_type, place_id)
        2–4 of ``("park", park_id)`` or ``("district", adcode)``.
    lang : {"zh", "en"}
        Language of the plan titles, industry names and tier labels.

    Returns
    -------
    pandas.DataFrame
        ``place_type, place_id, name_zh, name_en, tier, n_designations`` (assignment rows of the five
        plans naming the place), ``industries``, ``plans`` (plan titles), ``free_land_mu``,
        ``dist_km_<axis>`` per axis, ``nearest_corridor`` (id), ``nearest_axis`` (name), ``output_per_mu``, ``investment_per_mu``
        (万元/亩, plan guidance figures), ``intensity_n`` (projects behind them), ``n_targets``
        (plan targets whose scope covers the place) and ``targets_status``.

    Raises
    ------
    InputError
        Fewer than 2 or more than 4 places, an unknown place type or id.

    Examples
    --------
    >>> from geoplan.compare import compare_places
    >>> df = compare_places([("park", "tongliang_gaoxin"), ("district", "500118")], lang="en")
    >>> df["name_en"].tolist()
    ['Tongliang Hi-tech Zone (municipal)', 'Yongchuan District']
    >>> df["nearest_corridor"].tolist()  # 铜梁 lies on the 成渝中线 HSR; the main axis crosses 永川
    ['CY_MID', 'CY_MAIN']
    """
    places = _places(places)
    parks = load_layer("parks")
    districts = load_layer("districts")
    pk = parks.set_index(parks["park_id"].astype(str))
    dk = districts.set_index(districts["adcode"].astype(int).astype(str))
    geoms, rows = [], []
    for pt, pid in places:
        src = pk if pt == "park" else dk
        if pid not in src.index:
            raise InputError(f"no {pt} with id '{pid}'")
        r = src.loc[pid]
        geoms.append(r.geometry)
        rows.append({"place_type": pt, "place_id": pid, "name_zh": r["name_zh"], "name_en": r["name_en"],
                     "host_adcode": str(int(r["host_adcode"])) if pt == "park" and pd.notna(r["host_adcode"]) else pid,
                     "tier_id": str(r["tier"]) if pt == "park" else str(r.get("region_id", "")),
                     "tier_region": r.get("region_zh" if lang == "zh" else "region_en", "") if pt == "district" else "",
                     "free_land_mu": float(r["available_land_mu"]) if pt == "park" and pd.notna(r["available_land_mu"])
                     else math.nan})
    out = pd.DataFrame(rows)
    tiers = layer_spec("parks").get("legend", {}).get("labels", {})
    out["tier"] = [pick(tiers.get(tid, tid), lang) if pt == "park" else reg
                   for pt, tid, reg in zip(out["place_type"], out["tier_id"], out["tier_region"])]

    a = catalog.assignments()
    ind_col = "industry_en" if lang == "en" else "industry_zh"
    n_des, inds, plans = [], [], []
    for pt, pid in places:
        sub = a[(a["place_type"] == pt) & (a["place_id"].astype(str) == pid)]
        n_des.append(len(sub))
        inds.append("、".join(dict.fromkeys(sub[ind_col].fillna(sub["industry_zh"]).astype(str))) if len(sub) else "")
        titles = [plan_title(s, None if pd.isna(n) else int(n), lang) for s, n in zip(sub["source"], sub["source_line"])]
        plans.append("；".join(dict.fromkeys(x for x in titles if x)))
    out["n_designations"], out["industries"], out["plans"] = n_des, inds, plans

    dist = axis_distances(gpd.GeoDataFrame(geometry=geoms, crs=parks.crs))
    for c in dist.columns:
        out[c] = dist[c].to_numpy()
    cor = load_layer("corridors").set_index("corridor_id")["corridor_en" if lang == "en" else "corridor_zh"]
    out["nearest_axis"] = out["nearest_corridor"].map(cor).fillna(out["nearest_corridor"])

    inten = _intensity_by_park()
    for c in INTENSITY_COLS:
        out[c] = [float(inten.loc[pid, c]) if pt == "park" and pid in inten.index and pd.notna(inten.loc[pid, c])
                  else math.nan for pt, pid in places]
    out["intensity_n"] = [int(inten.loc[pid, "output_per_mu_n"]) if pt == "park" and pid in inten.index else 0
                          for pt, pid in places]

    targets = catalog.targets()
    n_tl = int((targets["scope"] == "tongliang").sum())
    out["n_targets"] = np.where(out["host_adcode"].eq(TONGLIANG_ADCODE), n_tl, 0)
    # no actual figures per park or district ship with geoplan: a status needs them (Targets page)
    out["targets_status"] = [t("compare_targets_no_actuals", lang) if n else t("compare_targets_none", lang)
                             for n in out["n_targets"]]
    return out.drop(columns=["tier_id", "tier_region"])


def compare_table(df: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The comparison for reading: one column per place (its name), one row per attribute (labels in
    ``lang``), unknown numbers as 未知 / unknown, distances and figures rounded.
    """
    unknown = t("compare_unknown", lang)
    nm = name_col(lang)

    def fmt(col: str, v: object) -> str:
        if col == "place_type":
            return t(f"maps_place_{v}", lang)
        if isinstance(v, (float, np.floating)):
            if math.isnan(v):
                return unknown
            return f"{v:,.1f}"
        return "" if v is None else str(v)

    body = {str(r[nm] or r["name_zh"]): [fmt(c, r[c]) for c in DISPLAY_ROWS] for _, r in df.iterrows()}
    return pd.DataFrame(body, index=[t(f"compare_{c}", lang) for c in DISPLAY_ROWS])


def to_xlsx(table: pd.DataFrame) -> bytes:
    """An Excel workbook of ``table`` (index kept), formula-like cells neutralised."""
    buf = io.BytesIO()
    safe = neutralise_frame(table.reset_index(names=""))
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        safe.to_excel(xw, index=False, sheet_name="compare")
    return buf.getvalue()

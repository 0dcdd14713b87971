"""Land-weighted aggregation (Σ numerator / Σ denominator) and the place keys it groups by."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import catalog
from ..data.places import district_region_map
from ..errors import InputError
from ..spatial import parcels_by_district
from .metrics import METRICS


def aggregate(df: pd.DataFrame, by: str | list[str] | None = None,
              metrics: list[str] | None = None) -> pd.DataFrame:
    """Land-weighted aggregates Σ numerator / Σ denominator per group (all rows when ``by`` is None).

    Each metric comes with ``<metric>_base`` (Σ denominator over contributing rows, e.g. 亩) and
    ``<metric>_n`` (number of contributing rows); ``n_rows`` and ``land_mu`` (Σ stated land) too.
    """
    metrics = list(METRICS) if metrics is None else metrics
    work = df.copy()
    keys = [by] if isinstance(by, str) else (list(by) if by else [])
    if not keys:
        work["_all"] = "all"
        keys = ["_all"]
    for k in keys:
        if k not in work:
            raise InputError(f"cannot aggregate by '{k}': no such column")
        if work[k].isna().any():
            bad = int(np.flatnonzero(work[k].isna().to_numpy())[0]) + 1
            raise InputError(f"row has no value for grouping column '{k}'", row=bad, field=k)
    cols: dict[str, pd.Series] = {}
    for name in metrics:
        m = METRICS[name]
        num = work[m.numerator].astype(float)
        den = work[m.denominator].astype(float)
        ok = num.notna() & den.notna() & (den > 0)
        work[f"_n_{name}"] = num.where(ok, 0.0)
        work[f"_d_{name}"] = den.where(ok, 0.0)
        work[f"_c_{name}"] = ok.astype(int)
    work["_land"] = work["land_mu"].astype(float).where(work["land_mu"].notna(), 0.0)
    work["_has_land"] = work["land_mu"].notna().astype(int)
    g = work.groupby(keys, sort=True, dropna=False)
    res = pd.DataFrame({"n_rows": g.size(), "land_mu": g["_land"].sum(), "n_land": g["_has_land"].sum()})
    for name in metrics:
        m = METRICS[name]
        s_num, s_den, n = g[f"_n_{name}"].sum(), g[f"_d_{name}"].sum(), g[f"_c_{name}"].sum()
        cols[name] = (s_num / s_den.where(s_den > 0) * m.scale)
        cols[f"{name}_base"] = s_den.where(n > 0)
        cols[f"{name}_n"] = n
        cols[f"{name}_sum_{m.numerator}"] = s_num.where(n > 0)
    res = pd.concat([res, pd.DataFrame(cols)], axis=1).reset_index()
    res["land_mu"] = res["land_mu"].where(res["n_land"] > 0)
    return res.drop(columns=["_all"], errors="ignore")


def attach_places(df: pd.DataFrame, park_col: str | None = None) -> pd.DataFrame:
    """Add ``park_id``, ``adcode`` and ``region_id`` (一区两群) where they can be derived.

    ``park_id`` (or ``host_park_id``) → host district from the parks table; without a place key a
    GeoDataFrame is located in the district containing it; ``adcode`` → 一区两群 region (the
    districts' ``region_id``).
    """

    out = df.copy()
    park_col = park_col or next((c for c in ("park_id", "host_park_id") if c in out), None)
    if park_col and park_col != "park_id":
        out["park_id"] = out[park_col]
    if "park_id" in out and "adcode" not in out:
        p = catalog.parks()[["park_id", "host_adcode"]].drop_duplicates("park_id")
        m = dict(zip(p["park_id"], p["host_adcode"]))
        unknown = out["park_id"].notna() & ~out["park_id"].isin(list(m))
        if unknown.any():
            i = int(np.flatnonzero(unknown.to_numpy())[0])
            raise InputError(f"park_id {out['park_id'].iloc[i]!r} is not in data/parks.csv",
                             row=i + 1, field="park_id")
        out["adcode"] = out["park_id"].map(m).astype("Int64")
    if "adcode" not in out and "park_id" not in out and hasattr(out, "geometry") and out.crs is not None:
        out["adcode"] = locate_districts(out)
    if "adcode" in out and "region_id" not in out:
        raw = out["adcode"]
        codes = pd.to_numeric(raw.astype("string").str.strip().replace("", None), errors="coerce")
        regions = district_region_map()
        bad = (raw.notna() & (raw.astype("string").str.strip() != "")) & ~codes.isin(list(regions))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"adcode {raw.iloc[i]!r} is not one of Chongqing's 38 districts",
                             row=i + 1, field="adcode")
        out["adcode"] = codes.astype("Int64")
        out["region_id"] = out["adcode"].map(regions)
    return out


def locate_districts(gdf) -> pd.Series:
    """The adcode of the district containing each geometry (empty outside Chongqing).

    The library's one host-district rule (``parcels.parcels_by_district``: centroid, or a point on
    the surface when the centroid falls outside a concave polygon), as site selection uses.
    """

    return parcels_by_district(gdf).rename(None)


LEVEL_KEYS = {"park": "park_id", "district": "adcode", "region": "region_id", "cluster": "cluster_zh"}


def place_names(level: str, table: pd.DataFrame) -> pd.DataFrame:
    """Add ``name_zh``/``name_en`` of the parks, districts or regions an aggregate table is keyed by."""

    out = table.copy()
    if level == "park":
        p = catalog.parks().drop_duplicates("park_id").set_index("park_id")
        out["name_zh"], out["name_en"] = out["park_id"].map(p["name_zh"]), out["park_id"].map(p["name_en"])
    elif level == "district":
        d = catalog.districts().set_index("adcode")
        code = out["adcode"].astype(int)
        out["name_zh"], out["name_en"] = code.map(d["name_zh"]), code.map(d["name_en"])
    elif level == "region":
        r = catalog.regions_table().set_index("region_id")
        out["name_zh"], out["name_en"] = out["region_id"].map(r["name_zh"]), out["region_id"].map(r["name_en"])
    return out

"""Seeded synthetic land parcels for the benchmarks (not real cadastre data).

``generate_parcels(n, seed)`` places ``n`` rotated rectangles of plausible industrial size
(10–2,000 亩, log-normal, median 60 亩) inside Chongqing's 38 districts, in proportion to a
district weight. Each parcel gets a land-use code (GB 50137 classes M1/M2/M3/W1/B1), an
available area, an annual output for the built part and an industry id from the taxonomy
(biased towards industries the plans assign to its district, so site selection has signal).

Parcels may overlap each other: at N = 1M the summed area exceeds what Chongqing could hold,
which does not matter for timing but means the data are not a plausible land map.
Same ``(n, seed, weight)`` → same parcels, byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geoplan.crs import REGION_METRIC, WGS84
from geoplan.data import catalog
from geoplan.errors import DataError, InputError

M2_PER_MU = 10_000.0 / 15.0  # 1 亩 = 666.67 m²
MU_MIN, MU_MAX, MU_MEDIAN, MU_SIGMA = 10.0, 2_000.0, 60.0, 1.0

# Synthetic assumption: industrial land is denser in the metro area than in the mountain counties.
REGION_FACTOR = {"central_urban": 4.0, "new_main_urban": 2.0, "ne_three_gorges": 1.0, "se_wuling": 0.5}

LAND_USES = pd.DataFrame({
    "land_use": ["M1", "M2", "M3", "W1", "B1"],
    "land_use_zh": ["一类工业用地", "二类工业用地", "三类工业用地", "一类物流仓储用地", "商业用地"],
    "land_use_en": ["industrial (light)", "industrial (general)", "industrial (heavy)",
                    "logistics/warehouse", "commercial"],
    "share": [0.40, 0.30, 0.05, 0.15, 0.10],
})

# Development status: built (nothing available), vacant (all available), partly built.
STATUS_SHARE = {"built": 0.45, "vacant": 0.30, "partial": 0.25}
PLAN_BIAS = 0.6  # share of parcels whose industry is one the plans assign to their district


def district_weights(districts: gpd.GeoDataFrame, weight: str | Mapping[int, float] = "metro") -> np.ndarray:
    """Normalised weights per district row: 'metro' (area × region factor), 'area', 'uniform',
    a numeric column name of ``districts``, or a mapping adcode → weight."""
    if isinstance(weight, Mapping):
        w = districts["adcode"].map(lambda a: float(weight.get(int(a), 0.0))).to_numpy(float)
    elif weight == "metro":
        factor = districts["region_id"].map(REGION_FACTOR).fillna(1.0).to_numpy(float)
        w = districts["area_km2"].to_numpy(float) * factor
    elif weight == "area":
        w = districts["area_km2"].to_numpy(float)
    elif weight == "uniform":
        w = np.ones(len(districts))
    elif isinstance(weight, str) and weight in districts.columns:
        w = pd.to_numeric(districts[weight], errors="raise").to_numpy(float)
    else:
        raise InputError(f"unknown weight {weight!r}: expected metro, area, uniform, a district column "
                         "or a mapping adcode → weight", field="weight")
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise InputError("district weights must be finite, >= 0 and not all 0", field="weight")
    return w / w.sum()


def _points_in(poly, k: int, rng: np.random.Generator) -> np.ndarray:
    """k uniform random points inside a (metric) polygon, by rejection from its bounding box."""
    shapely.prepare(poly)
    x0, y0, x1, y1 = poly.bounds
    fill = max(poly.area / ((x1 - x0) * (y1 - y0)), 0.05)
    out: list[np.ndarray] = []
    have = 0
    while have < k:
        m = int((k - have) / fill * 1.2) + 16
        x = rng.uniform(x0, x1, m)
        y = rng.uniform(y0, y1, m)
        inside = shapely.contains_xy(poly, x, y)
        pts = np.column_stack([x[inside], y[inside]])
        out.append(pts)
        have += len(pts)
    return np.concatenate(out)[:k]


def _sizes_mu(n: int, rng: np.random.Generator) -> np.ndarray:
    """Truncated log-normal parcel sizes in 亩 (redraw outside [MU_MIN, MU_MAX])."""
    out = np.exp(rng.normal(np.log(MU_MEDIAN), MU_SIGMA, n))
    bad = (out < MU_MIN) | (out > MU_MAX)
    while bad.any():
        out[bad] = np.exp(rng.normal(np.log(MU_MEDIAN), MU_SIGMA, int(bad.sum())))
        bad = (out < MU_MIN) | (out > MU_MAX)
    return out


def _industry_pools() -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """All usable taxonomy ids, and per district the ids the plans assign to it."""
    ind = catalog.industries()
    kinds = ind["kind"] if "kind" in ind else pd.Series("", index=ind.index)
    pool = ind.loc[kinds.isin(["sector", "chain", "sei", "cluster", "local"]) | (kinds == ""), "industry_id"]
    pool = np.array(sorted(set(pool)), dtype=object)
    if pool.size == 0:
        raise DataError("data/industries.csv has no sector/chain industries to draw parcel industries from")
    by_district: dict[int, np.ndarray] = {}
    try:
        a = catalog.assignments()
    except DataError:  # plan table not built: parcels get taxonomy ids without plan bias
        return pool, by_district
    a = a[(a["place_type"] == "district") & a["industry_id"].isin(set(pool))]
    for code, grp in a.groupby("place_id"):
        try:
            by_district[int(code)] = np.array(sorted(set(grp["industry_id"])), dtype=object)
        except ValueError:
            continue
    return pool, by_district


def generate_parcels(n: int, seed: int = 2021, weight: str | Mapping[int, float] = "metro",
                     districts: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """``n`` synthetic parcels (WGS84 polygons) in Chongqing's districts, reproducible from ``seed``.

    Columns: parcel_id, gen_adcode (district the generator placed it in), land_use, land_use_zh,
    area_mu, available_mu, status, built_mu, output_yi (annual output of the built part, 亿元;
    empty when vacant), output_per_mu (万元/亩 of the built part; empty when vacant), industry_id,
    geometry.
    """
    if n < 1:
        raise InputError(f"need at least one parcel (got {n})", field="n")
    rng = np.random.default_rng(seed)
    d = (districts if districts is not None else catalog.districts()).sort_values("adcode")
    d = d.reset_index(drop=True)
    p = district_weights(d, weight)
    counts = rng.multinomial(n, p)
    dm = d.to_crs(REGION_METRIC)

    centres = np.empty((n, 2))
    adcode = np.empty(n, dtype=np.int64)
    i = 0
    for poly, code, k in zip(dm.geometry.to_numpy(), d["adcode"].to_numpy(), counts):
        if k:
            centres[i:i + k] = _points_in(poly, int(k), rng)
            adcode[i:i + k] = code
            i += k
    order = rng.permutation(n)  # interleave districts so row order says nothing about place
    centres, adcode = centres[order], adcode[order]

    # Rotated rectangles of the drawn area, aspect ratio 1–3.
    area_mu = _sizes_mu(n, rng)
    area_m2 = area_mu * M2_PER_MU
    aspect = rng.uniform(1.0, 3.0, n)
    w = np.sqrt(area_m2 * aspect)
    h = area_m2 / w
    theta = rng.uniform(0.0, np.pi, n)
    c, s = np.cos(theta), np.sin(theta)
    ux = np.array([-0.5, 0.5, 0.5, -0.5, -0.5])
    uy = np.array([-0.5, -0.5, 0.5, 0.5, -0.5])
    dx = ux[None, :] * w[:, None]
    dy = uy[None, :] * h[:, None]
    x = centres[:, :1] + dx * c[:, None] - dy * s[:, None]
    y = centres[:, 1:] + dx * s[:, None] + dy * c[:, None]
    to_wgs = Transformer.from_crs(REGION_METRIC, WGS84, always_xy=True)
    lon, lat = to_wgs.transform(x.ravel(), y.ravel())
    coords = np.stack([np.asarray(lon).reshape(n, 5), np.asarray(lat).reshape(n, 5)], axis=-1)
    geom = shapely.polygons(coords)

    lu_idx = rng.choice(len(LAND_USES), size=n, p=LAND_USES["share"].to_numpy())
    status = rng.choice(np.array(list(STATUS_SHARE), dtype=object), size=n, p=list(STATUS_SHARE.values()))
    built_share = np.where(status == "built", 1.0,
                           np.where(status == "vacant", 0.0, rng.uniform(0.1, 0.9, n)))
    available_mu = area_mu * (1.0 - built_share)
    wan_per_mu = np.exp(rng.normal(np.log(250.0), 0.6, n))  # 亩均产值, 万元/亩
    output_yi = np.where(built_share > 0, area_mu * built_share * wan_per_mu / 1e4, np.nan)

    pool, by_district = _industry_pools()
    industry = pool[rng.integers(0, len(pool), n)]
    biased = rng.random(n) < PLAN_BIAS
    for code, ids in by_district.items():
        m = biased & (adcode == code)
        if m.any():
            industry[m] = ids[rng.integers(0, len(ids), int(m.sum()))]

    lu = LAND_USES.iloc[lu_idx]
    df = pd.DataFrame({
        "parcel_id": np.char.add("P", np.char.zfill(np.arange(1, n + 1).astype(str), 7)),
        "gen_adcode": adcode,
        "land_use": lu["land_use"].to_numpy(),
        "land_use_zh": lu["land_use_zh"].to_numpy(),
        "area_mu": np.round(area_mu, 2),
        "available_mu": np.round(available_mu, 2),
        "status": status.astype(str),
        "built_mu": np.round(area_mu * built_share, 2),
        "output_yi": np.round(output_yi, 4),
        "output_per_mu": np.round(np.where(built_share > 0, wan_per_mu, np.nan), 2),
        "industry_id": industry.astype(str),
    })
    return gpd.GeoDataFrame(df, geometry=geom, crs=WGS84)


def parcels_path(n: int, seed: int = 2021, weight: str = "metro",
                 workdir: str | Path = Path(__file__).parent / "_data") -> Path:
    """Where the cached GeoParquet for (n, seed, weight) lives."""
    return Path(workdir) / f"parcels_n{n}_s{seed}_{weight}.parquet"


def ensure_parcels(n: int, seed: int = 2021, weight: str = "metro",
                   workdir: str | Path = Path(__file__).parent / "_data") -> Path:
    """Generate the parcels once and cache them as GeoParquet; return the file."""
    path = parcels_path(n, seed, weight, workdir)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        gdf = generate_parcels(n, seed=seed, weight=weight)
        tmp = path.with_suffix(".tmp")
        gdf.to_parquet(tmp, index=False, compression="zstd", geometry_encoding="geoarrow")
        tmp.replace(path)
    return path

"""Site selection builds rows only for what it shows; the result must be the one every row gives.

``select_sites`` scores every candidate on arrays and builds frame rows (notes, citation summaries,
gate strings) only for the ranked candidates and the head of the excluded list; ``excluded`` and
``scored`` are built when first read. ``build_all=True`` builds every row first (the reference).
Over a parcel layer the prefilter drops rows that certainly fail a cheap gate, and a prepared layer
carries its distances. Every path must give the same ranking, scores, stability report and
explanation — including parcels constructed to sit exactly on a gate, on a band edge and beyond the
Chongqing end vertex the main axis and 成遂渝 share (where the two distances tie).
"""

from __future__ import annotations

import math
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from benchmarks.parcels import generate_parcels
from geoplan.corridor import axis_distances
from geoplan.data import catalog
from geoplan.parcels import prepare_parcels
from geoplan.siting import select_sites

NEED = 150.0
BASE = {"industry": "新能源汽车", "land_mu": NEED, "output_yi": 30.0, "top": 12,
        "regions": ["central_urban", "new_main_urban"]}


def _square(lon: float, lat: float, half: float = 0.001) -> shapely.Polygon:
    return shapely.box(lon - half, lat - half, lon + half, lat + half)


def _deep_equal(a, b, path: str = "") -> None:
    """Equal values, NaN equal to NaN, frames equal with their dtypes."""
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=path or "frame")
    elif isinstance(a, dict):
        assert set(a) == set(b), f"{path}: keys differ: {set(a) ^ set(b)}"
        for k in a:
            _deep_equal(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"{path}: {len(a)} != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            _deep_equal(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        assert math.isnan(b), f"{path}: NaN != {b!r}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@pytest.fixture(scope="module")
def layer() -> gpd.GeoDataFrame:
    """300 generated parcels plus constructed ones (WGS84, plain: no distance columns)."""
    g = generate_parcels(300, seed=7)[["parcel_id", "available_mu", "output_per_mu", "geometry"]]
    end_lon, end_lat = list(catalog.corridors().geometry.iloc[0].coords)[-1]  # the shared Chongqing end
    built = pd.DataFrame({
        "parcel_id": ["T_TIE", "T_AT_NEED", "T_JUST_SHORT", "T_GATE", "T_FAR"],
        "available_mu": [500.0, NEED, np.nextafter(NEED, 0.0), 400.0, 400.0],
        "output_per_mu": [np.nan, 80.0, 80.0, np.nan, np.nan],
        "geometry": [_square(end_lon + 0.04, end_lat + 0.02), _square(end_lon + 0.049, end_lat + 0.049),
                     _square(end_lon + 0.0491, end_lat + 0.0491), _square(end_lon + 0.05, end_lat + 0.05),
                     _square(end_lon + 0.08, end_lat + 0.08)],
    })
    out = pd.concat([g, gpd.GeoDataFrame(built, geometry="geometry", crs=g.crs)], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")


def _gate_km(layer: gpd.GeoDataFrame) -> float:
    """The nearest-axis distance of T_GATE, as site selection measures it: a corridor limit exactly there."""
    d = axis_distances(layer[layer["parcel_id"] == "T_GATE"])
    return float(d["nearest_km"].iloc[0])


def _check_same(a, b) -> None:
    _deep_equal(a.ranked, b.ranked, "ranked")
    _deep_equal(a.stability, b.stability, "stability")
    _deep_equal(a.explanation, b.explanation, "explanation")


def test_the_constructed_parcels_are_what_they_claim(layer):
    d = axis_distances(layer.set_index("parcel_id").loc[["T_TIE"]].reset_index())
    assert d["dist_km_CY_MAIN"].iloc[0] == d["dist_km_CSY"].iloc[0]  # the shared end vertex: a tie
    t = layer.set_index("parcel_id")
    assert t.at["T_AT_NEED", "available_mu"] == NEED > t.at["T_JUST_SHORT", "available_mu"]
    assert axis_distances(layer[layer["parcel_id"] == "T_FAR"])["nearest_km"].iloc[0] > _gate_km(layer)


@pytest.mark.parametrize("spec", [
    BASE,
    {**BASE, "max_corridor_km": None, "regions": []},
    {**BASE, "industry": "生物医药", "land_mu": 50},
    {**BASE, "exclude_unknown_land": True},
    # top 3: what-would-change reads eligible rows 4–10; excluding two districts puts their
    # (high-scoring) parcels at the head of the excluded list and the land-only ones further down
    {**BASE, "top": 3, "land_mu": 100, "max_corridor_km": 30.0, "regions": [], "exclude": ["渝北区", "江北区"]},
])
def test_rows_built_for_the_shown_rows_equal_every_row_built(layer, spec):
    spec = {k: v for k, v in spec.items() if v is not None}
    exact = select_sites(dict(spec), candidates=layer, prefilter_above=None, build_all=True)
    fast = select_sites(dict(spec), candidates=layer, prefilter_above=None)
    assert callable(fast._scored) and callable(fast._excluded)  # not built yet
    _check_same(exact, fast)
    _deep_equal(exact.excluded, fast.excluded, "excluded")
    _deep_equal(exact.scored, fast.scored, "scored")
    if spec.get("top") == 3:  # the case is what it says
        assert len(exact.explanation["what_would_change"]) > 3
        assert any(w.get("excluded") for w in exact.explanation["what_would_change"])
        first5 = set(exact.excluded["cand_id"].head(5))
        land_only = [w["cand_id"] for w in exact.explanation["what_would_change"] if w.get("excluded")]
        assert not set(land_only) <= first5


@pytest.mark.parametrize("spec", [
    {"industry": "新能源汽车", "land_mu": 300},  # parks with sub-zones: the collapse renames rows
    {"industry": "集成电路", "land_mu": 100, "max_corridor_km": 30},
    {"industry": "新能源汽车", "land_mu": 300, "collapse_zones": False},
    {"industry": "新能源汽车", "land_mu": 300, "exclude": ["两江新区"]},
])
def test_embedded_parks_same_both_ways(spec):
    exact = select_sites(dict(spec), build_all=True)
    fast = select_sites(dict(spec))
    _check_same(exact, fast)
    _deep_equal(exact.excluded, fast.excluded, "excluded")
    _deep_equal(exact.scored, fast.scored, "scored")


def test_gate_boundary_and_land_straddle_through_prefilter_and_prepared_layer(layer):
    spec = {**BASE, "max_corridor_km": _gate_km(layer)}  # T_GATE sits exactly on the corridor gate
    exact = select_sites(dict(spec), candidates=layer, prefilter_above=None, build_all=True)
    pre = select_sites(dict(spec), candidates=layer, prefilter_above=1)
    prep = select_sites(dict(spec), candidates=prepare_parcels(layer), prefilter_above=1)
    scored = exact.scored.set_index("cand_id")
    assert scored.at["T_GATE", "gate_corridor"] == "pass"  # d + 0 ≤ max: on the limit passes
    assert scored.at["T_FAR", "gate_corridor"] == "fail"
    assert scored.at["T_AT_NEED", "gate_land"] == "pass"
    assert scored.at["T_JUST_SHORT", "gate_land"] == "fail"
    assert scored.at["T_AT_NEED", "host_zh"] == scored.at["T_GATE", "host_zh"] == "江北区"
    assert {"T_GATE", "T_AT_NEED"} <= set(exact.ranked["cand_id"])
    for other in (pre, prep):
        cols = [c for c in exact.ranked.columns if not c.startswith("dist_km_") and c not in
                ("nearest_km", "nearest_corridor")]
        _deep_equal(exact.ranked[cols], other.ranked[cols], "ranked")
        _deep_equal(exact.stability, other.stability, "stability")
        assert other.explanation["n_candidates"] == len(layer)
        assert other.explanation["n_eligible"] == exact.explanation["n_eligible"]
        kept = set(other.scored["cand_id"])
        assert {"T_GATE", "T_AT_NEED"} <= kept and "T_FAR" not in kept  # the prefilter drops only sure fails
        assert "T_JUST_SHORT" not in kept


def test_band_edge_on_a_prepared_layer():
    """A prepared layer's distances are used as given: put parcels exactly on a band edge (10 km) and
    on the corridor limit, and on each side of them."""
    g = generate_parcels(120, seed=11)
    prep = prepare_parcels(g).reset_index(drop=True)
    ids = ["dist_km_" + c for c in catalog.corridors()["corridor_id"]]
    edge = [10.0, np.nextafter(10.0, 11.0), np.nextafter(10.0, 0.0), 30.0, np.nextafter(30.0, 31.0)]
    for i, d in enumerate(edge):
        for c in ids:
            prep.loc[i, c] = d + (0.0 if c.endswith("CY_MAIN") else 5.0)
        prep.loc[i, "nearest_km"] = d
        prep.loc[i, "nearest_corridor"] = "CY_MAIN"
        prep.loc[i, "available_mu"] = 1000.0
    spec = {"industry": "新能源汽车", "land_mu": 100, "max_corridor_km": 30.0, "top": 40}
    exact = select_sites(dict(spec), candidates=prep, prefilter_above=None, build_all=True)
    fast = select_sites(dict(spec), candidates=prep, prefilter_above=1)
    s = exact.scored.set_index("cand_id")
    pid = prep["parcel_id"].astype(str)
    bands = [s.at[pid[i], "corridor_band"] for i in range(3)]
    assert bands[0] == bands[2] != bands[1]  # 10 km itself is in the inner band, the next float is not
    assert s.at[pid[3], "gate_corridor"] == "pass" and s.at[pid[4], "gate_corridor"] == "fail"
    cols = [c for c in exact.ranked.columns if not c.startswith("dist_km_")]
    _deep_equal(exact.ranked[cols], fast.ranked[cols], "ranked")
    _deep_equal(exact.stability, fast.stability, "stability")
    assert pid[4] not in set(fast.scored["cand_id"])


def test_shared_end_vertex_tie_picks_the_same_axis_on_every_path(layer):
    spec = {**BASE, "max_corridor_km": 80.0}
    exact = select_sites(dict(spec), candidates=layer, prefilter_above=None, build_all=True)
    prep = select_sites(dict(spec), candidates=prepare_parcels(layer), prefilter_above=1)
    a = exact.scored.set_index("cand_id").loc["T_TIE"]
    b = prep.scored.set_index("cand_id").loc["T_TIE"]
    assert a["corridor_id"] == b["corridor_id"] and a["corridor_km"] == b["corridor_km"]
    assert a["score"] == b["score"]


def test_levels_judged_per_support_key_equal_levels_judged_per_citation_list(layer):
    """``support_levels`` grouped by the support lookup's (park, parent, district) key — what
    ``select_sites`` passes — gives every row the level and citations the (citation list, park,
    parent) grouping gives, on the embedded parks (sub-zones, parents) and on a parcel layer."""
    from geoplan.siting import support as sup
    from geoplan.siting.candidates import normalise_candidates, park_candidates
    from geoplan.siting.levels import support_levels
    from geoplan.siting.spec import siting_defaults

    cfg = siting_defaults()
    for cands in (park_candidates(), normalise_candidates(layer)):
        for industry in ("nev", "ic", "green_env", "biomed"):
            table = sup.support_table(industry, cfg["industry_fit"])
            per_key, key = sup.support_per_key(table, cands["park_id"], cands["parent_park_id"],
                                               cands["host_adcode"].to_numpy())
            cites = per_key["citations"].to_numpy(object)[key]
            args = (industry, cites, cands["park_id"].to_numpy(), cands["parent_park_id"].to_numpy(), cfg["hierarchy"])
            lv_a, cites_a, codes_a = support_levels(*args)
            lv_b, cites_b, codes_b = support_levels(*args, key_codes=key)
            assert lv_a.tolist() == lv_b.tolist()
            assert [list(c) for c in cites_a] == [list(c) for c in cites_b]
            # rows with one code share one list object (what first_in_district relies on)
            for codes, lists in ((codes_a, cites_a), (codes_b, cites_b)):
                for c in np.unique(codes):
                    rows = np.flatnonzero(codes == c)
                    assert all(lists[r] is lists[rows[0]] for r in rows)
            assert len(set(lv_a)) >= 2 or industry != "nev"  # the case has more than one level


def test_per_code_calls_once_per_code_and_spreads_the_value():
    from geoplan.siting.query import _per_code

    seen = []

    def value(v):
        seen.append(v)
        return len(v)

    codes = np.array([1, 0, 1, 2, 0])
    values = np.array(["bb", "a", "bb", "cccc", "a"], dtype=object)
    assert _per_code(codes, values, value).tolist() == [2, 1, 2, 4, 1]
    assert sorted(seen) == ["a", "bb", "cccc"]


def test_sort_codes_order_strings_as_python_does_for_every_input_kind():
    """Arrow strings are ranked by UTF-8 bytes: the same order as Python's str comparison (by hand:
    'A' < 'a' < 'b' < 'é' < '铜梁'); a Series, an object array and an Arrow array give the same codes."""
    from geoplan.siting.query import _sort_codes

    vals = ["b", "a", "铜梁", "A", "b", "é"]
    expected = [2, 1, 4, 0, 2, 3]
    arrow = pd.array(vals, dtype="str")
    assert isinstance(arrow, pd.arrays.ArrowStringArray)
    assert _sort_codes(arrow).tolist() == expected
    assert _sort_codes(arrow[np.array([4, 2, 3])]).tolist() == [1, 2, 0]
    assert _sort_codes(pd.Series(arrow)).tolist() == expected
    assert _sort_codes(np.array(vals, dtype=object)).tolist() == expected


def test_ranking_order_is_lexsort_on_ties_at_every_key():
    """The score-first order with ties resolved in place equals ``np.lexsort`` over all keys: scores
    tie (and NaN ties NaN), then tier ties, then plan fit, then ids; -0.0 ties 0.0."""
    from geoplan.siting._order import ranking_order

    el = np.array([True, True, True, True, False, False, True, True, True, False])
    score = np.array([1.0, 2.0, 1.0, 1.0, 2.0, 2.0, np.nan, np.nan, -0.0, 0.0])
    tier = np.array([0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    fit = np.array([0.5, 0.0, 0.5, 0.5, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    ids = np.array(["d", "a", "c", "b", "e", "f", "h", "g", "i", "j"], dtype=object)
    codes = pd.factorize(ids, sort=True)[0]
    expected = np.lexsort((codes, tier, fit, score, ~el))
    # by hand: eligible by score: i (-0.0), then 1.0 ×3 (fit equal; tier 0 before 1: b before d, then c), 2.0 a,
    # NaN ×2 by id (g, h); excluded: j (0.0), then 2.0 ×2 by fit (f 0.0 before e 1.0)
    assert ids[expected].tolist() == ["i", "b", "d", "c", "a", "g", "h", "j", "f", "e"]
    assert ranking_order(el, score, (codes, tier, fit)).tolist() == expected.tolist()
    assert ranking_order(el, score, (lambda rows: pd.factorize(ids[rows], sort=True)[0], tier, fit)).tolist() \
        == expected.tolist()
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 40))
        e, s = rng.random(n) < 0.6, rng.integers(0, 3, n).astype(float)
        t1, t2 = rng.integers(0, 2, n), rng.integers(0, 2, n)
        assert ranking_order(e, s, (t1, t2)).tolist() == np.lexsort((t1, t2, s, ~e)).tolist()


def test_prefilter_corridor_margin_by_geometry_type_at_the_boundary(monkeypatch):
    """With a 5 km margin for points and none for polygons (a config that differs by type), a point at
    55 km passes a 50 km corridor limit exactly at the boundary (55 − 5 = 50), a point at 55.5 km and a
    polygon at 50.5 km do not, a polygon at 50 km does."""
    mod = sys.modules["geoplan.siting.prefilter"]  # the module (geoplan.siting.prefilter is the function)
    cfg = mod.siting_defaults()
    cfg["corridor"]["precision_margin_km"] = {"geometry": 0.0, "user_point": 5.0}
    monkeypatch.setattr(mod, "siting_defaults", lambda: cfg)
    geoms = [shapely.Point(106.0, 29.6), shapely.Point(106.0, 29.6), _square(106.0, 29.6), _square(106.0, 29.6)]
    layer = gpd.GeoDataFrame({"parcel_id": ["p55", "p55.5", "q50", "q50.5"], "nearest_km": [55.0, 55.5, 50.0, 50.5],
                              "nearest_corridor": ["CY_MAIN"] * 4}, geometry=geoms, crs="EPSG:4326")
    kept = mod.prefilter(layer, {"industry": "新能源汽车", "land_mu": 10, "max_corridor_km": 50})
    assert kept["parcel_id"].tolist() == ["p55", "q50"]

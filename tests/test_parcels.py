"""Parcel layers: the seeded synthetic generator, the GeoParquet loader, and the fast parcel helpers."""

from __future__ import annotations

import geopandas as gpd
import geopandas.testing
import numpy as np
import pandas as pd
import pytest
import shapely

from benchmarks.parcels import M2_PER_MU, MU_MAX, MU_MIN, generate_parcels
from geoplan import corridor, parcels, spatial
from geoplan.corridor import corridor_proximity
from geoplan.crs import CHINA_ALBERS, REGION_METRIC
from geoplan.data import catalog
from geoplan.errors import InputError
from geoplan.siting import prefilter

N = 2000


@pytest.fixture(scope="module")
def layer() -> gpd.GeoDataFrame:
    return generate_parcels(N, seed=7)


def test_generator_is_reproducible_and_seed_dependent(layer):
    again = generate_parcels(N, seed=7)
    assert layer.drop(columns="geometry").equals(again.drop(columns="geometry"))
    assert shapely.equals_exact(layer.geometry.values, again.geometry.values, tolerance=0).all()
    other = generate_parcels(N, seed=8)
    assert not np.allclose(layer["area_mu"], other["area_mu"])


def test_generated_parcels_are_plausible(layer):
    assert layer["parcel_id"].is_unique and len(layer) == N
    assert layer["area_mu"].between(MU_MIN, MU_MAX).all()
    # the polygons really have the stated area (equal-area CRS; tmerc scale error < 0.5 %)
    area_mu = shapely.area(np.asarray(layer.to_crs(CHINA_ALBERS).geometry.values)) / M2_PER_MU
    assert np.allclose(area_mu, layer["area_mu"], rtol=5e-3)
    assert (layer["available_mu"] >= 0).all() and (layer["available_mu"] <= layer["area_mu"] + 0.01).all()
    assert np.allclose(layer["built_mu"] + layer["available_mu"], layer["area_mu"], atol=0.02)
    vacant = layer["status"] == "vacant"
    assert layer.loc[vacant, "output_yi"].isna().all() and layer.loc[~vacant, "output_yi"].gt(0).all()
    assert set(layer["industry_id"]) <= set(catalog.industries()["industry_id"])
    assert set(layer["land_use"]) <= {"M1", "M2", "M3", "W1", "B1"}


def test_parcels_sit_in_their_district_in_proportion_to_weight():
    g = generate_parcels(N, seed=3, weight={500101: 1.0, 500102: 3.0})
    assert set(g["gen_adcode"]) == {500101, 500102}
    share = (g["gen_adcode"] == 500102).mean()
    assert 0.70 < share < 0.80  # 0.75 expected; binomial sd ≈ 0.01
    x, y = spatial.parcel_points(g)
    assert (spatial.host_adcodes(x, y) == g["gen_adcode"].to_numpy()).mean() > 0.99


def test_host_adcodes_match_a_spatial_join(layer):
    x, y = spatial.parcel_points(layer)
    fast = spatial.host_adcodes(x, y)
    d = catalog.districts()
    pts = gpd.GeoDataFrame(geometry=shapely.points(x, y), crs=d.crs)
    j = gpd.sjoin(pts, d[["adcode", "geometry"]], predicate="within", how="left")
    j = j[~j.index.duplicated(keep="first")]
    ref = j["adcode"].fillna(-1).astype(int).to_numpy()
    assert (fast == ref).all()
    assert (fast > 0).mean() > 0.99


def test_corridor_distances_equal_corridor_proximity(layer):
    fast = corridor.axis_distances(layer)
    ref = corridor_proximity(layer)
    for cid in catalog.CORRIDOR_IDS:
        assert np.allclose(fast[f"dist_km_{cid}"], ref[f"dist_km_{cid}"], rtol=0, atol=1e-9)
    assert (fast["nearest_corridor"].to_numpy() == ref["nearest_corridor"].to_numpy()).all()
    assert np.allclose(fast["nearest_km"], ref["nearest_km"], atol=1e-9)


def test_geoparquet_round_trip_with_column_selection(layer, tmp_path):
    prepared = parcels.prepare_parcels(layer)
    assert {"host_adcode", "nearest_km", "nearest_corridor"} <= set(prepared.columns)
    path = parcels.save_parcels(prepared, tmp_path / "p.parquet")
    back = parcels.load_parcels(path, columns=["parcel_id", "available_mu", "host_adcode"])
    assert list(back.columns) == ["parcel_id", "available_mu", "host_adcode", "geometry"]
    assert back["parcel_id"].tolist() == layer["parcel_id"].tolist()
    assert shapely.equals_exact(back.geometry.values, layer.geometry.values, tolerance=0).all()
    assert (back["host_adcode"].fillna(-1).to_numpy() == prepared["host_adcode"].fillna(-1).to_numpy()).all()


def test_loader_errors_name_file_and_field(layer, tmp_path):
    path = parcels.save_parcels(layer.head(10), tmp_path / "p.parquet")
    with pytest.raises(InputError, match="available_land") as exc:
        parcels.load_parcels(path, columns=["available_land"])
    assert exc.value.field == "available_land" and "p.parquet" in str(exc.value)
    with pytest.raises(InputError, match="not found"):
        parcels.load_parcels(tmp_path / "missing.parquet")
    gpkg = tmp_path / "p.gpkg"
    layer.head(10).to_file(gpkg, engine="pyogrio")
    assert len(parcels.load_parcels(gpkg, columns=["parcel_id"])) == 10


def test_prefilter_keeps_select_sites_ranking(layer):
    from geoplan.siting import select_sites

    prepared = parcels.prepare_parcels(layer)
    spec = {"industry": "新能源汽车", "land_mu": 120, "max_corridor_km": 60,
            "regions": ["central_urban", "new_main_urban"], "top": 15}
    short = prefilter(prepared, spec)
    assert 0 < len(short) < len(prepared) / 4  # the cheap gates do remove most parcels
    full = select_sites(spec, candidates=prepared)
    fast = select_sites(spec, candidates=short)
    assert len(full.ranked) == 15
    assert full.ranked["cand_id"].tolist() == fast.ranked["cand_id"].tolist()
    assert full.ranked["score"].tolist() == fast.ranked["score"].tolist()
    # every dropped parcel really fails a gate in the full run
    dropped = ~full.scored["cand_id"].isin(short["parcel_id"])
    assert not full.scored.loc[dropped, "eligible"].any()
    assert (short["available_mu"] >= 120).all()
    # a layer that was not prepared gives the same rows (host district and distances computed on the fly)
    raw = prefilter(layer, spec)
    assert raw["parcel_id"].tolist() == short["parcel_id"].tolist()
    assert (raw["host_adcode"].to_numpy() == short["host_adcode"].to_numpy()).all()


def test_a_metric_layer_is_used_as_it_is(tmp_path):
    """A parcel file kept in a metric CRS: loaded without reprojection, same hosts and distances."""
    wgs = generate_parcels(2000, seed=11)
    metric = wgs.to_crs(REGION_METRIC)
    path = parcels.save_parcels(metric, tmp_path / "m.parquet")
    kept = parcels.load_parcels(path, to_wgs84=False)
    assert kept.crs.equals(REGION_METRIC)
    a, b = parcels.prepare_parcels(wgs), parcels.prepare_parcels(kept)
    assert (a["host_adcode"].to_numpy() == b["host_adcode"].to_numpy()).all()
    for c in ("dist_km_CY_MAIN", "dist_km_CY_MID", "dist_km_CSY"):
        assert np.abs(a[c].to_numpy() - b[c].to_numpy()).max() < 1e-6  # < 1 mm
    assert (a["nearest_corridor"] == b["nearest_corridor"]).all()


def test_prefilter_carries_the_distances_it_measured(layer):
    """A plain layer: prefilter measures the rows left after the land test and hands the distances on,
    equal to prepare_parcels' (select_sites then reuses them instead of measuring again)."""
    spec = {"industry": "新能源汽车", "land_mu": 120, "max_corridor_km": 60, "regions": ["new_main_urban"]}
    raw = prefilter(layer, spec)
    prepared = parcels.prepare_parcels(layer).set_index("parcel_id").loc[raw["parcel_id"]]
    for c in ("dist_km_CY_MAIN", "dist_km_CY_MID", "dist_km_CSY", "nearest_km"):
        assert np.array_equal(raw[c].to_numpy(float), prepared[c].to_numpy(float))
    assert (raw["nearest_km"] <= 60 + 1e-9).all()  # polygon margin is 0: no row beyond the limit
    assert raw["nearest_corridor"].tolist() == prepared["nearest_corridor"].tolist()


def test_attribute_only_load_reads_no_geometry(layer, tmp_path):
    path = parcels.save_parcels(parcels.prepare_parcels(layer), tmp_path / "p.parquet")
    cols = ["parcel_id", "host_adcode", "nearest_km"]
    attrs = parcels.load_parcels(path, columns=cols, geometry=False)
    assert not isinstance(attrs, gpd.GeoDataFrame) and list(attrs.columns) == cols
    full = parcels.load_parcels(path, columns=cols)
    assert attrs["parcel_id"].tolist() == full["parcel_id"].tolist()
    assert np.array_equal(attrs["nearest_km"].to_numpy(float), full["nearest_km"].to_numpy(float))
    with pytest.raises(InputError, match="bbox"):
        parcels.load_parcels(path, columns=cols, bbox=(106, 29, 107, 30), geometry=False)



def _same_frame(got, ref) -> None:
    """Same class, columns, dtypes, index, attrs, CRS and geometries (WKB byte for byte)."""
    assert type(got) is type(ref)
    assert list(got.columns) == list(ref.columns) and got.dtypes.equals(ref.dtypes)
    assert got.index.equals(ref.index) and got.attrs == ref.attrs
    if isinstance(ref, gpd.GeoDataFrame):
        assert got.geometry.name == ref.geometry.name
        assert got.crs == ref.crs and got.crs.to_json_dict() == ref.crs.to_json_dict()
        for c in ref.columns[ref.dtypes == "geometry"]:
            assert got[c].crs == ref[c].crs
            assert (shapely.to_wkb(got[c].values) == shapely.to_wkb(ref[c].values)).all()
        gpd.testing.assert_geodataframe_equal(got, ref, check_less_precise=False)
    else:
        assert got.equals(ref)


def _without_read_parquet(monkeypatch) -> None:
    """From here on a load that falls back to gpd.read_parquet fails: the pyarrow path is tested."""
    def fail(*args, **kwargs):
        raise AssertionError("load_parcels fell back to gpd.read_parquet")
    monkeypatch.setattr(parcels.gpd, "read_parquet", fail)


@pytest.mark.parametrize("encoding", ["geoarrow", "WKB"])
def test_load_parcels_equals_gpd_read_parquet(layer, tmp_path, monkeypatch, encoding):
    """The pyarrow path gives gpd.read_parquet's frame: WGS84 and metric CRS files, both reprojection
    settings, a column selection, and attributes only."""
    from geoplan.crs import WGS84

    small = layer.head(300)
    wgs, metric = tmp_path / "w.parquet", tmp_path / "m.parquet"
    small.to_parquet(wgs, index=False, compression="zstd", geometry_encoding=encoding)
    small.to_crs(REGION_METRIC).to_parquet(metric, index=False, compression="zstd", geometry_encoding=encoding)
    cols = ["industry_id", "parcel_id", "available_mu", "output_yi"]
    refs = {path: (gpd.read_parquet(path), gpd.read_parquet(path, columns=[*cols, "geometry"]))
            for path in (wgs, metric)}
    _without_read_parquet(monkeypatch)
    for path, (ref, sub) in refs.items():
        _same_frame(parcels.load_parcels(path, to_wgs84=False), ref)
        _same_frame(parcels.load_parcels(path), ref if path == wgs else ref.to_crs(WGS84))
        _same_frame(parcels.load_parcels(path, columns=cols, to_wgs84=False), sub)
        _same_frame(parcels.load_parcels(path, columns=cols), sub if path == wgs else sub.to_crs(WGS84))
        _same_frame(parcels.load_parcels(path, columns=cols, geometry=False), pd.DataFrame(sub.drop(columns="geometry")))
        _same_frame(parcels.load_parcels(path, geometry=False), pd.DataFrame(ref.drop(columns="geometry")))
    assert parcels.load_parcels(metric, to_wgs84=False).crs.equals(REGION_METRIC)
    assert parcels.load_parcels(metric).crs.equals(WGS84)


def test_load_parcels_keeps_index_attrs_covering_and_second_geometry(layer, tmp_path, monkeypatch):
    """Files not written by save_parcels: a named index, frame attrs, a bbox covering column (left out,
    as gpd.read_parquet does), a second geometry column, a CRS-less layer (CRSError)."""
    from geoplan.errors import CRSError

    g = layer.head(200).set_index("parcel_id")
    g["centre"] = gpd.GeoSeries(shapely.centroid(np.asarray(g.geometry.values)), index=g.index,
                                crs=g.crs).to_crs(REGION_METRIC)
    g.attrs = {"source": "test"}
    path = tmp_path / "odd.parquet"
    g.to_parquet(path, write_covering_bbox=True, geometry_encoding="geoarrow")
    ref = gpd.read_parquet(path)
    sub = gpd.read_parquet(path, columns=["area_mu", "centre", "geometry"])
    assert "bbox" not in ref.columns and ref.index.name == "parcel_id" and ref["centre"].crs.equals(REGION_METRIC)
    bare = tmp_path / "nocrs.parquet"
    layer.head(5).set_crs(None, allow_override=True).to_parquet(bare)
    _without_read_parquet(monkeypatch)
    _same_frame(parcels.load_parcels(path), ref)
    _same_frame(parcels.load_parcels(path, columns=["area_mu", "centre"]), sub)
    with pytest.raises(CRSError, match="no CRS"):
        parcels.load_parcels(bare)

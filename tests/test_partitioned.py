"""Partitioned runs (dask-geopandas) give the same answers as the in-memory path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask_geopandas")

from benchmarks.parcels import generate_parcels
from geoplan import intensity, spatial
from geoplan.corridor import axis_distances, corridor_proximity
from geoplan.data import catalog
from geoplan.parcels import save_parcels
from geoplan.partitioned import aggregate_partitioned, read_partitioned, run_partitioned, to_partitions


@pytest.fixture(scope="module")
def layer():
    return generate_parcels(2000, seed=11)


def test_workload_a_two_partitions_equals_in_memory(layer):
    corridors = catalog.corridors()
    assert to_partitions(layer, 2).npartitions == 2
    whole = corridor_proximity(layer, corridors=corridors)
    parts = run_partitioned(corridor_proximity, layer, npartitions=2, corridors=corridors)
    assert list(parts.index) == list(whole.index)
    pd.testing.assert_frame_equal(pd.DataFrame(parts.drop(columns="geometry")),
                                  pd.DataFrame(whole.drop(columns="geometry")))
    assert parts.geometry.geom_equals_exact(whole.geometry, tolerance=0).all()


def test_two_file_geoparquet_dataset_gives_the_in_memory_distances(layer, tmp_path):
    """Out of core: a dataset of 2 GeoParquet files read lazily, one partition per file."""
    corridors = catalog.corridors()
    half = len(layer) // 2
    save_parcels(layer.iloc[:half], tmp_path / "part-0.parquet")
    save_parcels(layer.iloc[half:], tmp_path / "part-1.parquet")
    ddf = read_partitioned(str(tmp_path / "*.parquet"))
    assert ddf.npartitions == 2
    parts = run_partitioned(axis_distances, ddf, corridors=corridors)
    whole = axis_distances(layer.reset_index(drop=True), corridors)
    cols = ["dist_km_CY_MAIN", "dist_km_CY_MID", "dist_km_CSY", "nearest_km"]
    assert len(parts) == len(layer)
    assert np.array_equal(parts[cols].to_numpy(float), whole[cols].to_numpy(float))  # bit for bit
    assert parts["nearest_corridor"].tolist() == whole["nearest_corridor"].tolist()


def test_land_weighted_aggregate_over_partitions_equals_in_memory(layer):
    def rows(df):
        return pd.DataFrame({"adcode": spatial.parcels_by_district(df).to_numpy(),
                             "land_mu": df["built_mu"].to_numpy(), "output_yi": df["output_yi"].to_numpy()})

    got = aggregate_partitioned(rows, layer, by="adcode", numerator="output_yi", denominator="land_mu",
                                npartitions=2)
    r = rows(layer)
    r = r[r["adcode"].notna() & (r["land_mu"] > 0)].assign(parcel_id=layer["parcel_id"])
    norm, _ = intensity.normalise(r, id_col="parcel_id")
    ref = intensity.aggregate(norm, by="adcode", metrics=["output_per_mu"]).set_index("adcode")
    got = got.set_index("adcode")
    assert set(got.index) == set(ref.index[ref["output_per_mu_n"] > 0])
    ref = ref.loc[got.index]
    assert np.allclose(got["ratio"] * 1e4, ref["output_per_mu"], rtol=1e-12)  # 亿元/亩 → 万元/亩
    assert (got["n"].to_numpy() == ref["output_per_mu_n"].to_numpy()).all()

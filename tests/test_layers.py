"""The layer catalogue: specs are complete, every layer loads, and `geoplan layers` lists them."""

from __future__ import annotations

import json

import pytest
import shapely

from geoplan.cli import main
from geoplan.data import catalog, layers
from geoplan.errors import UnknownLayerError

REQUIRED = {"districts", "parks", "assignments", "corridors", "regions", "tongliang_projects"}


def test_required_layers_present_with_bilingual_specs():
    ids = layers.layer_ids()
    assert REQUIRED <= set(ids)
    for lid in ids:
        spec = layers.layer_spec(lid)
        assert spec["title"]["zh"] and spec["title"]["en"]
        assert {"source", "crs_note", "precision_note"} <= set(spec["metadata"])
        for f in spec["fields"]:
            assert f["zh"] and f["en"], f"{lid}: field {f['name']} lacks a label"


@pytest.mark.parametrize("lid", sorted(REQUIRED | {"context"}))
def test_layer_loads_with_declared_fields(lid):
    gdf = layers.load_layer(lid, display=True)
    spec = layers.layer_spec(lid)
    assert len(gdf) > 0
    assert gdf.crs.to_epsg() == 4326
    missing = [f["name"] for f in spec["fields"] if f["name"] not in gdf.columns]
    assert not missing, f"{lid}: popup fields missing from the data: {missing}"
    located = gdf[gdf.geometry.notna()]
    assert shapely.is_valid(located.geometry.to_numpy()).all()
    assert not located.geometry.is_empty.any()
    if lid != "assignments":
        assert len(located) == len(gdf), f"{lid}: features without geometry"


def test_unknown_layer_names_valid_choices():
    with pytest.raises(UnknownLayerError) as err:
        layers.layer_spec("parkz")
    assert "districts" in str(err.value) and "parks" in str(err.value)


def test_assignments_take_their_place_geometry():
    a = layers.load_layer("assignments")
    d = catalog.districts().set_index("adcode")
    dist_rows = a[a["place_type"] == "district"]
    assert len(dist_rows) > 0
    first = dist_rows.iloc[0]
    assert first.geometry.equals(d.loc[int(first["place_id"])].geometry)
    park_rows = a[a["place_type"] == "park"]
    assert (park_rows.geometry.geom_type == "Point").all()
    assert set(a["location_precision"]) <= {"boundary", "region_of_districts", "park_center",
                                           "town_center", "district_seat", "no_geometry"}
    # Only regions whose members no seed lists go without geometry, and they are kept, flagged.
    unlocated = a[a.geometry.isna()]
    assert (unlocated["place_type"] == "region").all()
    empty = catalog.regions_table().set_index("region_id")
    assert (empty.loc[unlocated["place_id"], "member_adcodes"] == "").all()
    assert len(a) == len(catalog.assignments())


def test_tongliang_projects_sit_in_tongliang():
    t = layers.load_layer("tongliang_projects")
    tongliang = catalog.districts().set_index("adcode").loc[500151].geometry
    assert len(t) == 73
    assert shapely.contains(tongliang, t.geometry.to_numpy()).all()


def test_cli_layers_lists_counts(capsys):
    assert main(["layers", "--format", "json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["districts"]["features"] == 38
    assert rows["corridors"]["features"] == 3
    assert rows["parks"]["features"] == len(catalog.parks())


def test_assignments_cover_every_draft_row_that_names_a_place():
    import pandas as pd

    from geoplan.paths import reference_dir

    drafts = sorted(reference_dir().glob("industry_district_assignments_*.csv"))
    if not drafts:
        pytest.skip(f"reference drafts not found in {reference_dir()} (../shared absent)")
    a = layers.load_layer("assignments")
    have = set(zip(a["source"], a["source_line"].astype(int), a["industry_zh"], a["place_zh"]))
    rows = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in drafts])
    rows = rows[rows["place_zh"].str.strip() != ""]
    want = set(zip(rows["source_file"], rows["line"].astype(int), rows["industry_zh"], rows["place_zh"]))
    assert len(want) > 150
    assert not want - have, f"draft rows missing from the layer: {sorted(want - have)[:5]}"

"""The workspace store against both back ends: a GeoPackage file and a real PostGIS server.

PostGIS runs when GEOPLAN_TEST_POSTGIS=postgresql://… is set (``.ci/postgis.sh start`` prints it);
locally it skips with a reason, under CI=true a skip fails (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
import shapely.geometry
import sqlalchemy as sa

from geoplan import io as gio
from geoplan import siting
from geoplan.cli import main as cli_main
from geoplan.crs import wgs84_to_gcj02
from geoplan.data import catalog
from geoplan.errors import GeoplanError, InputError, StaleWriteError, StoreError
from geoplan.i18n import t
from geoplan.intensity import targets as T
from geoplan.siting.allocate import allocate, read_projects
from geoplan.siting.display import allocation_land_warning, example_land_warning
from geoplan.siting.land import land_summary
from geoplan.store import (
    TABLES,
    actuals_from_store,
    apply_park_overrides,
    mask_url,
    open_store,
    park_polygon,
    polygon_from_drawing,
)

PG_URL = os.environ.get("GEOPLAN_TEST_POSTGIS", "")
EVIL = "'); DROP TABLE park_overrides;--"
EVIL2 = 'x"; DELETE FROM audit_log; -- 园区'


@pytest.fixture(params=["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)])
def store(request, tmp_path):
    if request.param == "gpkg":
        s = open_store(tmp_path / "ws.gpkg")
        yield s
        s.close()
        return
    if not PG_URL:
        pytest.skip("no PostGIS server: set GEOPLAN_TEST_POSTGIS (eval \"$(bash .ci/postgis.sh start)\")")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(sa.make_url(PG_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as c:
        c.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema},public"})
    s = open_store(url.render_as_string(hide_password=False))
    yield s
    s.close()
    with admin.begin() as c:
        c.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


def _points(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"parcel_id": [f"P{i}" for i in range(n)], "area_mu": [float(i + 1) for i in range(n)]},
                            geometry=shapely.points([106.5 + i * 1e-4 for i in range(n)], [29.5] * n), crs=4326)


def test_schema_version_and_migrations(store):
    info = store.info()
    assert info["schema_version"] == 3  # 3: approved_assignments (plan ingestion, issue 17)
    assert set(info["rows"]) == set(TABLES) and not any(info["rows"].values())
    if store.backend == "postgis":  # geometry(…, 4326) with GiST indexes
        with store._engine.connect() as c:
            srid = c.exec_driver_sql("SELECT Find_SRID(current_schema()::text, 'park_overrides', 'geom')").scalar()
            idx = c.exec_driver_sql("SELECT indexdef FROM pg_indexes WHERE tablename = 'layer_features' "
                                    "AND indexdef ILIKE '%%gist%%'").scalars().all()
        assert srid == 4326 and idx


def test_round_trip_every_kind_of_row(store):
    poly = shapely.box(106.50, 29.60, 106.70, 29.80)
    v = store.update_park("liangjiang", {"available_land_mu": 1234.5, "land_as_of": "2026-11-30",
                                         "land_source": "区规划局 2026-11 台账", "approved_area_km2": 12.5,
                                         "notes": "备注 note", "geometry": poly}, who="alice")
    assert v == 1
    p = store.get_park("liangjiang")
    assert (p["available_land_mu"], p["land_as_of"], p["land_source"], p["approved_area_km2"], p["notes"],
            p["version"], p["updated_by"]) == (1234.5, "2026-11-30", "区规划局 2026-11 台账", 12.5, "备注 note", 1, "alice")
    assert p["geometry"].equals(poly)

    lid = store.import_layer("my parcels", "parcels", _points(3), {"file": "a.geojson", "repairs": 0})
    got = store.layer("my parcels")
    assert list(got["parcel_id"]) == ["P0", "P1", "P2"] and list(got["area_mu"]) == [1.0, 2.0, 3.0]
    assert got.geometry.iloc[2].equals(shapely.Point(106.5002, 29.5))
    assert store.layers().set_index("fid").loc[lid, "kind"] == "parcels"

    store.add_allocation("电池项目", "liangjiang", 300.0, "pipeline", "洽谈中")
    a = store.allocations().iloc[0]
    assert (a["project"], a["park_id"], a["land_mu"], a["status"], a["notes"]) == ("电池项目", "liangjiang", 300.0,
                                                                                 "pipeline", "洽谈中")
    store.set_actual("gdp_per_mu", 2025, 512.0, "万元/亩", "统计公报 2025")
    store.set_actual("gdp_per_mu", 2025, 515.0, "万元/亩", "统计公报 2025 修订")  # upsert, not a second row
    act = store.actuals()
    assert len(act) == 1 and act.iloc[0]["value"] == 515.0 and act.iloc[0]["source"] == "统计公报 2025 修订"

    audit = store.audit()
    assert list(audit["table_name"]) == ["park_overrides", "user_layers", "allocations", "target_actuals",
                                         "target_actuals"]
    assert audit.iloc[0]["who"] == "alice" and audit.iloc[0]["before"] is None or audit.iloc[0]["before"] != audit.iloc[0]["before"]
    assert '"before"' not in audit.iloc[4]["before"] and "512.0" in audit.iloc[4]["before"]


def test_lost_update_is_refused(store):
    store.update_park("bishan_gaoxin", {"available_land_mu": 800.0})
    v_a = store.get_park("bishan_gaoxin")["version"]  # two sessions open version 1
    v_b = v_a
    assert store.update_park("bishan_gaoxin", {"available_land_mu": 700.0}, expected_version=v_a) == 2
    with pytest.raises(StaleWriteError) as exc:
        store.update_park("bishan_gaoxin", {"available_land_mu": 650.0}, expected_version=v_b)
    assert isinstance(exc.value, GeoplanError) and (exc.value.expected, exc.value.current) == (1, 2)
    assert "changed by someone else" in str(exc.value) and "已被他人修改" in str(exc.value)
    assert store.get_park("bishan_gaoxin")["available_land_mu"] == 700.0
    with pytest.raises(StaleWriteError):  # creating a park someone else never saved, from a version > 0
        store.update_park("nowhere", {"notes": "x"}, expected_version=3)


def test_failing_import_leaves_nothing_behind(store):
    g = _points(1200)
    g.loc[1099, "geometry"] = None  # row 1100: in the third chunk, after two chunks were written
    with pytest.raises(InputError) as exc:
        store.import_layer("half", "parcels", g)
    assert exc.value.row == 1100
    assert store.info()["rows"] == dict.fromkeys(TABLES, 0)
    store.import_layer("half", "parcels", _points(2))  # the name is free again
    with pytest.raises(StoreError):  # a duplicate name is refused, and again nothing of it stays
        store.import_layer("half", "parcels", _points(5))
    assert store.info()["rows"]["layer_features"] == 2


def test_injection_names_stored_verbatim(store):
    store.update_park(EVIL, {"notes": EVIL2, "land_source": EVIL})
    store.import_layer(EVIL, "enterprises", _points(1).assign(name=EVIL2))
    store.set_actual(EVIL, 2024, 1.0, EVIL2, EVIL)
    assert store.get_park(EVIL)["notes"] == EVIL2
    assert store.layer(EVIL)["name"].iloc[0] == EVIL2
    assert store.actuals().iloc[0]["indicator"] == EVIL
    info = store.info()["rows"]  # every table still there, nothing deleted
    assert info["park_overrides"] == 1 and info["audit_log"] == 3


def test_password_never_shown(store):
    url = "postgresql://planner:s3cr%40t-pw@127.0.0.1:1/nodb"
    assert "s3cr" not in mask_url(url) and "***" in mask_url(url)
    with pytest.raises(StoreError) as exc:  # nothing listens on port 1
        open_store(url)
    assert "s3cr" not in str(exc.value) and "***" in str(exc.value)
    if store.backend == "postgis":
        pw = sa.make_url(PG_URL).password
        assert pw and pw not in repr(store) and pw not in store.location and pw not in str(store.info())


def test_park_overrides_feed_site_selection(store):
    spec = {"industry": "新能源汽车", "land_mu": 300, "top": 5}
    base = siting.select_sites(spec)
    first = base.explanation["ranked"][0]["cand_id"]
    store.update_park(first, {"available_land_mu": 100.0, "land_source": "现场核查", "land_as_of": "2026-12-01"})
    parks = apply_park_overrides(catalog.parks(), store)
    assert parks.set_index("park_id").loc[first, "available_land_mu"] == 100.0
    res = store.run_site_selection(spec)
    assert first not in [r["cand_id"] for r in res.explanation["ranked"]]  # 100 亩 < 300 亩 needed
    fid = store.save_result(spec, res, name="电池 300亩")
    saved_json = res.to_json()
    store.update_park(first, {"available_land_mu": 5000.0})  # the data change after saving
    ro = store.reopen_result(fid)
    assert ro["result"]["ranked"] == json.loads(saved_json)["ranked"]  # exactly as saved
    cmp = ro["comparison"]
    assert cmp["data_changed"] and not cmp["code_changed"] and cmp["ranking_changed"]
    back = [c for c in cmp["changes"] if c["cand_id"] == first][0]
    assert (back["change"], back["rank_then"], back["rank_now"]) == ("new", None, 1)


def test_export_opens_with_gdal(store, tmp_path):
    store.update_park("liangjiang", {"available_land_mu": 10.0, "geometry": shapely.box(106, 29, 107, 30)})
    store.import_layer("ent", "enterprises", _points(4))
    store.save_result({"industry": "x"}, {"ranked": []})
    out = store.export(tmp_path / "team.gpkg")
    names = set(pyogrio.list_layers(out)[:, 0])
    assert set(TABLES) | {"layer_ent"} <= names
    assert len(pyogrio.read_dataframe(out, layer="layer_ent")) == 4
    again = open_store(out)  # the export is itself a workspace
    assert again.get_park("liangjiang")["geometry"].equals(shapely.box(106, 29, 107, 30))
    again.close()
    if shutil.which("ogrinfo"):
        txt = subprocess.run(["ogrinfo", "-ro", "-so", str(out)], capture_output=True, text=True, check=True).stdout
        for t in (*TABLES, "layer_ent"):
            assert t in txt
    elif os.environ.get("CI", "").lower() == "true":
        pytest.fail("ogrinfo (Debian gdal-bin) missing under CI=true")


def test_cli_workspace(tmp_path, capsys, monkeypatch):
    ws = tmp_path / "cli.gpkg"
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(ws))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    assert cli_main(["workspace", "init"]) == 0 and ws.exists()
    src = tmp_path / "ent.geojson"
    _points(3).to_file(src, driver="GeoJSON")
    assert cli_main(["workspace", "import", str(src), "--kind", "enterprises"]) == 0
    capsys.readouterr()
    assert cli_main(["workspace", "info"]) == 0
    assert '"layer_features": 3' in capsys.readouterr().out
    assert cli_main(["workspace", "export", str(tmp_path / "team.gpkg")]) == 0
    assert "layer_ent" in set(pyogrio.list_layers(tmp_path / "team.gpkg")[:, 0])


def test_app_page_saves_available_land_and_keeps_it(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    ws = tmp_path / "app.gpkg"
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(ws))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    open_store(ws).update_park("liangjiang", {"available_land_mu": 4321.0, "land_source": "台账"})
    at = AppTest.from_file(str(__import__("pathlib").Path(__file__).parents[1] / "app.py"), default_timeout=120)
    at.run()
    at.sidebar.radio(key="page").set_value("page_workspace").run()
    assert not at.exception
    assert at.header[0].value == "工作空间"
    df = at.dataframe[0].value  # the st.data_editor of park attributes, read back from the workspace
    row = df.set_index("park_id").loc["liangjiang"]
    assert (row["available_land_mu"], row["land_source"], row["version"]) == (4321.0, "台账", 1)
    # an empty free-land cell reads 未知, not "None" (the editor's placeholder for missing values)
    assert df.set_index("park_id")["available_land_mu"].isna().sum() == len(df) - 1
    assert at.dataframe[0].proto.placeholder == "未知"
    assert at.button(key="ws_save_btn").label == "保存修改"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception and at.dataframe[0].proto.placeholder == "unknown"


def test_approved_assignments_round_trip_dedup_and_audit(store, tmp_path):
    """Plan-ingestion rows a planner approved keep their provenance; approving twice stores once (issue 17)."""
    from geoplan.ingest import apply_review, ingest_plan, set_decisions, workspace_rows

    plan = tmp_path / "plan.txt"
    plan.write_text("某区规划\n依托西永微电园布局集成电路封装测试项目。\n支持两江新区重点发展新型显示产业。\n", encoding="utf-8")
    lines, table = ingest_plan(plan, title="某区规划", number="某府发〔2024〕1号", date="2024-03-01")
    ids = dict(zip(zip(table["industry_id"], table["place_id"]), table["proposal_id"]))
    ok = apply_review(set_decisions(table, accept=[ids[("ic", "xiyong")]], reject=[ids[("display", "liangjiang")]]),
                      lines)
    assert store.add_approved_assignments(ok, who="tester") == 1
    assert store.add_approved_assignments(ok, who="tester") == 0  # the same row again: skipped
    a = store.approved_assignments()
    assert len(a) == 1
    r = a.iloc[0]
    assert (r["industry_id"], r["place_type"], r["place_id"], r["line"], r["page"]) == ("ic", "park", "xiyong", 2, None)
    assert (r["doc_title"], r["doc_number"], r["doc_date"], r["source"]) == ("某区规划", "某府发〔2024〕1号", "2024-03-01",
                                                                             "plan.txt")
    assert r["evidence"] in "依托西永微电园布局集成电路封装测试项目。" and r["approved_by"] == "tester"
    au = store.audit()
    assert list(au.loc[au["table_name"] == "approved_assignments", "row_key"]) == [str(r["fid"])]
    w = workspace_rows(store)
    assert list(w["source"]) == ["《某区规划》（某府发〔2024〕1号，2024-03-01） L2"] and list(w["source_line"]) == [2]


def _example_land() -> dict[str, float]:
    """The shipped example table, read as a file (the expected figures, not the code's output)."""
    ex = pd.read_csv(siting.land.example_land_path(), comment="#")
    return dict(zip(ex["park_id"], ex["available_land_mu"].astype(float)))


def test_workspace_land_wins_over_the_example_table(store):
    spec = {"industry": "新能源汽车", "land_mu": 300, "top": 5, "land": "example"}
    ex = _example_land()
    base = store.run_site_selection(spec)  # empty workspace: the example figures
    top = base.explanation["ranked"][0]
    assert top["cand_id"] in ex and top["land"]["available_mu"] == ex[top["cand_id"]] >= 300
    fid = store.save_result(spec, base, name="before")
    store.update_park(top["cand_id"], {"available_land_mu": 299.0, "land_source": "园区核查", "land_as_of": "2026-12-01"})
    table = store.site_land_table(spec)
    assert table.set_index("park_id").loc[top["cand_id"], "available_land_mu"] == 299.0  # the workspace wins
    other = next(p for p in ex if p != top["cand_id"])
    assert table.set_index("park_id").loc[other, "available_land_mu"] == ex[other]  # the rest stay example
    res = store.run_site_selection(spec)
    assert top["cand_id"] not in [r["cand_id"] for r in res.explanation["ranked"]]  # 299 < 300 亩: fails
    row = res.scored.set_index("cand_id").loc[top["cand_id"]]
    assert row["gate_land"] == "fail" and row["available_land_mu"] == 299.0
    assert row["land_source"].startswith("workspace: 园区核查")
    cmp = store.reopen_result(fid)["comparison"]  # the saved ranking against today's: dropped, and why
    gone = [c for c in cmp["changes"] if c["cand_id"] == top["cand_id"]][0]
    assert (gone["change"], gone["rank_then"], gone["rank_now"]) == ("dropped", 1, None)
    assert (gone["land_then"], gone["land_now"], gone["gates_now"]) == (ex[top["cand_id"]], 299.0, "gate_land")
    store.update_park(top["cand_id"], {"available_land_mu": 300.0})  # exactly the need passes (boundary)
    assert store.run_site_selection(spec).scored.set_index("cand_id").loc[top["cand_id"], "gate_land"] == "pass"


def test_saved_polygon_replaces_the_point_and_the_data_version(store):
    v0 = store.data_version()
    poly = shapely.box(106.40, 29.50, 106.45, 29.55)
    store.update_park("liangjiang", {"geometry": poly})
    c = store.site_candidates().set_index("cand_id")
    assert c.loc["liangjiang", "geometry"].equals(poly) and c.loc["liangjiang", "location_precision"] == "geometry"
    assert c.loc["cq_gaoxin", "geometry"].geom_type == "Point"  # other parks keep their points
    v1 = store.data_version()
    assert v1["data_files"] == v0["data_files"] and v1["combined"] != v0["combined"]
    store.update_park("liangjiang", {"notes": "only a note"})  # a note does not change what a ranking reads
    assert store.data_version() == v1


def test_target_actuals_from_the_store(store):
    assert actuals_from_store(store).empty
    store.set_actual("rd_share_pct", 2024, 1.5, "%", "统计公报")
    store.set_actual("rd_share_pct", 2025, 2.1, "%", "统计公报")
    a = actuals_from_store(store)
    assert list(a["year"]) == [2024, 2025] and list(a["value"]) == [1.5, 2.1]
    r = T.track_targets(a).set_index("indicator")
    # target 研发投入强度 ≥ 2 % by 2027 (data/targets_2027.csv); 2.1 ≥ 2 → met; growth (2.1−1.5)/1 = 0.6 pp/yr ≥ 0.07
    assert (r.loc["rd_share_pct", "actual"], r.loc["rd_share_pct", "status"]) == (2.1, "green")
    assert r.loc["rd_share_pct_increase", "actual"] == pytest.approx(0.6)


def test_cli_site_select_reads_the_workspace(tmp_path, capsys, monkeypatch):
    ws = tmp_path / "cli_sites.gpkg"
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(ws))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    args = ["site-select", "--industry", "新能源汽车", "--land-mu", "300", "--top", "5", "--format", "json"]
    assert cli_main(args) == 0 and not ws.exists()  # no workspace yet: none is created
    first = json.loads(capsys.readouterr().out)["ranked"][0]["cand_id"]
    s = open_store(ws)
    s.update_park(first, {"available_land_mu": 120.0, "land_source": "台账"})
    s.close()
    assert cli_main(args) == 0
    out = capsys.readouterr()
    assert first not in [r["cand_id"] for r in json.loads(out.out)["ranked"]]
    assert "free land of 1 park(s)" in out.err
    assert cli_main([*args, "--no-workspace"]) == 0
    assert json.loads(capsys.readouterr().out)["ranked"][0]["cand_id"] == first


def test_park_polygon_from_an_uploaded_boundary_file():
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "北区"},
         "geometry": {"type": "Polygon", "coordinates": [[[106.50, 29.60], [106.60, 29.60], [106.60, 29.70],
                                                          [106.50, 29.70], [106.50, 29.60]]]}},
        {"type": "Feature", "properties": {"name": "南区"},  # shares the edge at lat 29.60 with 北区
         "geometry": {"type": "Polygon", "coordinates": [[[106.50, 29.50], [106.60, 29.50], [106.60, 29.60],
                                                          [106.50, 29.60], [106.50, 29.50]]]}},
        {"type": "Feature", "properties": {"name": "管委会"},
         "geometry": {"type": "Point", "coordinates": [106.55, 29.65]}}]}
    gdf, _ = gio.import_bytes(json.dumps(fc).encode(), "两江 边界.geojson")
    shape = park_polygon(gdf)
    assert shape.geom_type == "Polygon" and shape.equals(shapely.box(106.50, 29.50, 106.60, 29.70))  # dissolved
    line = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "LineString",
                                                           "coordinates": [[106.5, 29.5], [106.6, 29.6]]}}]}
    gdf, _ = gio.import_bytes(json.dumps(line).encode(), "road.geojson")
    assert park_polygon(gdf) is None


def test_cli_actuals_into_the_workspace_and_tracked(tmp_path, capsys, monkeypatch):
    ws = tmp_path / "act.gpkg"
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(ws))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,year,value,unit\nrd_share_pct,2024,1.5,%\nrd_share_pct,2025,abc,%\n", encoding="utf-8")
    assert cli_main(["workspace", "actuals", str(bad)]) == 2
    assert "file bad.csv, row 2, field 'value'" in capsys.readouterr().err
    assert open_store(ws).actuals().empty  # the good first row was not kept either
    good = tmp_path / "actuals.csv"
    good.write_text("indicator,year,value,unit\nrd_share_pct,2024,1.5,%\nrd_share_pct,2025,2.1,%\n", encoding="utf-8")
    assert cli_main(["workspace", "actuals", str(good), "--source", "统计公报"]) == 0
    capsys.readouterr()
    assert cli_main(["targets", "--workspace", "--format", "json"]) == 0
    rows = {r["indicator"]: r for r in json.loads(capsys.readouterr().out)["targets"]}
    assert (rows["rd_share_pct"]["actual"], rows["rd_share_pct"]["latest_year"], rows["rd_share_pct"]["status"]) == (
        2.1, 2025, "green")  # 2.1 % ≥ the 2 % target of 渝府办发〔2023〕72号
    assert open_store(ws).actuals()["source"].tolist() == ["统计公报", "统计公报"]


def test_cli_never_prints_a_password(capsys):
    # nothing listens on port 1: the error names the server, with the password masked
    assert cli_main(["workspace", "--store", "postgresql://planner:Pw-s3cret@127.0.0.1:1/team", "info"]) == 2
    out = capsys.readouterr()
    assert "Pw-s3cret" not in out.out + out.err and "planner:***@127.0.0.1:1/team" in out.err


def test_cli_site_select_on_a_stored_layer(tmp_path, capsys, monkeypatch):
    ws = tmp_path / "layers.gpkg"
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(ws))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    src = tmp_path / "parcels.geojson"
    _points(3).to_file(src, driver="GeoJSON")  # area_mu 1, 2, 3 亩
    assert cli_main(["workspace", "import", str(src), "--kind", "parcels", "--name", "地块"]) == 0
    capsys.readouterr()
    assert cli_main(["site-select", "--industry", "新能源汽车", "--land-mu", "2", "--workspace-layer", "地块",
                     "--format", "json"]) == 0
    e = json.loads(capsys.readouterr().out)
    assert e["n_candidates"] == 3  # the stored layer's three parcels, not the embedded parks
    failed = {c["cand_id"]: c["failed_gates"] for c in e["ranked"] + e["excluded_best"]}
    assert "gate_land" in failed["P0"] and "gate_land" not in failed["P1"] + failed["P2"]  # 1 亩 < 2 亩 ≤ 2, 3 亩


def test_saved_result_opens_when_it_cannot_be_rerun(store, tmp_path):
    land = tmp_path / "land.csv"
    land.write_text("park_id,available_land_mu,as_of,source\nliangjiang,500,2026-11-01,台账\n", encoding="utf-8")
    spec = {"industry": "新能源汽车", "land_mu": 300, "land": str(land)}
    fid = store.save_result(spec, {"ranked": [{"cand_id": "liangjiang", "rank": 1, "score": 80.0}]}, name="old")
    land.unlink()  # the land table the query named is gone
    ro = store.reopen_result(fid)
    assert ro["result"]["ranked"][0]["cand_id"] == "liangjiang"  # as saved
    assert "land table not found" in ro["comparison"]["rerun_error"] and ro["comparison"]["changes"] == []


def test_polygon_drawn_on_the_map():
    ring = [[106.50, 29.60], [106.60, 29.60], [106.60, 29.70], [106.50, 29.70], [106.50, 29.60]]
    feat = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    assert polygon_from_drawing(feat).equals(shapely.Polygon(ring))
    # drawn over AMap tiles: the coordinates are GCJ-02 and come back to WGS84 (round trip within 1e-6°)
    gx, gy = wgs84_to_gcj02(np.array([p[0] for p in ring]), np.array([p[1] for p in ring]))
    gcj = {"type": "Polygon", "coordinates": [[[float(x), float(y)] for x, y in zip(gx, gy)]]}
    back = polygon_from_drawing(gcj, "gcj02")
    assert shapely.Polygon(ring).hausdorff_distance(back) < 1e-6
    assert shapely.Polygon(ring).hausdorff_distance(shapely.geometry.shape(gcj)) > 0.001  # ~100s of metres apart
    with pytest.raises(InputError):
        polygon_from_drawing({"type": "LineString", "coordinates": [[106.5, 29.6], [106.6, 29.7]]})
    with pytest.raises(InputError):  # metres, not lon/lat
        polygon_from_drawing({"type": "Polygon", "coordinates": [[[5e5, 3.3e6], [5.1e5, 3.3e6], [5.1e5, 3.31e6],
                                                                  [5e5, 3.3e6]]]})


PIPE = pd.DataFrame({"id": ["A", "B"], "industry": ["新能源汽车零部件", "汽摩配件"], "land_mu": ["600", "250"]})


def test_pipeline_allocation_reads_the_workspace_land(store):
    """The pipeline allocation (fit matrix + MILP) takes the workspace's free land like the ranking does."""
    projects = read_projects(PIPE)
    ex = _example_land()
    assert ex["liangjiang"] >= 600 > 250 > ex["tongliang_gaoxin"]  # the example table, read as a file
    F0, _ = store.allocation_fits(projects, land="example")  # empty workspace: the example figures
    assert np.isfinite(F0.at["A", "liangjiang"]) and np.isnan(F0.at["B", "tongliang_gaoxin"])
    res0 = store.run_site_selection({"industry": "新能源汽车", "land_mu": 300, "land": "example"})
    assert example_land_warning(res0.ranked, res0.explanation["land_table"], "zh") == t("siting_example_warning", "zh")

    store.update_park("liangjiang", {"available_land_mu": 599.0, "land_source": "园区核查", "land_as_of": "2026-12-01"})
    store.update_park("tongliang_gaoxin", {"available_land_mu": 3000.0, "land_source": "园区核查"})
    F, P = store.allocation_fits(projects, land="example")
    assert np.isnan(F.at["A", "liangjiang"])  # 599 < 600 亩: the land gate closes the example's 2400
    assert np.isfinite(F.at["B", "tongliang_gaoxin"])  # 3000 ≥ 250: the workspace opens the example's 40
    p = P.set_index("park_id")
    assert p.at["liangjiang", "free_mu"] == 599.0 and p.at["liangjiang", "land_source"].startswith("workspace: 园区核查")
    assert p.at["cq_etdz", "free_mu"] == ex["cq_etdz"]  # a park without a workspace figure keeps the example's
    a = allocate(projects, fits=(F, P))
    got = a.assignment.set_index("project_id")["park_id"]
    assert got["A"] != "liangjiang" and pd.notna(got["A"])
    info = land_summary(store.land_table_for("example"))
    assert (info["n_parks"], info["n_example"]) == (len(ex), len(ex) - 2)
    for lang in ("zh", "en"):
        w = allocation_land_warning(P, [a.assignment], info, lang)
        assert w != t("siting_example_warning", lang) and f"{len(ex) - 2}" in w
        nm = "name_zh" if lang == "zh" else "name_en"
        assert p.at[got["A"], nm] in w  # the park that still takes an example figure is named
        if got["B"] == "tongliang_gaoxin":  # a workspace figure is never called an example
            assert p.at["tongliang_gaoxin", nm] not in w
    one = projects.iloc[:1]
    store.update_park("liangjiang", {"available_land_mu": 600.0})  # exactly the need passes (boundary)
    assert np.isfinite(store.allocation_fits(one, land="example")[0].at["A", "liangjiang"])
    res = store.run_site_selection({"industry": "新能源汽车", "land_mu": 300, "land": "example"})
    w = example_land_warning(res.ranked, res.explanation["land_table"], "zh")
    assert w.startswith("⚠ 可用地部分为示例数据") and "重庆两江新区" not in w.split("：", 2)[-1]
    top = res.explanation["ranked"]
    lj = next(r for r in top if r["cand_id"] == "liangjiang")
    assert lj["land"]["available_mu"] == 600.0 and not lj["land"]["example"]
    reason = next(r["zh"] for r in res.explanation["reasons"] if r["cand_id"] == "liangjiang")
    assert "可用地 600 亩" in reason and "示例数据" not in reason


def test_pipeline_on_the_siting_page_uses_the_workspace_land(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    ws = tmp_path / "app.gpkg"
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(ws))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    s = open_store(ws)
    s.update_park("liangjiang", {"available_land_mu": 599.0, "land_source": "园区核查"})
    s.close()
    at = AppTest.from_file(str(__import__("pathlib").Path(__file__).parents[1] / "app.py"), default_timeout=180)
    at.session_state["page"] = "page_siting"
    at.run()
    at.file_uploader(key="sit_pipeline_upload").set_value(("pipe.csv", PIPE.to_csv(index=False).encode(), "text/csv"))
    at.run()
    at.checkbox(key="sit_pipeline_example").uncheck()
    at.button(key="sit_pipeline_run").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[-1].value
    parks = table.iloc[:, 3].tolist()  # the joint allocation's park name column
    assert len(parks) == 2 and "重庆两江新区" not in parks[:1]  # A needs 600 亩, the workspace says 599
    warn = [w.value for w in at.warning if "示例" in w.value]
    assert warn and warn[0].lstrip("⚠ ").startswith("可用地部分为示例数据") and "重庆两江新区" not in warn[0].split("：", 2)[-1]


def test_cli_allocate_reads_the_workspace(tmp_path, capsys, monkeypatch):
    ws = tmp_path / "cli.gpkg"
    monkeypatch.setenv("GEOPLAN_WORKSPACE", str(ws))
    monkeypatch.delenv("GEOPLAN_STORE", raising=False)
    s = open_store(ws)
    s.update_park("liangjiang", {"available_land_mu": 599.0, "land_source": "园区核查"})
    s.close()
    pipe = tmp_path / "pipe.csv"
    PIPE.iloc[:1].to_csv(pipe, index=False)  # A: 600 亩 of 新能源汽车零部件
    assert cli_main(["allocate", str(pipe)]) == 0
    cap = capsys.readouterr()
    assert "free land of 1 park(s)" in cap.err
    row = next(line for line in cap.out.splitlines() if line.startswith("A "))
    assert "重庆两江新区" not in row  # 599 < 600 亩 in the workspace
    assert "partly EXAMPLE data" in cap.out and "可用地部分为示例数据" in cap.out
    assert cli_main(["allocate", str(pipe), "--no-workspace"]) == 0  # the example's 2400 亩 admit it again
    out = capsys.readouterr().out
    assert "partly" not in out and "ILLUSTRATIVE EXAMPLE" in out
    assert "重庆两江新区" in next(line for line in out.splitlines() if line.startswith("A "))

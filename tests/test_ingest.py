"""geoplan.ingest on a short district-style plan written for this test (not a seed).

Expected rows are read off the plan text by hand: which place each sentence sends which industry
to, and the kind its wording signals (现有/已形成 → current_state, 合作共建 → cooperation,
大科学装置 → science_infrastructure, a region → regional_direction, 专栏 重点区县 list → siting).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from geoplan.cli import main
from geoplan.errors import InputError
from geoplan.i18n import t
from geoplan.ingest import apply_review, diff_against, ingest_plan, propose, read_plan
from geoplan.paths import data_dir, seeds_dir
from geoplan.store import open_store

PLAN = """某区先进制造业发展“十四五”规划
一、发展现状
璧山区现有新能源汽车整车企业三家，已形成较完整的配套体系。
二、空间布局
支持璧山区重点发展新能源汽车，打造整车及零部件产业集群。
依托西永微电园布局集成电路封装测试项目。
与江津区合作共建产业园区，协同发展智能装备。
专栏1  新型显示产业发展重点
\t重点区县
\t两江新区、巴南区

在金凤智造产业园布局工业机器人产业。
积极争取在西部（重庆）科学城布局大科学装置，发展生命健康产业。
推动主城新区聚焦汽车摩托车、装备制造等支柱产业打造全产业链。
"""
PLAN_LINES = PLAN.splitlines()

# (industry_id, place_type, place_id or new-site name, kind, 1-based line), from reading PLAN
EXPECTED = {
    ("nev", "district", "500120", "current_state", 3),
    ("nev", "district", "500120", "siting", 5),
    ("ic", "park", "xiyong", "siting", 6),
    ("display", "park", "liangjiang", "siting", 10),
    ("display", "district", "500113", "siting", 10),
    ("robots", "new_site", "金凤智造产业园", "siting", 12),
    ("life_health", "park", "cq_gaoxin", "science_infrastructure", 13),
    ("auto_moto", "region", "new_main_urban", "regional_direction", 14),
    ("equipment", "region", "new_main_urban", "regional_direction", 14),
}


def _keys(df: pd.DataFrame) -> set[tuple]:
    return {(r.industry_id, r.place_type, r.place_id if r.place_type != "new_site" else r.place_zh, r.kind,
             int(r.line)) for r in df.itertuples()}


@pytest.fixture()
def plan_txt(tmp_path: Path) -> Path:
    p = tmp_path / "某区规划.txt"
    p.write_text(PLAN, encoding="utf-8")
    return p


def test_txt_rows_kinds_and_verbatim_evidence(plan_txt):
    lines = read_plan(plan_txt)
    assert [ln.line for ln in lines[:3]] == [1, 2, 3] and lines[9].text == "\t两江新区、巴南区"
    df = propose(lines)
    got = _keys(df)
    assert EXPECTED <= got, EXPECTED - got
    # the cooperation sentence: 江津区 with 合作共建 wording
    coop = df[df["line"] == 7]
    assert len(coop) >= 1 and set(coop["place_id"]) == {"500116"} and set(coop["kind"]) == {"cooperation"}
    # title, headings and the 专栏 header propose nothing; the 重点区县 label line neither
    assert not set(df["line"]) & {1, 2, 4, 8, 9, 11}
    for r in df.itertuples():
        assert r.evidence and r.evidence in PLAN_LINES[r.line - 1], (r.line, r.evidence)
        assert 0 < r.confidence <= 1 and r.reason
        # the phrase is on the line, or (a 重点区县 list) in the title of its 专栏 box, line 8
        assert r.matched_phrase in PLAN_LINES[r.line - 1] or (r.line == 10 and r.matched_phrase in PLAN_LINES[7])
    box = df[df["line"] == 10]
    assert (box["confidence"] > df[df["line"] == 12]["confidence"].max()).all()  # list beats unknown site
    assert set(df.loc[df["place_type"] == "new_site", "place_id"]) <= {""}


def test_docx_input_numbers_paragraphs(tmp_path):
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    for line in PLAN_LINES:
        doc.add_paragraph(line)
    p = tmp_path / "plan.docx"
    doc.save(p)
    lines = read_plan(p)
    assert [ln.text for ln in lines] == PLAN_LINES
    assert EXPECTED <= _keys(propose(lines))


def test_pdf_input_page_and_line(tmp_path):
    pytest.importorskip("pypdf")
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    p = tmp_path / "plan.pdf"
    c = canvas.Canvas(str(p))
    page2 = ["二、空间布局", "支持璧山区重点发展新能源汽车，打造整车及零部件产业集群。",
             "依托西永微电园布局集成电路封装测试项目。"]
    for page in (["某区先进制造业发展规划", "一、发展现状"], page2):
        c.setFont("STSong-Light", 11)
        for i, text in enumerate(page):
            c.drawString(60, 780 - 18 * i, text)
        c.showPage()
    c.save()
    lines = read_plan(p)
    assert {(ln.page, ln.line) for ln in lines} >= {(1, 1), (1, 2), (2, 1), (2, 2), (2, 3)}
    df = propose(lines)
    row = df[(df["industry_id"] == "nev") & (df["place_id"] == "500120")].iloc[0]
    assert (row["page"], row["line"], row["line_label"]) == (2, 2, "p2 L2")
    assert row["evidence"] in page2[1]
    assert ((df["industry_id"] == "ic") & (df["place_id"] == "xiyong") & (df["page"] == 2)
            & (df["line"] == 3)).any()


def test_unsupported_and_missing_files(tmp_path):
    bad = tmp_path / "plan.rtf"
    bad.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="unsupported plan type"):
        read_plan(bad)
    with pytest.raises(InputError, match="not found"):
        read_plan(tmp_path / "nope.txt")


def test_diff_new_existing_contradiction_new_site(plan_txt):
    df = propose(read_plan(plan_txt))
    kb = pd.DataFrame([
        # another document already sends nev to 璧山区 → existing, with where
        {"source": "other_plan.txt", "source_line": 40, "plan_id": "other", "industry_id": "nev",
         "place_id": "500120", "place_zh": "璧山区"},
        # this document (same file name) had display at 沙坪坝区 → 两江新区/巴南区 contradict it
        {"source": plan_txt.name, "source_line": 9, "plan_id": "this", "industry_id": "display",
         "place_id": "500106", "place_zh": "沙坪坝区"},
    ])
    d = diff_against(df, kb=kb, scope_sources=(plan_txt.name,))
    st = {(r.industry_id, r.place_id if r.place_type != "new_site" else r.place_zh, int(r.line)): (r.status, r.existing_where)
          for r in d.itertuples()}
    assert st[("nev", "500120", 5)] == ("existing", "other_plan.txt L40 (璧山区)")
    assert st[("display", "liangjiang", 10)] == ("contradiction", f"{plan_txt.name} L9 (沙坪坝区)")
    assert st[("robots", "金凤智造产业园", 12)][0] == "new_site"
    assert st[("ic", "xiyong", 6)][0] == "new"
    # a different document scope: the same display rows are simply new
    d2 = diff_against(df, kb=kb, scope_sources=("unrelated.txt",))
    assert set(d2.loc[d2["industry_id"] == "display", "status"]) == {"new"}
    # against the embedded knowledge base: data/assignments.csv has 新型显示 at 巴南区 (seed 003 L76)
    d3 = diff_against(df, scope_sources=(plan_txt.name,))
    where = d3.loc[(d3["industry_id"] == "display") & (d3["place_id"] == "500113"), "existing_where"].iloc[0]
    assert "003_47939a72131e0a6e.txt L76" in where


def _data_digest() -> str:
    h = hashlib.sha256()
    for f in sorted(data_dir().rglob("*")):
        if f.is_file():
            h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def test_cli_round_trip_and_apply_refuses_moved_evidence(plan_txt, tmp_path, capsys):
    before = _data_digest()
    out = tmp_path / "proposals.csv"
    assert main(["ingest", str(plan_txt), "--out", str(out), "--title", "某区规划", "--doc-number", "某府发〔2021〕1号",
                 "--date", "2021-06-30"]) == 0
    rev = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert (rev["decision"] == "").all() and set(rev["doc_number"]) == {"某府发〔2021〕1号"}
    i_nev = rev.index[(rev["industry_id"] == "nev") & (rev["line"] == "5")][0]
    i_ic = rev.index[(rev["industry_id"] == "ic") & (rev["line"] == "6")][0]
    i_rob = rev.index[rev["industry_id"] == "robots"][0]
    rev.loc[i_nev, "decision"] = "accept"
    rev.loc[i_ic, "decision"] = "edit"
    rev.loc[i_ic, "evidence"] = "这句话不在第6行"  # edited evidence that is not on line 6
    rev.loc[i_rob, "decision"] = "reject"
    reviewed = tmp_path / "reviewed.csv"
    rev.to_csv(reviewed, index=False, encoding="utf-8-sig")
    approved = tmp_path / "approved.csv"
    status = main(["ingest", "--apply", str(reviewed), "--approved-out", str(approved), str(plan_txt)])
    err = capsys.readouterr().err
    assert status == 2 and "evidence" in err and "证据不在原文第 6 行" in err and f"row {i_ic + 2}" in err and "reviewed.csv" in err
    assert not approved.exists()
    # fix the edit: evidence copied verbatim from line 6
    rev.loc[i_ic, "evidence"] = "依托西永微电园布局集成电路"
    rev.to_csv(reviewed, index=False, encoding="utf-8-sig")
    assert main(["ingest", "--apply", str(reviewed), "--approved-out", str(approved)]) == 0  # plan found by name
    ok = pd.read_csv(approved, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(ok["industry_id"]) == ["nev", "ic"]
    assert set(ok["doc_title"]) == {"某区规划"} and set(ok["doc_date"]) == {"2021-06-30"}
    assert list(ok["line"]) == ["5", "6"] and ok.loc[1, "evidence"] == "依托西永微电园布局集成电路"
    # --to-workspace stores the same two rows in the workspace, once
    ws = tmp_path / "ws.gpkg"
    for _ in range(2):
        assert main(["ingest", "--apply", str(reviewed), "--approved-out", str(approved), "--to-workspace",
                     "--store", str(ws)]) == 0
    assert "stored 0 new row(s)" in capsys.readouterr().err
    s = open_store(ws)
    stored = s.approved_assignments()
    s.close()
    assert list(zip(stored["industry_id"], stored["line"])) == [("nev", 5), ("ic", 6)]
    assert set(stored["doc_number"]) == {"某府发〔2021〕1号"}
    assert _data_digest() == before  # ingesting never changes data/


def test_apply_checks_ids(plan_txt):
    lines = read_plan(plan_txt)
    row = {"decision": "accept", "industry_id": "no_such_industry", "place_type": "district", "place_id": "500120",
           "place_zh": "璧山区", "kind": "siting", "line": "5", "page": "", "evidence": "璧山区重点发展新能源汽车"}
    with pytest.raises(InputError, match="not in the taxonomy"):
        apply_review(pd.DataFrame([row]), lines, file="r.csv")
    row.update(industry_id="nev", place_id="999999")
    with pytest.raises(InputError, match="not in the gazetteer"):
        apply_review(pd.DataFrame([row]), lines, file="r.csv")
    row.update(place_id="500120", line="99")
    with pytest.raises(InputError, match="no line 99"):
        apply_review(pd.DataFrame([row]), lines, file="r.csv")


def test_rules_quote_no_seed_sentence():
    """The method must generalise: no phrase of 10+ Chinese characters in geoplan/ingest occurs in a seed."""
    seeds = sorted(seeds_dir().glob("*.txt")) if seeds_dir().is_dir() else []
    if not seeds:
        pytest.skip(f"seeds not found in {seeds_dir()}")
    text = "".join(p.read_text(encoding="utf-8") for p in seeds)
    src = "".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parents[1] / "geoplan" / "ingest").glob("*.py"))
    runs = set(re.findall(r"[\u4e00-\u9fff]{10,}", src))
    assert runs and not [r for r in runs if r in text]


def test_app_page_reads_an_upload_and_approves():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=120)
    at.run()
    at.sidebar.radio(key="page").set_value("page_ingest").run()
    assert not at.exception and [h.value for h in at.header] == [t("page_ingest", "zh")]
    at.file_uploader(key="ing_upload").set_value(("某区规划.txt", PLAN.encode("utf-8"), "text/plain")).run()
    assert not at.exception and not at.error
    summary = next(m.value for m in at.markdown if m.value.startswith("共"))
    assert summary.startswith(f"共 {len(PLAN_LINES)} 行原文")
    at.button(key="ing_approve").click().run()  # nothing decided yet: nothing approved, no error
    assert not at.exception and not at.error and at.success[0].value.startswith("已批准 0 条")
    # a broken PDF is an error message naming the user's file, and the page keeps working
    at.file_uploader(key="ing_upload").set_value(("坏文件.pdf", b"not a pdf", "application/pdf")).run()
    assert not at.exception and "坏文件.pdf" in at.error[0].value and t("ingest_read_error", "zh") in at.error[0].value


def test_district_plan_scope_and_its_own_hitech_zone(tmp_path):
    # a 铜梁区 plan: 铜梁区 on every line is the plan's scope (no rows); its bare 高新区 is the
    # zone 铜梁区 hosts (data/parks.csv: tongliang_gaoxin, host_adcode 500151), not 重庆高新区
    body = ["铜梁区发展规划"] + [f"铜梁区第{i}项工作稳步推进。" for i in range(10)] + [
        "铜梁区重点发展装备制造产业。", "高新区重点发展装备制造产业。", "支持璧山区重点发展新能源汽车。"]
    p = tmp_path / "tl.txt"
    p.write_text("\n".join(body), encoding="utf-8")
    df = propose(read_plan(p))
    # 铜梁区 is the plan's scope: only the sentence where a plan verb (重点发展) lists an industry
    # sends that industry to it (line 12); the ten scope sentences propose nothing
    own = df[df["place_id"] == "500151"]
    assert list(zip(own["line"], own["industry_id"])) == [(12, "equipment")]
    assert own["reason"].iloc[0].startswith("本区规划")
    assert not set(df["line"]) & set(range(1, 12))
    zone = df[df["line"] == 13]
    assert list(zip(zone["industry_id"], zone["place_type"], zone["place_id"])) == [("equipment", "park", "tongliang_gaoxin")]
    assert ((df["line"] == 14) & (df["place_id"] == "500120") & (df["industry_id"] == "nev")).any()
    assert len(propose(read_plan(p), home=None).query("place_id == '500151'")) == 1  # the same line, by the clause rule


# A second district plan, written for this test, for the clause rules: the plan's own district (荣昌区)
# gets the industries a plan verb lists (重点发展…；配套发展…), a ；-part without a place continues the
# previous one (依托A建设…；…重点发展B), a clause opening with a verb keeps the previous clause's place
# (A正在建设…，规划B), 装备 = 设备 in names, a place that acts (要) or is served (对…) is no location,
# “十三五”时期 is the current state and a 实验室 is science infrastructure.
PLAN2 = "\n".join([
    "荣昌区制造业发展规划（2024—2027年）",
    "一、发展基础",
    "“十三五”时期，两江新区新型显示产业快速壮大。",
    "二、空间布局",
    "荣昌区重点发展智能装备、生物医药两大主导产业；配套发展现代物流。",
    "依托西永微电园建设封装测试基地；以龙头企业为牵引，重点发展集成电路。",
    "巴南区正在建设生物医药产业园，规划页岩气开采装备项目。",
    "两江新区要加快培育新材料产业。",
    "强化对江津区重点企业的金融服务。",
    "在西部（重庆）科学城建设新型显示联合实验室。",
]) + "\n"
EXPECTED2 = {
    ("display", "park", "liangjiang", "current_state", 3),
    ("high_end_equipment", "district", "500153", "siting", 5),
    ("biomed", "district", "500153", "siting", 5),
    ("logistics", "district", "500153", "siting", 5),
    ("ic", "park", "xiyong", "siting", 6),
    ("biomed", "district", "500113", "siting", 7),
    ("tl_shale_gas_equipment", "district", "500113", "siting", 7),  # data name 页岩气开采设备制造
    ("display", "park", "cq_gaoxin", "science_infrastructure", 10),
}


def test_clause_rules_on_a_second_district_plan(tmp_path):
    p = tmp_path / "荣昌区规划.txt"
    p.write_text(PLAN2, encoding="utf-8")
    lines = read_plan(p)
    df = propose(lines, home="500153")
    assert _keys(df) == EXPECTED2
    assert not set(df["line"]) & {1, 2, 4, 8, 9}  # headings, the acting 两江新区, the served 江津区
    for r in df.itertuples():
        assert r.evidence in lines[r.line - 1].text and r.matched_phrase in r.evidence
    own = df[df["place_id"] == "500153"]
    assert own["reason"].str.startswith("本区规划").all()
    # without the home district the plan's own lines are ordinary clause rows: 荣昌区 before its industries
    assert {("biomed", "500153", 5)} <= {(r.industry_id, r.place_id, int(r.line)) for r in propose(lines, home=None).itertuples()}


def test_review_helpers_set_decisions_and_count(plan_txt):
    from geoplan.ingest import decision_counts, row_labels, set_decisions

    lines = read_plan(plan_txt)
    table = ingest_plan(plan_txt, title="某区规划")[1]
    labels = row_labels(table)
    ic = table.loc[(table["industry_id"] == "ic") & (table["line"] == 6), "proposal_id"].iloc[0]
    assert labels[ic] == f"{ic} 集成电路 → 西永微电园 (L6)"
    rob = table.loc[table["industry_id"] == "robots", "proposal_id"].iloc[0]
    decided = set_decisions(table, accept=[ic], reject=[rob])
    assert decision_counts(decided) == {"accepted": 1, "rejected": 1, "undecided": len(table) - 2}
    assert list(apply_review(decided, lines)["industry_id"]) == ["ic"]
    with pytest.raises(InputError, match="both accepted and rejected"):
        set_decisions(table, accept=[ic], reject=[ic])


def test_district_hi_tech_zone_short_forms_are_their_own_parks():
    """璧山高新区 is 璧山高新技术产业开发区, not 重庆高新区 (the bare 高新区 alias must not win inside it)."""
    from geoplan.ingest.gazetteer import gazetteer

    got = [(m.phrase, m.ident) for m in gazetteer().scan("依托璧山高新区、永川高新区和重庆高新区布局项目")
           if m.what == "place"]
    assert got == [("璧山高新区", "bishan_gaoxin"), ("永川高新区", "yongchuan_gaoxin"), ("重庆高新区", "cq_gaoxin")]

"""Industry-map page: payload size and first map render time in headless Chromium.

    python benchmarks/app_render.py [--runs 3]

Starts the app on a free loopback port, opens it in Debian's Chromium (Playwright, no downloaded
browser) and reports, against the issue's targets (payload ≤ 1.5 MB, first render ≤ 3 s):

- map payload: the bytes the server sends for the page over the websocket (the map's HTML/JS and
  its GeoJSON travel in these frames) plus the vendored Leaflet files;
- all bytes: every HTTP response body and websocket frame, Streamlit's own JS bundle included
  (that bundle is the same for any Streamlit app and is cached by the browser after the first visit);
- first render: from navigation start until the map's district polygons and park markers are in the
  DOM of the map iframe.

The in-process baseline is the same measurement of a bare Leaflet page with the same GeoJSON, so
the ratio shows what Streamlit + streamlit-folium add.

Issue 15 adds the interaction times (targets: cold first map ≤ 3 s, language switch or filter ≤ 1.5 s),
each the wall time until the Leaflet map is drawn again with its markers:

- cold first map: a fresh server process, the first browser visit; once with the warm-up at server
  start (``tests/appserver.py`` / ``tasks.py app`` request Streamlit's script health check, which runs
  app.py once) and once without it (the first visitor pays imports and data loads);
- language switch: click "English" in the sidebar until the English map (a new map component) has
  its park markers;
- filter change: type an industry into the filter until the highlighted places are on the map.

Not a test: prints numbers, exits 0. ``--markdown`` prints the RESULTS.md section.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))  # this checkout's geoplan and benchmarks, not an editable install's

from appserver import CHROMIUM, CHROMIUM_ARGS, AppServer

FRAME_SEL = "iframe[title*='st_folium'], iframe[title*='streamlit_folium']"
HIGHLIGHT = "#f1c40f"  # geoplan.maps.HIGHLIGHT (not imported: the server, not this process, draws the map)

TARGET_BYTES = 1.5 * 1024 * 1024
TARGET_SECONDS = 3.0
TARGET_INTERACTION_S = 1.5


def _measure_app(pw, url: str) -> dict[str, float]:
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    sizes = {"ws": 0, "http": 0, "leaflet": 0}

    def on_ws(ws):
        def frame(payload):
            sizes["ws"] += len(payload if isinstance(payload, (bytes, bytearray)) else payload.encode())
        ws.on("framereceived", frame)

    def on_response(resp):
        try:
            n = len(resp.body())
        except Exception:  # noqa: BLE001 — redirects, aborted requests
            return
        sizes["http"] += n
        if "/app/static/leaflet/" in resp.url:
            sizes["leaflet"] += n

    page.on("websocket", on_ws)
    page.on("response", on_response)
    t0 = time.perf_counter()
    page.goto(url)
    sel = "iframe[title*='st_folium'], iframe[title*='streamlit_folium']"
    page.wait_for_selector(sel, timeout=120_000)
    frame = page.locator(sel).first.content_frame
    frame.locator(".geoplan-park").first.wait_for(timeout=120_000)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=120_000)
    render_s = time.perf_counter() - t0
    page.wait_for_timeout(1000)  # let the remaining frames arrive before counting
    browser.close()
    return {"render_s": render_s, "map_bytes": sizes["ws"] + sizes["leaflet"],
            "all_bytes": sizes["ws"] + sizes["http"]}


def _map_frames(page):
    return [f for f in page.frames if "streamlit_folium" in (f.url or "") or "st_folium" in (f.name or "")]


def _wait_map(page, *, not_marked: bool = False, highlighted: bool = False, timeout: float = 120.0) -> float:
    """Poll until a map iframe has park markers (and, if asked, is a new map / shows highlights)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        for el in page.locator(FRAME_SEL).element_handles():
            fr = el.content_frame()
            if fr is None:
                continue
            try:
                ok = fr.evaluate(
                    "([marked, hl, colour]) => !!document.querySelector('.geoplan-park')"
                    " && !!document.querySelector('path.leaflet-interactive')"
                    " && (!marked || window.__geoplanOld === undefined)"
                    " && (!hl || !!document.querySelector(`path.leaflet-interactive[stroke='${colour}']`))",
                    [not_marked, highlighted, HIGHLIGHT])
            except Exception:  # noqa: BLE001 — a frame navigating or detached while we look
                ok = False
            if ok:
                return time.perf_counter() - t0
        page.wait_for_timeout(25)
    raise TimeoutError("the map did not appear")


def _mark_maps(page) -> None:
    for el in page.locator(FRAME_SEL).element_handles():
        fr = el.content_frame()
        if fr is not None:
            fr.evaluate("() => { window.__geoplanOld = 1; }")


def _interactions(pw, url: str) -> dict[str, float]:
    """Cold first map (from navigation), then language switch and filter change in the same browser."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    t0 = time.perf_counter()
    page.goto(url)
    _wait_map(page)
    first = time.perf_counter() - t0
    page.wait_for_timeout(1500)  # let the page settle (the component reports its size, legends load)
    _mark_maps(page)
    t0 = time.perf_counter()
    page.get_by_text("English", exact=True).first.click()
    _wait_map(page, not_marked=True)
    switch = time.perf_counter() - t0
    page.wait_for_timeout(1500)
    box = page.get_by_role("textbox").first  # the industry filter is the page's first text input
    t0 = time.perf_counter()
    box.fill("new energy vehicles")
    box.press("Enter")
    _wait_map(page, highlighted=True)
    filt = time.perf_counter() - t0
    browser.close()
    return {"first_s": first, "switch_s": switch, "filter_s": filt}


def _measure_baseline(pw, tmp: Path) -> dict[str, float]:
    """A bare folium HTML file (same layers, CDN-free Leaflet inlined) opened from disk."""
    from geoplan import maps

    m, _legend = maps.industry_map(assets="none", show=("districts", "parks", "corridors", "agglomeration"))  # the page's default layers
    leaflet_js = (ROOT / "static/leaflet/leaflet.js").read_text(encoding="utf-8")
    leaflet_css = (ROOT / "static/leaflet/leaflet.css").read_text(encoding="utf-8")
    html = m.get_root().render()
    html = html.replace("<head>", f"<head><style>{leaflet_css}</style><script>{leaflet_js}</script>", 1)
    path = tmp / "baseline.html"
    path.write_text(html, encoding="utf-8")
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    t0 = time.perf_counter()
    page.goto(path.as_uri())
    page.locator(".geoplan-park").first.wait_for(timeout=60_000)
    render_s = time.perf_counter() - t0
    browser.close()
    return {"render_s": render_s, "map_bytes": len(html.encode())}


# ---------------------------------------------------------------- a 10^6-parcel layer (issue 16)
PARCEL_TARGET_BYTES = 5 * 1024 * 1024
PARCEL_TARGET_SECONDS = 3.0


def measure_parcel_layer(pw, n: int, tmp: Path, runs: int = 3, seed: int = 2021,
                         workdir: Path = ROOT / "benchmarks" / "_data") -> dict[str, float]:
    """The benchmark's N synthetic parcels as ``geoplan.maps.parcels.add_parcel_layer`` draws them: the
    ranked parcels of the default site query as vectors, all N in the overview image. Times the
    server side (positions, PNG, HTML) and the browser (navigation until the overview image has
    loaded and the shortlist polygons are in the DOM), in a fresh browser each run.
    """
    from benchmarks.parcels import ensure_parcels
    from benchmarks.query import default_query
    from geoplan import maps, siting
    from geoplan.maps import parcels as parcel_maps
    from geoplan.parcels import load_parcels

    layer = load_parcels(ensure_parcels(n, seed=seed, workdir=workdir))
    ranked = siting.select_sites(dict(default_query().spec), candidates=layer).ranked
    shortlist = layer[layer["parcel_id"].astype(str).isin(set(ranked["cand_id"]))]
    t0 = time.process_time()
    m = maps.base_map(assets="none")
    info = parcel_maps.add_parcel_layer(m, layer, shortlist, lang="zh")
    html = m.get_root().render()
    build_cpu = time.process_time() - t0
    leaflet_js = (ROOT / "static/leaflet/leaflet.js").read_text(encoding="utf-8")
    leaflet_css = (ROOT / "static/leaflet/leaflet.css").read_text(encoding="utf-8")
    html = html.replace("<head>", f"<head><style>{leaflet_css}</style><script>{leaflet_js}</script>", 1)
    path = tmp / "parcels.html"
    path.write_text(html, encoding="utf-8")
    times = []
    for _ in range(runs):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        t1 = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("() => { const i = document.querySelector('img.leaflet-image-layer');"
                               " return i && i.complete && i.naturalWidth > 0; }", timeout=120_000)
        page.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=120_000)
        times.append(time.perf_counter() - t1)
        browser.close()
    return {"n": n, "n_shortlist": info["n_shortlist"], "png_bytes": info["png_bytes"],
            "html_bytes": len(html.encode()), "build_cpu_s": build_cpu, "open_s": statistics.median(times),
            "open_runs": times}


def report_parcel_layer(r: dict) -> None:
    mb = 1024 * 1024
    print(f"parcel layer, {r['n']:,} parcels ({r['n_shortlist']} shortlisted as vectors, the rest in one image)")
    print(f"  payload          {r['html_bytes'] / mb:6.2f} MB   target {PARCEL_TARGET_BYTES / mb:.0f} MB   "
          f"{'OK' if r['html_bytes'] <= PARCEL_TARGET_BYTES else 'OVER'}  (one HTML file, Leaflet inlined; "
          f"overview PNG {r['png_bytes'] / 1024:.0f} KB)")
    print(f"  opens in         {r['open_s']:6.2f} s    median of {len(r['open_runs'])}   target "
          f"{PARCEL_TARGET_SECONDS:.0f} s   {'OK' if r['open_s'] <= PARCEL_TARGET_SECONDS else 'OVER'}")
    print(f"  server side      {r['build_cpu_s']:6.2f} s CPU (positions, PNG, HTML)")
def _interaction_runs(pw, runs: int) -> dict[str, list[dict[str, float]]]:
    """Each run on a fresh server process: with the warm-up at start, and without."""
    out: dict[str, list[dict[str, float]]] = {"warm": [], "cold": []}
    for _ in range(runs):
        for kind in ("warm", "cold"):
            t0 = time.perf_counter()
            with AppServer(timeout=180, warm=kind == "warm") as server:
                started = time.perf_counter() - t0
                r = _interactions(pw, server.url)
                r["server_start_s"] = started
                out[kind].append(r)
    return out


def _print_interactions(inter: dict[str, list[dict[str, float]]], markdown: bool) -> None:
    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in inter[kind])

    def ok(v: float, target: float) -> str:
        return "OK" if v <= target else "OVER"

    n = len(inter["warm"])
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"issue 15 interactions, median of {n} fresh server processes each (load average {load}):")
    rows = [("cold first map, warm-up at server start", med("warm", "first_s"), TARGET_SECONDS),
            ("cold first map, no warm-up (first visitor pays)", med("cold", "first_s"), TARGET_SECONDS),
            ("language switch 中文 → English", med("warm", "switch_s"), TARGET_INTERACTION_S),
            ("industry filter change", med("warm", "filter_s"), TARGET_INTERACTION_S)]
    for label, v, target in rows:
        print(f"  {label:48s} {v:6.2f} s   target {target:.1f} s   {ok(v, target)}")
    print(f"  server start incl. warm-up {med('warm', 'server_start_s'):.1f} s, without {med('cold', 'server_start_s'):.1f} s")
    print("  all runs: " + "; ".join(f"{k}: " + ", ".join(f"{r['first_s']:.1f}/{r['switch_s']:.1f}/{r['filter_s']:.1f}"
                                                         for r in v) for k, v in inter.items())
          + " (first map / switch / filter, s)")
    if markdown:
        print()
        print("## App render (issue 15)")
        print()
        print(f"`python benchmarks/app_render.py --runs {n} --interactions-only --markdown` on "
              f"{platform.machine()}, {os.cpu_count()} cores, load average {load} while measuring "
              "(the machine is shared; figures are wall times in headless Chromium, median of the runs).")
        print()
        print("| measure | median | target | |")
        print("| --- | --- | --- | --- |")
        for label, v, target in rows:
            print(f"| {label} | {v:.2f} s | ≤ {target:.1f} s | {ok(v, target)} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--parcels", type=int, default=0,
                    help="instead: measure a layer of this many synthetic parcels (e.g. 1000000)")
    ap.add_argument("--interactions-only", action="store_true", help="only the issue-15 interaction times")
    ap.add_argument("--markdown", action="store_true", help="also print the RESULTS.md section")
    ap.add_argument("--json", action="store_true", help="with --parcels: also print the numbers as one JSON line")
    ap.add_argument("--seed", type=int, default=2021, help="with --parcels: seed of the synthetic parcels")
    ap.add_argument("--workdir", default=str(ROOT / "benchmarks" / "_data"),
                    help="with --parcels: cache of generated parcels (as python -m benchmarks)")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: apt-get install chromium")
        return 0
    import tempfile

    from playwright.sync_api import sync_playwright

    if args.parcels:
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
            res = measure_parcel_layer(pw, args.parcels, Path(tmp), args.runs, seed=args.seed,
                                       workdir=Path(args.workdir))
        report_parcel_layer(res)
        if args.json:
            print(json.dumps(res))
        return 0

    with sync_playwright() as pw:
        inter = _interaction_runs(pw, args.runs)
    _print_interactions(inter, args.markdown)
    if args.interactions_only:
        return 0
    with AppServer() as server, sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        cold = _measure_app(pw, server.url)  # the first visitor also pays the server's imports and data loads
        runs = [_measure_app(pw, server.url) for _ in range(args.runs)]
        base = _measure_baseline(pw, Path(tmp))
    first = runs[0]
    med = statistics.median(r["render_s"] for r in runs)
    mb = 1024 * 1024
    print(f"industry map page, {args.runs} loads in a fresh browser each (server warm), app at {server.url}")
    print(f"  map payload      {first['map_bytes'] / mb:6.2f} MB   target {TARGET_BYTES / mb:.1f} MB   "
          f"{'OK' if first['map_bytes'] <= TARGET_BYTES else 'OVER'}  (websocket frames + vendored Leaflet)")
    print(f"  all bytes        {first['all_bytes'] / mb:6.2f} MB   (incl. Streamlit's own JS bundle, cached after "
          f"the first visit)")
    print(f"  first render     {first['render_s']:6.2f} s    median {med:.2f} s   target {TARGET_SECONDS:.1f} s   "
          f"{'OK' if med <= TARGET_SECONDS else 'OVER'}")
    print(f"  first visit after server start (cold imports, data load): {cold['render_s']:.2f} s")
    print(f"  baseline (bare Leaflet file, same layers): {base['map_bytes'] / mb:.2f} MB, {base['render_s']:.2f} s")
    print(f"  ratio app / baseline: payload {first['map_bytes'] / base['map_bytes']:.2f}x, "
          f"render {med / base['render_s']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

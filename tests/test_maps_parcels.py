"""The parcel layer for the browser: an overview image of every parcel plus the shortlist as vectors."""

from __future__ import annotations

import struct
import zlib

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely

from geoplan.crs import REGION_METRIC
from geoplan.errors import InputError
from geoplan.maps import parcels as pm


def _decode(png: bytes) -> np.ndarray:
    """RGBA pixels of a PNG written by overview_png (filter 0 on every row)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", png[16:24])
    pos, data = 8, b""
    while pos < len(png):
        n = struct.unpack(">I", png[pos:pos + 4])[0]
        if png[pos + 4:pos + 8] == b"IDAT":
            data += png[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = np.frombuffer(zlib.decompress(data), np.uint8).reshape(h, 1 + 4 * w)
    assert (raw[:, 0] == 0).all()
    return raw[:, 1:].reshape(h, w, 4)


def test_positions_are_vertex_means_in_wgs84_from_any_crs():
    boxes = [shapely.box(106.0, 29.0, 106.2, 29.2), shapely.box(107.0, 30.0, 107.1, 30.4)]
    g = gpd.GeoDataFrame(geometry=boxes, crs=4326)
    x, y = pm.parcel_positions(g)
    assert np.allclose(x, [106.1, 107.05], atol=1e-12) and np.allclose(y, [29.1, 30.2], atol=1e-12)
    xm, ym = pm.parcel_positions(g.to_crs(REGION_METRIC))  # only the two means are projected back
    assert np.abs(xm - x).max() < 1e-3 and np.abs(ym - y).max() < 1e-3  # < ~100 m: vertex mean in metres


def test_overview_counts_parcels_per_pixel_in_web_mercator():
    # 3 points in the top-left pixel, 1 in the bottom-right one, a 2 x 2 image over 1 degree
    lon = np.array([106.1, 106.2, 106.1, 106.9])
    lat = np.array([29.9, 29.9, 29.8, 29.1])
    png, bounds = pm.overview_png(lon, lat, width=2, bounds=(106.0, 29.0, 107.0, 30.0))
    assert bounds == [[29.0, 106.0], [30.0, 107.0]]
    px = _decode(png)
    # Mercator height of 1 degree of latitude at 29.5 N over the width of 1 degree of longitude: 1.15 -> 2 rows
    assert px.shape == (2, 2, 4)
    assert px[0, 0, 3] == 255  # the densest pixel is opaque
    assert px[1, 1, 3] == round((0.25 + 0.75 * np.log(2) / np.log(4)) * 255)  # 1 parcel of max 3
    assert px[0, 1, 3] == 0 and px[1, 0, 3] == 0  # empty pixels are transparent


def test_layer_adds_one_image_and_the_shortlist_only():
    rng = np.random.default_rng(3)
    x = rng.uniform(105.5, 108.5, 5000)
    y = rng.uniform(28.5, 31.0, 5000)
    g = gpd.GeoDataFrame({"parcel_id": [f"P{i}" for i in range(5000)]},
                         geometry=shapely.buffer(shapely.points(x, y), 0.002, quad_segs=1), crs=4326)
    m = folium.Map(tiles=None)
    info = pm.add_parcel_layer(m, g, shortlist=g.head(7), lang="en")
    html = m.get_root().render()
    assert info["n_parcels"] == 5000 and info["n_shortlist"] == 7
    assert html.count("data:image/png;base64,") == 1
    assert "P6" in html and "P7\"" not in html  # the 8th parcel is only in the image
    names = [getattr(c, "layer_name", "") for c in m._children.values()]
    assert "All parcels (overview image)" in names and "Shortlisted parcels" in names
    assert "Parcel id" in html  # the tooltip label
    assert len(html) < 200_000
    with pytest.raises(InputError, match="AMap"):
        pm.add_parcel_layer(folium.Map(tiles=None), g, tiles="amap")

"""CRS constants and conversions (WGS84 ↔ GCJ-02 ↔ BD-09; metric and equal-area projections)."""

from __future__ import annotations

from pyproj import CRS

WGS84 = CRS.from_epsg(4326)
CGCS2000 = CRS.from_epsg(4490)
# Albers equal-area tuned for China (standard parallels 25°N / 47°N), for areas.
CHINA_ALBERS = CRS.from_proj4(
    "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
)

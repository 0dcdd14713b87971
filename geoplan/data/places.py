"""Place names → district codes: regions to member districts, districts, parks; the 一区两群 parts."""

from __future__ import annotations

from functools import lru_cache

from ..errors import DataError, InputError
from . import catalog, taxonomy

YIQU_LIANGQUN = ("central_urban", "new_main_urban", "ne_three_gorges", "se_wuling")


def district_region_map() -> dict[int, str]:
    """Adcode → 一区两群 region id (central_urban, new_main_urban, ne_three_gorges, se_wuling).

    Taken from the districts' ``region_id``; the regions table also holds overlapping groupings
    (主城都市区, "两群") that would count a district twice.
    """

    d = catalog.districts()
    m = {int(a): r for a, r in zip(d["adcode"], d["region_id"]) if r in YIQU_LIANGQUN}
    if not m:
        raise DataError("data/boundaries/districts.geojson has no 一区两群 region_id values")
    return m


def place_adcodes(text: str) -> tuple[frozenset[int], frozenset[str], str]:
    """(adcodes, park ids, label) of a place name (region → members, district, park).

    Looked up once per name and data generation (``catalog.clear_cache`` starts a new one).
    """
    return _place_adcodes(text, catalog.generation())


@lru_cache(maxsize=256)
def _place_adcodes(text: str, _generation: int) -> tuple[frozenset[int], frozenset[str], str]:
    ptype, pid = taxonomy.resolve_place(text)
    if ptype == "region":
        members = set(catalog.region_members(pid))
        if not members:
            note = catalog.regions_table().set_index("region_id").at[pid, "members_note"]
            raise InputError(f"region '{text}' ({pid}) has no member districts in data/regions.csv"
                             + (f" ({note})" if note else "") + "; name its districts instead",
                             field="regions")
        return frozenset(members), frozenset(), f"region {pid}"
    if ptype == "district":
        return frozenset({int(pid)}), frozenset(), f"district {pid}"
    return frozenset(), frozenset({pid}), f"park {pid}"

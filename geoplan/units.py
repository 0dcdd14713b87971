"""Units of land and money: one home for the conversion factors.

1 亩 = 10000/15 m² (= 666.67 m², the plans' figure); 1 km² = 1,500 亩; 1 ha = 15 亩;
1 亿元 = 10⁴ 万元; 1 亿元/km² = 6.67 万元/亩.
"""

from __future__ import annotations

# 1 亩 = 10000/15 m² (= 666.67 m², the plans' figure); 1 km² = 1,500 亩; 1 ha = 15 亩.
M2_PER_MU = 10000.0 / 15.0


MU_PER_KM2 = 1500.0


LAND_TO_MU = {
    "mu": 1.0, "亩": 1.0,
    "m2": 1.0 / M2_PER_MU, "m²": 1.0 / M2_PER_MU, "sqm": 1.0 / M2_PER_MU, "平方米": 1.0 / M2_PER_MU,
    "ha": 15.0, "hectare": 15.0, "公顷": 15.0,
    "km2": MU_PER_KM2, "km²": MU_PER_KM2, "平方公里": MU_PER_KM2,
}


MONEY_TO_WAN = {
    "wan": 1.0, "万元": 1.0,
    "yi": 1e4, "亿元": 1e4,
    "yuan": 1e-4, "元": 1e-4,
}


# 1 亿元/km² = 10⁴ 万元 / 1,500 亩 = 6.67 万元/亩
WAN_PER_MU_PER_YI_PER_KM2 = 1e4 / MU_PER_KM2

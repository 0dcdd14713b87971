"""The site-selection query: a project spec (dataclass), validation, YAML/JSON load and save.

Defaults (weights and scoring constants) live in ``config/siting_defaults.yaml`` so a planner can
read and change them without touching code.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..config import config_path, load_config, number, safe_json, safe_yaml, validate
from ..data.catalog import CORRIDOR_IDS
from ..data.taxonomy import RELATION_ORDER
from ..errors import ConfigError, InputError

CRITERIA = ("industry_fit", "corridor", "intensity", "tier", "region_role", "land_fit")
LEVELS = ("municipal", "district", "catalogue", "related", "none")  # plan-support levels, strongest first
AXES = CORRIDOR_IDS
RELATIONS = RELATION_ORDER  # strongest first
DEFAULTS_FILE = "siting_defaults.yaml"
# Input plausibility bounds (not policy): 1 m² up to Chongqing's area (82,400 km² × 1500 亩/km²)
LAND_MU_MIN = 1 / 666.6667
LAND_MU_MAX = 82_400 * 1500
WEIGHT_MAX = 1000.0  # weights are relative; larger values only risk overflow
TOP_MAX = 1000
MAX_SPEC_BYTES = 64 * 1024  # a spec is a few hundred bytes; checked before parsing


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"'{key}' must be a non-empty text, got {value!r}", field=key)
    return value


def _texts(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f"'{key}' must be a non-empty list, got {value!r}", field=key)
    return [_text(v, f"{key}[{i}]") for i, v in enumerate(value)]


def _margins(value: Any, key: str) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        raise ConfigError(f"'{key}' must map location precisions to km", field=key)
    return {str(k): number(0)(v, f"{key}.{k}") for k, v in value.items()}


_W = number(0)
_UNIT = number(0, 1)
SCHEMA = {
    "weights": {c: _W for c in CRITERIA},
    "industry_fit": {
        "relation": {r: _UNIT for r in RELATION_ORDER},
        "place_level": {"park": _UNIT, "district": _UNIT, "region": _UNIT},
        "strength": {"lead": _UNIT, "listed": _UNIT},
        "plan_share": _UNIT,
        "region_roles": {"source": _text, "source_line": number(1, integer=True), "regions": _texts,
                         "sei_group": _text, "sei_plan": _text},
    },
    "corridor": {"scale_km": number(0, lo_open=True), "precision_margin_km": _margins},
    "intensity": {"neutral": _UNIT},
    "tier_scores": {k: _UNIT for k in ("2", "10", "36", "other", "unknown")},
    "hierarchy": {"enabled": lambda v, k: _flag(v, k),
                  "shared_district_designation": lambda v, k: _flag(v, k),
                  "level_base": {lv: _UNIT for lv in LEVELS}, "refine_span": _UNIT,
                  "plan_levels_by_seed": lambda v, k: _plan_levels(v, k)},
    "land_fit": {"tight_ratio": number(1), "tight_score": _UNIT, "loose_ratio": number(1),
                 "unknown_score": _UNIT},
    "stability": {"perturbation": number(0, 1), "random_draws": number(0, 100_000, integer=True),
                  "seed": number(0, integer=True), "top_k": number(1, integer=True)},
}


def _flag(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"'{key}' must be true or false, got {value!r}", field=key)
    return value


def _plan_levels(value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise ConfigError(f"'{key}' must map seed numbers to municipal or district", field=key)
    out = {}
    for k, v in value.items():
        if v not in ("municipal", "district"):
            raise ConfigError(f"'{key}.{k}' must be municipal or district, got {v!r}", field=f"{key}.{k}")
        out[str(k)] = v
    return out


def _check_hierarchy(cfg: dict, path: str) -> dict:
    """Refinement must never lift a candidate over a higher level; land-fit ratios must be ordered."""
    h = cfg["hierarchy"]
    bases = [h["level_base"][lv] for lv in LEVELS]
    gaps = [a - b for a, b in zip(bases, bases[1:])]
    if min(gaps) <= 0:
        raise ConfigError(f"{path}: hierarchy.level_base must fall strictly from municipal to none "
                          f"({', '.join(f'{lv}={b:g}' for lv, b in zip(LEVELS, bases))})",
                          field="hierarchy.level_base")
    if h["refine_span"] >= min(gaps):
        raise ConfigError(f"{path}: hierarchy.refine_span ({h['refine_span']:g}) must be smaller than the "
                          f"smallest gap between levels ({min(gaps):g}), or refinement could lift a "
                          "candidate over a higher level", field="hierarchy.refine_span")
    lf = cfg["land_fit"]
    if lf["loose_ratio"] < lf["tight_ratio"]:
        raise ConfigError(f"{path}: land_fit.loose_ratio must be >= land_fit.tight_ratio",
                          field="land_fit.loose_ratio")
    return cfg


@cache
def _defaults_cached(path: str) -> dict:
    return _check_hierarchy(validate(load_config(path), SCHEMA, file=path), path)


def siting_defaults() -> dict:
    """The validated scoring defaults of ``config/siting_defaults.yaml`` (a fresh copy).

    Raises
    ------
    ConfigError
        When the file is missing, malformed, lacks a key or has a value out of range; the message
        names the file and the dotted key (e.g. ``industry_fit.plan_share``).
    """
    return json.loads(json.dumps(_defaults_cached(str(config_path(DEFAULTS_FILE)))))


def default_weights() -> dict[str, float]:
    """Default criterion weights (documented in ``config/siting_defaults.yaml``)."""
    cached = _defaults_cached(str(config_path(DEFAULTS_FILE)))  # read, not copied: new floats are returned
    return {k: float(v) for k, v in cached["weights"].items()}


@dataclass
class SiteSpec:
    """One investment project looking for a site.

    ``industry`` is free text (中文 or English) resolved through the taxonomy; ``land_mu`` the land
    need in 亩; money in 亿元 (investment, annual output) and 万元 (annual tax).
    """

    industry: str
    land_mu: float
    investment_yi: float | None = None
    output_yi: float | None = None
    tax_wan: float | None = None
    max_corridor_km: float | None = None
    axis: str | None = None  # preferred corridor: CY_MAIN, CY_MID or CSY (distance to it only)
    regions: list[str] = field(default_factory=list)  # 一区两群 parts or other named regions (filter)
    districts: list[str] = field(default_factory=list)  # districts/counties (filter, with regions)
    exclude: list[str] = field(default_factory=list)  # parks/districts never to offer
    weights: dict[str, float] = field(default_factory=dict)  # overrides of the defaults
    top: int = 10
    # weakest plan relation that counts as support: direct < same_chain < same_sector (the default)
    min_relation: str = "same_sector"
    # 标准地 floor table (CSV: park_id, industry_id or *, <metric>_min in 万元/亩); None = no floors (no
    # per park × industry values are published for Chongqing, so the gate is n/a); "example" = the
    # illustrative table data/examples/standard_land_floors_example.csv (not policy)
    floors: str | None = None
    # one row per park: sub-zones (parent_park_id) collapse into their parent; False = zone-level view
    collapse_zones: bool = True
    # free land per park (CSV: park_id, available_land_mu, as_of, source); None = data/parks.csv only;
    # "example" = the ILLUSTRATIVE example table data/examples/available_land_example.csv
    land: str | None = None
    # drop candidates whose free land is unknown (default: keep them, marked "unknown")
    exclude_unknown_land: bool = False

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise InputError naming the field when a value is out of range."""
        if not isinstance(self.industry, str) or not self.industry.strip():
            raise InputError("give the project's industry as text, e.g. 新能源汽车", field="industry")
        self.land_mu = _number(self.land_mu, "land_mu")
        if self.land_mu is None or not self.land_mu > 0:
            raise InputError(
                f"the land need must be more than 0 亩 (got {self.land_mu}); "
                "项目用地需求必须大于 0 亩", field="land_mu")
        if not LAND_MU_MIN <= self.land_mu <= LAND_MU_MAX:
            raise InputError(
                f"the land need {self.land_mu:g} 亩 is outside {LAND_MU_MIN:g}–{LAND_MU_MAX:g} 亩 (1 m² up to "
                "the whole area of Chongqing, 82,400 km²); 用地需求超出可能范围", field="land_mu")
        for name in ("investment_yi", "output_yi", "tax_wan", "max_corridor_km"):
            value = _number(getattr(self, name), name)
            if value is not None and value < 0:
                raise InputError(f"must be 0 or more (got {value})", field=name)
            setattr(self, name, value)
        for name in ("collapse_zones", "exclude_unknown_land"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = value.strip().lower() in ("1", "true", "yes", "on")
            setattr(self, name, bool(value))
        if self.land is not None:
            self.land = str(self.land).strip() or None
        if self.min_relation not in RELATIONS:
            raise InputError(f"expected one of {', '.join(RELATIONS)} (got {self.min_relation!r})",
                             field="min_relation")
        if self.axis is not None:
            axis = str(self.axis).upper()
            if axis not in AXES:
                raise InputError(f"unknown corridor '{self.axis}'; expected one of {', '.join(AXES)}",
                                 field="axis")
            self.axis = axis
        for name in ("regions", "districts", "exclude"):
            value = getattr(self, name) or []
            if isinstance(value, str):
                value = [value]
            setattr(self, name, [str(v) for v in value if str(v).strip()])
        if not isinstance(self.weights or {}, dict):
            raise InputError(f"weights must map criterion names to numbers, e.g. corridor: 0.2 (got "
                             f"{_echo(self.weights)}); 权重应为 名称: 数值", field="weights")
        weights = dict(self.weights or {})
        unknown = sorted(set(weights) - set(CRITERIA))
        if unknown:
            raise InputError(f"unknown weight(s) {', '.join(unknown)}; expected {', '.join(CRITERIA)}",
                             field="weights")
        for k, v in weights.items():
            v = _number(v, f"weights.{k}")
            if v is None or not 0 <= v <= WEIGHT_MAX:
                raise InputError(f"weight must be a number from 0 to {WEIGHT_MAX:g} (weights are relative; "
                                 f"got {v}); 权重应在 0–{WEIGHT_MAX:g} 之间", field=f"weights.{k}")
            weights[k] = v
        self.weights = weights
        top = _number(self.top, "top")
        if top is None or top != int(top):
            raise InputError(f"must be a whole number (got {_echo(self.top)})", field="top")
        self.top = int(top)
        if self.top < 1:
            raise InputError(f"must be 1 or more (got {self.top})", field="top")
        if self.top > TOP_MAX:
            raise InputError(f"must be at most {TOP_MAX} (got {self.top})", field="top")
        if sum(self.effective_weights().values()) <= 0:
            raise InputError("at least one weight must be more than 0", field="weights")

    def effective_weights(self) -> dict[str, float]:
        """Default weights overridden by the spec's ``weights``."""
        w = default_weights()
        w.update(self.weights)
        return {k: float(w.get(k, 0.0)) for k in CRITERIA}

    def to_dict(self) -> dict[str, Any]:
        """The spec as a plain dict (what save_spec writes)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, file: str | None = None) -> SiteSpec:
        """Build a spec from a mapping (unknown keys are refused, naming them)."""
        if not isinstance(data, dict):
            raise InputError("a site-selection spec must be a mapping of fields", file=file)
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise InputError(f"unknown field(s) {', '.join(unknown)}; expected {', '.join(sorted(names))}",
                             file=file)
        missing = [n for n in ("industry", "land_mu") if n not in data]
        if missing:
            raise InputError(f"missing required field(s) {', '.join(missing)}", file=file)
        try:
            return cls(**data)
        except InputError as exc:
            if file and exc.file is None:
                raise InputError(str(exc), file=file) from None
            raise


def _echo(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters (a 10 MB value is never echoed whole)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _number(value: Any, name: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InputError(f"expected a number, got {value!r} (true/false is not a number)", field=name)
    try:
        out = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"expected a number, got {_echo(value)}", field=name) from None
    if math.isnan(out):
        return None
    if math.isinf(out):
        raise InputError(f"expected a finite number, got {value!r}", field=name)
    return out


def load_spec(path: str | Path) -> SiteSpec:
    """Read a site-selection spec from ``.yaml``/``.yml`` or ``.json``.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    SiteSpec

    Raises
    ------
    InputError
        Naming the file, for a missing file, a parse error, YAML anchors/aliases or a bad field.

    Examples
    --------
    >>> import tempfile, pathlib, geoplan as gp
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = p.write_text("industry: 新能源汽车\\nland_mu: 300\\n", encoding="utf-8")
    >>> gp.load_spec(p).land_mu
    300.0
    """
    p = Path(path)
    if not p.exists():
        raise InputError("spec file not found; 找不到选址参数文件", file=str(p))
    if not p.is_file():
        raise InputError("the spec path is a folder or special file, not a spec file; 参数文件路径不是文件",
                         file=str(p))
    if p.stat().st_size > MAX_SPEC_BYTES:
        raise InputError(f"the spec is {p.stat().st_size:,} bytes; at most {MAX_SPEC_BYTES:,} are accepted",
                         file=str(p))
    return spec_from_bytes(p.read_bytes(), str(p))


def spec_from_bytes(data: bytes, name: str) -> SiteSpec:
    """A spec from the bytes of a ``.yaml``/``.yml``/``.json`` document called ``name`` (an upload):
    size capped before parsing; YAML without anchors/aliases; JSON without duplicate keys or NaN.
    """
    if len(data) > MAX_SPEC_BYTES:
        raise InputError(f"the spec is {len(data):,} bytes; at most {MAX_SPEC_BYTES:,} are accepted", file=name)
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        parsed = safe_json(data, file=name, max_bytes=MAX_SPEC_BYTES)
    elif suffix in (".yaml", ".yml"):
        parsed = safe_yaml(data, file=name, max_bytes=MAX_SPEC_BYTES)
    else:
        raise InputError("spec files end in .yaml, .yml or .json", file=name)
    return SiteSpec.from_dict(parsed or {}, file=name)


def save_spec(spec: SiteSpec, path: str | Path) -> Path:
    """Write a spec as YAML (``.yaml``/``.yml``) or JSON (anything else ending in ``.json``)."""
    p = Path(path)
    if p.exists() and not p.is_file():
        raise InputError("the spec output is a folder or special file, not a file", file=str(p))
    data = spec.to_dict()
    if p.suffix.lower() == ".json":
        text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    elif p.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    else:
        raise InputError("spec files end in .yaml, .yml or .json", file=str(p))
    _write_atomic(p, text)
    return p


def _write_atomic(p: Path, text: str) -> None:
    """``text`` into ``p`` through a temporary file beside it (whole or not at all)."""
    if not p.parent.is_dir():
        raise InputError("the folder of the spec output does not exist", file=str(p))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name[:100]}.", suffix=".part", dir=p.parent)
    except OSError as exc:
        raise InputError(f"cannot write the spec: {exc.strerror}", file=str(p)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, p)
    except OSError as exc:
        raise InputError(f"cannot write the spec: {exc.strerror}", file=str(p)) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)

"""Pipeline allocation: N projects placed jointly on parks under each park's free land.

``allocate(projects, land=...)`` maximises the total fit (Σ site-selection score / 100 of the chosen
park) with a small MILP (pulp + the CBC solver bundled in the pulp wheel):

    max Σ_p Σ_j fit[p, j] · x[p, j]
    s.t. Σ_j x[p, j] ≤ 1                    (a project goes to at most one park)
         Σ_p land[p] · x[p, j] ≤ free[j]    (never more than the park's free land)
         x[p, j] ∈ {0, 1}, only for pairs passing every gate of ``select_sites`` (plan support, land,
         标准地 floors where a floor table is known, corridor, area)

Parks whose free land is unknown take no project (their capacity cannot be checked). ``greedy``
is the one-at-a-time baseline: each project takes its best park ignoring the others (which
over-books parks — every over-booking is listed), and the feasible variant that takes the best
park with room left, in input order. The MILP's total is ≥ the feasible greedy's (it is optimal
over the same pairs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import safe_yaml
from ..errors import InputError
from .query import select_sites

PROJECT_COLUMNS = ("id", "industry", "land_mu", "investment_yi", "output_yi")


def read_projects(source: str | Path | pd.DataFrame, *, name: str | None = None) -> pd.DataFrame:
    """Projects from CSV (``#`` comment lines allowed), YAML (a list of mappings, or ``projects:``)
    or a frame: id, industry, land_mu (> 0), investment_yi, output_yi (optional, ≥ 0).
    """
    if isinstance(source, pd.DataFrame):
        df, label = source.copy(), name or "projects"
    else:
        p = Path(source)
        label = name or p.name
        if not p.exists():
            raise InputError("project file not found (项目文件未找到)", file=label)
        if p.suffix.lower() in (".yaml", ".yml"):
            data = safe_yaml(p.read_text(encoding="utf-8"), file=label)
            if isinstance(data, dict):
                data = data.get("projects")
            if not isinstance(data, list):
                raise InputError("expected a list of projects (or 'projects:' with a list)", file=label)
            df = pd.DataFrame(data).astype(object)
        else:
            df = pd.read_csv(p, dtype=str, keep_default_na=False, comment="#")
    missing = [c for c in ("id", "industry", "land_mu") if c not in df.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(PROJECT_COLUMNS)} (缺少列)",
                         file=label)
    for c in ("investment_yi", "output_yi"):
        if c not in df.columns:
            df[c] = None
    df["id"] = df["id"].astype(str).str.strip()
    dup = df["id"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"project id {df['id'].iloc[i]!r} appears twice (项目编号重复)", file=label, row=i + 1,
                         field="id")
    for c, positive in (("land_mu", True), ("investment_yi", False), ("output_yi", False)):
        raw = df[c].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
        val = pd.to_numeric(raw.replace("", None), errors="coerce")
        bad = (val.isna() & (raw != "")) | ((val <= 0) if positive else (val < 0))
        if positive:
            bad |= val.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            need = "a number > 0" if positive else "a number ≥ 0 or empty"
            raise InputError(f"expected {need}, got {raw.iloc[i]!r} (须为数字)", file=label, row=i + 1, field=c)
        df[c] = val.astype(float)
    df["industry"] = df["industry"].astype(str)
    return df[list(PROJECT_COLUMNS)].reset_index(drop=True)


def fit_matrix(projects: pd.DataFrame, land=None, floors: str | None = None,
               candidates=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """fit[p, j] (score / 100, NaN = not allowed) and the parks (park_id, name_zh, name_en, free_mu,
    land_source — where the free-land figure came from: a land table, the example, the workspace).

    ``land`` is a land table (a frame, e.g. ``Store.land_table_for``), a CSV path, "example" or None.
    """
    fits, parks = {}, {}
    for _, p in projects.iterrows():
        spec = {"industry": p["industry"], "land_mu": p["land_mu"], "land": land, "top": 1000,
                "investment_yi": None if pd.isna(p["investment_yi"]) else p["investment_yi"],
                "output_yi": None if pd.isna(p["output_yi"]) else p["output_yi"]}
        if floors is not None:
            spec["floors"] = floors
        if isinstance(land, pd.DataFrame):
            res = select_sites({**spec, "land": None}, candidates, land_table=land)
        else:
            res = select_sites(spec, candidates)
        s = res.scored
        for _, r in s.iterrows():
            parks.setdefault(r["cand_id"], (r["name_zh"], r["name_en"], r["available_land_mu"],
                                            r.get("land_source", "")))
        ok = s["eligible"].to_numpy(bool) & s["available_land_mu"].notna().to_numpy()
        fits[p["id"]] = pd.Series(np.where(ok, s["score"].to_numpy(float) / 100.0, np.nan), index=s["cand_id"])
    F = pd.DataFrame(fits).T.reindex(projects["id"])
    P = pd.DataFrame([(k, *v) for k, v in parks.items()], columns=["park_id", "name_zh", "name_en", "free_mu",
                                                                   "land_source"])
    P = P.set_index("park_id").reindex(pd.Index(F.columns, name="park_id")).reset_index()
    return F, P


@dataclass
class Allocation:
    """Result of a joint allocation (or of the greedy baseline)."""

    assignment: pd.DataFrame  # project_id, industry, land_mu, park_id, name_zh, fit
    parks: pd.DataFrame  # park_id, name_zh, free_mu, used_mu, n_projects
    fits: pd.DataFrame  # projects × parks, NaN = not allowed
    total_fit: float
    n_assigned: int
    status: str = "optimal"
    notes: list[str] = field(default_factory=list)

    def max_overbooking_mu(self) -> float:
        """The largest amount (亩) by which an allocation exceeds a park's free land (0 when none)."""
        over = (self.parks["used_mu"] - self.parks["free_mu"]).fillna(0)
        return float(max(0.0, over.max() if len(over) else 0.0))


@dataclass
class Greedy(Allocation):
    """One-at-a-time allocation, plus the naive variant in which every project takes its best park."""

    naive: pd.DataFrame | None = None  # each project's best park, ignoring the others
    naive_total: float = 0.0
    overbooked: pd.DataFrame | None = None  # park_id, name_zh, free_mu, booked_mu, projects


def _park_use(parks: pd.DataFrame, assignment: pd.DataFrame) -> pd.DataFrame:
    used = assignment.dropna(subset=["park_id"]).groupby("park_id").agg(used_mu=("land_mu", "sum"),
                                                                         n_projects=("project_id", "count"))
    out = parks.set_index("park_id").join(used, how="left").reset_index()
    out["used_mu"] = out["used_mu"].fillna(0.0)
    out["n_projects"] = out["n_projects"].fillna(0).astype(int)
    return out


def _assignment(projects: pd.DataFrame, choice: dict, F: pd.DataFrame, parks: pd.DataFrame) -> pd.DataFrame:
    names = parks.set_index("park_id")
    rows = []
    for _, p in projects.iterrows():
        j = choice.get(p["id"])
        rows.append({"project_id": p["id"], "industry": p["industry"], "land_mu": p["land_mu"],
                     "park_id": j, "name_zh": names.at[j, "name_zh"] if j else "",
                     "name_en": names.at[j, "name_en"] if j else "",
                     "fit": float(F.at[p["id"], j]) if j else 0.0})
    return pd.DataFrame(rows)


def allocate(projects: pd.DataFrame, land="example", floors: str | None = None, candidates=None,
             fits: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> Allocation:
    """Joint allocation maximising total fit under free land (see the module docstring)."""
    import pulp  # optional heavy dependency, imported where used

    F, parks = fits if fits is not None else fit_matrix(projects, land, floors, candidates)
    free = dict(zip(parks["park_id"], parks["free_mu"]))
    need = dict(zip(projects["id"], projects["land_mu"]))
    pairs = [(p, j) for p in F.index for j in F.columns if np.isfinite(F.at[p, j]) and need[p] <= free[j]]
    prob = pulp.LpProblem("pipeline_allocation", pulp.LpMaximize)
    x = {(p, j): pulp.LpVariable(f"x_{k}", cat="Binary") for k, (p, j) in enumerate(pairs)}
    prob += pulp.lpSum(float(F.at[p, j]) * v for (p, j), v in x.items())
    for a_, p in enumerate(F.index):
        prob += pulp.lpSum(v for (q, _), v in x.items() if q == p) <= 1, f"one_{a_}"
    for b_, j in enumerate(F.columns):
        terms = [need[p] * v for (p, k), v in x.items() if k == j]
        if terms:
            prob += pulp.lpSum(terms) <= float(free[j]), f"land_{b_}"
    status = "optimal"
    if x:
        prob.solve(pulp.PULP_CBC_CMD(msg=False))
        status = pulp.LpStatus[prob.status].lower()
    choice = {p: j for (p, j), v in x.items() if (v.value() or 0) > 0.5}
    a = _assignment(projects, choice, F, parks)
    notes = [f"{int(parks['free_mu'].isna().sum())} parks with unknown free land take no project"] \
        if parks["free_mu"].isna().any() else []
    return Allocation(a, _park_use(parks, a), F, round(float(a["fit"].sum()), 6), int(a["park_id"].notna().sum()),
                      status, notes)


def greedy(projects: pd.DataFrame, land="example", floors: str | None = None, candidates=None,
           fits: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> Greedy:
    """One-at-a-time baseline: the naive choice (best park, ignoring the others) with every
    over-booking, and the feasible variant (best park with room left, in input order).
    """
    F, parks = fits if fits is not None else fit_matrix(projects, land, floors, candidates)
    free = dict(zip(parks["park_id"], parks["free_mu"]))
    need = dict(zip(projects["id"], projects["land_mu"]))
    naive, feasible, left = {}, {}, dict(free)
    for p in projects["id"]:
        row = F.loc[p]
        ok = [(float(row[j]), j) for j in F.columns if np.isfinite(row[j]) and need[p] <= free[j]]
        ok.sort(key=lambda t: (-t[0], t[1]))
        if ok:
            naive[p] = ok[0][1]
        for _, j in ok:
            if need[p] <= left[j] + 1e-9:
                feasible[p] = j
                left[j] -= need[p]
                break
    a_naive = _assignment(projects, naive, F, parks)
    a = _assignment(projects, feasible, F, parks)
    use = _park_use(parks, a_naive)
    over = use[use["used_mu"] > use["free_mu"] + 1e-9].copy()
    over["booked_mu"] = over["used_mu"]
    over["projects"] = [", ".join(a_naive.loc[a_naive["park_id"] == j, "project_id"]) for j in over["park_id"]]
    return Greedy(a, _park_use(parks, a), F, round(float(a["fit"].sum()), 6), int(a["park_id"].notna().sum()),
                  "greedy", [], a_naive, round(float(a_naive["fit"].sum()), 6),
                  over[["park_id", "name_zh", "free_mu", "booked_mu", "projects"]].reset_index(drop=True))

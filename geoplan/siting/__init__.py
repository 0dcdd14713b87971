"""Site selection for investment projects: gates, weighted score, plan citations, stability.

``select_sites(spec, candidates=None)`` answers "a project in industry X needs N 亩 … which parks
should we offer, and why?". Candidates are the embedded parks or a user layer (same code path).

Modules, in the order a query uses them: ``spec`` (the project and the validated defaults of
``config/siting_defaults.yaml``), ``prefilter`` (drop rows of a large layer that certainly fail a
cheap gate), ``candidates`` (parks or a user layer in one shape), ``support`` (plan sentences
backing the industry at each place), ``criteria`` (gates and criterion scores), ``stability``
(weight perturbations), ``explain`` (notes and the explanation), ``query`` (``select_sites``),
``result`` (the result object and its exports). Issue 12 added ``levels`` (plan-support levels:
municipal > district > catalogue > related), ``land`` (free-land overrides and land fit), ``zones``
(one row per park), ``reasons`` (plain-language reasons and what would change the order) and
``allocate`` (a pipeline of projects placed jointly, MILP vs greedy).
"""

from .allocate import allocate, fit_matrix, greedy, read_projects
from .candidates import normalise_candidates, park_candidates
from .criteria import GATES
from .explain import CRITERION_LABELS, GATE_LABELS
from .land import land_fit, read_land
from .levels import LEVEL_LABELS
from .prefilter import prefilter
from .query import resolve_industry_text, select_sites
from .result import SiteSelectionResult, flat_frame
from .spec import (
           CRITERIA,
           SiteSpec,
           default_weights,
           load_spec,
           save_spec,
           siting_defaults,
)
from .stability import stability_report

__all__ = ["LEVEL_LABELS", "allocate", "fit_matrix", "greedy", "land_fit", "read_land", "read_projects", "CRITERIA", "CRITERION_LABELS", "GATES", "GATE_LABELS", "SiteSelectionResult", "SiteSpec", "default_weights", "flat_frame",
           "load_spec", "normalise_candidates", "park_candidates", "prefilter", "resolve_industry_text",
           "save_spec", "select_sites", "siting_defaults", "stability_report"]

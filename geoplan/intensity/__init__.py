"""Land-output intensity (亩均效益): units, per-row metrics, aggregation, targets, floors, grading.

Pure functions: a DataFrame (or GeoDataFrame) in, the same kind out. Inputs name their units in the
column name (``land_mu``, ``land_m2``, ``output_yi``, ``tax_wan`` …) or through ``land_unit`` /
``money_unit``; a bare ``land`` or ``output`` column without a unit is an error, never a guess.
Aggregates are Σ numerator / Σ denominator over the rows that state both (never a mean of ratios).

Modules: ``normalise`` (columns and units), ``metrics`` (the indicators), ``aggregate`` (to park,
district, region), ``targets`` (municipal targets), ``floors`` (标准地 floors), ``grading``
(A–D schemes of ``config/grading.yaml``), ``evaluate`` (all of it in one call), ``methods``
(published composite methods of ``config/intensity_methods.yaml``: 渝府办发〔2023〕72号, 江津府办发〔2022〕157号),
``headers`` (a bureau's column headers and units, refusal without a metric column, upload template),
``upload`` (read and partially accept an uploaded table, rejection reasons in the user's language),
``trend`` (multi-year uploads: each enterprise's and park's trend).
"""

from . import grading
from .aggregate import (
           LEVEL_KEYS,
           aggregate,
           attach_places,
           locate_districts,
           place_names,
)
from .evaluate import evaluate
from .floors import FLOOR_METRICS, check_floors, read_floors
from .headers import MAPPING_TARGETS, recognise_headers, require_metric_columns, template_frame, template_xlsx
from .methods import Method, aggregate_composite, composite, default_method, load_methods
from .metrics import METRIC_LABELS, METRICS, Metric, compute_metrics
from .normalise import CANONICAL, COUNT_FIELDS, MONEY_FIELDS, normalise
from .targets import (
           TARGET_INDICATOR_ZH,
           benchmark_municipal,
           municipal_output_target,
           status_rule,
           targets_2027,
           track_targets,
)
from .trend import trend, trend_table
from .upload import (
           Upload,
           accept_upload,
           evaluate_rows,
           explain_ambiguous,
           field_label,
           localise_rejected,
           read_bureau_table,
           upload_ids,
)

__all__ = ["MAPPING_TARGETS", "evaluate_rows", "upload_ids", "explain_ambiguous", "field_label", "localise_rejected", "trend", "trend_table",
           "CANONICAL", "COUNT_FIELDS", "FLOOR_METRICS", "LEVEL_KEYS", "METRICS", "METRIC_LABELS",
           "MONEY_FIELDS", "TARGET_INDICATOR_ZH", "Method", "Metric", "aggregate", "aggregate_composite",
           "Upload", "accept_upload", "composite", "default_method", "load_methods", "read_bureau_table",
           "recognise_headers", "require_metric_columns", "template_frame", "template_xlsx",
           "status_rule", "targets_2027", "track_targets", "attach_places",
           "benchmark_municipal", "check_floors", "compute_metrics", "evaluate", "grading",
           "locate_districts", "municipal_output_target", "normalise", "place_names", "read_floors"]

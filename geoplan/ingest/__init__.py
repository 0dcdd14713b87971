"""Read a new plan and propose its industry → place assignments, with line citations.

``read`` splits a .txt/.docx/.pdf plan into the lines the plan numbers; ``gazetteer`` holds the
taxonomy's and the place gazetteer's names for longest-match scanning; ``extract`` turns lines into
proposed rows (industry, place, kind, line, verbatim evidence, confidence + reason); ``diff``
compares them with ``data/assignments.csv``; ``review`` writes the review CSV and applies a
reviewed one (accepted rows become approved assignments with provenance); ``approved`` reads the
rows the workspace store keeps back for the industry map. Nothing here writes to ``data/``.
"""

from . import approved, diff, extract, gazetteer, read, review
from .approved import citation, map_assignments, place_rows, with_approved, workspace_rows
from .diff import diff_against
from .extract import KINDS, PROPOSAL_COLUMNS, kind_of, propose
from .read import PlanLine, read_plan
from .review import (
    APPROVED_COLUMNS,
    DECISIONS,
    REVIEW_COLUMNS,
    apply_review,
    decision_counts,
    ingest_plan,
    review_table,
    row_labels,
    set_decisions,
)

__all__ = ["APPROVED_COLUMNS", "DECISIONS", "KINDS", "PROPOSAL_COLUMNS", "PlanLine", "REVIEW_COLUMNS",
           "apply_review", "approved", "citation", "decision_counts", "diff", "diff_against", "extract", "gazetteer", "ingest_plan", "kind_of", "map_assignments", "place_rows", "propose",
           "read", "read_plan", "review", "review_table", "row_labels", "set_decisions", "with_approved", "workspace_rows"]

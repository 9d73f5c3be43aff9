"""Data quality: why rows were not used, and when that is too many.

Every row that is read is either used or rejected with exactly one reason (the first that applies,
in the order of :data:`REASONS`). Row numbers are file lines with the header as line 1, so the
first data row is row 2 (Parquet: the record number + 1, the same convention).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs_journey.analytics.result import DataAnalysis

UNREADABLE = "unreadable row"  # set aside by the CSV reader (too many fields, not UTF-8, ...)
DUPLICATE = "exact duplicate"
MISSING_LEAD = "missing lead id"
BAD_TIMESTAMP = "unparsable timestamp"
NON_NUMERIC_REVENUE = "non-numeric revenue"
NEGATIVE_REVENUE = "negative revenue"
UNKNOWN_STAGE = "stage not on the map"
UNKNOWN_TOUCHPOINT = "touchpoint not on any map"

#: Rejection reasons in the order they are checked; a row gets the first that applies.
REASONS: tuple[str, ...] = (
    UNREADABLE,
    DUPLICATE,
    MISSING_LEAD,
    BAD_TIMESTAMP,
    NON_NUMERIC_REVENUE,
    NEGATIVE_REVENUE,
    UNKNOWN_STAGE,
    UNKNOWN_TOUCHPOINT,
)

#: How many example rows each reason keeps.
EXAMPLES = 5


def rejected_share(analysis: DataAnalysis) -> float:
    """Rows not used / rows read (0 for an empty file)."""
    read = analysis.totals.rows_read
    return (read - analysis.totals.rows_used) / read if read else 0.0


def describe_rejections(analysis: DataAnalysis) -> list[str]:
    """One sentence per rejection reason, with its count and example rows as ``file:row``."""
    lines: list[str] = []
    for rejection in analysis.rejected:
        examples = ", ".join(
            f"{analysis.file_label}:{example.row}"
            + (f" ({example.value!r})" if example.value is not None else "")
            for example in rejection.examples
        )
        more = ", ..." if rejection.count > len(rejection.examples) else ""
        rows = "row" if rejection.count == 1 else "rows"
        lines.append(f"{rejection.count} {rows} not used, {rejection.reason}: {examples}{more}")
    return lines


def quality_problems(analysis: DataAnalysis, max_rejected_share: float) -> list[str]:
    """Problems to report when more than ``max_rejected_share`` (0..1) of the rows were not used.

    Empty when the share is within the threshold. The plugin logs these as warnings, so that
    ``mkdocs build --strict`` fails; ``max_rejected_share = 1`` never complains, ``0`` complains
    about a single bad row.
    """
    share = rejected_share(analysis)
    if share <= max_rejected_share or share == 0:
        return []
    totals = analysis.totals
    head = (
        f"{analysis.file_label}: {totals.rows_read - totals.rows_used} of {totals.rows_read} "
        f"rows not used ({share:.1%}, more than max_rejected_share {max_rejected_share:.1%})"
    )
    return [head] + [f"{analysis.file_label}: {line}" for line in describe_rejections(analysis)]

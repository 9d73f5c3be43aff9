"""Data quality: why rows were not used, and when that is too many.

Every row that is read is either used or rejected with exactly one reason (the first that applies,
in the order of :data:`REASONS`). Row numbers are file lines with the header as line 1, so the
first data row is row 2 (Parquet: the record number + 1, the same convention).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs_journey.analytics.result import DataAnalysis

UNREADABLE = "unreadable row"  # too many or too few fields, not UTF-8, ...
DUPLICATE = "exact duplicate"
MISSING_LEAD = "missing lead id"
BAD_TIMESTAMP = "unparsable timestamp"
FAR_TIMESTAMP = "timestamp out of range"  # a real date, outside the years 1 to 9999
NON_NUMERIC_REVENUE = "non-numeric revenue"
NEGATIVE_REVENUE = "negative revenue"
REVENUE_TOO_LARGE = "revenue too large"  # above MAX_REVENUE
UNKNOWN_CONVERTED = "unrecognised converted value"
UNKNOWN_STAGE = "stage not on the map"
UNKNOWN_TOUCHPOINT = "touchpoint not on any map"

#: Rejection reasons in the order they are checked; a row gets the first that applies.
REASONS: tuple[str, ...] = (
    UNREADABLE,
    DUPLICATE,
    MISSING_LEAD,
    BAD_TIMESTAMP,
    FAR_TIMESTAMP,
    NON_NUMERIC_REVENUE,
    NEGATIVE_REVENUE,
    REVENUE_TOO_LARGE,
    UNKNOWN_CONVERTED,
    UNKNOWN_STAGE,
    UNKNOWN_TOUCHPOINT,
)

#: How many example rows each reason keeps.
EXAMPLES = 5

#: The largest revenue one row may carry. Larger values are typing or export errors (a thousand
#: million million in any currency), and a cap keeps every sum finite: 2^31 rows of at most this
#: add up to about 2e24, far below the largest float.
MAX_REVENUE = 1e15
#: Timestamps are accepted from year 1 to year 9999 (ISO-8601's four-digit years), in
#: microseconds since 1970: a date outside that is a typing or export error, and far enough out
#: it would not fit the engine's sort keys.
FIRST_TIMESTAMP_US = -62_135_596_800_000_000  # 0001-01-01T00:00:00Z
END_TIMESTAMP_US = 253_402_300_800_000_000  # 10000-01-01T00:00:00Z


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

"""Data quality: why the engine does not use a row, and the limits a row must respect.

Every row that is read is either used or rejected with exactly one reason (the first that applies,
in the order of :data:`REASONS`). Row numbers are file lines with the header as line 1, so the
first data row is row 2 (Parquet: the record number + 1, the same convention).
"""

from __future__ import annotations

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

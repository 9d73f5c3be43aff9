"""Data quality of a finished analysis: the share of rows not used and the sentences that say why.

The reasons themselves, and the order in which the engine checks them, are
:mod:`mkdocs_journey.data.quality`'s; this module words them for the author (log, CLI, strict
builds).
"""

from __future__ import annotations

from mkdocs_journey.analytics.result import DataAnalysis


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

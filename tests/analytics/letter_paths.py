"""Paths written with letters (A > B > C) as an events file, for the tests of the models."""

from __future__ import annotations

from pathlib import Path

from tests.analytics.oracle import Row

SOURCES = {
    "A": ("google", "cpc"),
    "B": ("newsletter", "email"),
    "C": ("criteo", "display"),
    "D": ("partner.example", "referral"),
    "E": ("(direct)", "(none)"),
}
#: The channel each letter's source and medium fall in.
CHANNEL = {"A": "Paid Search", "B": "Email", "C": "Display", "D": "Referral", "E": "Direct"}


def events_file(rows: list[Row], folder: Path) -> Path:
    """One lead per converted (or not) instance of each row, touches an hour apart."""
    lines = ["lead_id,timestamp,source,medium,campaign,converted,revenue"]
    lead = 0
    for row in rows:
        for instance in range(row.conversions + row.nulls):
            converts = instance < row.conversions
            for i, channel in enumerate(row.path):
                last = i == len(row.path) - 1
                source, medium = SOURCES[channel]
                revenue = row.value / row.conversions if converts and last else ""
                lines.append(
                    f"L{lead},2024-01-01T{i:02d}:00:00Z,{source},{medium},c{i},"
                    f"{int(converts and last)},{revenue}"
                )
            lead += 1
    path = folder / "events.csv"
    path.write_text("\n".join(lines) + "\n")
    return path

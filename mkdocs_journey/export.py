"""``journeys.json``: every map as data, the site's public machine-readable export.

Shape (version 1, stable): ``{"version": 1, "generated": "YYYY-MM-DD", "maps": [...]}``; each map
holds its fields as written (positions left out), plus ``page``, ``url``, ``review_due``,
``stale`` and, when it has a data source, ``analytics``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

from mkdocs_journey.model import JourneyMap

EXPORT_VERSION = 1


def plain(value: Any) -> Any:
    """Model objects as JSON types, without source positions."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "position"
        }
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def map_record(
    journey_map: JourneyMap, *, url: str, today: dt.date, analytics: Any = None
) -> dict[str, Any]:
    record = plain(journey_map)
    record["review_every"] = str(journey_map.review_every) if journey_map.review_every else None
    due = journey_map.review_due()
    record.update(
        page=journey_map.page,
        url=url,
        review_due=due.isoformat() if due else None,
        stale=journey_map.is_stale(today),
    )
    if analytics is not None:
        record["analytics"] = analytics
    return record


def export_document(records: list[dict[str, Any]], today: dt.date) -> dict[str, Any]:
    return {"version": EXPORT_VERSION, "generated": today.isoformat(), "maps": records}

"""Each KPI's values across the versions of a site published with mike.

A KPI is followed through versions by its map id, stage and name; when a KPI moved to another
stage it is still followed when its name is unique in the map. Only KPIs that appear in at least
one earlier version get a series. The series is what ``journeys.json`` carries under each KPI's
``trend`` key, what the map page draws as a sparkline, and what a dashboard can show:
:meth:`KpiTrends.of_map` and :meth:`KpiTrends.of` are the public way to read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mkdocs_journey.changes.matching import normalized

Key = tuple[str, str, str]  # map id, stage name, KPI name


@dataclass(frozen=True)
class TrendPoint:
    version: str  # the mike version
    generated: str | None  # the date that version's journeys.json was built
    target: float | None
    actual: float | None


@dataclass(frozen=True)
class KpiSeries:
    map_id: str
    stage: str
    name: str
    unit: str
    direction: str  # "higher" or "lower" is better
    points: tuple[TrendPoint, ...]  # oldest first; the last one is the version being built

    @property
    def values(self) -> list[float | None]:
        return [point.actual for point in self.points]


@dataclass(frozen=True)
class KpiTrends:
    #: Every version read, oldest first, the version being built last; empty without mike.
    versions: tuple[str, ...] = ()
    series: Mapping[Key, KpiSeries] = field(default_factory=dict)

    def of(self, map_id: str, stage: str, name: str) -> KpiSeries | None:
        return self.series.get((map_id, stage, name))

    def of_map(self, map_id: str) -> list[KpiSeries]:
        """The map's KPI series, in the order of its stages and KPIs."""
        return [s for (m, _, _), s in self.series.items() if m == map_id]

    def __bool__(self) -> bool:
        return bool(self.series)


def build_trends(
    earlier: Sequence[tuple[str, Mapping[str, Any]]],
    current_version: str,
    current_generated: str,
    current_records: Iterable[Mapping[str, Any]],
) -> KpiTrends:
    """Series for every current KPI found in at least one earlier ``journeys.json`` document.

    ``earlier`` holds (version, document) pairs, oldest first.
    """
    indexes = [
        (version, document.get("generated"), _index(document)) for version, document in earlier
    ]
    series: dict[Key, KpiSeries] = {}
    for record in current_records:
        map_id = record.get("id")
        if not isinstance(map_id, str):
            continue
        for stage, kpi in _kpis(record):
            name = kpi.get("name")
            if not isinstance(name, str):
                continue
            points = []
            for version, generated, index in indexes:
                old = index.get((map_id, stage, normalized(name))) or index.get(
                    (map_id, "", normalized(name))
                )
                if old is not None:
                    points.append(
                        TrendPoint(
                            version,
                            generated if isinstance(generated, str) else None,
                            _number(old.get("target")),
                            _number(old.get("actual")),
                        )
                    )
            if not points:
                continue
            points.append(
                TrendPoint(
                    current_version,
                    current_generated,
                    _number(kpi.get("target")),
                    _number(kpi.get("actual")),
                )
            )
            series[(map_id, stage, name)] = KpiSeries(
                map_id,
                stage,
                name,
                str(kpi.get("unit") or ""),
                "lower" if kpi.get("direction") == "lower" else "higher",
                tuple(points),
            )
    versions = (*(version for version, _ in earlier), current_version)
    return KpiTrends(versions if series else (), series)


def _index(document: Mapping[str, Any]) -> dict[tuple[str, str, str], Mapping[str, Any]]:
    """KPIs of one document by (map, stage, name), and by (map, "", name) when the name is
    unique in its map (to follow a KPI that moved to another stage)."""
    index: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    maps = document.get("maps")
    for record in maps if isinstance(maps, list) else []:
        if not isinstance(record, Mapping) or not isinstance(record.get("id"), str):
            continue
        names: dict[str, list[Mapping[str, Any]]] = {}
        for stage, kpi in _kpis(record):
            if isinstance(kpi.get("name"), str):
                key = normalized(kpi["name"])
                index.setdefault((record["id"], stage, key), kpi)
                names.setdefault(key, []).append(kpi)
        for key, found in names.items():
            if len(found) == 1:
                index[(record["id"], "", key)] = found[0]
    return index


def _kpis(record: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    stages = record.get("stages")
    for stage in stages if isinstance(stages, list) else []:
        if not isinstance(stage, Mapping):
            continue
        written = stage.get("name")
        name = written if isinstance(written, str) else ""
        kpis = stage.get("kpis")
        for kpi in kpis if isinstance(kpis, list) else []:
            if isinstance(kpi, Mapping):
                yield name, kpi


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value

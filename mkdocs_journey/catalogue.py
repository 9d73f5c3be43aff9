"""All maps of a site, with references across pages resolved.

Personas may be defined inline in one map and named by id in others; map ids must be unique
across the site; a map's ``data`` must name a configured data source. These checks need every
page, so they run once all pages are read and attach their problems to the map that has them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from mkdocs_journey.model import JourneyMap, Persona, Problem
from mkdocs_journey.parsing.metrics import channel_problem
from mkdocs_journey.parsing.page import MapReading
from mkdocs_journey.suggest import did_you_mean


@dataclass
class Catalogue:
    readings: list[MapReading] = field(default_factory=list)
    personas: dict[str, Persona] = field(default_factory=dict)
    page_urls: Mapping[str, str] = field(default_factory=dict)  # page path -> site-relative URL

    @property
    def maps(self) -> list[JourneyMap]:
        return [r.journey_map for r in self.readings if r.journey_map is not None]

    @property
    def problems(self) -> list[Problem]:
        return [problem for reading in self.readings for problem in reading.problems]

    def readings_of(self, page: str) -> list[MapReading]:
        return self._by_page.get(page, [])

    def pages_with_readings(self) -> list[tuple[str, list[MapReading]]]:
        """(page path, its readings) of every page holding a map."""
        return list(self._by_page.items())

    @cached_property
    def _by_page(self) -> dict[str, list[MapReading]]:
        # Asked for every page of the site: an index, not a scan of every reading each time.
        pages: dict[str, list[MapReading]] = {}
        for reading in self.readings:
            pages.setdefault(reading.page, []).append(reading)
        return pages

    def maps_of_persona(self, persona_id: str) -> list[JourneyMap]:
        return [m for m in self.maps if m.persona is not None and m.persona.id == persona_id]

    def url_of(self, journey_map: JourneyMap) -> str:
        return self.page_urls.get(journey_map.page, "")


def build_catalogue(
    readings: Iterable[MapReading],
    *,
    data_sources: Iterable[str] = (),
    page_urls: Mapping[str, str] | None = None,
    channels: Iterable[str] | None = None,
) -> Catalogue:
    """``channels``: every channel of the site, to check the channels KPI metrics name (None:
    not checked)."""
    readings = list(readings)
    channel_names = None if channels is None else list(channels)
    personas: dict[str, Persona] = {}
    for reading in readings:
        persona = reading.journey_map.persona if reading.journey_map else None
        if persona is not None and persona.id not in personas:
            personas[persona.id] = persona
    sources = list(data_sources)
    seen_ids: dict[str, MapReading] = {}
    resolved: list[MapReading] = []
    for reading in readings:
        journey_map = reading.journey_map
        if journey_map is None:
            resolved.append(reading)
            continue
        problems = list(reading.problems)
        first = seen_ids.setdefault(journey_map.id, reading)
        if first is not reading:
            problems.append(
                Problem(
                    f"map id '{journey_map.id}' is already used by the map at {first.position}",
                    journey_map.position or reading.position,
                )
            )
        persona = journey_map.persona
        if persona is not None and not _same_persona(personas[persona.id], persona):
            problems.append(
                Problem(
                    f"persona '{persona.id}' is defined again with other details; "
                    f"define it once (at {personas[persona.id].position}) and refer to it by id",
                    persona.position or reading.position,
                )
            )
        if reading.persona_ref is not None:
            persona = personas.get(reading.persona_ref)
            if persona is None:
                problems.append(
                    Problem(
                        f"unknown persona '{reading.persona_ref}'",
                        reading.at(("persona",)),
                        hint=did_you_mean(reading.persona_ref, personas)
                        or "define it inline, with an id, in one map; then refer to it by id",
                    )
                )
            journey_map = dataclasses.replace(journey_map, persona=persona)
        if journey_map.data is not None and journey_map.data not in sources:
            problems.append(
                Problem(
                    f"unknown data source '{journey_map.data}'",
                    reading.at(("data",)),
                    hint=did_you_mean(journey_map.data, sources)
                    or (
                        f"configured sources: {', '.join(sources)}"
                        if sources
                        else "declare it under the plugin's `data_sources` option in mkdocs.yml"
                    ),
                )
            )
        for ref in reading.channel_refs:
            if channel_names is None:
                break
            found = channel_problem(ref.channel, channel_names, ref.metric)
            if found is not None:
                message = f"KPI '{ref.kpi}': {found.message}" if ref.kpi else found.message
                problems.append(Problem(message, ref.position, hint=found.hint))
        resolved.append(
            dataclasses.replace(reading, journey_map=journey_map, problems=tuple(problems))
        )
    return Catalogue(resolved, personas, dict(page_urls or {}))


def _same_persona(first: Persona, second: Persona) -> bool:
    """Equal in everything an author wrote; where each was written does not matter."""
    return dataclasses.replace(first, position=None) == dataclasses.replace(second, position=None)

"""The grid teams draft a map in: a map's fields, then stages as columns and lanes as rows.

::

        A                  B                   C                 ...
    1   Map                saas-trial-to-paid
    2   Title              B2B SaaS buyer: free trial to paid plan
    ... (persona, objective, owner, reviewed, review every, tags, data)
    17  Stage              Awareness           Consideration     ...
    18  Goal               ...
    19  Actions            one per line
    20  Touchpoints        Name [channel: X] #id
    21  Emotion score      -2 .. 2
    22  Emotion label
    23  Thoughts           one per line
    24  Pain points        Text [severity: 1-5; touchpoint: id] #id, then "- cause" lines
    25  Opportunities      Text [owner: X; status: idea|planned|in progress|done|dropped;
                           addresses: pain point id]
    26  KPIs               Name [target: n; actual: n; unit: %; direction: lower; metric: m;
                           at_risk_within: 10%; as_of: date; source: s; since: date; until: date]

:func:`grid_of_map` writes it; :func:`map_of_grid` reads it back into map data (the YAML an
author writes) and says which cells it could not read, by cell reference (``C7``). Evidence,
flow steps, diagram options and a touchpoint's own actions and emotions are not in the grid.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mkdocs_journey.bridge.cells import IDENTIFIER, format_item, format_lines, lines_of, parse_items
from mkdocs_journey.model import OPPORTUNITY_STATUSES, JourneyMap, Persona, Stage
from mkdocs_journey.parsing.build import generated_pain_id
from mkdocs_journey.suggest import did_you_mean

Grid = list[list[str]]

#: Rows of the map's own fields: label in column A, value in column B.
MAP_FIELDS: tuple[tuple[str, str], ...] = (
    ("Map", "id"),
    ("Title", "title"),
    ("Persona", "persona"),
    ("Persona name", "persona name"),
    ("Persona role", "persona role"),
    ("Persona goal", "persona goal"),
    ("Persona challenges", "persona challenges"),
    ("Persona information sources", "persona information_sources"),
    ("Persona quote", "persona quote"),
    ("Objective", "objective"),
    ("Owner", "owner"),
    ("Reviewed", "reviewed"),
    ("Review every", "review_every"),
    ("Tags", "tags"),
    ("Data", "data"),
)
STAGE_ROW = "Stage"
#: Lane rows under the stage row: label in column A, one cell per stage.
LANES: tuple[tuple[str, str], ...] = (
    ("Goal", "goal"),
    ("Actions", "actions"),
    ("Touchpoints", "touchpoints"),
    ("Emotion score", "emotion score"),
    ("Emotion label", "emotion label"),
    ("Thoughts", "thoughts"),
    ("Pain points", "pain_points"),
    ("Opportunities", "opportunities"),
    ("KPIs", "kpis"),
)
_SYNONYMS = {
    "id": "id",
    "map id": "id",
    "touchpoint": "touchpoints",
    "pain point": "pain_points",
    "pains": "pain_points",
    "opportunity": "opportunities",
    "kpi": "kpis",
    "action": "actions",
    "thought": "thoughts",
    "emotion": "emotion score",
    "score": "emotion score",
    "stages": STAGE_ROW.lower(),
}
TOUCHPOINT_KEYS = ("channel",)
PAIN_KEYS = ("severity", "touchpoint")
OPPORTUNITY_KEYS = ("owner", "status", "addresses")
KPI_KEYS = (
    "target",
    "actual",
    "unit",
    "direction",
    "metric",
    "at_risk_within",
    "as_of",
    "source",
    "since",
    "until",
)
_PERIOD = re.compile(r"^\s*([1-9][0-9]*)\s*(day|days|week|weeks|month|months|year|years)\s*$")
_IDENTIFIER = re.compile(rf"^{IDENTIFIER}$")


@dataclass(frozen=True)
class CellProblem:
    cell: str  # "C7"
    message: str

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}"


def cell_ref(row: int, column: int) -> str:
    """The spreadsheet name of a 0-based (row, column): (6, 2) -> "C7"."""
    letters = ""
    number = column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "item"


# --- map -> grid ----------------------------------------------------------------------------


def grid_of_map(journey_map: JourneyMap, persona_ref: str | None = None) -> Grid:
    """The map as a grid of text cells; a persona named by id is written as that id only."""
    width = 1 + len(journey_map.stages)
    persona = journey_map.persona
    inline = persona if persona is not None and persona_ref is None else None
    values: dict[str, str] = {
        "id": journey_map.id,
        "title": journey_map.title,
        "persona": persona_ref or (persona.id if persona else ""),
        "objective": journey_map.objective,
        "owner": journey_map.owner,
        "reviewed": journey_map.reviewed.isoformat() if journey_map.reviewed else "",
        "review_every": str(journey_map.review_every) if journey_map.review_every else "",
        "tags": format_lines(journey_map.tags),
        "data": journey_map.data or "",
        **_persona_values(inline),
    }
    rows: Grid = [[label, values.get(key, "")] + [""] * (width - 2) for label, key in MAP_FIELDS]
    rows.append([""] * width)
    rows.append([STAGE_ROW, *(stage.name for stage in journey_map.stages)])
    for label, key in LANES:
        row = [label]
        for stage in journey_map.stages:
            row.append(_lane_cell(journey_map, stage, key))
        rows.append(row)
    return rows


def _persona_values(persona: Persona | None) -> dict[str, str]:
    if persona is None:
        return {}
    return {
        "persona name": persona.name,
        "persona role": persona.role,
        "persona goal": persona.goal,
        "persona challenges": format_lines(persona.challenges),
        "persona information_sources": format_lines(persona.information_sources),
        "persona quote": persona.quote,
    }


def _lane_cell(journey_map: JourneyMap, stage: Stage, key: str) -> str:
    emotion = stage.emotion
    if key == "goal":
        return " ".join(stage.goal.split())
    if key == "actions":
        return format_lines(stage.actions)
    if key == "emotion score":
        return "" if emotion is None else str(emotion.score)
    if key == "emotion label":
        return "" if emotion is None else emotion.label
    if key == "thoughts":
        return "" if emotion is None else format_lines(emotion.thoughts)
    if key == "touchpoints":
        return "\n".join(
            format_item(tp.name, [("channel", tp.channel)], tp.id, with_id=True)
            for tp in stage.touchpoints
        )
    if key == "pain_points":
        return "\n".join(
            format_item(
                pain.text,
                [("severity", pain.severity), ("touchpoint", pain.touchpoint)],
                None if pain.id == generated_pain_id(stage.name, number) else pain.id,
                pain.causes,
                with_id=True,
            )
            for number, pain in enumerate(stage.pain_points, start=1)
        )
    if key == "opportunities":
        return "\n".join(
            format_item(
                o.text, [("owner", o.owner), ("status", o.status), ("addresses", o.addresses)]
            )
            for o in stage.opportunities
        )
    return "\n".join(
        format_item(
            kpi.name,
            [
                ("target", kpi.target),
                ("actual", kpi.actual),
                ("unit", kpi.unit),
                ("direction", kpi.direction if kpi.direction != "higher" else None),
                ("metric", kpi.metric),
                ("at_risk_within", kpi.at_risk_within),
                ("as_of", kpi.as_of),
                ("source", kpi.source),
                ("since", kpi.since),
                ("until", kpi.until),
            ],
        )
        for kpi in stage.kpis
    )


# --- grid -> map data -------------------------------------------------------------------------


@dataclass
class _Reader:
    rows: Grid
    stages: tuple[str, ...]
    problems: list[CellProblem]

    def cell(self, row: int, column: int) -> str:
        line = self.rows[row] if row < len(self.rows) else []
        return line[column].strip() if column < len(line) else ""

    def problem(self, row: int, column: int, message: str, line: int | None = None) -> None:
        where = cell_ref(row, column) + (f" (line {line})" if line else "")
        self.problems.append(CellProblem(where, message))


def map_of_grid(
    rows: Sequence[Sequence[str]], *, stages: Sequence[str], fallback_id: str = "imported-map"
) -> tuple[dict[str, Any] | None, list[CellProblem]]:
    """Map data (as an author writes it in YAML) from a grid, and every cell it could not read.

    Returns no map only when the grid has no stage row or no usable stage.
    """
    grid = [[("" if v is None else str(v)) for v in row] for row in rows]
    reader = _Reader(grid, tuple(stages), [])
    stage_row = next(
        (n for n, row in enumerate(grid) if _label(row[0] if row else "") == STAGE_ROW.lower()),
        None,
    )
    if stage_row is None:
        reader.problem(
            0,
            0,
            f"no row with '{STAGE_ROW}' in column A: the grid needs a row that "
            "names the stages, one per column",
        )
        return None, reader.problems
    fields = _map_fields(reader, stage_row)
    columns = _stage_columns(reader, stage_row)
    if not columns:
        reader.problem(stage_row, 1, "no stage the site knows in this row: nothing to import")
        return None, reader.problems
    lanes = _lane_rows(reader, stage_row)
    data = _map_data(reader, fields, fallback_id)
    stages_data = [_stage_data(reader, name, column, lanes) for column, name in columns]
    _resolve_references(reader, stages_data, lanes)
    data["stages"] = [_clean(stage) for stage, _ in stages_data]
    return data, reader.problems


def _label(text: str) -> str:
    key = " ".join(text.strip().rstrip(":").lower().split())
    return _SYNONYMS.get(key, key)


def _map_fields(reader: _Reader, stage_row: int) -> dict[str, tuple[str, int]]:
    labels = {label.lower(): key for label, key in MAP_FIELDS} | {key: key for _, key in MAP_FIELDS}
    found: dict[str, tuple[str, int]] = {}
    for row in range(stage_row):
        label, value = reader.cell(row, 0), reader.cell(row, 1)
        if not label:
            if value:
                reader.problem(row, 1, "a value without a field name in column A")
            continue
        key = labels.get(_label(label))
        if key is None:
            hint = did_you_mean(label, [name for name, _ in MAP_FIELDS])
            reader.problem(row, 0, f"unknown field '{label}'" + (f" ({hint})" if hint else ""))
            continue
        for column in range(2, len(reader.rows[row])):
            if reader.cell(row, column):
                reader.problem(row, column, f"'{label}' takes one value, in column B")
        if value:
            found[key] = (value, row)
    return found


def _stage_columns(reader: _Reader, stage_row: int) -> list[tuple[int, str]]:
    columns: list[tuple[int, str]] = []
    by_lower = {name.lower(): name for name in reader.stages}
    seen: set[str] = set()
    width = max((len(row) for row in reader.rows), default=0)
    for column in range(1, width):
        written = reader.cell(stage_row, column)
        if not written:
            if any(reader.cell(row, column) for row in range(stage_row + 1, len(reader.rows))):
                reader.problem(stage_row, column, "cells under a column without a stage name")
            continue
        name = by_lower.get(written.lower())
        if name is None:
            hint = did_you_mean(written, reader.stages)
            reader.problem(
                stage_row,
                column,
                f"unknown stage '{written}'"
                + (f" ({hint})" if hint else f"; the site's stages: {', '.join(reader.stages)}"),
            )
            continue
        if name in seen:
            reader.problem(stage_row, column, f"stage '{name}' has two columns; keep one")
            continue
        seen.add(name)
        columns.append((column, name))
    return columns


def _lane_rows(reader: _Reader, stage_row: int) -> dict[str, int]:
    known = {label.lower(): key for label, key in LANES} | {key: key for _, key in LANES}
    lanes: dict[str, int] = {}
    for row in range(stage_row + 1, len(reader.rows)):
        label = reader.cell(row, 0)
        if not label:
            if any(reader.cell(row, c) for c in range(1, len(reader.rows[row]))):
                reader.problem(row, 0, "a row of cells without a lane name in column A")
            continue
        key = known.get(_label(label))
        if key is None:
            hint = did_you_mean(label, [name for name, _ in LANES])
            reader.problem(row, 0, f"unknown lane '{label}'" + (f" ({hint})" if hint else ""))
        elif key in lanes:
            reader.problem(row, 0, f"lane '{label}' appears twice; the first row is read")
        else:
            lanes[key] = row
    return lanes


def _map_data(
    reader: _Reader, fields: dict[str, tuple[str, int]], fallback_id: str
) -> dict[str, Any]:
    def value(key: str) -> str:
        return fields.get(key, ("", 0))[0]

    data: dict[str, Any] = {}
    map_id = value("id")
    if map_id and not _IDENTIFIER.match(map_id):
        reader.problem(fields["id"][1], 1, f"'{map_id}' is not an id (letters, digits, . _ -)")
        map_id = slug(map_id)
    data["id"] = map_id or slug(fallback_id)
    data["title"] = value("title") or data["id"]
    persona_id = value("persona")
    details = {
        key.split(" ", 1)[1]: value(key)
        for _, key in MAP_FIELDS
        if key.startswith("persona ") and value(key)
    }
    if persona_id and not _IDENTIFIER.match(persona_id):
        # "Persona: Regular visitor" in a first draft: a name, not the id of a persona.
        details.setdefault("name", persona_id)
        persona_id = slug(persona_id)
    if details:
        name = details.pop("name", "")
        if not name:
            reader.problem(
                fields[next(iter(f"persona {k}" for k in details))][1],
                1,
                "persona details without a 'Persona name'; they are left out",
            )
        else:
            persona: dict[str, Any] = {"id": persona_id or slug(name), "name": name}
            for key in ("role", "goal"):
                if details.get(key):
                    persona[key] = details[key]
            for key in ("challenges", "information_sources"):
                if details.get(key):
                    persona[key] = [line for line in lines_of(details[key]) if line]
            if details.get("quote"):
                persona["quote"] = details["quote"]
            data["persona"] = persona
    elif persona_id:
        data["persona"] = persona_id
    for key in ("objective", "owner"):
        if value(key):
            data[key] = " ".join(value(key).split())
    if value("reviewed"):
        text = (
            value("reviewed")[:10]
            if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", value("reviewed"))
            else value("reviewed")
        )
        try:
            data["reviewed"] = dt.date.fromisoformat(text)
        except ValueError:
            reader.problem(
                fields["reviewed"][1], 1, f"'{value('reviewed')}' is not a date YYYY-MM-DD"
            )
    if value("review_every"):
        if _PERIOD.match(value("review_every")):
            data["review_every"] = " ".join(value("review_every").split())
        else:
            reader.problem(
                fields["review_every"][1],
                1,
                f"'{value('review_every')}' is not a period like '6 months' or '1 year'",
            )
    if value("tags"):
        data["tags"] = [
            t.strip() for line in lines_of(value("tags")) for t in line.split(",") if t.strip()
        ]
    if value("data"):
        if _IDENTIFIER.match(value("data")):
            data["data"] = value("data")
        else:
            reader.problem(fields["data"][1], 1, f"'{value('data')}' is not a data source name")
    return data


def _stage_data(
    reader: _Reader, name: str, column: int, lanes: dict[str, int]
) -> tuple[dict[str, Any], int]:
    stage: dict[str, Any] = {"name": name}

    def cell(key: str) -> tuple[str, int]:
        row = lanes.get(key)
        return (reader.cell(row, column), row) if row is not None else ("", -1)

    goal, _ = cell("goal")
    if goal:
        stage["goal"] = " ".join(goal.split())
    actions, _ = cell("actions")
    stage["actions"] = [line for line in lines_of(actions) if line]
    stage["touchpoints"] = _touchpoints(reader, *cell("touchpoints"), column)
    score_text, score_row = cell("emotion score")
    label, label_row = cell("emotion label")
    thoughts, thoughts_row = cell("thoughts")
    score = _score(reader, score_text, score_row, column) if score_text else None
    if score is not None:
        emotion: dict[str, Any] = {"score": score}
        if label:
            emotion["label"] = " ".join(label.split())
        if lines := [line for line in lines_of(thoughts) if line]:
            emotion["thoughts"] = lines
        stage["emotion"] = emotion
    elif not score_text:
        for text, row in ((label, label_row), (thoughts, thoughts_row)):
            if text:
                reader.problem(
                    row,
                    column,
                    "an emotion label or thoughts need an emotion score "
                    f"in {cell_ref(lanes['emotion score'], column)}"
                    if "emotion score" in lanes
                    else "an emotion label or thoughts need an 'Emotion score' row",
                )
    stage["pain_points"] = _pain_points(reader, *cell("pain_points"), column)
    stage["opportunities"] = _opportunities(reader, *cell("opportunities"), column)
    stage["kpis"] = _kpis(reader, *cell("kpis"), column)
    return stage, column


def _score(reader: _Reader, text: str, row: int, column: int) -> int | None:
    cleaned = text.replace("\u2212", "-").replace(" ", "")
    try:
        number = float(cleaned)
    except ValueError:
        number = float("nan")
    if number != number or not number.is_integer() or not -2 <= number <= 2:
        reader.problem(row, column, f"emotion score '{text}': expected a whole number from -2 to 2")
        return None
    return int(number)


def _touchpoints(reader: _Reader, text: str, row: int, column: int) -> list[dict[str, Any]]:
    items, problems = parse_items(text, keys=TOUCHPOINT_KEYS, with_id=True)
    for problem in problems:
        reader.problem(row, column, problem.message, problem.line)
    touchpoints = []
    for item in items:
        touchpoint: dict[str, Any] = {"id": item.id or "", "name": item.text}
        if item.attributes.get("channel"):
            touchpoint["channel"] = item.attributes["channel"]
        touchpoint["_line"] = item.line
        touchpoints.append(touchpoint)
    return touchpoints


def _pain_points(reader: _Reader, text: str, row: int, column: int) -> list[dict[str, Any]]:
    items, problems = parse_items(text, keys=PAIN_KEYS, with_id=True, with_details=True)
    for problem in problems:
        reader.problem(row, column, problem.message, problem.line)
    pains = []
    for item in items:
        pain: dict[str, Any] = {}
        if item.id:
            pain["id"] = item.id
        pain["text"] = item.text
        if item.details:
            pain["causes"] = list(item.details)
        severity = item.attributes.get("severity")
        if severity is not None:
            number = _number(severity)
            if number is None or not number.is_integer() or not 1 <= number <= 5:
                reader.problem(row, column, f"severity '{severity}': expected 1 to 5", item.line)
            else:
                pain["severity"] = int(number)
        if item.attributes.get("touchpoint"):
            pain["touchpoint"] = item.attributes["touchpoint"]
        pain["_line"] = item.line
        pains.append(pain)
    return pains


def _opportunities(reader: _Reader, text: str, row: int, column: int) -> list[dict[str, Any]]:
    items, problems = parse_items(text, keys=OPPORTUNITY_KEYS)
    for problem in problems:
        reader.problem(row, column, problem.message, problem.line)
    found = []
    for item in items:
        opportunity: dict[str, Any] = {"text": item.text}
        if item.attributes.get("addresses"):
            opportunity["addresses"] = item.attributes["addresses"]
        if item.attributes.get("owner"):
            opportunity["owner"] = item.attributes["owner"]
        status = item.attributes.get("status")
        if status:
            if status.lower() in OPPORTUNITY_STATUSES:
                opportunity["status"] = status.lower()
            else:
                hint = did_you_mean(status, OPPORTUNITY_STATUSES)
                reader.problem(
                    row,
                    column,
                    f"status '{status}': expected one of "
                    f"{', '.join(OPPORTUNITY_STATUSES)}" + (f" ({hint})" if hint else ""),
                    item.line,
                )
        opportunity["_line"] = item.line
        found.append(opportunity)
    return found


def _kpis(reader: _Reader, text: str, row: int, column: int) -> list[dict[str, Any]]:
    items, problems = parse_items(text, keys=KPI_KEYS)
    for problem in problems:
        reader.problem(row, column, problem.message, problem.line)
    kpis = []
    for item in items:
        kpi: dict[str, Any] = {"name": item.text}
        unit = item.attributes.get("unit", "")
        for key in ("target", "actual"):
            if key in item.attributes:
                raw = item.attributes[key]
                number = _number(raw.rstrip("%").strip())
                if number is None:
                    reader.problem(row, column, f"{key} '{raw}': expected a number", item.line)
                    continue
                kpi[key] = int(number) if number.is_integer() and "." not in raw else number
                if raw.endswith("%") and not unit:
                    unit = "%"
        if unit:
            kpi["unit"] = unit
        direction = item.attributes.get("direction")
        if direction:
            if direction.lower() in ("higher", "lower"):
                kpi["direction"] = direction.lower()
            else:
                reader.problem(
                    row, column, f"direction '{direction}': expected higher or lower", item.line
                )
        if item.attributes.get("metric"):
            kpi["metric"] = item.attributes["metric"]
        tolerance = item.attributes.get("at_risk_within")
        if tolerance:
            amount = _number(tolerance)
            # "10%" stays text (a share of the target); a plain amount is a number. The
            # schema explains anything else.
            kpi["at_risk_within"] = tolerance if amount is None else amount
        for key in ("as_of", "source", "since", "until"):
            if item.attributes.get(key):
                kpi[key] = item.attributes[key]
        kpis.append(kpi)
    return kpis


def _number(text: str) -> float | None:
    """A number as people type it: "2.4", "2,4", "-1" (also with a typographic minus)."""
    cleaned = text.strip().replace("\u2212", "-")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _resolve_references(
    reader: _Reader, stages: list[tuple[dict[str, Any], int]], lanes: dict[str, int]
) -> None:
    """Ids for touchpoints written without one; references by name or text turned into ids."""
    used: set[str] = set()
    by_name: dict[str, str] = {}
    for stage, column in stages:
        for touchpoint in stage["touchpoints"]:
            tp_id = touchpoint["id"]
            if tp_id and tp_id in used:
                reader.problem(
                    lanes["touchpoints"],
                    column,
                    f"touchpoint id '{tp_id}' is used twice in this map",
                    touchpoint["_line"],
                )
                tp_id = ""
            if not tp_id:
                base = slug(touchpoint["name"])
                tp_id, number = base, 2
                while tp_id in used:
                    tp_id, number = f"{base}-{number}", number + 1
            touchpoint["id"] = tp_id
            used.add(tp_id)
            by_name.setdefault(touchpoint["name"].lower(), tp_id)
    pain_ids: dict[str, str] = {}
    taken: set[str] = set()
    for stage, column in stages:
        for number, pain in enumerate(stage["pain_points"], start=1):
            pain_id = pain.get("id") or generated_pain_id(stage["name"], number)
            if pain_id in taken:
                reader.problem(
                    lanes["pain_points"],
                    column,
                    f"pain point id '{pain_id}' is used twice in this map",
                    pain["_line"],
                )
                pain.pop("id", None)
            taken.add(pain_id)
            pain_ids.setdefault(pain_id, pain_id)
            pain_ids.setdefault(pain["text"].lower(), pain_id)
            reference = pain.get("touchpoint")
            if reference and reference not in used:
                resolved = by_name.get(reference.lower())
                if resolved is None:
                    hint = did_you_mean(reference, sorted(used))
                    reader.problem(
                        lanes["pain_points"],
                        column,
                        f"touchpoint '{reference}' is not a touchpoint of this map"
                        + (f" ({hint})" if hint else ""),
                        pain["_line"],
                    )
                    pain.pop("touchpoint")
                else:
                    pain["touchpoint"] = resolved
    for stage, column in stages:
        for opportunity in stage["opportunities"]:
            reference = opportunity.get("addresses")
            if reference:
                resolved = pain_ids.get(reference) or pain_ids.get(reference.lower())
                if resolved is None:
                    hint = did_you_mean(reference, sorted(taken))
                    reader.problem(
                        lanes["opportunities"],
                        column,
                        f"pain point '{reference}' is not a pain point of this map"
                        + (f" ({hint})" if hint else ""),
                        opportunity["_line"],
                    )
                    opportunity.pop("addresses")
                else:
                    opportunity["addresses"] = resolved


def _clean(stage: dict[str, Any]) -> dict[str, Any]:
    """The stage without empty lanes and without the line numbers kept for messages."""
    cleaned: dict[str, Any] = {}
    for key, value in stage.items():
        if isinstance(value, list):
            value = [
                {k: v for k, v in item.items() if not k.startswith("_")}
                if isinstance(item, dict)
                else item
                for item in value
            ]
        if value not in ("", [], None, {}):
            cleaned[key] = value
    return cleaned

"""Maps as Mermaid ``journey`` diagrams, and Mermaid journeys as maps.

Export: the map's title; one ``section`` per stage; as tasks, the stage's actions (else its
touchpoints, else its goal or name), each with the stage's emotion score mapped from -2..2 to
Mermaid's 1..5 (score + 3; 3 for a stage without emotion) and the persona's name as actor.

Mermaid's grammar ends a task name at ``:``, and reads ``#`` and ``;`` as a comment and a line
break, so these characters are written as look-alikes (꞉ ＃ ；) and read back as themselves; a
text that starts with a keyword (``section``, ``title``...) gets a zero-width space in front.

Import: sections become stages (matched to the site's stages, ignoring case), tasks become the
stage's actions, the stage's emotion score is the mean of its tasks' scores mapped back
(score - 3, rounded half up), the most frequent actor becomes the persona, and ``accDescr``
becomes the map's objective.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mkdocs_journey.bridge.grid import slug
from mkdocs_journey.model import JourneyMap
from mkdocs_journey.suggest import did_you_mean

_TO_MERMAID = str.maketrans({":": "\ua789", "#": "\uff03", ";": "\uff1b"})
_TITLE = str.maketrans({"#": "\uff03", ";": "\uff1b"})
_FROM_MERMAID = {"\ua789": ":", "\uff03": "#", "\uff1b": ";", "\u200b": ""}
_KEYWORDS = re.compile(r"(journey|title|section|acctitle|accdescr)\b", re.IGNORECASE)
MAX_LINES = 20_000


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class MermaidReading:
    data: dict[str, Any] | None  # the map as an author writes it; None when nothing is usable
    problems: list[LineProblem]  # lines that could not be read
    notes: list[str]  # what was chosen for the reader, e.g. which actor became the persona


def mermaid_score(score: int | None) -> int:
    """-2..2 (the map's scale) to Mermaid's 1..5; a stage without emotion is neutral (3)."""
    return 3 if score is None else max(1, min(5, score + 3))


def map_score(scores: Sequence[int]) -> int:
    """The mean of Mermaid scores (1..5) back on the map's -2..2 scale, rounded half up."""
    mean = sum(scores) / len(scores)
    return max(-2, min(2, math.floor(mean + 0.5) - 3))


def _text(text: str, *, actor: bool = False, title: bool = False) -> str:
    cleaned = " ".join(text.split())
    # A title may hold a colon; a section, task or actor may not.
    cleaned = cleaned.translate(_TITLE if title else _TO_MERMAID)
    if actor:
        cleaned = " ".join(cleaned.replace(",", " ").split())
    # Text that starts with one of Mermaid's keywords (in any case) would be read as that
    # statement: an invisible zero-width space in front keeps it text.
    if not title and _KEYWORDS.match(cleaned):
        cleaned = "\u200b" + cleaned
    return cleaned or "-"


def mermaid_of_map(journey_map: JourneyMap) -> str:
    lines = ["journey", f"    title {_text(journey_map.title, title=True)}"]
    actor = _text(journey_map.persona.name, actor=True) if journey_map.persona else ""
    for stage in journey_map.stages:
        lines.append(f"    section {_text(stage.name)}")
        score = mermaid_score(stage.emotion.score if stage.emotion else None)
        tasks = list(stage.actions) or [tp.name for tp in stage.touchpoints]
        for task in tasks or [stage.goal or stage.name]:
            lines.append(f"      {_text(task)}: {score}" + (f": {actor}" if actor else ""))
    return "\n".join(lines) + "\n"


def _unmermaid(text: str) -> str:
    for look_alike, plain in _FROM_MERMAID.items():
        text = text.replace(look_alike, plain)
    return " ".join(text.split())


def map_of_mermaid(
    text: str, *, stages: Sequence[str], fallback_id: str = "imported-map"
) -> MermaidReading:
    """Map data from a Mermaid ``journey`` diagram, and the lines it could not read."""
    problems: list[LineProblem] = []
    notes: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_LINES:
        return MermaidReading(
            None, [LineProblem(MAX_LINES, f"more than {MAX_LINES} lines; not read")], []
        )
    by_lower = {name.lower(): name for name in stages}
    title, objective = "", ""
    tasks: dict[str, list[tuple[str, int]]] = {}
    actors: Counter[str] = Counter()
    section: str | None = None
    skipping = False  # inside a section that is not one of the site's stages
    started = False
    in_front_matter = False
    description: list[str] | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if number == 1 and line == "---":
            in_front_matter = True
            continue
        if in_front_matter:
            in_front_matter = line != "---"
            continue
        if description is not None:
            if "}" in line:
                description.append(line.split("}", 1)[0])
                objective, description = " ".join(" ".join(description).split()), None
            else:
                description.append(line)
            continue
        line = re.sub(r"%%.*$", "", line).strip()
        if not line:
            continue
        if not started:
            if line.split()[0].lower() != "journey":
                problem = "not a Mermaid journey diagram: the first statement must be 'journey'"
                return MermaidReading(None, [LineProblem(number, problem)], [])
            started = True
            continue
        keyword, _, rest = line.partition(" ")
        rest = rest.strip()
        if keyword == "title":
            title = _unmermaid(rest.split("#", 1)[0])
        elif line.startswith("accTitle"):
            continue
        elif line.startswith("accDescr"):
            after = line[len("accDescr") :].strip()
            if after.startswith("{"):
                description = [after[1:]]
                if "}" in after:
                    objective = " ".join(after[1:].split("}", 1)[0].split())
                    description = None
            else:
                objective = _unmermaid(after.lstrip(":"))
        elif keyword == "section":
            written = _unmermaid(rest.split("#", 1)[0])
            name = by_lower.get(written.lower())
            if name is None:
                hint = did_you_mean(written, stages)
                problems.append(
                    LineProblem(
                        number,
                        f"section '{written}' is not one of the site's stages"
                        + (f" ({hint})" if hint else f" ({', '.join(stages)})")
                        + "; its tasks are left out",
                    )
                )
                section, skipping = None, True
            else:
                section, skipping = name, False
                tasks.setdefault(name, [])
        elif ":" in line:
            if skipping:
                continue
            if section is None:
                problems.append(LineProblem(number, "a task before any section"))
                continue
            name, _, task_data = line.split("#", 1)[0].partition(":")
            score_text, _, people = task_data.partition(":")
            try:
                score = int(score_text.strip())
            except ValueError:
                score = 0
            if not 1 <= score <= 5:
                problems.append(
                    LineProblem(
                        number, f"score '{score_text.strip()}': expected a whole number from 1 to 5"
                    )
                )
                continue
            tasks[section].append((_unmermaid(name), score))
            actors.update(a for a in (_unmermaid(p) for p in people.split(",")) if a)
        else:
            problems.append(
                LineProblem(
                    number,
                    f"cannot read '{line[:60]}': expected "
                    "'title', 'section' or a task 'name: score: actors'",
                )
            )
    if not started:
        return MermaidReading(None, [LineProblem(1, "empty: no 'journey' diagram")], [])
    if not tasks:
        problems.append(LineProblem(len(lines), "no section the site knows: nothing to import"))
        return MermaidReading(None, problems, notes)
    data: dict[str, Any] = {"id": slug(title) if title else slug(fallback_id)}
    data["title"] = title or data["id"]
    if actors:
        (name, _), *others = actors.most_common()
        data["persona"] = {"id": slug(name), "name": name}
        if others:
            left = ", ".join(sorted(actor for actor, _ in others))
            notes.append(
                f"a map has one persona: '{name}', the most frequent actor; also named: {left}"
            )
    if objective:
        data["objective"] = objective
    order = {name: number for number, name in enumerate(stages)}
    data["stages"] = []
    for name in sorted(tasks, key=order.__getitem__):
        stage: dict[str, Any] = {"name": name}
        if tasks[name]:
            stage["actions"] = [task for task, _ in tasks[name]]
            stage["emotion"] = {"score": map_score([score for _, score in tasks[name]])}
        data["stages"].append(stage)
    return MermaidReading(data, problems, notes)

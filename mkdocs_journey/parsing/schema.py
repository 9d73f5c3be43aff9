"""Check map data against the shipped JSON Schema and explain each failure in an author's words.

The schema (``mkdocs_journey/schema/journey.schema.json``) is the one declared format: editors can
use it, and every structural check here comes from it rather than from hand-written code.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from mkdocs_journey.model import Problem
from mkdocs_journey.parsing.yaml_source import Path, PositionIndex
from mkdocs_journey.suggest import did_you_mean

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_TYPE_WORDS = {
    "object": "a mapping (key: value lines)",
    "array": "a list (lines starting with '- ')",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


@cache
def map_schema() -> dict[str, Any]:
    """The JSON Schema of the map format, as shipped in the package."""
    text = resources.files("mkdocs_journey").joinpath("schema/journey.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    # Imported here: a build whose maps all come from the memo never validates one, and
    # jsonschema takes a tenth of the plugin's start.
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(map_schema(), format_checker=FormatChecker())


@cache
def _quick_check() -> Callable[[Any], bool] | None:
    """jsonschema-rs's yes-or-no check of the same schema, or None where it is not installed.

    It takes about 0.04 ms a map where jsonschema's ``iter_errors`` takes about 4 ms, the largest
    part of reading a map; jsonschema, which explains every failure, runs only on a map this
    check rejects. ``tests/parsing/test_schema.py`` holds that no map passes this check that
    jsonschema faults (the other way round, jsonschema decides and only time is lost)."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    validator = jsonschema_rs.validator_for(map_schema(), validate_formats=True)
    check: Callable[[Any], bool] = validator.is_valid
    return check


def _surely_valid(data: Any) -> bool:
    check = _quick_check()
    if check is None:
        return False
    try:
        return check(data)
    except Exception:  # a value it cannot take (a huge integer): the full check decides
        return False


def schema_problems(data: Any, index: PositionIndex) -> list[Problem]:
    """Every way ``data`` (JSON types) breaks the map schema, positioned in the page."""
    if not isinstance(data, dict):
        return [
            Problem(
                f"a journey map must be a mapping with keys such as id, title and stages, "
                f"got {_describe(data)}",
                index.origin,
            )
        ]
    errors = (
        []
        if _surely_valid(data)
        else sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    )
    problems: list[Problem] = []
    for error in errors:
        problems.extend(_explain(error, index))
    return problems + [
        Problem(f"{_name(path)}: expected a finite number, got {_yaml_word(value)}", where)
        for path, value in _non_finite(data, ())
        for where in [index.of_value(path)]
    ]


def _yaml_word(value: float) -> str:
    return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")


def _non_finite(value: Any, path: Path) -> list[tuple[Path, float]]:
    """Where YAML's ``.inf`` or ``.nan`` stands: JSON has no such numbers (and JSON Schema's
    ``number`` lets them through), and no figure on a page or in journeys.json may be one."""
    if isinstance(value, float) and not math.isfinite(value):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _non_finite(item, (*path, key))]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _non_finite(item, (*path, i))]
    return []


def _explain(error: ValidationError, index: PositionIndex) -> list[Problem]:
    path: Path = tuple(error.absolute_path)
    name = _name(path)
    kind = error.validator
    here = index.of_value(path)
    # What the schema says at the failing place; jsonschema also types these as "unset".
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    instance: Any = error.instance
    rule: Any = error.validator_value
    if kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        unknown = [key for key in instance if key not in allowed]
        return [
            Problem(
                f"unknown key '{key}' in {name or 'the map'}",
                index.of_key((*path, key)),
                hint=did_you_mean(key, allowed) or f"expected one of: {', '.join(allowed)}",
            )
            for key in unknown
        ]
    if kind == "required":
        missing = [key for key in rule if key not in instance]
        return [
            Problem(f"{name or 'the map'} is missing the required key '{key}'", here)
            for key in missing
        ]
    if kind == "type":
        expected = _TYPE_WORDS.get(str(rule), str(rule))
        return [Problem(f"{name}: expected {expected}, got {_describe(instance)}", here)]
    if kind in {"minimum", "maximum"}:
        low, high = schema.get("minimum"), schema.get("maximum")
        if high is None:
            return [Problem(f"{name} must be at least {low}, got {instance}", here)]
        return [Problem(f"{name} must be between {low} and {high}, got {instance}", here)]
    if kind == "enum":
        options = [str(option) for option in rule]
        return [
            Problem(
                f"{name}: '{instance}' is not one of: {', '.join(options)}",
                here,
                hint=did_you_mean(str(instance), options),
            )
        ]
    if kind == "pattern":
        value, hint = str(instance), None
        if path and path[-1] == "review_every":
            expected = "a period such as '6 months' (days, weeks, months or years)"
        elif path and path[-1] == "at_risk_within":
            expected = "a share of the target such as '10%', or an amount such as 0.5"
        else:
            expected = "an id of letters, digits, '-', '_' or '.', starting with a letter or digit"
            if value != value.strip():
                hint = (
                    "remove the white space around it; a '|' or '>' block ends with a line "
                    "break, so write the id on the line of its key"
                )
        return [Problem(f"{name}: expected {expected}, got '{_visible(value)}'", here, hint=hint)]
    if kind == "format":
        return [Problem(f"{name}: expected a date as YYYY-MM-DD, got '{instance}'", here)]
    if kind == "minItems":
        return [Problem(f"{name}: needs at least {rule} item", here)]
    if kind == "minLength":
        return [Problem(f"{name}: must not be empty", here)]
    if kind == "maxLength":
        return [Problem(f"{name}: longer than {rule} characters", here)]
    if kind in {"oneOf", "anyOf"}:
        branch = _branch_for_instance(error)
        if branch:
            return [problem for sub in branch for problem in _explain(sub, index)]
        expected = schema.get("description", "another form of value")
        return [Problem(f"{name}: got {_describe(instance)}; expected: {expected}", here)]
    return [Problem(f"{name}: {error.message}", here)]


def _branch_for_instance(error: ValidationError) -> list[ValidationError]:
    """The sub-errors of the alternative whose type matches the value the author wrote."""
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        by_branch.setdefault(int(sub.schema_path[0]), []).append(sub)
    for subs in by_branch.values():
        wrong_type = any(s.validator == "type" and not s.relative_path for s in subs)
        if not wrong_type:
            return subs
    return []


def _name(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _visible(text: str) -> str:
    """``text`` with control characters (a line break, a tab) written as escapes: a message
    stays on one line and shows what is really there."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text '{value}'"
    return repr(value)

"""Strict JSON for everything the package writes: ``journeys.json``, the analysis cache, and
every command's JSON (``analyze``, ``check``, ``diff``, ``export``, ``schema``). Two other places
call ``json.dumps``, on what cannot hold a figure out of range: the map memo (maps as read, with
``allow_nan=False``) and the spreadsheet bridge, which quotes one text value of a cell.

Python's ``json`` writes ``NaN`` and ``Infinity`` by default, which no JSON parser accepts, and
such a figure is wrong on a page too. Figures are kept finite where they are made (rows with
absurd values are rejected, see :mod:`mkdocs_journey.data.quality`); this is the last safety net:
a number that is not finite stops the writing with a message that says where it stands.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any


class NonFiniteNumber(ValueError):
    """A value to be written holds NaN or an infinity."""


def non_finite(value: Any, path: str = "") -> tuple[str, float] | None:
    """(where, number) of the first NaN or infinity in ``value`` (JSON types), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return path or "the value", value
    if isinstance(value, Mapping):
        items: Any = ((f"{path}.{key}" if path else str(key), item) for key, item in value.items())
    elif isinstance(value, list | tuple):
        items = ((f"{path}[{i}]", item) for i, item in enumerate(value))
    else:
        return None
    for where, item in items:
        found = non_finite(item, where)
        if found is not None:
            return found
    return None


def _message(what: str, found: tuple[str, float]) -> str:
    where, number = found
    return (
        f"{what}: {where} is {number}, not a finite number; nothing was written "
        "(this is a bug in mkdocs-journey: please report it with the data that caused it)"
    )


def check_finite(value: Any, what: str) -> None:
    """Raise :class:`NonFiniteNumber` naming ``what`` and the place of the first bad number."""
    found = non_finite(value)
    if found is not None:
        raise NonFiniteNumber(_message(what, found))


def dumps(value: Any, what: str, **options: Any) -> str:
    """``json.dumps`` that refuses NaN and infinities (:class:`NonFiniteNumber`)."""
    try:
        if options == {"indent": 2, "ensure_ascii": False}:
            return indented(value)
        return json.dumps(value, allow_nan=False, **options)
    except ValueError as error:
        found = non_finite(value)
        message = _message(what, found) if found else f"{what}: {error}"
        raise NonFiniteNumber(message) from error


def indented(value: Any, depth: int = 0) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)``, the same text about
    twice as fast: the standard library writes indented JSON with its pure-Python encoder
    (its C encoder only writes JSON on one line), and ``journeys.json`` of a big site is
    megabytes of it. ``depth``: the text of an item that many levels in (every line but the
    first indented by two spaces a level). ``tests/test_finite_json.py`` holds the two to the
    same text."""
    parts: list[str] = []
    _write(value, parts, "\n" + "  " * depth)
    return "".join(parts)


def _write(value: Any, parts: list[str], newline: str) -> None:
    """Append ``value``'s JSON to ``parts``; ``newline`` is a line break and the indent of the
    line ``value`` starts on. The types are tested in the order ``json`` tests them."""
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            parts.append(separator)
            parts.append(encode_basestring(_key(key)))
            parts.append(": ")
            _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "}")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A mapping key as ``json`` writes it: text as is, numbers and constants as their JSON."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")

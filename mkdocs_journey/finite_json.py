"""Strict JSON for everything the package writes: ``journeys.json``, the analysis cache, and
every command's JSON (``analyze``, ``check``, ``diff``, ``export``, ``schema``). Nothing else in
the package calls ``json.dump``.

Python's ``json`` writes ``NaN`` and ``Infinity`` by default, which no JSON parser accepts, and
such a figure is wrong on a page too. Figures are kept finite where they are made (rows with
absurd values are rejected, see :mod:`mkdocs_journey.data.quality`); this is the last safety net:
a number that is not finite stops the writing with a message that says where it stands.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
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
        return json.dumps(value, allow_nan=False, **options)
    except ValueError as error:
        found = non_finite(value)
        message = _message(what, found) if found else f"{what}: {error}"
        raise NonFiniteNumber(message) from error

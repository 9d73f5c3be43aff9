"""The registry of attribution models: every model of :mod:`mkdocs_journey.analytics.models`.

One entry per model (:class:`~mkdocs_journey.analytics.models.AttributionModel`): its name in the
JSON contract, its title and definition for readers, and how it is computed. Everything that
lists the models (the engine's rules, the JSON, the tables and chart of a map page, the docs)
reads them from here, in the entries' order; nothing keeps a list of its own.

Each model hands out exactly one conversion and its value per converted path, so every model's
credits sum to the totals (definitions: shared/reference/attribution.md).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping

from mkdocs_journey.analytics import models
from mkdocs_journey.analytics.models import (
    AttributionModel,
    Breakdown,
    DataDriven,
    ModelInput,
    TimeDecay,
    TouchShare,
)
from mkdocs_journey.data.paths import Credits, PathAggregates


def _collect() -> tuple[AttributionModel, ...]:
    """Every module's ``MODELS``, in the entries' order; names and orders must be unique."""
    found: list[AttributionModel] = []
    for module in pkgutil.iter_modules(models.__path__):
        found += getattr(importlib.import_module(f"{models.__name__}.{module.name}"), "MODELS", ())
    found.sort(key=lambda entry: entry.order)
    for attribute in ("name", "order"):
        values = [getattr(entry, attribute) for entry in found]
        doubles = sorted({value for value in values if values.count(value) > 1})
        if doubles:
            raise RuntimeError(f"attribution models share a {attribute}: {doubles}")
    return tuple(found)


#: Every model, in display order.
REGISTRY: tuple[AttributionModel, ...] = _collect()
#: Model names as they appear in the JSON contract, in display order.
MODELS: tuple[str, ...] = tuple(entry.name for entry in REGISTRY)
BY_NAME: Mapping[str, AttributionModel] = {entry.name: entry for entry in REGISTRY}


def engine_rules() -> dict[str, TouchShare | TimeDecay]:
    """The rules of the models the engine computes, by model name."""
    return {
        entry.name: entry.computed
        for entry in REGISTRY
        if isinstance(entry.computed, TouchShare | TimeDecay)
    }


def attribute(
    paths: PathAggregates, conversions: float, revenue: float, other: str
) -> dict[str, Credits]:
    """Every model's credits from one path table's aggregates, by model name (display order).

    ``other``: the name of the state that stands for the least visited channels (or
    touchpoints) when a data-driven model tells apart fewer than the data has."""
    data = ModelInput(paths, conversions, revenue, other)
    return {
        entry.name: (
            entry.computed.credit(data)
            if isinstance(entry.computed, DataDriven)
            else dict(paths.credits.get(entry.name, {}))
        )
        for entry in REGISTRY
    }


def breakdowns(
    paths: PathAggregates, conversions: float, revenue: float, other: str
) -> dict[str, Breakdown]:
    """The models' credits split further (by model name), for the models that do."""
    data = ModelInput(paths, conversions, revenue, other)
    found: dict[str, Breakdown] = {}
    for entry in REGISTRY:
        if isinstance(entry.computed, DataDriven) and entry.computed.breakdown is not None:
            breakdown = entry.computed.breakdown(data)
            if breakdown is not None:
                found[entry.name] = breakdown
    return found

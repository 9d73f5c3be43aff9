"""The attribution models, one module per family; what a registry entry is.

Every module of this package declares ``MODELS``, a tuple of :class:`AttributionModel`; the
registry (:mod:`mkdocs_journey.analytics.attribution`) collects them, so adding a model is adding
a module here (or an entry to one), plus its tests and its docs. An entry says how a reader sees
the model (name, title, definition) and how it is computed, in one of two ways:

- by the engine, from a rule the engine evaluates over the path table (:class:`TouchShare`,
  :class:`TimeDecay`): the rule-based models;
- in Python, from the engine's summaries of the path table (:class:`DataDriven`): the models
  learnt from the data, such as the Markov chain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs_journey.data.paths import Credits, PathAggregates, TimeDecay, TouchShare

if TYPE_CHECKING:
    from mkdocs_journey.analytics.resampling import ResampledCredits, Resamples

__all__ = [
    "AttributionModel",
    "Breakdown",
    "DataDriven",
    "ModelInput",
    "TimeDecay",
    "TouchShare",
]


@dataclass(frozen=True)
class ModelInput:
    """What a data-driven model reads: the engine's summaries of one path table (channels or
    touchpoints) and the totals its credits add up to."""

    paths: PathAggregates
    conversions: float
    revenue: float
    #: The name of the state that stands for the least visited channels (or touchpoints), when
    #: a model tells apart fewer than the data has.
    other: str


@dataclass(frozen=True)
class Breakdown:
    """A model's credits split further, as a small table a page can show and the JSON carries:
    one row per channel, one number (conversions) per column."""

    caption: str
    columns: tuple[str, ...]
    rows: Mapping[str, tuple[float, ...]]


@dataclass(frozen=True)
class DataDriven:
    """A model computed in Python from the engine's summaries of the path table; with a
    ``breakdown``, also its credits split further (Shapley's by position, say).

    ``resampled``, if given, computes the credits of every bootstrap resample at once, on
    arrays (``None`` where it cannot for this input): it must give what ``credit`` gives for
    each resample's sums (the tests hold it to that). Without it, the bootstrap calls
    ``credit`` once per resample."""

    credit: Callable[[ModelInput], Credits]
    breakdown: Callable[[ModelInput], Breakdown | None] | None = None
    resampled: Callable[[Resamples], ResampledCredits | None] | None = None


@dataclass(frozen=True)
class AttributionModel:
    """One attribution model: how it is named and explained, and how it is computed."""

    name: str  # the key in the JSON contract (journeys.json, `analyze --format json`)
    title: str  # as the tables, the chart and the docs show it
    definition: str  # one paragraph, plain text: the page's "what the models mean" and the docs
    order: int  # the models' order in tables and in the JSON, ascending
    computed: TouchShare | TimeDecay | DataDriven

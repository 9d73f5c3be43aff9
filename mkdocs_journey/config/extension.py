"""The Markdown extension's options and the settings they make.

The extension runs where MkDocs' plugin machinery does not (Zensical, a script), so its options
are checked here, by hand for the simple ones and with the plugin's own schema
(:mod:`mkdocs_journey.config.data`) for the data options. ``mkdocs-journey`` commands reading a
site that configures only the extension use the same function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.config import base

from mkdocs_journey.config.data import (
    Attribution,
    ChannelRules,
    DataSources,
    SourceCategories,
    channel_settings,
)
from mkdocs_journey.config.options import Share
from mkdocs_journey.data.sources import currency_code
from mkdocs_journey.model import DEFAULT_STAGES, LAYOUTS
from mkdocs_journey.settings import Settings, build_date

#: Each option: its default and what it does (Python-Markdown's form of an extension's config).
OPTIONS: Mapping[str, tuple[Any, str]] = {
    "page": ("", "The document's name in problem messages; empty: the host's page."),
    "project_dir": ("", "Folder data paths start from; empty: the host's, or here."),
    "stages": (list(DEFAULT_STAGES), "The stages of the site, in order."),
    "today": ("", "ISO date for stale checks; empty: SOURCE_DATE_EPOCH, else today."),
    "diagrams": (True, "Draw flow diagrams (emotion curves are always drawn)."),
    "diagram_renderer": ("auto", "auto, pygraphviz or dot."),
    "diagram_max_width": (1100, "Widest left-to-right diagram (px) before it turns."),
    "data_sources": ({}, "Data sources, as under the plugin's data_sources option."),
    "channel_rules": ([], "Channel rules, as under the plugin's option."),
    "source_categories": ({}, "Source categories, as under the plugin's option."),
    "max_rejected_share": (0.05, "Share of unusable data rows that is a problem."),
    "attribution": ({}, "Markov order and intervals, as under the plugin's attribution option."),
    "currency": ("", "ISO 4217 code of the revenue (EUR, USD...); empty: none."),
    "strict": (False, "Fail the conversion when a map has a problem."),
    "stylesheet": (True, "Put the maps' stylesheet in the page, before the first map."),
    "layout": ("wide", "wide or normal: the maps' layout, as the plugin's option."),
}

PREFIX = "journey extension"


def extension_settings(options: Mapping[str, Any], host_root: str = "") -> Settings:
    """The settings the extension's ``options`` make (missing ones take their defaults).

    ``host_root``: the folder of the host's site config, where data paths start unless
    ``project_dir`` says otherwise. Raises ValueError naming a bad option."""
    values = {name: default for name, (default, _) in OPTIONS.items()} | dict(options)
    project_dir = str(values["project_dir"] or "") or host_root or "."
    stages = values["stages"]
    if not isinstance(stages, list | tuple) or not all(isinstance(s, str) for s in stages):
        raise ValueError(f"{PREFIX}: 'stages' must be a list of names, got {stages!r}")
    return Settings(
        project_dir=Path(project_dir).resolve(),
        stages=tuple(stages),
        today=_date(values["today"]),
        diagrams=bool(values["diagrams"]),
        diagram_renderer=str(values["diagram_renderer"]),
        data_sources=_validated(
            DataSources(), "data_sources", _of_type(values, "data_sources", dict)
        ),
        channels=channel_settings(
            _validated(ChannelRules(), "channel_rules", _of_type(values, "channel_rules", list)),
            _validated(
                SourceCategories(),
                "source_categories",
                _of_type(values, "source_categories", dict),
            ),
        ),
        max_rejected_share=_validated(
            Share(0.05),
            "max_rejected_share",
            _of_type(values, "max_rejected_share", int | float),
        ),
        attribution=_validated(
            Attribution(), "attribution", _of_type(values, "attribution", dict)
        ).settings(),
        diagram_max_width=int(_of_type(values, "diagram_max_width", int)),
        currency=_currency(values["currency"]),
        layout=_layout(values["layout"]),
    )


def _validated(option: base.BaseConfigOption[Any], name: str, value: object) -> Any:
    """``value`` checked by the plugin's option of the same name."""
    try:
        return option.run_validation(value)
    except base.ValidationError as error:
        raise ValueError(f"{PREFIX}: {name!r}: {error}") from None


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not value:
        return build_date()  # SOURCE_DATE_EPOCH when set, for reproducible builds
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{PREFIX}: 'today' must be a date as YYYY-MM-DD, got {value!r}") from None


def _layout(value: object) -> str:
    if value in LAYOUTS:
        return str(value)
    choices = " or ".join(repr(layout) for layout in LAYOUTS)
    raise ValueError(f"{PREFIX}: 'layout' must be {choices}, got {value!r}")


def _currency(value: object) -> str:
    try:
        return currency_code(value)
    except ValueError as error:
        raise ValueError(f"{PREFIX}: 'currency': {error}") from None


def _of_type(values: Mapping[str, Any], name: str, kind: Any) -> Any:
    value = values[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"{PREFIX}: {name!r} has the wrong type: {value!r}")
    return value

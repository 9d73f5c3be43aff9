"""Site settings as the core sees them: validated plain values, no MkDocs types."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_journey.data.channels import ChannelSettings
from mkdocs_journey.data.paths import AttributionSettings
from mkdocs_journey.data.sources import DataSource
from mkdocs_journey.model import DEFAULT_STAGES


def build_date(environ: Mapping[str, str] | None = None) -> dt.date:
    """The date of "today" for a build that configures none: ``SOURCE_DATE_EPOCH`` as a UTC date
    (https://reproducible-builds.org/specs/source-date-epoch/), else the local date.

    Raises ``ValueError`` with a sentence for the author when the variable is not a whole number
    of seconds.
    """
    text = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return dt.date.today()
    try:
        seconds = int(text)
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError) as error:
        raise ValueError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, "
            f"got {text!r}"
        ) from error


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    stages: tuple[str, ...] = DEFAULT_STAGES
    pages_dir: str = "journeys"
    json_export: str = "journeys.json"
    today: dt.date = field(default_factory=build_date)
    diagrams: bool = True
    diagram_renderer: str = "auto"
    diagram_timeout: float = 10.0
    diagram_max_width: int = 1100  # px; an ``auto`` diagram wider than this turns top to bottom
    cache_dir: str = ".cache/journey"
    #: Keep read and rendered maps between builds (:mod:`mkdocs_journey.memo`).
    map_cache: bool = True
    #: the declared sources by name, their paths as written (see data.sources.locate)
    data_sources: Mapping[str, DataSource] = field(default_factory=dict)
    channels: ChannelSettings = field(default_factory=ChannelSettings)
    max_rejected_share: float = 0.05
    attribution: AttributionSettings = field(default_factory=AttributionSettings)
    layout: str = "wide"  # of pages holding a map, unless the map says otherwise
    currency: str = ""  # ISO 4217 code (EUR, USD...) of the revenue in the data; "" for none
    docs_dir: Path | None = None  # default: <project_dir>/docs
    #: A git ref, or "previous mike version": what the "Changed since" blocks compare with.
    compare_to: str | None = None
    mike_branch: str = "gh-pages"
    mike_deploy_prefix: str = ""
    #: The fewest leads a moment of truth from data rests on (see analytics/moments.py).
    moment_min_leads: int = 30

    @property
    def docs_path(self) -> Path:
        return self.docs_dir if self.docs_dir is not None else self.project_dir / "docs"

    @property
    def cache_path(self) -> Path:
        return (self.project_dir / self.cache_dir).resolve()

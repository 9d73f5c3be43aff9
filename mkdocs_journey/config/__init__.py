"""The plugin's typed configuration (``plugins: - journey: ...`` in mkdocs.yml).

The data options are nested typed options (:mod:`.data`), validated when MkDocs loads the
config: a mistake stops the build with every problem named, as for MkDocs' own options.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ConfigErrors, ConfigWarnings

from mkdocs_journey.config.data import (
    Attribution,
    ChannelRules,
    DataSources,
    SourceCategories,
    channel_settings,
)
from mkdocs_journey.config.options import Share, Whole
from mkdocs_journey.data.sources import currency_code
from mkdocs_journey.model import DEFAULT_STAGES, LAYOUTS
from mkdocs_journey.settings import Settings, build_date


class _Date(base.BaseConfigOption[dt.date | None]):
    """A YYYY-MM-DD date, written plain (YAML makes it a date) or quoted."""

    def run_validation(self, value: object) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as error:
            raise base.ValidationError(f"expected a date as YYYY-MM-DD, got {value!r}") from error


class _Currency(base.BaseConfigOption[str]):
    """An ISO 4217 currency code: three letters, written in any case, kept in capitals."""

    def run_validation(self, value: object) -> str:
        try:
            return currency_code(value)
        except ValueError as error:
            raise base.ValidationError(str(error)) from error


class _Today(_Date):
    """The date of "today" for stale checks and ``generated``: the option, else
    ``SOURCE_DATE_EPOCH`` (so two builds of one commit are byte-identical), else the build's day."""

    def run_validation(self, value: object) -> dt.date | None:
        if value is not None:
            return super().run_validation(value)
        try:
            return build_date()
        except ValueError as error:
            raise base.ValidationError(str(error)) from error


class _MikeOptions(base.Config):
    """Where mike publishes the site's versions (as given to ``mike deploy``)."""

    branch = c.Type(str, default="gh-pages")
    deploy_prefix = c.Type(str, default="")


class _MomentOptions(base.Config):
    """Moments of truth found in the data."""

    # The fewest leads a figure from data rests on before a moment (bottleneck, accelerator,
    # feelings vs behaviour...) is claimed from it.
    min_leads = Whole("min_leads", default=30, low=1, high=1_000_000_000)


class JourneyConfig(base.Config):
    enabled = c.Type(bool, default=True)
    # The stages (columns) every map of the site may use, in order.
    stages = c.ListOfItems(c.Type(str), default=list(DEFAULT_STAGES))
    # Generated pages: index of maps, one page per persona, the pain-point register.
    pages_dir = c.Type(str, default="journeys")
    json_export = c.Type(str, default="journeys.json")
    # A page holding a map takes the whole window ("wide") or the theme's column ("normal");
    # a map's own `layout` key wins.
    layout = c.Choice(LAYOUTS, default="wide")
    # Fixes "today" for the stale check and `generated` (default: SOURCE_DATE_EPOCH, else the
    # day of the build).
    today = _Today()

    # Flow diagrams (Graphviz) and their cache.
    diagrams = c.Type(bool, default=True)
    diagram_renderer = c.Choice(("auto", "pygraphviz", "dot"), default="auto")
    diagram_timeout = c.Type((int, float), default=10)
    # The widest (px) a left-to-right diagram may be before it turns top to bottom.
    diagram_max_width = c.Type(int, default=1100)
    cache_dir = c.Type(str, default=".cache/journey")
    # Keep maps as read and rendered between builds, in memory and under cache_dir/maps.
    map_cache = c.Type(bool, default=True)
    # Keep the plugin's templates compiled, in Jinja's private folder for the user (not cache_dir).
    template_cache = c.Type(bool, default=True)

    # Living maps: a git ref (or "previous mike version") each map is compared with, and where
    # mike keeps the published versions whose KPI values the maps follow.
    compare_to = c.Optional(c.Type(str))
    mike = c.SubConfig(_MikeOptions)

    # Attribution data: named sources, channel rules and the data-quality threshold.
    data_sources = DataSources()
    channel_rules = ChannelRules()
    source_categories = SourceCategories()
    # The share of unusable rows above which a source is a problem (a strict build fails).
    max_rejected_share = Share(0.05)
    # The Markov chain's order and the resampling behind the credits' intervals.
    attribution = Attribution()
    # The currency of revenue (an ISO 4217 code such as EUR), for every data source that does
    # not name its own.
    currency = _Currency()
    moments = c.SubConfig(_MomentOptions)

    def _validate(self) -> tuple[ConfigErrors, ConfigWarnings]:
        """Every option's problem, where MkDocs stops at the first failing option: an author
        sees all of them in one build."""
        failed: ConfigErrors = []
        warnings: ConfigWarnings = []
        for key, option in self._schema:
            try:
                self[key] = option.validate(self.get(key))
                warnings.extend((key, warning) for warning in option.warnings)
                option.reset_warnings()
            except base.ValidationError as error:
                failed.append((key, error))
        for key in sorted(set(self.keys()) - self._schema_keys):
            warnings.append((key, f"Unrecognised configuration name: {key}"))
        return failed, warnings

    def to_settings(self, project_dir: Path, docs_dir: Path | None = None) -> Settings:
        """The options as the core sees them (plain values, no MkDocs types)."""
        return Settings(
            project_dir=project_dir,
            stages=tuple(self.stages),
            pages_dir=self.pages_dir,
            json_export=self.json_export,
            today=self.today or build_date(),
            diagrams=self.diagrams,
            diagram_renderer=self.diagram_renderer,
            diagram_timeout=float(self.diagram_timeout),
            diagram_max_width=int(self.diagram_max_width),
            cache_dir=self.cache_dir,
            map_cache=self.map_cache,
            data_sources=dict(self.data_sources),
            channels=channel_settings(list(self.channel_rules), self.source_categories),
            max_rejected_share=self.max_rejected_share,
            attribution=self.attribution.settings(),
            layout=self.layout,
            currency=self.currency or "",
            docs_dir=docs_dir,
            compare_to=self.compare_to,
            mike_branch=self.mike.branch,
            mike_deploy_prefix=self.mike.deploy_prefix,
            moment_min_leads=self.moments.min_leads,
        )

"""The data options' schema: ``data_sources``, ``channel_rules`` and ``source_categories``.

One schema serves every host: the plugin declares these options with it (MkDocs validates them
when it loads mkdocs.yml), the Markdown extension validates its options of the same names with
it, and :func:`load_data_sources` / :func:`load_channel_settings` read a plain mapping with it
(the tests, a script). Every problem is a sentence that names the source or rule and the key::

    plugins:
      - journey:
          data_sources:
            crm:
              path: data/crm-export.csv      # relative to the folder of mkdocs.yml
              format: csv                    # csv or parquet; default: from the file extension
              columns:                       # event field: column name in the file
                lead_id: Lead ID
                timestamp: Created At
                source: utm_source
              timestamp_format: "%d/%m/%Y %H:%M"   # strftime codes; default: ISO-8601
              timezone: Europe/Berlin        # for timestamps without an offset; default UTC
              encoding: latin-1              # utf-8 (default) or latin-1
              delimiter: ";"                 # CSV field separator; default ","
              currency: EUR                  # of the revenue column; default: the site's
              conversion:                    # default: the `converted` column is 1/true/yes/y
                event: purchase              # the `event` column equals this value, or
                # column: Deal Stage         # any column (file name or event field) ...
                # value: Closed Won          # ... equals this value
          channel_rules:                     # tried before the GA4 rules, in order
            - channel: Partners
              source: partner\\.example\\.com  # regular expressions, matched against the whole
              medium: referral               # value; every field given must match
          source_categories:                 # added to (and overriding) Google's source list
            search.example.org: SEARCH

Whether a source's file exists (and stays inside the project) is not the schema's to say: the
file may appear before the next build; :func:`mkdocs_journey.data.sources.locate` says it when
the data is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from mkdocs.config import base

from mkdocs_journey.config.options import (
    DictOf,
    ListOf,
    Nested,
    Pattern,
    Scalar,
    Schema,
    Text,
    TimeZone,
    Whole,
    Words,
)
from mkdocs_journey.data.channels import CATEGORIES, ChannelRule, ChannelSettings
from mkdocs_journey.data.paths import AttributionSettings
from mkdocs_journey.data.sources import (
    ENCODINGS,
    EVENT_FIELDS,
    FORMATS,
    ConversionRule,
    DataSource,
    currency_code,
    locate,
)
from mkdocs_journey.suggest import suggestion

# --- data sources -------------------------------------------------------------------------------

_COLUMN = "columns.{field} must be a column name"


def _column(field: str) -> Text:
    return Text(invalid=_COLUMN.replace("{field}", field))


class ColumnsConfig(Schema):
    """Which column of the file holds each event field (only those whose name differs)."""

    unknown_key: ClassVar[str] = (
        "unknown event field {key!r} under 'columns'{hint}; event fields: {known}"
    )

    lead_id = _column("lead_id")
    timestamp = _column("timestamp")
    source = _column("source")
    medium = _column("medium")
    campaign = _column("campaign")
    touchpoint = _column("touchpoint")
    stage = _column("stage")
    event = _column("event")
    converted = _column("converted")
    revenue = _column("revenue")

    def mapping(self) -> dict[str, str]:
        return {field: self[field] for field in EVENT_FIELDS if self[field] is not None}


class ConversionConfig(Schema):
    """Which touches are conversions: an ``event`` value, or a ``column`` and its ``value``."""

    unknown_key: ClassVar[str] = "unknown key {key!r} under 'conversion'{hint}"

    event = Scalar()
    column = Scalar()
    value = Scalar()

    def check(self) -> list[str]:
        if self.event is not None and self.column is not None:
            return ["conversion takes 'event' or 'column', not both"]
        if self.column is not None and self.value is None:
            return ["conversion.column needs a 'value'"]
        if self.event is None and self.column is None:
            return ["conversion needs 'event', or 'column' and 'value'"]
        return []

    def rule(self) -> ConversionRule:
        return ConversionRule(event=self.event, column=self.column, value=self.value)


class _TimestampFormat(Text):
    def run_validation(self, value: object) -> str | None:
        if value is not None and (not isinstance(value, str) or "%" not in value):
            raise base.ValidationError(
                f"timestamp_format {value!r} must use strftime codes, e.g. '%d/%m/%Y %H:%M'"
            )
        return super().run_validation(value)


class _Delimiter(Text):
    def run_validation(self, value: object) -> str | None:
        if value is None:
            return ","
        if not isinstance(value, str) or len(value) != 1:
            raise base.ValidationError(f"delimiter must be a single character, got {value!r}")
        return value


class _Currency(Text):
    def run_validation(self, value: object) -> str | None:
        try:
            return currency_code(value)
        except ValueError as error:
            raise base.ValidationError(f"currency: {error}") from None


class DataSourceConfig(Schema):
    """One events file and how to read it. Options are checked in this order."""

    path = Text(required="'path' is required (a file path relative to mkdocs.yml)", strip=True)
    format = Words(
        FORMATS, default=None, invalid="format {value!r} is not supported{hint}; use csv or parquet"
    )
    columns = Nested(
        ColumnsConfig, not_a_mapping="'columns' must map event fields to column names", empty={}
    )
    timestamp_format = _TimestampFormat()
    timezone = TimeZone()
    conversion = Nested(
        ConversionConfig,
        not_a_mapping="'conversion' must be a mapping (event, or column + value)",
        shorthand=lambda event: {"event": event},
    )
    delimiter = _Delimiter()
    encoding = Words(
        ENCODINGS,
        default="utf-8",
        normalise=lambda text: text.strip().lower(),
        invalid="encoding must be one of utf-8, latin-1, got {word!r}{hint}",
    )
    currency = _Currency()

    def source(self, name: str) -> DataSource:
        """The source as the engine reads it; its path still as written (see ``locate``)."""
        path = str(self.path)
        default = "parquet" if path.lower().endswith((".parquet", ".pq")) else "csv"
        return DataSource(
            name=name,
            path=Path(path),
            format=self.format or default,
            columns=self.columns.mapping(),
            timestamp_format=self.timestamp_format,
            timezone=self.timezone,
            conversion=ConversionRule() if self.conversion is None else self.conversion.rule(),
            delimiter=self.delimiter or ",",
            encoding=self.encoding,
            label=path,
            currency=self.currency or "",
        )


def validate_source(name: str, raw: object) -> tuple[DataSource | None, list[str]]:
    """One entry of ``data_sources`` (a mapping, or its path alone): the source, or None, and
    every problem, each naming the source."""
    where = f"data source {name!r}"
    if isinstance(raw, str):
        raw = {"path": raw}
    if not isinstance(raw, Mapping):
        return None, [f"{where}: expected a mapping with at least 'path', got {raw!r}"]
    config, problems = DataSourceConfig.read(raw)
    if config is None:
        return None, [f"{where}: {problem}" for problem in problems]
    return config.source(name), []


class DataSources(DictOf[DataSource]):
    """The plugin's ``data_sources``: source names to sources."""

    def __init__(self) -> None:
        super().__init__(
            validate_source,
            not_a_mapping="'data_sources' must map source names to sources, got {type}",
        )


def load_data_sources(raw: object, project_dir: Path) -> tuple[dict[str, DataSource], list[str]]:
    """A ``data_sources`` mapping as written: the usable sources (their files found inside
    ``project_dir``) and every problem, source by source (sentences naming source and key)."""
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, [f"'data_sources' must map source names to sources, got {type(raw).__name__}"]
    sources: dict[str, DataSource] = {}
    problems: list[str] = []
    for name, raw_source in raw.items():
        source, found = validate_source(str(name), raw_source)
        if source is not None:
            located, problem = locate(source, project_dir)
            found += [] if problem is None else [problem]
            if located is not None:
                sources[located.name] = located
        problems += found
    return sources, problems


# --- channels -----------------------------------------------------------------------------------


class ChannelRuleConfig(Schema):
    """A site's channel rule: each given field's pattern must match the whole lower-cased value."""

    channel = Text(required="'channel' (the channel's name) is required", strip=True)
    source = Pattern("source")
    medium = Pattern("medium")
    campaign = Pattern("campaign")

    def check(self) -> list[str]:
        if not any((self.source, self.medium, self.campaign)):
            return ["give at least one of source, medium, campaign"]
        return []

    def rule(self) -> ChannelRule:
        return ChannelRule(str(self.channel), self.source, self.medium, self.campaign)


def validate_rule(number: int, raw: object) -> tuple[ChannelRule | None, list[str]]:
    where = f"channel_rules[{number}]"
    if not isinstance(raw, Mapping):
        return None, [f"{where}: expected a mapping with 'channel' and source/medium/campaign"]
    config, problems = ChannelRuleConfig.read(raw)
    return (None if config is None else config.rule()), [f"{where}: {p}" for p in problems]


def validate_category(source: str, raw: object) -> tuple[str | None, list[str]]:
    category = str(raw).strip().upper().removeprefix("SOURCE_CATEGORY_")
    if category not in CATEGORIES:
        return None, [
            f"source_categories.{source}: unknown category {raw!r}"
            f"{suggestion(category, CATEGORIES)}; use one of {', '.join(CATEGORIES)}"
        ]
    return category, []


class ChannelRules(ListOf[ChannelRule]):
    """The plugin's ``channel_rules``: tried in order, before GA4's."""

    def __init__(self) -> None:
        super().__init__(
            validate_rule, not_a_list="'channel_rules' must be a list of rules, got {type}"
        )


class SourceCategories(DictOf[str]):
    """The plugin's ``source_categories``: source (any case) to SEARCH, SOCIAL, VIDEO, SHOPPING."""

    def __init__(self) -> None:
        super().__init__(
            validate_category,
            not_a_mapping="source_categories: expected a mapping of source to category",
        )


def channel_settings(rules: list[ChannelRule], categories: Mapping[str, str]) -> ChannelSettings:
    return ChannelSettings(
        rules=tuple(rules),
        source_categories={source.strip().lower(): c for source, c in categories.items()},
    )


def load_channel_settings(
    rules: object = None, categories: object = None
) -> tuple[ChannelSettings, list[str]]:
    """``channel_rules`` and ``source_categories`` as written: the valid rules and categories,
    and every problem (sentences naming the rule or the source)."""
    valid_rules: list[ChannelRule] = []
    valid_categories: dict[str, str] = {}
    problems: list[str] = []
    if rules is not None and not isinstance(rules, list | tuple):
        problems.append(f"'channel_rules' must be a list of rules, got {type(rules).__name__}")
        rules = []
    for number, raw in enumerate(rules or [], start=1):
        rule, found = validate_rule(number, raw)
        problems += found
        if rule is not None:
            valid_rules.append(rule)
    if categories is not None and not isinstance(categories, Mapping):
        problems.append("source_categories: expected a mapping of source to category")
        categories = {}
    for source, raw in (categories or {}).items():
        category, found = validate_category(str(source), raw)
        problems += found
        if category is not None:
            valid_categories[str(source)] = category
    return channel_settings(valid_rules, valid_categories), problems


# --- attribution ----------------------------------------------------------------------------------


class AttributionConfig(Schema):
    """How the data-driven models and the credits' intervals are computed."""

    markov_order = Whole("markov_order", default=1, low=1, high=4)
    resamples = Whole("resamples", default=200, low=0, high=10_000)
    seed = Whole("seed", default=2018, low=0, high=2**32 - 1)

    def settings(self) -> AttributionSettings:
        return AttributionSettings(
            markov_order=self.markov_order, resamples=self.resamples, seed=self.seed
        )


class Attribution(Nested[AttributionConfig]):
    """The plugin's ``attribution``: the Markov order and the intervals' resampling."""

    def __init__(self) -> None:
        super().__init__(
            AttributionConfig,
            not_a_mapping="'attribution' must be a mapping (markov_order, resamples, seed)",
            empty={},
        )

"""Channel grouping: Google Analytics 4's default channel group, plus a site's own rules.

The rules are compiled into **one SQL ``CASE`` expression** that the engine evaluates once per
distinct (source, medium, campaign) combination, so no row is grouped by Python code. The order of
the ``WHEN`` branches is the order of GA4's table (first match wins); a site's ``channel_rules``
come before them. Matching ignores case and surrounding whitespace; an empty source or medium is
``(not set)``.

Site options (under the plugin in ``mkdocs.yml``)::

    channel_rules:                # tried before the GA4 rules, in order
      - channel: Partners
        source: partner\\.example\\.com   # regular expressions, matched against the whole value
        medium: referral                # every field given must match
    source_categories:            # added to (and overriding) Google's source list
      search.example.org: SEARCH

Source categories ship as package data (``ga4_source_categories.csv``, Google's list).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from mkdocs_journey.suggest import suggestion

DIRECT = "Direct"
UNASSIGNED = "Unassigned"
NOT_SET = "(not set)"
CATEGORIES: tuple[str, ...] = ("SEARCH", "SOCIAL", "VIDEO", "SHOPPING")

#: Every channel of the GA4 default channel group, in rule order, then ``Unassigned``.
GA4_CHANNELS: tuple[str, ...] = (
    "Direct",
    "Cross-network",
    "Paid Shopping",
    "Paid Search",
    "Paid Social",
    "Paid Video",
    "Display",
    "Paid Other",
    "Organic Shopping",
    "Organic Social",
    "Organic Video",
    "Organic Search",
    "Referral",
    "Email",
    "Affiliates",
    "Audio",
    "SMS",
    "Mobile Push Notifications",
    "Unassigned",
)

PAID_MEDIUM = r"^(.*cp.*|ppc|retargeting|paid.*)$"
SHOPPING_CAMPAIGN = r"^(.*(([^a-df-z]|^)shop|shopping).*)$"
RULE_KEYS: tuple[str, ...] = ("channel", "source", "medium", "campaign")


@dataclass(frozen=True)
class ChannelRule:
    """A site rule: each given field's regular expression must match the whole lower-cased value."""

    channel: str
    source: str | None = None
    medium: str | None = None
    campaign: str | None = None


@dataclass(frozen=True)
class ChannelSettings:
    """A site's extra channel rules (tried first) and extra source categories."""

    rules: tuple[ChannelRule, ...] = ()
    source_categories: Mapping[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        categories = ",".join(f"{k}={v}" for k, v in sorted(self.source_categories.items()))
        return f"{self.rules!r}|{categories}"


def _quote(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(_quote(v) for v in values)})"


@cache
def default_source_categories() -> Mapping[str, str]:
    """Google's source -> category list (lower-cased source), from the packaged CSV."""
    text = (
        resources.files("mkdocs_journey.data")
        .joinpath("ga4_source_categories.csv")
        .read_text(encoding="utf-8")
    )
    result: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        category = row["source_category"].strip().upper().removeprefix("SOURCE_CATEGORY_")
        result[row["source"].strip().lower()] = category
    return result


def source_categories(settings: ChannelSettings) -> dict[str, str]:
    """Google's categories with the site's additions applied (site wins)."""
    merged = dict(default_source_categories())
    merged.update({k.strip().lower(): v for k, v in settings.source_categories.items()})
    return merged


def channel_case_sql(
    settings: ChannelSettings,
    source: str = "s",
    medium: str = "m",
    campaign: str = "c",
    category: str = "cat",
) -> str:
    """The whole channel grouping as one SQL ``CASE`` expression (DuckDB dialect).

    The expression reads normalised columns: ``source``/``medium`` lower-cased, trimmed, empty as
    ``(not set)``; ``campaign`` lower-cased and trimmed; ``category`` the source's category or NULL.
    """
    s, m, c, cat = source, medium, campaign, category
    paid = f"regexp_full_match({m}, {_quote(PAID_MEDIUM)})"
    shopping_campaign = f"regexp_full_match({c}, {_quote(SHOPPING_CAMPAIGN)})"
    branches: list[tuple[str, str]] = []
    for rule in settings.rules:
        conditions = [
            f"regexp_full_match({column}, {_quote('(?i)' + pattern)})"
            for column, pattern in ((s, rule.source), (m, rule.medium), (c, rule.campaign))
            if pattern is not None
        ]
        branches.append((" AND ".join(conditions) or "TRUE", rule.channel))
    branches += [
        (f"{s} = '(direct)' AND {_in(m, ('(not set)', '(none)'))}", "Direct"),
        (f"contains({c}, 'cross-network')", "Cross-network"),
        (f"({cat} = 'SHOPPING' OR {shopping_campaign}) AND {paid}", "Paid Shopping"),
        (f"{cat} = 'SEARCH' AND {paid}", "Paid Search"),
        (f"{cat} = 'SOCIAL' AND {paid}", "Paid Social"),
        (f"{cat} = 'VIDEO' AND {paid}", "Paid Video"),
        (_in(m, ("display", "banner", "expandable", "interstitial", "cpm")), "Display"),
        (paid, "Paid Other"),
        (f"{cat} = 'SHOPPING' OR {shopping_campaign}", "Organic Shopping"),
        (
            f"{cat} = 'SOCIAL' OR "
            + _in(
                m,
                (
                    "social",
                    "social-network",
                    "social-media",
                    "sm",
                    "social network",
                    "social media",
                ),
            ),
            "Organic Social",
        ),
        (f"{cat} = 'VIDEO' OR contains({m}, 'video')", "Organic Video"),
        (f"{cat} = 'SEARCH' OR {m} = 'organic'", "Organic Search"),
        (_in(m, ("referral", "app", "link")), "Referral"),
        (
            f"{_in(s, ('email', 'e-mail', 'e_mail', 'e mail'))} OR "
            f"{_in(m, ('email', 'e-mail', 'e_mail', 'e mail'))}",
            "Email",
        ),
        (f"{m} = 'affiliate'", "Affiliates"),
        (f"{m} = 'audio'", "Audio"),
        (f"{s} = 'sms' OR {m} = 'sms'", "SMS"),
        (
            f"suffix({m}, 'push') OR contains({m}, 'mobile') OR contains({m}, 'notification') "
            f"OR {s} = 'firebase'",
            "Mobile Push Notifications",
        ),
    ]
    whens = "\n".join(f"  WHEN {cond} THEN {_quote(name)}" for cond, name in branches)
    return f"CASE\n{whens}\n  ELSE {_quote(UNASSIGNED)}\nEND"


def load_channel_settings(
    rules: Any = None, categories: Any = None
) -> tuple[ChannelSettings, list[str]]:
    """Validate the ``channel_rules`` and ``source_categories`` options as a user writes them."""
    problems: list[str] = []
    parsed_rules: list[ChannelRule] = []
    for index, raw in enumerate(rules or [], start=1):
        where = f"channel_rules[{index}]"
        if not isinstance(raw, Mapping):
            problems.append(
                f"{where}: expected a mapping with 'channel' and source/medium/campaign"
            )
            continue
        for key in raw:
            if key not in RULE_KEYS:
                problems.append(
                    f"{where}: unknown key {key!r}{suggestion(str(key), RULE_KEYS)}; "
                    f"known keys: {', '.join(RULE_KEYS)}"
                )
        channel = raw.get("channel")
        if not isinstance(channel, str) or not channel.strip():
            problems.append(f"{where}: 'channel' (the channel's name) is required")
            continue
        patterns: dict[str, str | None] = {}
        for key in ("source", "medium", "campaign"):
            value = raw.get(key)
            if value is not None:
                try:
                    re.compile(str(value))
                except re.error as error:
                    problems.append(
                        f"{where}: {key} {value!r} is not a regular expression: {error}"
                    )
                value = str(value)
            patterns[key] = value
        if not any(patterns.values()):
            problems.append(f"{where}: give at least one of source, medium, campaign")
            continue
        parsed_rules.append(ChannelRule(channel=channel.strip(), **patterns))
    parsed_categories: dict[str, str] = {}
    if categories is not None and not isinstance(categories, Mapping):
        problems.append("source_categories: expected a mapping of source to category")
        categories = {}
    for source, raw_category in (categories or {}).items():
        category = str(raw_category).strip().upper().removeprefix("SOURCE_CATEGORY_")
        if category not in CATEGORIES:
            problems.append(
                f"source_categories.{source}: unknown category {raw_category!r}"
                f"{suggestion(category, CATEGORIES)}; use one of {', '.join(CATEGORIES)}"
            )
            continue
        parsed_categories[str(source).strip().lower()] = category
    return ChannelSettings(rules=tuple(parsed_rules), source_categories=parsed_categories), problems

"""Channel grouping: Google Analytics 4's default channel group, plus a site's own rules.

The rules are compiled into **one SQL ``CASE`` expression** that the engine evaluates once per
distinct (source, medium, campaign) combination, so no row is grouped by Python code. The order of
the ``WHEN`` branches is the order of GA4's table (first match wins); a site's ``channel_rules``
come before them. Matching ignores case and surrounding whitespace; an empty source or medium is
``(not set)``.

A site's ``channel_rules`` and ``source_categories`` options (validated by
:mod:`mkdocs_journey.config.data`) become :class:`ChannelSettings`. Source categories ship as
package data (``ga4_source_categories.csv``, Google's list).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

DIRECT = "Direct"
UNASSIGNED = "Unassigned"
CATEGORIES: tuple[str, ...] = ("SEARCH", "SOCIAL", "VIDEO", "SHOPPING")

PAID_MEDIUM = r"^(.*cp.*|ppc|retargeting|paid.*)$"
SHOPPING_CAMPAIGN = r"^(.*(([^a-df-z]|^)shop|shopping).*)$"


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
    branches = _branches(settings, source, medium, campaign, category)
    whens = "\n".join(f"  WHEN {cond} THEN {_quote(name)}" for cond, name in branches)
    return f"CASE\n{whens}\n  ELSE {_quote(UNASSIGNED)}\nEND"


def channel_names(settings: ChannelSettings) -> tuple[str, ...]:
    """Every channel a touch can be grouped into, in the order the grouping tries them: the
    site's own rules', GA4's, then Unassigned (what a KPI's ``channel_share:`` may name)."""
    names = [name for _, name in _branches(settings, "s", "m", "c", "cat")]
    return tuple(dict.fromkeys([*names, UNASSIGNED]))


def _branches(
    settings: ChannelSettings, source: str, medium: str, campaign: str, category: str
) -> list[tuple[str, str]]:
    """The grouping's (condition, channel) pairs, the site's rules first."""
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
    return branches

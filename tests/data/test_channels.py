"""GA4 default channel group, run by the engine (one SQL CASE), table-driven."""

from __future__ import annotations

import re

import pytest

from mkdocs_journey.config.data import load_channel_settings
from mkdocs_journey.data.channels import ChannelSettings, channel_case_sql
from mkdocs_journey.data.engine import group_channels

# (source, medium, campaign, expected channel): one pair per default channel, in rule order.
DEFAULT_CASES = [
    ("(direct)", "(none)", "", "Direct"),
    ("google", "cpc", "summer cross-network", "Cross-network"),
    ("Google Shopping", "cpc", "", "Paid Shopping"),
    ("google", "cpc", "", "Paid Search"),
    ("facebook", "paid_social", "", "Paid Social"),
    ("youtube", "cpv", "", "Paid Video"),
    ("criteo", "display", "", "Display"),
    ("adnetwork.example", "ppc", "", "Paid Other"),
    ("IGShopping", "referral", "", "Organic Shopping"),
    ("forum.example", "social", "", "Organic Social"),
    ("vimeo", "referral", "", "Organic Video"),
    ("google", "organic", "", "Organic Search"),
    ("blog.example.org", "referral", "", "Referral"),
    ("newsletter", "email", "", "Email"),
    ("awin", "affiliate", "", "Affiliates"),
    ("podcast.example", "audio", "", "Audio"),
    ("sms", "text", "", "SMS"),
    ("firebase", "(none)", "", "Mobile Push Notifications"),
    ("", "", "", "Unassigned"),
]

# More cases per rule: the variants GA4 documents (medium lists, regexes, campaign rules).
MORE_CASES = [
    ("(direct)", "", "", "Direct"),  # empty medium is (not set)
    ("(direct)", "(not set)", "", "Direct"),
    ("(direct)", "referral", "", "Referral"),  # not Direct: medium is set
    ("facebook", "cpc", "spring-shop", "Paid Shopping"),  # shopping campaign + paid medium
    ("newsletter", "email", "Shopping week", "Organic Shopping"),  # shopping campaign wins rule 9
    ("bing", "ppc", "", "Paid Search"),
    ("google", "retargeting", "", "Paid Search"),
    ("adserver.example", "banner", "", "Display"),
    ("adserver.example", "interstitial", "", "Display"),
    ("forum.example", "social-media", "", "Organic Social"),
    ("forum.example", "sm", "", "Organic Social"),
    ("webinar.example", "video", "", "Organic Video"),
    ("duck.example", "organic", "", "Organic Search"),
    ("partner.example", "link", "", "Referral"),
    ("partner.example", "app", "", "Referral"),
    ("e-mail", "(none)", "", "Email"),
    ("crm", "e_mail", "", "Email"),
    ("app", "web-push", "", "Mobile Push Notifications"),
    ("app", "mobile", "", "Mobile Push Notifications"),
    ("app", "notification", "", "Mobile Push Notifications"),
    ("somewhere.example", "print", "", "Unassigned"),
    ("  GOOGLE ", " CPC ", "", "Paid Search"),  # case and surrounding spaces are ignored
]

# The three consequences channels.md asks a test for.
CONSEQUENCES = [
    ("google", "cpm", "", "Paid Search"),  # cpm is a paid medium and rule 4 precedes rule 7
    ("l.facebook.com", "referral", "", "Organic Social"),
    ("youtube", "organic", "", "Organic Video"),  # not Organic Search
]


def test_every_default_channel_is_covered() -> None:
    # Every channel the engine's CASE expression can give, read from the SQL itself: a rule
    # added there without a case here fails.
    sql = channel_case_sql(ChannelSettings())
    channels = re.findall(r"THEN '([^']+)'", sql) + re.findall(r"ELSE '([^']+)'", sql)
    assert len(channels) == 19
    assert {case[3] for case in DEFAULT_CASES} == set(channels)


@pytest.mark.parametrize("cases", [DEFAULT_CASES, MORE_CASES, CONSEQUENCES])
def test_default_channel_group(cases: list[tuple[str, str, str, str]]) -> None:
    channels = group_channels([(s, m, c) for s, m, c, _ in cases])
    assert list(zip([c[:3] for c in cases], channels, strict=True)) == [
        (c[:3], c[3]) for c in cases
    ]


def test_site_rules_come_first_and_categories_extend_googles_list() -> None:
    settings, problems = load_channel_settings(
        [
            {"channel": "Partners", "source": r"partner\.example\.com", "medium": "referral"},
            {"channel": "Events", "campaign": "fair-.*"},
        ],
        {"search.example.org": "SEARCH", "youtube": "SOCIAL"},
    )
    assert problems == []
    rows = [
        ("partner.example.com", "referral", ""),
        ("Partner.Example.com", "REFERRAL", ""),  # site rules ignore case too
        ("partner.example.com", "cpc", ""),  # medium does not match: GA4 rules decide
        ("google", "cpc", "fair-2024"),  # site rules beat GA4 ones
        ("search.example.org", "cpc", ""),  # extra category: Paid Search, not Paid Other
        ("youtube", "organic", ""),  # the site moved youtube to SOCIAL
    ]
    assert group_channels(rows, settings) == [
        "Partners",
        "Partners",
        "Paid Other",
        "Events",
        "Paid Search",
        "Organic Social",
    ]


def test_settings_problems_name_the_key() -> None:
    _, problems = load_channel_settings(
        [{"channel": "X", "sorce": "a"}, {"source": "a"}, {"channel": "Y", "medium": "("}],
        {"a.example": "SERACH"},
    )
    assert problems == [
        "channel_rules[1]: unknown key 'sorce' (did you mean 'source'?); "
        "known keys: channel, source, medium, campaign",
        "channel_rules[1]: give at least one of source, medium, campaign",
        "channel_rules[2]: 'channel' (the channel's name) is required",
        "channel_rules[3]: medium '(' is not a regular expression: "
        "missing ), unterminated subpattern at position 0",
        "source_categories.a.example: unknown category 'SERACH' (did you mean 'SEARCH'?); "
        "use one of SEARCH, SOCIAL, VIDEO, SHOPPING",
    ]


def test_quotes_in_site_values_are_safe() -> None:
    settings = ChannelSettings(source_categories={"o'reilly.example": "SEARCH"})
    assert group_channels([("o'reilly.example", "organic", "it's")], settings) == ["Organic Search"]

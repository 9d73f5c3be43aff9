"""The plugin's typed options: values kept as the core needs them, mistakes named."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_journey.config import JourneyConfig


def validated(**options: object) -> tuple[JourneyConfig, list[str]]:
    config = JourneyConfig()
    config.load_dict(options)
    errors, _ = config.validate()
    return config, [f"{name}: {error}" for name, error in errors]


def test_the_currency_is_an_iso_code_kept_in_capitals() -> None:
    config, errors = validated(currency="eur")
    assert errors == []
    assert config.to_settings(Path()).currency == "EUR"
    config, errors = validated()
    assert errors == []
    assert config.to_settings(Path()).currency == ""


@pytest.mark.parametrize("currency", ["euro", "€", "E1R", 978])
def test_a_currency_that_is_no_code_is_named(currency: object) -> None:
    _, errors = validated(currency=currency)
    assert errors == [
        "currency: expected a three-letter ISO 4217 currency code such as EUR or USD, "
        f"got {currency!r}"
    ]


def test_the_widest_left_to_right_diagram() -> None:
    config, errors = validated(diagram_max_width=1400)
    assert errors == []
    assert config.to_settings(Path()).diagram_max_width == 1400
    assert validated()[0].to_settings(Path()).diagram_max_width == 1100
    _, errors = validated(diagram_max_width="wide")
    assert len(errors) == 1
    assert errors[0].startswith("diagram_max_width: Expected type: <class 'int'>")


def test_data_sources_are_nested_typed_options() -> None:
    config, errors = validated(
        data_sources={
            "crm": {
                "path": " data/crm.csv ",
                "columns": {"lead_id": "Lead ID"},
                "conversion": "purchase",
                "timezone": "Europe/Berlin",
            },
            "web": "data/web.parquet",
        }
    )
    assert errors == []
    sources = config.to_settings(Path("/site")).data_sources
    crm, web = sources["crm"], sources["web"]
    assert (crm.label, crm.format, crm.timezone) == ("data/crm.csv", "csv", "Europe/Berlin")
    assert dict(crm.columns) == {"lead_id": "Lead ID"}
    assert crm.conversion.event == "purchase"
    assert (web.format, web.delimiter, web.encoding) == ("parquet", ",", "utf-8")


def test_every_problem_of_the_data_options_is_named_at_once() -> None:
    _, errors = validated(
        data_sources={
            "crm": {"path": "data/crm.csv", "colums": {}, "format": "xlsx"},
            "web": 42,
        },
        channel_rules=[{"channel": "Partners"}, "Events"],
        source_categories={"search.example": "SERACH"},
    )
    assert errors == [
        "data_sources: data source 'crm': unknown key 'colums' (did you mean 'columns'?); "
        "known keys: path, format, columns, timestamp_format, timezone, conversion, delimiter, "
        "encoding, currency\n"
        "data source 'crm': format 'xlsx' is not supported; use csv or parquet\n"
        "data source 'web': expected a mapping with at least 'path', got 42",
        "channel_rules: channel_rules[1]: give at least one of source, medium, campaign\n"
        "channel_rules[2]: expected a mapping with 'channel' and source/medium/campaign",
        "source_categories: source_categories.search.example: unknown category 'SERACH' "
        "(did you mean 'SEARCH'?); use one of SEARCH, SOCIAL, VIDEO, SHOPPING",
    ]


def test_channel_rules_and_source_categories_reach_the_settings() -> None:
    config, errors = validated(
        channel_rules=[{"channel": " Partners ", "source": r"partner\.example"}],
        source_categories={" Search.Example ": "search"},
    )
    assert errors == []
    channels = config.to_settings(Path()).channels
    assert [(r.channel, r.source, r.medium) for r in channels.rules] == [
        ("Partners", r"partner\.example", None)
    ]
    assert dict(channels.source_categories) == {"search.example": "SEARCH"}


@pytest.mark.parametrize(("share", "kept"), [(0, 0.0), (1, 1.0), (0.2, 0.2), (None, 0.05)])
def test_max_rejected_share_is_a_share(share: object, kept: float) -> None:
    config, errors = validated(**({} if share is None else {"max_rejected_share": share}))
    assert errors == []
    assert config.to_settings(Path()).max_rejected_share == kept


@pytest.mark.parametrize("share", [1.5, -0.1, "5%", True, float("nan")])
def test_a_share_outside_zero_to_one_is_refused(share: object) -> None:
    _, errors = validated(max_rejected_share=share)
    assert errors == [
        f"max_rejected_share: expected a share between 0 and 1 (0.05 is 5%), got {share!r}"
    ]


def test_the_attribution_option() -> None:
    config, errors = validated(attribution={"markov_order": 3, "resamples": 0})
    assert errors == []
    attribution = config.to_settings(Path()).attribution
    assert (attribution.markov_order, attribution.resamples, attribution.seed) == (3, 0, 2018)
    assert validated()[0].to_settings(Path()).attribution.markov_order == 1
    _, errors = validated(attribution={"markov_order": 5, "resampels": 10})
    assert errors == [
        "attribution: unknown key 'resampels' (did you mean 'resamples'?); known keys: "
        "markov_order, resamples, seed\n"
        "markov_order must be a whole number from 1 to 4, got 5"
    ]


def test_the_moments_option() -> None:
    config, errors = validated(moments={"min_leads": 50})
    assert errors == []
    assert config.to_settings(Path()).moment_min_leads == 50
    assert validated()[0].to_settings(Path()).moment_min_leads == 30
    # No support at all would claim moments from single leads: refused, not quietly raised.
    _, errors = validated(moments={"min_leads": 0})
    assert len(errors) == 1
    assert errors[0].startswith("moments: ")
    assert "min_leads must be a whole number from 1 to 1000000000, got 0" in errors[0]

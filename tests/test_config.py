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

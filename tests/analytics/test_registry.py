"""The registry of attribution models: one entry per model, read by everything that lists them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mkdocs_journey.analytics import attribution, models
from mkdocs_journey.analytics.attribution import BY_NAME, MODELS, REGISTRY, engine_rules
from mkdocs_journey.analytics.models import DataDriven, TimeDecay, TouchShare

NEW_MODEL = """
from mkdocs_journey.analytics.models import AttributionModel, DataDriven

MODELS = (
    AttributionModel(
        name="everything_to_email",
        title="All to Email",
        definition="Every conversion goes to Email.",
        order=15,
        computed=DataDriven(lambda data: {}),
    ),
)
"""


def test_every_entry_is_complete_and_unique() -> None:
    assert len(set(MODELS)) == len(MODELS) == len(REGISTRY)
    assert [m.order for m in REGISTRY] == sorted(m.order for m in REGISTRY)
    for model in REGISTRY:
        assert model.name.isidentifier(), model
        assert model.title, model
        assert model.definition.endswith("."), model
        assert isinstance(model.computed, TouchShare | TimeDecay | DataDriven)
    assert BY_NAME["markov"].title == "Markov (data-driven)"


def test_the_engine_computes_the_rule_based_models_only() -> None:
    rules = engine_rules()
    assert list(rules) == [m.name for m in REGISTRY if not isinstance(m.computed, DataDriven)]
    assert "markov" not in rules
    assert rules["time_decay"] == TimeDecay(7.0)


def test_a_model_module_dropped_into_the_package_is_registered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "everything_to_email.py").write_text(NEW_MODEL, encoding="utf-8")
    monkeypatch.setattr(models, "__path__", [*models.__path__, str(tmp_path)])
    try:
        found = attribution._collect()
    finally:
        sys.modules.pop("mkdocs_journey.analytics.models.everything_to_email", None)
    names = [m.name for m in found]
    assert names == ["first_touch", "everything_to_email", *MODELS[1:]]


def test_two_models_of_one_name_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "again.py").write_text(
        NEW_MODEL.replace('"everything_to_email"', '"linear"'), encoding="utf-8"
    )
    monkeypatch.setattr(models, "__path__", [*models.__path__, str(tmp_path)])
    try:
        with pytest.raises(RuntimeError, match=r"share a name: \['linear'\]"):
            attribution._collect()
    finally:
        sys.modules.pop("mkdocs_journey.analytics.models.again", None)

"""The bootstrap's array versions of the models against the models' own ``credit``.

A data-driven model may compute every resample at once on arrays (``DataDriven.resampled``);
what it gives must be what its ``credit`` gives on each resample's sums of the path table,
which the bootstrap's one-resample-at-a-time path computes."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from mkdocs_journey.analytics.attribution import REGISTRY, engine_rules
from mkdocs_journey.analytics.bootstrap import _one_by_one, _resamples, bootstrap
from mkdocs_journey.analytics.models import AttributionModel, DataDriven
from mkdocs_journey.analytics.models.markov import MARKOV_STATES
from mkdocs_journey.analytics.resampling import RowTable
from mkdocs_journey.data.channels import ChannelSettings
from mkdocs_journey.data.engine import run
from mkdocs_journey.data.paths import START, AttributionSettings, PathTableRows
from mkdocs_journey.data.sources import default_source

PAIRS = [
    ("google", "cpc"),
    ("newsletter", "email"),
    ("google", "organic"),
    ("(direct)", "(none)"),
    ("criteo", "display"),
    ("facebook", "paid_social"),
    ("partner.example.com", "referral"),
]


def _path_table(folder: Path, leads: int, seed: int, order: int = 1) -> PathTableRows:
    """The engine's path table of ``leads`` random leads of one to six touches."""
    rng = random.Random(seed)
    lines = ["lead_id,timestamp,source,medium,converted,revenue"]
    for lead in range(leads):
        touches = rng.randint(1, 6)
        converts = rng.random() < 0.3
        for i in range(touches):
            source, medium = rng.choice(PAIRS)
            last = converts and i == touches - 1
            revenue = str(rng.choice([20, 75, 310])) if last else ""
            lines.append(
                f"L{lead},2024-01-01T{i:02d}:00:00Z,{source},{medium},{int(last)},{revenue}"
            )
    path = folder / f"events-{seed}.csv"
    path.write_text("\n".join(lines) + "\n")
    settings = AttributionSettings(markov_order=order, resamples=40)
    out = run(default_source(path), None, ChannelSettings(), engine_rules(), settings)
    assert out.channel_rows is not None
    return out.channel_rows


ARRAY_MODELS = [
    entry
    for entry in REGISTRY
    if isinstance(entry.computed, DataDriven) and entry.computed.resampled is not None
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("entry", ARRAY_MODELS, ids=lambda entry: entry.name)
def test_each_array_version_equals_its_model_resample_by_resample(
    tmp_path: Path, entry: AttributionModel, seed: int
) -> None:
    rows = _path_table(tmp_path, 300, seed)
    resamples = _resamples(rows, AttributionSettings(resamples=40, seed=seed), "(other)", 1)
    computed = entry.computed
    assert isinstance(computed, DataDriven)
    assert computed.resampled is not None
    batched = computed.resampled(resamples)
    assert batched is not None
    expected = _one_by_one(computed, resamples)
    credited = {channel for channel, samples in batched.items() if samples.any()}
    assert credited == set(expected)
    for channel, samples in expected.items():
        np.testing.assert_allclose(batched[channel], samples, rtol=1e-9, atol=1e-9)


def test_higher_orders_go_one_resample_at_a_time(tmp_path: Path) -> None:
    rows = _path_table(tmp_path, 200, 4, order=2)
    settings = AttributionSettings(markov_order=2, resamples=20)
    markov = next(entry for entry in REGISTRY if entry.name == "markov").computed
    assert isinstance(markov, DataDriven)
    assert markov.resampled is not None
    assert markov.resampled(_resamples(rows, settings, "(other)", 2)) is None
    intervals = bootstrap(rows, settings, "(other)", 2)
    assert intervals.attribution["markov"]  # computed anyway, from each resample's chain


def test_row_tables_sum_each_column_with_its_own_weights() -> None:
    table = RowTable([(0, "a", (1.0, 10.0)), (1, "b", (2.0, 20.0)), (1, "a", (3.0, 30.0))], 2)
    first = np.array([[1.0, 0.0], [0.0, 2.0]])  # two resamples, two rows
    second = np.array([[2.0, 1.0], [1.0, 1.0]])
    by_key = table.by_key(first, second)
    np.testing.assert_array_equal(by_key["a"], [[1.0, 50.0], [6.0, 40.0]])
    np.testing.assert_array_equal(by_key["b"], [[0.0, 20.0], [4.0, 20.0]])


def _rows_of(paths: list[tuple[tuple[str, ...], int, float, int]]) -> PathTableRows:
    """A path table's rows as the engine hands them over, from (path, conversions, value,
    nulls) rows: steps with repeats collapsed, weighted by the row's paths."""
    steps, endings = [], []
    for row, (path, conversions, value, nulls) in enumerate(paths):
        walked = [state for i, state in enumerate(path) if i == 0 or state != path[i - 1]]
        for here, there in zip([START, *walked], walked, strict=False):
            steps.append((row, here, there, float(conversions + nulls)))
        endings.append((row, walked[-1], float(conversions), value, float(nulls)))
    return PathTableRows(
        conversions=tuple(c for _, c, _, _ in paths),
        value=tuple(v for _, _, v, _ in paths),
        nulls=tuple(n for _, _, _, n in paths),
        credits={},
        steps=tuple(steps),
        endings=tuple(endings),
        coalitions=(),
        chain_steps=(),
        chain_endings=(),
    )


def test_more_states_than_the_chain_tells_apart_merge_alike_in_every_resample() -> None:
    # 260 channels (custom channel rules can make that many): the least visited share one
    # state, chosen once from the whole table, so a channel is one state in every resample.
    rng = random.Random(5)
    channels = [f"ch{i:03d}" for i in range(260)]
    weights = [1 / (1 + i) for i in range(260)]  # ch000 most visited, ch259 least
    paths = []
    for _ in range(3000):
        path = tuple(rng.choices(channels, weights, k=rng.randint(1, 4)))
        converts = int(rng.random() < 0.3)
        paths.append((path, converts, 40.0 * converts, 1 - converts))
    rows = _rows_of(paths)
    resamples = _resamples(rows, AttributionSettings(resamples=30, seed=3), "(other)", 1)
    markov = next(entry for entry in REGISTRY if entry.name == "markov").computed
    assert isinstance(markov, DataDriven)
    assert markov.resampled is not None
    credits = markov.resampled(resamples)
    assert credits is not None
    visits: dict[str, float] = {}
    for _, _, there, n in rows.steps:
        visits[there] = visits.get(there, 0.0) + n
    kept = sorted(visits, key=lambda channel: (-visits[channel], channel))[: MARKOV_STATES - 1]
    assert set(credits) == {*kept, "(other)"}  # the 199 most visited, and the rest as one
    conversions = sum(samples[:, 0] for samples in credits.values())
    value = sum(samples[:, 1] for samples in credits.values())
    np.testing.assert_allclose(conversions, resamples.conversions, rtol=1e-9)
    np.testing.assert_allclose(value, resamples.revenue, rtol=1e-9)

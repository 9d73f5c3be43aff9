"""The analytics view models and templates, rendered with autoescape on and read as HTML."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup, Tag

from mkdocs_journey.analytics import analyze_file
from mkdocs_journey.analytics.attribution import MODEL_TEXTS, MODELS, Credit
from mkdocs_journey.render import analytics_view as view
from mkdocs_journey.render import numbers
from mkdocs_journey.render.attribution_view import (
    attribution_chart,
    attribution_table,
    disagreement,
    small_keys,
)
from mkdocs_journey.render.funnel_chart import funnel_chart

TEMPLATES = Path(view.__file__).parent / "templates"
FIXTURE = Path(__file__).parent.parent / "fixtures" / "data" / "quality.csv"


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def cells(row: Tag) -> list[str]:
    return [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]


def credits(table: dict[str, dict[str, tuple[float, float]]]) -> dict[str, dict[str, Credit]]:
    """{channel: {model: (conversions, value)}} -> the analysis's {model: {channel: Credit}}."""
    return {
        model: {
            channel: Credit(*by_model[model])
            for channel, by_model in table.items()
            if model in by_model
        }
        for model in MODELS
    }


def test_analytics_template(env: jinja2.Environment, tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text(
        "lead_id,timestamp,source,medium,stage,converted,revenue\n"
        "L1,2024-01-01T00:00:00Z,<b>evil</b>,referral,Awareness,0,\n"
        "L1,2024-01-02T00:00:00Z,google,organic,Decision,1,10\n"
        "L2,2024-01-01T00:00:00Z,google,organic,Awareness,0,\n"
    )
    analysis = analyze_file(events)
    model = view.analytics_view(analysis, quality_url="../data-quality/", currency="EUR")
    assert [(r.stage, r.leads, r.width, r.conversion) for r in model.funnel] == [
        ("Awareness", "2", 100.0, "50.0%"),
        ("Decision", "1", 50.0, "–"),
    ]
    raw = env.get_template(view.ANALYTICS_TEMPLATE).render(analytics=model)
    html = soup_of(raw)
    assert "<b>evil" not in raw  # values are escaped
    assert html.find("b") is None

    funnel = html.select_one("table.journey-funnel")
    assert funnel is not None
    assert [cells(tr)[:2] for tr in funnel.select("tbody tr")] == [
        ["Awareness", "2"],
        ["Decision", "1"],
    ]
    bars = [bar["style"] for bar in funnel.select(".journey-bar")]
    assert bars == ["--journey-bar: 100.0%", "--journey-bar: 50.0%"]

    # Every model's column header links to its definition, which says what the model does.
    table = html.select_one("table.journey-attribution--conversions")
    assert table is not None
    links = table.select("thead a.journey-model-link")
    assert [a.get_text() for a in links] == [MODEL_TEXTS[m].title for m in MODELS]
    for link in links:
        target = html.find(id=str(link["href"]).removeprefix("#"))
        assert target is not None
        assert target.name == "dt"
        definition = target.find_next_sibling("dd")
        assert definition is not None
        assert definition.get_text() == MODEL_TEXTS[MODELS[links.index(link)]].definition
    # Whole credits are whole; revenue carries the currency.
    total = html.select_one("table.journey-attribution--revenue tfoot tr")
    assert total is not None
    assert cells(total) == ["Total", *["€10"] * len(MODELS)]
    conversions = table.select_one("tfoot tr")
    assert conversions is not None
    assert cells(conversions) == ["Total", *["1"] * len(MODELS)]


def test_funnel_is_drawn_as_a_funnel(env: jinja2.Environment) -> None:
    analysis = analyze_file(FIXTURE)
    model = view.analytics_view(analysis)
    html = soup_of(env.get_template(view.ANALYTICS_TEMPLATE).render(analytics=model))
    svg = html.select_one("figure.journey-funnel-chart svg")
    assert svg is not None
    assert svg["role"] == "img"
    title = html.find(id=svg["aria-labelledby"])
    desc = html.find(id=svg["aria-describedby"])
    assert title is not None
    assert desc is not None
    bands = svg.select("g.journey-funnel-band")
    assert len(bands) == len(analysis.funnel)
    widths = [float(band.rect["width"]) for band in bands]  # type: ignore[index]
    for band, step, width in zip(bands, analysis.funnel, widths, strict=True):
        texts = [t.get_text() for t in band.find_all("text")]
        assert texts == [step.stage, f"{step.leads:,} leads"]
        assert f"{step.stage}: {step.leads:,} leads" in desc.get_text()
        # The widest band is the stage with the most leads; the others in proportion.
        largest = max(s.leads for s in analysis.funnel)
        assert width == pytest.approx(max(3.0, 380 * step.leads / largest), abs=0.1)
    notes = [t.get_text() for t in svg.select("text.journey-chart-note")]
    went_on = [s for s in analysis.funnel if s.next_stage and s.conversion_to_next is not None]
    assert notes == [
        f"{numbers.percent(s.conversion_to_next)} went on to {s.next_stage}" for s in went_on
    ]


def _every(conversions: float, **others: float) -> dict[str, tuple[float, float]]:
    """The same credit under every model, except ``others`` (model: conversions); value x100."""
    by_model = {model: others.get(model, conversions) for model in MODELS}
    return {model: (c, c * 100) for model, c in by_model.items() if c}


# Each model hands out 100 conversions. Tiny A, B and C average under 1% over the models.
SPREAD = {
    "Direct": _every(40, last_touch=70),
    "Search": _every(30, last_touch=5),
    "Email": _every(26, last_touch=21),
    "Social": _every(3.25, first_touch=2.5, markov=2.25),  # 2% or more: kept
    "Tiny A": _every(0.5),
    "Tiny B": _every(0.25, markov=1.25),  # 1.25% under one model, 0.39% on average
    "Tiny C": _every(0, first_touch=0.75),
}


def _balanced() -> dict[str, dict[str, tuple[float, float]]]:
    for model in MODELS:
        assert sum(c.get(model, (0, 0))[0] for c in SPREAD.values()) == pytest.approx(100)
    return SPREAD


def test_channels_under_one_percent_on_average_are_grouped_as_other() -> None:
    attribution = credits(_balanced())
    assert small_keys(attribution) == {"Tiny A", "Tiny B", "Tiny C"}
    table = attribution_table(
        attribution,
        subject="channel",
        field="conversions",
        names={},
        anchor="m",
        money=numbers.Money(),
        folded=small_keys(attribution),
    )
    assert [row.label for row in table.rows] == ["Direct", "Search", "Email", "Social"]
    assert table.other is not None
    assert table.other.row.label == "Other (3)"
    assert sorted(row.label for row in table.other.rows) == ["Tiny A", "Tiny B", "Tiny C"]
    by_model = dict(zip(MODELS, (cell.text for cell in table.other.row.cells), strict=True))
    assert by_model["first_touch"] == "1.5"  # 0.5 + 0.25 + 0.75
    assert by_model["markov"] == "1.8"  # 0.5 + 1.25
    assert by_model["linear"] == "0.8"  # 0.5 + 0.25


def test_other_is_expandable_and_sums_its_members(env: jinja2.Environment) -> None:
    analysis = analyze_file(FIXTURE)
    model = view.analytics_view(analysis)
    model = type(model)(
        **{
            **model.__dict__,
            "attribution": attribution_table(
                credits(_balanced()),
                subject="channel",
                field="conversions",
                names={},
                anchor="m",
                money=numbers.Money(),
                folded=frozenset({"Tiny A", "Tiny B", "Tiny C"}),
            ),
        }
    )
    html = soup_of(env.get_template(view.ANALYTICS_TEMPLATE).render(analytics=model))
    table = html.select_one("table.journey-attribution--conversions")
    assert table is not None
    other = table.select_one("tr.journey-other")
    assert other is not None
    details = table.find_parent("div").find_next_sibling("details")  # type: ignore[union-attr]
    assert details is not None
    assert "3 channels" in details.summary.get_text()  # type: ignore[union-attr]
    members = details.select("tbody tr")
    assert sorted(cells(tr)[0] for tr in members) == ["Tiny A", "Tiny B", "Tiny C"]
    # Each member as in the data, and Other as the sum of the data (not of rounded cells).
    fmt = numbers.credit_format("conversions", 100)
    for column, model in enumerate(MODELS, start=1):
        for tr in members:
            raw = SPREAD[cells(tr)[0]].get(model, (0.0, 0.0))[0]
            assert cells(tr)[column] == fmt(raw)
        summed = sum(
            SPREAD[name].get(model, (0.0, 0.0))[0] for name in ("Tiny A", "Tiny B", "Tiny C")
        )
        assert cells(other)[column] == fmt(summed)


def test_a_sentence_names_where_the_models_disagree_most() -> None:
    sentence = disagreement(credits(_balanced()))
    # Direct: 70% under last touch, 40% under every other model: the widest gap (30 points).
    assert sentence == (
        "The models disagree most on Direct: Last touch credits it with 70.0% of the "
        "conversions, First touch with 40.0%, and the data-driven model with 40.0%."
    )
    same = {"Direct": _every(3.0), "Email": _every(1.0)}
    assert disagreement(credits(same)).startswith("The models agree")
    assert disagreement({}) == ""


def test_the_chart_compares_each_model_on_the_top_channels() -> None:
    attribution = credits(_balanced())
    chart = attribution_chart(attribution, anchor="m", channels=3)
    assert chart is not None
    assert [panel.channel for panel in chart.panels] == ["Direct", "Search", "Email"]
    direct = chart.panels[0]
    assert [bar.model for bar in direct.bars] == [MODEL_TEXTS[m].title for m in MODELS]
    texts = {bar.model: bar.text for bar in direct.bars}
    assert texts["Last touch"] == "70.0% · 70"
    assert texts["Linear"] == "40.0% · 40"
    # One scale for every panel: the largest share (70%) is the longest bar.
    longest = max(bar.width for panel in chart.panels for bar in panel.bars)
    assert next(b for b in direct.bars if b.model == "Last touch").width == longest
    linear = next(b for b in direct.bars if b.model == "Linear")
    assert linear.width == pytest.approx(longest * 40 / 70, abs=0.1)
    assert "Last touch 70.0%, 70 conversions" in direct.description


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (1054.0, 1, "1,054"),
        (0.0, 1, "0"),
        (1054.0000001, 1, "1,054"),
        (278.6, 1, "278.6"),
        (0.333333, 2, "0.33"),
        (0.25, 1, "0.2"),
        (-3.0, 1, "-3"),
    ],
)
def test_whole_numbers_are_printed_whole(value: float, places: int, shown: str) -> None:
    assert numbers.decimal(value, places) == shown


@pytest.mark.parametrize(
    ("field", "total", "currency", "values", "shown"),
    [
        ("conversions", 736, "", [621.0, 33.0, 0.25, 278.6], ["621", "33", "0.2", "278.6"]),
        ("conversions", 3, "", [1.0, 0.333333], ["1", "0.33"]),
        ("value", 6_835_543.35, "EUR", [5_794_626.4, 345_976.88], ["€5,794,626", "€345,977"]),
        ("value", 200.5, "USD", [120.5, 40.1666, 40.0], ["$120.50", "$40.17", "$40"]),
        ("value", 200.5, "CHF", [120.5], ["CHF\u00a0120.50"]),
        ("value", 200.5, "", [120.5], ["120.50"]),
    ],
)
def test_one_number_format_per_attribution_table(
    field: str, total: float, currency: str, values: list[float], shown: list[str]
) -> None:
    fmt = numbers.credit_format(field, total, numbers.Money(currency))
    assert [fmt(v) for v in values] == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (3.0, "%", "3%"),
        (2.4, "%", "2.4%"),
        (12.0, "days", "12 days"),
        (None, "", "–"),
        (0.125, "", "0.12"),
    ],
)
def test_kpi_numbers(value: float | None, unit: str, shown: str) -> None:
    assert numbers.format_number(value, unit) == shown


def test_quality_template(env: jinja2.Environment) -> None:
    analysis = analyze_file(FIXTURE)
    model = view.quality_view([analysis], max_rejected_share=0.05)
    html = soup_of(env.get_template(view.QUALITY_TEMPLATE).render(quality=model))
    codes = [code.get_text() for code in html.find_all("code")]
    assert f"{analysis.file_label}:7" in codes
    text = html.get_text(" ")
    assert "unparsable timestamp" in text
    assert "5.0%" in text
    assert "(not set) / (not set)" in text


def test_css_uses_the_palette_variables() -> None:
    css = (Path(view.__file__).parent / view.ANALYTICS_CSS).read_text()
    # Bars are marks in the palette's ink (journey.css), not Material's raw primary colour.
    assert "var(--journey-ink)" in css
    assert "var(--md-primary-fg-color)" not in css
    assert "#" not in css.replace("/*", "").split("*/")[-1]  # no hard-coded colours


def test_an_insight_reads_as_one_sentence_with_its_share_once(
    env: jinja2.Environment, tmp_path: Path
) -> None:
    events = tmp_path / "events.csv"
    # Ten converters, six of whom read the blog first: a share worth a sentence.
    rows = ["lead_id,timestamp,source,medium,touchpoint,converted"]
    for n in range(10):
        if n < 6:
            rows.append(f"L{n},2024-01-01T00:00:00Z,google,organic,blog,0")
        rows.append(f"L{n},2024-01-02T00:00:00Z,google,cpc,checkout,1")
    events.write_text("\n".join(rows) + "\n")
    analysis = analyze_file(events)
    model = view.analytics_view(analysis, quality_url="../data-quality/")
    assert model.insights
    html = soup_of(env.get_template(view.ANALYTICS_TEMPLATE).render(analytics=model))
    shown = [" ".join(li.get_text(" ").split()) for li in html.select("ul.journey-insights li")]
    assert shown == [sentence.text for sentence in model.insights]


@pytest.mark.parametrize(
    ("share", "shown"),
    [(0.0, "0.0%"), (0.00003, "<0.01%"), (0.0004, "0.04%"), (0.015, "1.5%"), (1.0, "100.0%")],
)
def test_rows_not_used_never_round_to_zero(share: float, shown: str) -> None:
    assert numbers.small_percent(share) == shown


def test_funnel_chart_of_no_steps_is_none() -> None:
    assert funnel_chart((), anchor="m") is None

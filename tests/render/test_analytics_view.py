"""The analytics view models and templates, rendered with autoescape on and read as HTML."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup, Tag

from mkdocs_journey.analytics.attribution import BY_NAME, MODELS
from mkdocs_journey.analytics.pipeline import analyze_file
from mkdocs_journey.data.paths import Credit
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
    assert [a.get_text() for a in links] == [BY_NAME[m].title for m in MODELS]
    for link in links:
        target = html.find(id=str(link["href"]).removeprefix("#"))
        assert target is not None
        assert target.name == "dt"
        definition = target.find_next_sibling("dd")
        assert definition is not None
        assert definition.get_text() == BY_NAME[MODELS[links.index(link)]].definition
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
    assert [bar.model for bar in direct.bars] == [BY_NAME[m].title for m in MODELS]
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
    # The threshold stands in the sentence about strict builds, each reason in its row with
    # its count and its examples, the unassigned traffic in its list.
    threshold = html.select_one("section.journey-quality > p")
    assert "more than 5.0% of a source's rows are not used" in threshold.get_text(" ")
    reasons = {
        row.th.get_text(strip=True): row
        for row in html.select("table.journey-quality__reasons tbody tr")
    }
    timestamps = reasons["unparsable timestamp"]
    rejection = next(r for r in analysis.rejected if r.reason == "unparsable timestamp")
    assert timestamps.select_one("td.journey-num").get_text(strip=True) == str(rejection.count)
    assert [c.get_text() for c in timestamps.select("code")] == [
        f"{analysis.file_label}:{e.row}" for e in rejection.examples
    ]
    unassigned = [li.code.get_text() for li in html.select("h3 + ul li")]
    assert "(not set) / (not set)" in unassigned


def test_css_uses_the_palette_variables() -> None:
    css = (Path(view.__file__).parent / view.ANALYTICS_CSS).read_text()
    # Bars are marks in the palette's ink (journey.css), not Material's raw primary colour.
    assert "var(--journey-ink)" in css
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # comments may name colours
    literals = re.findall(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(", rules)
    assert literals == []  # colours come from the theme's variables, in light and dark


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


def _intervals_analysis(tmp_path: Path, leads: int = 500):
    from tests.analytics.test_intervals import _analysis, _events

    return _analysis(_events(tmp_path, leads))


def test_credits_show_their_interval_and_the_page_says_what_it_is(
    env: jinja2.Environment, tmp_path: Path
) -> None:
    analysis = _intervals_analysis(tmp_path)
    model = view.analytics_view(analysis, anchor="m")
    html = soup_of(env.get_template(view.ANALYTICS_TEMPLATE).render(analytics=model, anchor="m"))
    table = html.select_one("table.journey-attribution--conversions")
    email = next(tr for tr in table.select("tbody tr") if tr.th.get_text() == "Email")
    shapley_cell = email.select("td")[MODELS.index("shapley")]
    low, high = analysis.intervals.attribution["shapley"]["Email"].conversions
    fmt = numbers.credit_format("conversions", analysis.totals.conversions)  # the table's format
    shown = shapley_cell.select_one(".journey-range").get_text(" ", strip=True)
    assert shown == f"interval {fmt(low)}–{fmt(high)}"
    # The number stays on its own line, read first.
    assert shapley_cell.select_one(".journey-num").get_text() == fmt(
        analysis.attribution["shapley"]["Email"].conversions
    )
    note = html.select_one("p.journey-intervals-note").get_text(" ", strip=True)
    assert note.startswith("Under each credit, its 95% interval: the middle 95% of the credits 200")
    # Models that credit a channel differently beyond their intervals are named.
    sentence = html.select_one("p.journey-beyond-intervals").get_text(" ", strip=True)
    assert sentence == model.intervals_sentence
    assert "by more than their 95% intervals of conversions" in sentence


def test_beyond_intervals_names_the_widest_gap_first() -> None:
    from mkdocs_journey.analytics.intervals import CreditInterval, Intervals
    from mkdocs_journey.render.attribution_view import beyond_intervals

    attribution = credits(
        {
            "Email": {"first_touch": (10, 0), "last_touch": (30, 0), "linear": (20, 0)},
            "Direct": {"first_touch": (5, 0), "last_touch": (9, 0)},
            "Display": {"first_touch": (3, 0), "last_touch": (4, 0)},
        }
    )
    spans = {
        "first_touch": {"Email": (8, 12), "Direct": (4, 6), "Display": (2, 4)},
        "last_touch": {"Email": (27, 33), "Direct": (7, 11), "Display": (3, 5)},
        "linear": {"Email": (17, 23)},
    }
    intervals = Intervals(
        200,
        1,
        {m: {k: CreditInterval(v, (0, 0)) for k, v in by.items()} for m, by in spans.items()},
    )
    assert beyond_intervals(attribution, intervals) == (
        "The models credit these channels differently by more than their 95% intervals of "
        "conversions: Email (Last touch 27–33 against First touch 8–12); "
        "Direct (Last touch 7–11 against First touch 4–6)."
    )
    overlapping = {m: {k: CreditInterval((0, 40), (0, 0)) for k in by} for m, by in spans.items()}
    assert beyond_intervals(attribution, Intervals(200, 1, overlapping)) == (
        "Within their 95% intervals, the models agree on every channel."
    )
    assert beyond_intervals(attribution, None) == ""


def test_shapley_by_position_is_a_table_of_its_own(env: jinja2.Environment, tmp_path: Path) -> None:
    analysis = _intervals_analysis(tmp_path)
    model = view.analytics_view(analysis, anchor="m")
    html = soup_of(env.get_template(view.ANALYTICS_TEMPLATE).render(analytics=model, anchor="m"))
    table = html.select_one("table.journey-breakdown")
    assert table.caption.get_text().startswith(
        "Shapley value: shapley value by the position at which each channel joined"
    )
    assert cells(table.thead.tr) == ["Channel", "1st", "2nd", "3rd", "4th and later"]
    rows = {cells(tr)[0]: cells(tr)[1:] for tr in table.select("tbody tr")}
    breakdown = analysis.breakdowns["shapley"]
    assert set(rows) == set(breakdown.rows)
    largest = max(sum(row[i] for row in breakdown.rows.values()) for i in range(4))
    fmt = numbers.credit_format("conversions", largest)
    for channel, numbers_shown in rows.items():
        assert numbers_shown == [fmt(x) for x in breakdown.rows[channel]]


def test_a_higher_markov_order_is_said_with_the_models_definition(
    env: jinja2.Environment, tmp_path: Path
) -> None:
    from mkdocs_journey.data.paths import AttributionSettings
    from tests.analytics.test_intervals import _events

    events = _events(tmp_path, 100)
    first = view.analytics_view(analyze_file(events), anchor="m")
    assert first.markov_note == ""
    second = view.analytics_view(
        analyze_file(events, attribution=AttributionSettings(markov_order=3, resamples=0)),
        anchor="m",
    )
    html = soup_of(env.get_template(view.ANALYTICS_TEMPLATE).render(analytics=second, anchor="m"))
    definition = html.select_one("#m-model-markov + dd").get_text(" ", strip=True)
    assert definition.endswith(second.markov_note)
    assert "remembers the last 3 channels" in definition
    assert html.select_one(".journey-range") is None  # no resamples, no ranges
    assert html.select_one("p.journey-intervals-note").get_text(strip=True) == (
        "No intervals: the site asks for none (attribution: resamples: 0)."
    )

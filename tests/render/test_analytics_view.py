"""The analytics view models and templates, rendered with autoescape on."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from mkdocs_journey.analytics import analyze_file
from mkdocs_journey.render import analytics_view as view

TEMPLATES = Path(view.__file__).parent / "templates"
FIXTURE = Path(__file__).parent.parent / "fixtures" / "data" / "quality.csv"


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def test_analytics_template(env: jinja2.Environment, tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text(
        "lead_id,timestamp,source,medium,stage,converted,revenue\n"
        "L1,2024-01-01T00:00:00Z,<b>evil</b>,referral,Awareness,0,\n"
        "L1,2024-01-02T00:00:00Z,google,organic,Decision,1,10\n"
        "L2,2024-01-01T00:00:00Z,google,organic,Awareness,0,\n"
    )
    analysis = analyze_file(events)
    model = view.analytics_view(analysis, quality_url="../data-quality/")
    assert [(r.stage, r.leads, r.width, r.conversion) for r in model.funnel] == [
        ("Awareness", "2", 100.0, "50.0%"),
        ("Decision", "1", 50.0, "–"),
    ]
    html = env.get_template(view.ANALYTICS_TEMPLATE).render(analytics=model)
    assert 'class="journey-data-table journey-funnel"' in html
    assert 'style="--journey-bar: 50.0%"' in html
    assert "Markov (data-driven)" in html
    assert "<b>evil</b>" not in html  # values are escaped
    assert "Referral" in html


def test_quality_template(env: jinja2.Environment) -> None:
    analysis = analyze_file(FIXTURE)
    model = view.quality_view([analysis], max_rejected_share=0.05)
    html = env.get_template(view.QUALITY_TEMPLATE).render(quality=model)
    assert f"<code>{analysis.file_label}:7</code>" in html
    assert "unparsable timestamp" in html
    assert "5.0%" in html
    assert "(not set) / (not set)" in html


def test_css_uses_the_palette_variables() -> None:
    css = (Path(view.__file__).parent / view.ANALYTICS_CSS).read_text()
    # Bars are marks in the palette's ink (journey.css), not Material's raw primary colour.
    assert "var(--journey-ink)" in css
    assert "var(--md-primary-fg-color)" not in css
    assert "#" not in css.replace("/*", "").split("*/")[-1]  # no hard-coded colours


@pytest.mark.parametrize(
    ("field", "total", "values", "shown"),
    [
        ("conversions", 736, [621.0, 33.0, 0.25], ["621.0", "33.0", "0.2"]),
        ("conversions", 3, [1.0, 0.333333], ["1.00", "0.33"]),
        ("value", 6_835_543.35, [5_794_626.4, 345_976.88], ["5,794,626", "345,977"]),
        ("value", 200.5, [120.5, 40.1666], ["120.50", "40.17"]),
    ],
)
def test_one_number_format_per_attribution_table(
    field: str, total: float, values: list[float], shown: list[str]
) -> None:
    fmt = view.credit_format(field, total)
    assert [fmt(v) for v in values] == shown


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
    html = env.get_template(view.ANALYTICS_TEMPLATE).render(analytics=model)
    items = re.findall(r'<ul class="journey-insights">(.*?)</ul>', html, re.DOTALL)
    assert items
    for sentence in model.insights:
        shown = re.sub(r"<[^>]+>", "", items[0]).split("\n")
        line = next(text.strip() for text in shown if sentence.rest in text)
        assert line == f"{sentence.share} {sentence.rest}" == sentence.text


@pytest.mark.parametrize(
    ("share", "shown"),
    [(0.0, "0.0%"), (0.00003, "<0.01%"), (0.0004, "0.04%"), (0.015, "1.5%"), (1.0, "100.0%")],
)
def test_rows_not_used_never_round_to_zero(share: float, shown: str) -> None:
    assert view.small_percent(share) == shown

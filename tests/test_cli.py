"""The real CLI, run as a subprocess on a fixture CSV: the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_journey.analytics.attribution import MODELS
from tests.conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "data" / "quality.csv"


run = run_cli


@pytest.mark.build
def test_analyze_json_contract() -> None:
    result = run("analyze", str(FIXTURE), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"totals", "rejected", "attribution", "funnel", "channels"} <= data.keys()
    assert data["totals"] == {
        "rows_read": 15,
        "rows_used": 7,
        "leads": 3,
        "paths": 3,
        "conversions": 2,
        "revenue": 200.5,
    }
    assert data["rejected"]["unparsable timestamp"] == {
        "count": 3,
        "examples": [
            {"row": 7, "value": "2024-02-30T10:00:00Z"},
            {"row": 8, "value": "05/01/2024 13:45"},
            {"row": 9, "value": ""},
        ],
    }
    assert list(data["attribution"]) == list(MODELS)
    for model, credits in data["attribution"].items():
        assert abs(sum(c["conversions"] for c in credits.values()) - 2) < 1e-5, model
        assert abs(sum(c["value"] for c in credits.values()) - 200.5) < 1e-3, model
    # L1: Organic Search > Email > Direct (120.50); L2: Paid Search (80)
    assert data["attribution"]["first_touch"] == {
        "Organic Search": {"conversions": 1.0, "value": 120.5},
        "Paid Search": {"conversions": 1.0, "value": 80.0},
    }
    assert data["attribution"]["last_non_direct"]["Email"] == {"conversions": 1.0, "value": 120.5}
    assert data["channels"]["totals"]["Unassigned"] == {"touches": 1, "leads": 1}
    assert data["channels"]["unassigned"] == [{"source": "", "medium": "", "rows": 1}]
    # The stage column: only row 14 has one ("Nowhere"), without a map it is a stage.
    assert [step["stage"] for step in data["funnel"]] == ["Nowhere"]


@pytest.mark.build
def test_analyze_table() -> None:
    result = run("analyze", str(FIXTURE))
    assert result.returncode == 0, result.stderr
    assert "Conversions credited per channel" in result.stdout
    assert "unparsable timestamp: 3 (rows 7, 8, 9)" in result.stdout


@pytest.mark.build
def test_analyze_with_config(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()  # MkDocs loads the config, and a site has its docs folder
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "crm.csv").write_text(
        "Lead,At,Src,Med,Outcome,Deal\n"
        "L1,2024-01-01T00:00:00Z,google,organic,visit,\n"
        "L1,2024-01-02T00:00:00Z,partner.example.com,referral,won,300\n"
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n"
        "  - search\n"
        "  - journey:\n"
        "      channel_rules:\n"
        "        - {channel: Partners, source: partner\\.example\\.com}\n"
        "      data_sources:\n"
        "        crm:\n"
        "          path: data/crm.csv\n"
        "          columns: {lead_id: Lead, timestamp: At, source: Src, medium: Med,\n"
        "                    event: Outcome, revenue: Deal}\n"
        "          conversion: {event: won}\n"
    )
    result = run(
        "analyze", "data/crm.csv", "--config", "mkdocs.yml", "--format", "json", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["file"] == "data/crm.csv"
    assert data["attribution"]["last_touch"] == {"Partners": {"conversions": 1.0, "value": 300.0}}
    assert data["attribution"]["first_touch"] == {
        "Organic Search": {"conversions": 1.0, "value": 300.0}
    }


@pytest.mark.build
def test_errors_are_reported_with_exit_status_1(tmp_path: Path) -> None:
    result = run("analyze", str(tmp_path / "missing.csv"))
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"mkdocs-journey: error: {tmp_path / 'missing.csv'}: no such file"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("who,when\nL1,2024-01-01\n")
    result = run("analyze", str(bad))
    assert result.returncode == 1
    assert "missing column(s) for lead_id, timestamp, source, medium" in result.stderr
    assert run().returncode == 2

"""Every author string is escaped on every page that shows it."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import run_build

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT} {ATTRIBUTE}"


def _hostile_map() -> dict:
    evidence = [
        {"type": "survey", "source": PAYLOAD, "note": PAYLOAD},
        {"type": "other", "source": "javascript:alert(1)", "note": PAYLOAD},
    ]
    return {
        "id": "hostile",
        "title": PAYLOAD,
        "objective": PAYLOAD,
        "owner": PAYLOAD,
        "reviewed": "2020-01-01",
        "review_every": "1 year",
        "tags": [PAYLOAD],
        "persona": {
            "id": "villain",
            "name": PAYLOAD,
            "role": PAYLOAD,
            "goal": PAYLOAD,
            "challenges": [PAYLOAD],
            "information_sources": [PAYLOAD],
            "quote": PAYLOAD,
        },
        "flow": [{"from": "Awareness", "to": "Decision", "label": PAYLOAD}],
        "stages": [
            {
                "name": "Awareness",
                "goal": PAYLOAD,
                "actions": [PAYLOAD],
                "evidence": evidence,
                "touchpoints": [
                    {
                        "id": "tp",
                        "name": PAYLOAD,
                        "channel": PAYLOAD,
                        "actions": [PAYLOAD],
                        "emotions": [PAYLOAD],
                        "evidence": evidence,
                    }
                ],
                "emotion": {"score": -2, "label": PAYLOAD, "thoughts": [PAYLOAD]},
                "pain_points": [
                    {
                        "id": "pain",
                        "text": PAYLOAD,
                        "causes": [PAYLOAD],
                        "severity": 5,
                        "touchpoint": "tp",
                        "evidence": evidence,
                    }
                ],
                "opportunities": [
                    {"text": PAYLOAD, "addresses": "pain", "owner": PAYLOAD, "status": "idea"}
                ],
                "kpis": [
                    {
                        "name": PAYLOAD,
                        "target": 1,
                        "unit": PAYLOAD,
                        "actual": 2,
                        "evidence": evidence,
                    }
                ],
            },
            {"name": "Decision", "emotion": {"score": 2, "label": PAYLOAD}},
        ],
    }


def _assert_nothing_injected(html_path: Path) -> None:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    assert not [s for s in soup.find_all("script") if "alert(1)" in s.get_text()], html_path
    assert not soup.find_all(attrs={"onerror": True}), html_path
    assert not soup.select("img[src=x]"), html_path
    assert not [
        a for a in soup.find_all("a", href=True) if a["href"].lower().startswith("javascript:")
    ]


def test_hostile_strings_are_escaped_everywhere(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Hostile\ntheme: {name: material}\nplugins: [search, journey]\n",
        encoding="utf-8",
    )
    body = yaml.safe_dump(_hostile_map(), sort_keys=False, allow_unicode=True)
    (docs / "index.md").write_text(f"# Hostile\n\n```journey\n{body}```\n", encoding="utf-8")
    build = run_build(tmp_path, strict=True)
    assert build.returncode == 0, build.output

    for page in [
        "index.html",
        "journeys/index.html",
        "journeys/pain-points/index.html",
        "journeys/personas/villain/index.html",
    ]:
        _assert_nothing_injected(build.site / page)

    map_div = build.page("").select_one("#journey-hostile")
    text = map_div.get_text("\n")
    # Every field shows the author's text literally (escaped, not interpreted).
    assert text.count(SCRIPT) >= 20
    assert text.count(ATTRIBUTE) >= 20
    exported = json.loads((build.site / "journeys.json").read_text(encoding="utf-8"))
    assert exported["maps"][0]["title"] == PAYLOAD

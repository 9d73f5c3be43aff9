"""Every author string is escaped on every page that shows it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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


@pytest.mark.build
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


#: Author text that Markdown, its extensions or a theme's filters could turn into markup.
TITLE_PAYLOADS = [
    "[x](javascript:alert(1))",
    "*em* _u_ **b** `code` ~~s~~ ==m== ^^i^^ ++ctrl+k++ (c) -->",
    "</title><script>alert(1)</script>",
    ATTRIBUTE,
    "&lt;b&gt; &amp; &#60;i&#62; &copy;",
    "<!-- c --> <b>bold</b> <https://evil.example>",
    "# h {: #x onclick=alert(1) } ##",
    ":smile: https://evil.example/ www.evil.example x@evil.example",
    "\\*not em\\* 1. - + > |a|b|",
    'Buyer\'s "quoted" name',
]

_TITLE_SITE = """\
site_name: Titles
theme:
  name: material
  features: [navigation.path, navigation.footer, navigation.indexes]
markdown_extensions:
  - attr_list
  - md_in_html
  - toc: {permalink: true}
  - pymdownx.magiclink
  - pymdownx.mark
  - pymdownx.tilde
  - pymdownx.caret
  - pymdownx.keys
  - pymdownx.smartsymbols
  - pymdownx.emoji
  - pymdownx.superfences
plugins: [search, journey]
"""


def _no_markup(fragment: str) -> list[str]:
    """The elements in an HTML fragment (a search-index title or text)."""
    from bs4 import BeautifulSoup

    return [tag.name for tag in BeautifulSoup(fragment, "html.parser").find_all(True)]


@pytest.mark.build
def test_persona_names_stay_text_in_titles_navigation_and_search(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "mkdocs.yml").write_text(_TITLE_SITE, encoding="utf-8")
    fences = "".join(
        "```journey\n"
        + yaml.safe_dump(
            {
                "id": f"m{number}",
                "title": f"Map {number}",
                "persona": {"id": f"p{number}", "name": name},
                "stages": [{"name": "Awareness"}],
            },
            allow_unicode=True,
        )
        + "```\n\n"
        for number, name in enumerate(TITLE_PAYLOADS)
    )
    (docs / "index.md").write_text(f"# Maps\n\n{fences}", encoding="utf-8")
    build = run_build(tmp_path, strict=True)
    assert build.returncode == 0, build.output

    index = json.loads((build.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {entry["location"]: entry["title"] for entry in index["docs"]}
    home = build.page("")
    for number, name in enumerate(TITLE_PAYLOADS):
        url = f"journeys/personas/p{number}/"
        page = build.page(url)
        _assert_nothing_injected(build.site / url / "index.html")
        assert page.title.get_text() == f"{name} - Titles"
        heading = page.select_one("article h1")
        for permalink in heading.select("a.headerlink"):
            permalink.extract()
        assert heading.get_text() == name
        assert not heading.find_all(True)
        assert page.select_one('[data-md-component="header-topic"]').get_text(strip=True) == name
        # Navigation (on another page) and the footer link of the page before it.
        link = home.select_one(f'nav.md-nav a[href="{url}"]')
        assert link.get_text(strip=True) == name
        assert [tag.name for tag in link.find_all(True)] == ["span"]
        previous = build.page(f"journeys/personas/p{number - 1}/") if number else None
        if previous is not None:
            footer = previous.select_one("a.md-footer__link--next .md-ellipsis")
            assert footer.get_text(strip=True) == name
        # Breadcrumbs name the page's ancestors (our own titles); never author markup.
        for crumb in page.select("nav.md-path a"):
            assert not crumb.find_all(["a", "em", "strong", "code", "script", "img"])
        # The search index holds HTML: the title is the name as text, and no tags at all.
        assert not _no_markup(titles[url]), titles[url]
        assert BeautifulSoup(titles[url], "html.parser").get_text() == name
    for entry in index["docs"]:
        assert not {"a", "em", "strong", "script", "img", "b", "i", "mark", "del", "kbd"} & set(
            _no_markup(entry["title"]) + _no_markup(entry["text"])
        ), entry

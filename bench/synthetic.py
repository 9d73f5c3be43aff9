"""A synthetic MkDocs site of any size, for the site benchmarks and the serve re-render test.

``write_site(folder, pages=1000, maps=200, ...)`` writes ``mkdocs.yml`` and ``docs/``: ``pages``
Markdown pages in a folder tree ``nav_depth`` levels deep with ``nav_width`` sections per level,
of which ``maps`` pages hold one journey map each (5 stages, 3 touchpoints a stage, pain points
with causes, opportunities, KPIs, evidence, a persona shared by every tenth map), and the others
ordinary documentation (headings, paragraphs, a list, a table, a code block). With
``nav="explicit"`` the nested ``nav:`` is written into ``mkdocs.yml``; with ``nav="folders"``
MkDocs derives it from the folders. Everything is deterministic: the same arguments give the
same bytes.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import yaml

STAGES = ("Awareness", "Consideration", "Decision", "Retention", "Advocacy")
CHANNELS = ("Paid Search", "Organic Search", "Email", "Referral", "Organic Social", "Direct")
PERSONAS = 20

_WORDS = [
    "customer",
    "team",
    "onboarding",
    "review",
    "pricing",
    "trial",
    "invoice",
    "renewal",
    "support",
    "planner",
    "route",
    "report",
    "dashboard",
    "export",
    "budget",
    "approval",
    "contract",
    "security",
    "rollout",
    "training",
    "feedback",
    "survey",
    "ticket",
    "webinar",
    "partner",
    "referral",
    "newsletter",
    "checklist",
    "template",
    "workspace",
    "integration",
]


def _sentence(seed: int, words: int = 12) -> str:
    chosen = [_WORDS[(seed * 7 + n * 13) % len(_WORDS)] for n in range(words)]
    return " ".join(chosen).capitalize() + "."


def _paragraph(seed: int, sentences: int = 4) -> str:
    return " ".join(_sentence(seed + n, 10 + (seed + n) % 7) for n in range(sentences))


def map_data(number: int) -> dict[str, Any]:
    """The YAML of map ``number``: 5 stages, 15 touchpoints."""
    persona_id = f"persona-{number % PERSONAS}"
    persona: Any = persona_id
    if number < PERSONAS:  # the first map of each persona defines it
        persona = {
            "id": persona_id,
            "name": f"Persona {number % PERSONAS}",
            "role": _sentence(number, 6),
            "goal": _sentence(number + 1, 10),
            "challenges": [_sentence(number + n, 8) for n in range(3)],
            "information_sources": ["Review sites", "Peers on LinkedIn"],
            "quote": _sentence(number + 5, 9),
        }
    stages = []
    for s, stage in enumerate(STAGES):
        prefix = f"m{number}-{stage.lower()}"
        touchpoints = [
            {
                "id": f"{prefix}-t{t}",
                "name": _sentence(number + s + t, 5).rstrip("."),
                "channel": CHANNELS[(number + s + t) % len(CHANNELS)],
                "actions": [_sentence(number + t, 4).rstrip("."), _sentence(s + t, 3).rstrip(".")],
                "emotions": ["curious", "hopeful"][: 1 + t % 2],
                **(
                    {
                        "evidence": [
                            {
                                "type": "analytics",
                                "source": f"https://analytics.example/{prefix}-t{t}",
                                "note": _sentence(number + t + 3, 8),
                            }
                        ]
                    }
                    if t == 0
                    else {}
                ),
            }
            for t in range(3)
        ]
        stages.append(
            {
                "name": stage,
                "goal": _sentence(number + s, 10),
                "actions": [_sentence(number + s + a, 6) for a in range(3)],
                "touchpoints": touchpoints,
                "emotion": {
                    "score": (number + s) % 5 - 2,
                    "label": "hopeful",
                    "thoughts": [_sentence(number + s + 9, 9)],
                },
                "pain_points": [
                    {
                        "id": f"{prefix}-pain",
                        "text": _sentence(number + s + 2, 11),
                        "causes": [_sentence(number + s + 4, 7), _sentence(number + s + 6, 6)],
                        "severity": 1 + (number + s) % 5,
                        "touchpoint": f"{prefix}-t1",
                    }
                ],
                "opportunities": [
                    {
                        "text": _sentence(number + s + 8, 9),
                        "addresses": f"{prefix}-pain",
                        "owner": "Growth team",
                        "status": "idea",
                    }
                ],
                "kpis": [
                    {
                        "name": f"{stage} conversion",
                        "target": 20 + s,
                        "unit": "%",
                        "direction": "higher",
                        "actual": 15 + (number + s) % 10,
                    }
                ],
            }
        )
    return {
        "id": f"map-{number}",
        "title": f"Journey {number}: {_sentence(number, 4).rstrip('.')}",
        "persona": persona,
        "objective": _sentence(number + 11, 14),
        "owner": "Customer insights",
        "reviewed": "2026-03-01",
        "review_every": "6 months",
        "tags": ["synthetic", f"group-{number % 7}"],
        "stages": stages,
    }


def map_page(number: int) -> str:
    body = yaml.safe_dump(map_data(number), sort_keys=False, allow_unicode=True, width=100)
    return (
        f"# Journey {number}\n\n{_paragraph(number)}\n\n```journey\n{body}```\n\n"
        f"## Notes\n\n{_paragraph(number + 3)}\n"
    )


def text_page(number: int) -> str:
    rows = "\n".join(
        f"| {_WORDS[(number + r) % len(_WORDS)]} | {r * number % 97} |" for r in range(5)
    )
    return (
        f"# Page {number}\n\n{_paragraph(number)}\n\n"
        f"## Background\n\n{_paragraph(number + 1, 6)}\n\n"
        + "".join(f"- {_sentence(number + n, 7)}\n" for n in range(5))
        + f"\n## Details\n\n| Term | Count |\n|---|---|\n{rows}\n\n"
        + f"```python\ndef step_{number}(value):\n    return value * {number % 13 + 2}\n```\n\n"
        + f"### Further reading\n\n{_paragraph(number + 2, 3)}\n"
    )


def _folders(depth: int, width: int) -> list[tuple[str, ...]]:
    """The leaf folders of a tree ``depth`` levels deep, ``width`` sections a level."""
    if depth <= 0:
        return [()]
    return [
        tuple(f"section-{'-'.join(map(str, path[: n + 1]))}" for n in range(depth))
        for path in itertools.product(range(width), repeat=depth)
    ]


def page_paths(pages: int, maps: int, nav_depth: int, nav_width: int) -> list[tuple[str, bool]]:
    """(docs-relative path, holds a map) for every page; maps spread evenly among the pages."""
    folders = _folders(nav_depth, nav_width)
    maps = min(maps, pages - 1)
    # Map pages spread evenly over pages 1..pages-1 (the home page, index.md, is never a map).
    map_numbers = {1 + n * (pages - 1) // maps for n in range(maps)} if maps else set()
    paths = [("index.md", False)]
    for number in range(1, pages):
        folder = folders[number % len(folders)]
        paths.append(("/".join((*folder, f"page-{number}.md")), number in map_numbers))
    return paths


def _nav(paths: list[str]) -> list[Any]:
    """A nested ``nav:`` from the folder paths, sections in order."""
    tree: dict[str, Any] = {}
    for path in paths:
        *folders, _ = path.split("/")
        node = tree
        for folder in folders:
            node = node.setdefault(folder, {})
        node.setdefault("", []).append(path)

    def entries(node: dict[str, Any]) -> list[Any]:
        items: list[Any] = list(node.get("", []))
        for name in sorted(key for key in node if key):
            items.append({name.replace("-", " ").capitalize(): entries(node[name])})
        return items

    return entries(tree)


def write_site(
    folder: Path,
    *,
    pages: int = 1000,
    maps: int = 200,
    nav_depth: int = 3,
    nav_width: int = 4,
    nav: str = "explicit",
    plugin: bool = True,
) -> Path:
    """Write the site into ``folder`` (created); returns it."""
    docs = folder / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    paths = page_paths(pages, maps, nav_depth, nav_width)
    map_number = 0
    for number, (path, holds_map) in enumerate(paths):
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if holds_map:
            target.write_text(map_page(map_number), encoding="utf-8")
            map_number += 1
        else:
            target.write_text(text_page(number), encoding="utf-8")
    config: dict[str, Any] = {
        "site_name": f"Synthetic site: {pages} pages, {maps} maps",
        "site_url": "https://synthetic.example/",
        "theme": {"name": "material", "features": ["navigation.tabs", "navigation.sections"]},
        "markdown_extensions": [
            "admonition",
            "tables",
            "pymdownx.superfences",
            {"toc": {"permalink": True}},
        ],
        "plugins": ["search", {"journey": {"today": "2026-06-01"}}] if plugin else ["search"],
    }
    if nav == "explicit":
        config["nav"] = _nav([path for path, _ in paths])
    elif nav != "folders":
        raise ValueError(f"nav must be 'explicit' or 'folders', got {nav!r}")
    (folder / "mkdocs.yml").write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return folder

"""MkDocs hook of this documentation: the attribution models' definitions, from the code.

Each model's title and definition are written once, in its entry of the registry
(``mkdocs_journey.analytics.attribution.REGISTRY``); the map pages show them next to the
attribution tables, and this hook writes them into the docs wherever a page has the marker
``<!-- attribution-models -->``, as a definition list. The docs never restate them by hand.
"""

from __future__ import annotations

from typing import Any

from mkdocs_journey.analytics.attribution import REGISTRY

MARKER = "<!-- attribution-models -->"


def model_definitions() -> str:
    return "\n\n".join(f"{model.title}\n:   {model.definition}" for model in REGISTRY)


def on_page_markdown(markdown: str, **_: Any) -> str:
    return markdown.replace(MARKER, model_definitions())

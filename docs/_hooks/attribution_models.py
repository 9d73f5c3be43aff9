"""MkDocs hook of this documentation: the attribution models' definitions, from the code.

Each model's title and definition are written once, in
``mkdocs_journey.analytics.attribution.MODEL_TEXTS``; the map pages show them next to the
attribution tables, and this hook writes them into the docs wherever a page has the marker
``<!-- attribution-models -->``, as a definition list. The docs never restate them by hand.
"""

from __future__ import annotations

from typing import Any

from mkdocs_journey.analytics.attribution import MODEL_TEXTS

MARKER = "<!-- attribution-models -->"


def model_definitions() -> str:
    return "\n\n".join(f"{text.title}\n:   {text.definition}" for text in MODEL_TEXTS.values())


def on_page_markdown(markdown: str, **_: Any) -> str:
    return markdown.replace(MARKER, model_definitions())

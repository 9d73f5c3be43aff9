"""Author text made inert for Markdown that others will render (reports, generated pages)."""

from __future__ import annotations

import re

# Every character that can start markup, a link, an HTML tag or an entity in CommonMark/GFM.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>&#|~!])")


def markdown_text(text: object) -> str:
    """``text`` on one line, with every markup character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))

"""A map page written by ``mkdocs-journey import``: a heading and one fenced ``journey`` block.

The YAML is written by PyYAML's safe dumper (so any text is quoted where YAML needs it), and the
fence is longer than any run of backticks in it, so that no author text can close the block.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from mkdocs_journey.inert import markdown_text


def map_page(data: dict[str, Any]) -> str:
    body = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    title = markdown_text(str(data.get("title") or data.get("id") or "Journey map"))
    return f"# {title}\n\n{fence}journey\n{body}{fence}\n"

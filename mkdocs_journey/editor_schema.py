"""The JSON Schemas editors use: the map format as shipped, and a page's front matter.

The front-matter schema allows any key a page may carry (title, tags, hide...) and checks the
``journey`` key with the map schema. Its definitions are lifted to the top, where the map
schema's ``#/$defs/...`` references find them, so editors that handle a single document without
embedded resources (most YAML language servers) resolve every reference.
"""

from __future__ import annotations

from typing import Any

from mkdocs_journey.parsing.schema import map_schema

FRONT_MATTER_ID = "https://mkdocs-journey.dev/schema/journey-front-matter.v1.json"


def front_matter_schema() -> dict[str, Any]:
    schema = map_schema()
    body = {k: v for k, v in schema.items() if k not in ("$schema", "$id", "$defs", "title")}
    return {
        "$schema": schema["$schema"],
        "$id": FRONT_MATTER_ID,
        "title": "Page front matter with an mkdocs-journey map under 'journey'",
        "type": "object",
        "properties": {"journey": body},
        "$defs": schema["$defs"],
    }

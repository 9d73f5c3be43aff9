"""Site settings as the core sees them: plain values, no MkDocs types."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs_journey.model import DEFAULT_STAGES


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    stages: tuple[str, ...] = DEFAULT_STAGES
    pages_dir: str = "journeys"
    json_export: str = "journeys.json"
    today: dt.date = field(default_factory=dt.date.today)
    diagrams: bool = True
    diagram_renderer: str = "auto"
    diagram_timeout: float = 10.0
    diagram_max_width: int = 1100  # px; an ``auto`` diagram wider than this turns top to bottom
    cache_dir: str = ".cache/journey"
    data: dict[str, Any] = field(default_factory=dict)
    channel_rules: list[Any] = field(default_factory=list)
    source_categories: dict[str, Any] = field(default_factory=dict)
    max_rejected_share: float = 0.05
    currency: str = ""  # ISO 4217 code (EUR, USD...) of the revenue in the data; "" for none

    @property
    def cache_path(self) -> Path:
        return (self.project_dir / self.cache_dir).resolve()

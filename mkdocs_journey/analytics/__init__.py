"""Analytics of touch events for a journey map: the entry points the plugin and the CLI call.

    from mkdocs_journey.analytics import analyze, analyze_file, ChannelSettings

``analyze(source, journey_map, settings)`` returns a :class:`DataAnalysis` (cached by the file's
content hash and every relevant setting); ``analyze_file(path)`` does the same for a bare file with
the standard column names, as ``mkdocs-journey analyze`` does.

The names are loaded on first use (PEP 562), so that the engine can import the leaf modules of this
package (channel rules, the path-table type) without a circular import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs_journey.analytics.channels import ChannelSettings, load_channel_settings
    from mkdocs_journey.analytics.pipeline import CACHE, analyze, analyze_file, map_shape
    from mkdocs_journey.analytics.result import DataAnalysis
    from mkdocs_journey.data.engine import DataError

_EXPORTS = {
    "CACHE": "mkdocs_journey.analytics.pipeline",
    "analyze": "mkdocs_journey.analytics.pipeline",
    "analyze_file": "mkdocs_journey.analytics.pipeline",
    "map_shape": "mkdocs_journey.analytics.pipeline",
    "ChannelSettings": "mkdocs_journey.analytics.channels",
    "load_channel_settings": "mkdocs_journey.analytics.channels",
    "DataAnalysis": "mkdocs_journey.analytics.result",
    "DataError": "mkdocs_journey.data.engine",
}

__all__ = [
    "CACHE",
    "ChannelSettings",
    "DataAnalysis",
    "DataError",
    "analyze",
    "analyze_file",
    "load_channel_settings",
    "map_shape",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""A site's mkdocs.yml, loaded the way MkDocs loads it, for the commands that run without a build.

MkDocs' own loader (``!ENV``, ``!relative``, inherited configs, every plugin's option checks) is
the only one that reads a site exactly as ``mkdocs build`` does; ``mkdocs-journey check`` and
``mkdocs-journey analyze --config`` both go through :func:`load_site`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs_journey.settings import Settings


class PluginNotEnabled(LookupError):
    """The site does not use the journey plugin."""


@dataclass(frozen=True)
class LoadedSite:
    settings: Settings
    docs_dir: Path


def load_site(config_file: Path) -> LoadedSite:
    """The journey plugin's settings and the docs folder of the site ``config_file`` describes.

    Raises ``mkdocs.exceptions.ConfigurationError`` for a bad config (or one that cannot be read)
    and :class:`PluginNotEnabled` when the site does not use the journey plugin.
    """
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    plugin = config.plugins.get("journey")
    if plugin is None:
        raise PluginNotEnabled(f"{config_file}: the journey plugin is not enabled in this site")
    settings = plugin.config.to_settings(config_file.resolve().parent)
    return LoadedSite(settings, Path(config.docs_dir))

"""A site's mkdocs.yml, loaded the way MkDocs loads it, for the commands that run without a build.

MkDocs' own loader (``!ENV``, ``!relative``, inherited configs, every plugin's option checks) is
the only one that reads a site exactly as ``mkdocs build`` does; ``check``, ``new``, ``init-ci``
and ``analyze --config`` all go through :func:`load_site`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs_journey.config.extension import OPTIONS as EXTENSION_OPTIONS
from mkdocs_journey.config.extension import extension_settings
from mkdocs_journey.settings import Settings
from mkdocs_journey.suggest import suggestion

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


class SiteConfigError(Exception):
    """mkdocs.yml cannot be read or validated, or the site uses neither the journey plugin nor
    the journey Markdown extension."""


@dataclass(frozen=True)
class LoadedSite:
    config: MkDocsConfig
    settings: Settings
    docs_dir: Path
    warnings: tuple[str, ...]  # what MkDocs only warned about (an unknown option, say)


def load_site(config_file: Path) -> LoadedSite:
    """The site ``config_file`` describes: its config, journey settings and docs folder.

    Raises :class:`SiteConfigError`.
    """
    config, warnings = load_mkdocs_config(config_file)
    settings = site_settings(config, config_file.resolve().parent)
    return LoadedSite(config, settings, Path(config.docs_dir), tuple(warnings))


def load_mkdocs_config(config_file: Path) -> tuple[MkDocsConfig, list[str]]:
    """The config loaded as MkDocs does, and what MkDocs warned about in it.

    Raises :class:`SiteConfigError` for a config that cannot be used.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    heard = _Collect()
    config_logger = logging.getLogger("mkdocs.config")
    config_logger.addHandler(heard)
    try:
        config = load_config(str(config_file))
    except (ConfigurationError, OSError) as error:
        raise SiteConfigError(str(error)) from error
    except Abort as error:
        # MkDocs logs each invalid value as an error, then aborts (a SystemExit) without them.
        errors = [
            record.getMessage() for record in heard.records if record.levelno >= logging.ERROR
        ]
        raise SiteConfigError("; ".join(errors) or str(error)) from None
    finally:
        config_logger.removeHandler(heard)
    return config, [record.getMessage() for record in heard.records]


def site_settings(config: MkDocsConfig, project_dir: Path) -> Settings:
    """The journey settings of a site: the plugin's options, or else the Markdown extension's
    (a site built by a host without plugins, such as Zensical, configures only the extension).
    """
    plugin = config.plugins.get("journey")
    if plugin is not None:
        return plugin.config.to_settings(  # type: ignore[no-any-return]
            project_dir, Path(config.docs_dir)
        )
    if "journey" in config.markdown_extensions:
        options = dict(config.mdx_configs.get("journey") or {})
        unknown = [key for key in options if key not in EXTENSION_OPTIONS]
        if unknown:
            raise SiteConfigError(
                f"markdown_extensions: journey: unknown option {unknown[0]!r}"
                f"{suggestion(str(unknown[0]), EXTENSION_OPTIONS)}"
            )
        try:
            return extension_settings(options, str(project_dir))
        except ValueError as error:
            raise SiteConfigError(f"markdown_extensions: journey: {error}") from error
    raise SiteConfigError(
        "the journey plugin is not enabled in this site (nor the journey Markdown extension)"
    )


class _Collect(logging.Handler):
    """Keeps the messages of a logger instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

"""The Jinja environment for every journey fragment.

Templates live in the package under ``journey/``; a site overrides one by putting a file of the
same name in its theme's ``custom_dir`` (for example ``overrides/journey/stage-table.html``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)

from mkdocs_journey.render.views import SEVERITY_WORDS

ASSETS = Path(__file__).parent / "assets"


def make_environment(
    override_dirs: Sequence[str] = (), code_cache: BytecodeCache | None = None
) -> Environment:
    """The environment of the journey templates; ``code_cache`` keeps them compiled between
    builds (see :mod:`mkdocs_journey.render.code_cache`)."""
    loader = ChoiceLoader(
        [
            FileSystemLoader([str(d) for d in override_dirs]),
            PackageLoader("mkdocs_journey", "render/templates"),
        ]
    )
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=code_cache,
        # A map page includes some 60 templates, and Jinja would look at the file of each one
        # at every include (two stat calls): 0.1 s of a 1,000-page build. A host that keeps the
        # environment between builds looks at the overrides once a build (forget_templates).
        auto_reload=False,
    )
    env.filters["safe_href"] = safe_href
    env.globals["severity_words"] = SEVERITY_WORDS
    return env


def forget_templates(env: Environment) -> None:
    """Make ``env`` load every template again, from wherever it is found now."""
    if env.cache is not None:
        env.cache.clear()


def safe_href(link: str) -> str | None:
    """A link an author gave, when it is safe to put in href: http(s), mailto or a relative path."""
    text = link.strip()
    lowered = text.lower()
    if lowered.startswith(("http://", "https://", "mailto:")):
        return text
    head = lowered.split("/", 1)[0]
    if ":" in head or lowered.startswith("//") or " " in text:
        return None  # another scheme (javascript:, data:, ...) or plain prose: no link
    return text


#: The script of the KPI dashboard (sorting and filtering); the page works without it.
DASHBOARD_SCRIPT = ASSETS / "journey-kpis.js"


def dashboard_script() -> str:
    return DASHBOARD_SCRIPT.read_text(encoding="utf-8")


def stylesheet() -> str:
    """The one CSS file of the plugin: every part's rules, core first."""
    parts = sorted(ASSETS.glob("*.css"), key=lambda p: (p.name != "journey.css", p.name))
    return "\n".join(p.read_text(encoding="utf-8") for p in parts)

"""Files the CLI writes into a user's repository: a new map page and the CI workflows.

The templates are plain text (Markdown, YAML), so they use ``[[ ... ]]`` and ``[% ... %]`` as
delimiters: GitHub's own ``${{ ... }}`` expressions stay as they are. Every value goes through a
filter that quotes it for where it lands (``yaml`` for a YAML scalar, ``shell`` for a command
argument), so a title or a path can never change the structure of the file.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


def _yaml_scalar(value: Any) -> str:
    """``value`` as one YAML flow scalar (quoted when plain text would change its meaning)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 20)
    return text.removesuffix("\n").removesuffix("\n...")


def _heading(text: str) -> str:
    """Text for a Markdown heading: one line, and no markup characters at all.

    Escaping is not enough here: the heading becomes the page title, which themes print
    through filters such as ``striptags`` that undo it (the same rule as the generated pages).
    """
    return re.sub(r"[<>&\"'`]", "", " ".join(str(text).split())).strip()


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mkdocs_journey", "scaffold"),
        # Not HTML: values are quoted by the filters below instead.
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yaml"] = _yaml_scalar
    env.filters["shell"] = lambda value: shlex.quote(str(value))
    env.filters["heading"] = _heading
    return env


def render(template: str, **context: Any) -> str:
    """The text of ``template`` (a path under ``mkdocs_journey/scaffold``) with ``context``."""
    return _environment().get_template(template).render(**context)

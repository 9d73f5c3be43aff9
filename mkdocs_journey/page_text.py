"""Author text in the Markdown of the pages the plugin generates, kept as text.

A generated page (a persona's page, the index of maps) is Markdown that MkDocs renders like any
other page, and its title comes from what we write there. Author text must reach the title, the
navigation, the breadcrumbs, the search index and ``<title>`` as the characters typed, never as
emphasis, a link or a tag, whatever Markdown extensions the site enables. Two rules do that:

- in the heading, every character other than a letter, a digit or a space is written as a
  numeric character reference (``&#42;`` for ``*``): Python-Markdown and its extensions leave
  references alone, and the browser shows the character;
- the front matter ``title`` is the text HTML-escaped, which is what MkDocs themes expect of a
  page title (a title taken from a heading carries entities too): Material prints it unfiltered
  in ``<title>`` and the navigation. Without it, Material would print the heading's title
  through ``striptags``, which decodes ``&lt;`` back into ``<`` inside ``<title>``.
"""

from __future__ import annotations

import html
from functools import lru_cache

import yaml


def plain_title(text: str) -> str:
    """The title on one line: runs of white space (line breaks included) become one space."""
    return " ".join(text.split())


def literal_markdown(text: str) -> str:
    """Markdown that renders as exactly ``text`` (on one line), markup characters included."""
    return "".join(
        char if char.isalnum() or char == " " else f"&#{ord(char)};" for char in plain_title(text)
    )


# Kept: PyYAML's pure-Python dump is about 60 us a page, for every generated page of every
# `mkdocs serve` rebuild, and the pages' titles rarely change.
@lru_cache(maxsize=1024)
def generated_page(title: str, body: str, hide: tuple[str, ...] = ()) -> str:
    """A whole generated page: front matter with its title, the title as heading, then ``body``.

    ``hide``: parts of the theme's layout the page does without (Material's ``hide`` key, e.g.
    ``toc`` for a wide table); other themes ignore it."""
    shown = plain_title(title)
    meta: dict[str, object] = {"title": html.escape(shown, quote=False)}
    if hide:
        meta["hide"] = list(hide)
    front_matter = yaml.safe_dump(meta, allow_unicode=True, width=1 << 16)
    return f"---\n{front_matter}---\n\n# {literal_markdown(shown)}\n\n{body}\n"

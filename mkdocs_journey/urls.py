"""Relative links between pages, from site-relative URLs (what MkDocs calls ``page.url``)."""

from __future__ import annotations

import posixpath


def relative_url(target: str, current: str) -> str:
    """The link from the page at ``current`` to ``target`` (both site-relative)."""
    target, _, fragment = target.partition("#")
    head, tail = posixpath.split(current)
    base = head if "." in tail else current
    link = posixpath.relpath("/" + target, "/" + base)
    if target.endswith("/") and not link.endswith("/"):
        link += "/"
    if link == "./" and not target:
        link = "./"
    return f"{link}#{fragment}" if fragment else link

"""The plugin's compiled templates in Jinja's folder for the user: never an error, never
another package state's code."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from mkdocs_journey.render.code_cache import PREFIX, STALE_AFTER, code_cache
from mkdocs_journey.render.environment import make_environment


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder, as Python and Jinja see it, moved into ``tmp_path``."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _render(stamp: str) -> str:
    env = make_environment(code_cache=code_cache(stamp))
    return env.get_template("journey/stylesheet.html").render(css="p { color: red }")


def test_each_package_state_keeps_its_own_files(temporary: Path) -> None:
    page = _render("one")
    (folder,) = temporary.glob("_jinja2-cache-*")
    first = {p.name for p in folder.glob(f"{PREFIX}*")}
    assert len(first) == 1
    assert _render("two") == page
    both = {p.name for p in folder.glob(f"{PREFIX}*")}
    assert len(both) == 2  # the other state's file is recent: kept, for a checkout next door
    # Another state's file not written for a day goes when a cache is made.
    (old,) = first
    day_ago = time.time() - STALE_AFTER - 60
    os.utime(folder / old, (day_ago, day_ago))
    code_cache("two")
    assert {p.name for p in folder.glob(f"{PREFIX}*")} == both - first


def test_no_private_folder_means_no_cache_and_no_error(temporary: Path) -> None:
    # A file where Jinja's folder should be: Jinja finds no folder private to the user.
    (temporary / f"_jinja2-cache-{os.getuid()}").write_text("not a folder")
    assert code_cache("one") is None
    assert "color: red" in _render("one")


def test_a_folder_gone_while_building_is_no_error(temporary: Path) -> None:
    cache = code_cache("one")
    assert cache is not None
    shutil.rmtree(cache.directory)
    env = make_environment(code_cache=cache)
    assert "color: red" in env.get_template("journey/stylesheet.html").render(
        css="p { color: red }"
    )

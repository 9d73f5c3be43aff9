"""docs/templates.md is the contract for theme overrides: it must name exactly the variables the
package renders each template with, and exactly those an included part reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jinja2.meta

import mkdocs_journey
from mkdocs_journey.render.environment import make_environment

PACKAGE = Path(mkdocs_journey.__file__).parent
TEMPLATES = PACKAGE / "render" / "templates" / "journey"
DOCS = Path(__file__).parents[2] / "docs" / "templates.md"


def _documented() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(rendered templates -> their variables, included parts -> the variables they read)."""
    text = DOCS.read_text(encoding="utf-8")
    rendered_part, _, included_part = text.partition("## Parts included by other templates")
    rendered: dict[str, set[str]] = {}
    for section in re.split(r"^### ", rendered_part, flags=re.M)[1:]:
        name = re.match(r"`journey/([^`]+)`", section)
        assert name is not None, section[:60]
        rows = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
        rendered[name.group(1)] = set(rows)
    included = {
        name: set(re.findall(r"`(\w+)`", reads))
        for name, reads in re.findall(
            r"^\| `journey/([^`]+)` \| [^|]+ \| ([^|]+) \|$", included_part, flags=re.M
        )
    }
    return rendered, included


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }


def _render_calls() -> dict[str, set[str]]:
    """Every ``<env>.get_template(NAME).render(keywords)`` in the package, by template."""
    found: dict[str, set[str]] = {}
    sources = {path: ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.rglob("*.py")}
    constants: dict[str, str] = {}
    for tree in sources.values():
        constants |= _constants(tree)
    for tree in sources.values():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "render"
                and isinstance(node.func.value, ast.Call)
                and isinstance(node.func.value.func, ast.Attribute)
                and node.func.value.func.attr == "get_template"
            ):
                continue
            argument = node.func.value.args[0]
            if isinstance(argument, ast.Constant):
                name = str(argument.value)
            elif isinstance(argument, ast.Name) and argument.id in constants:
                name = constants[argument.id]
            else:
                continue  # a computed name (the scaffold's own templates)
            if not name.startswith("journey/"):
                continue
            keywords = {k.arg for k in node.keywords if k.arg is not None}
            found.setdefault(name.removeprefix("journey/"), set()).update(keywords)
    return found


def test_every_rendered_template_is_documented_with_exactly_its_variables() -> None:
    rendered, _ = _documented()
    calls = _render_calls()
    assert calls  # the walk found the render calls
    assert set(rendered) == set(calls)
    for name, variables in calls.items():
        assert rendered[name] == variables, name


def test_every_included_part_is_documented_with_what_it_reads() -> None:
    rendered, included = _documented()
    env = make_environment()
    on_disk = {path.name for path in TEMPLATES.glob("*.html")}
    assert set(rendered) | set(included) == on_disk  # every template is in the contract
    for name, reads in included.items():
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        used = jinja2.meta.find_undeclared_variables(env.parse(source)) - set(env.globals)
        assert used == reads, name

from __future__ import annotations

from mkdocs_journey.catalogue import build_catalogue
from mkdocs_journey.model import DEFAULT_STAGES
from mkdocs_journey.parsing.page import read_page

PERSONA = "persona: {id: pat, name: Pat, role: Owner}"


def _page(name: str, map_id: str, persona: str) -> list:
    source = f"# {name}\n\n```journey\nid: {map_id}\ntitle: {map_id}\n{persona}\nstages: [{{name: Awareness}}]\n```\n"
    return read_page(f"{name}.md", source, DEFAULT_STAGES)


def test_identical_persona_on_two_pages_is_fine() -> None:
    catalogue = build_catalogue([*_page("a", "one", PERSONA), *_page("b", "two", PERSONA)])
    assert catalogue.problems == []
    assert list(catalogue.personas) == ["pat"]


def test_persona_redefined_differently_is_reported_where_it_is() -> None:
    other = "persona: {id: pat, name: Patricia}"
    catalogue = build_catalogue([*_page("a", "one", PERSONA), *_page("b", "two", other)])
    [problem] = catalogue.problems
    assert problem.position.page == "b.md"
    assert "persona 'pat' is defined again with other details" in problem.message


def test_persona_reference_resolves_across_pages_and_unknown_is_reported() -> None:
    catalogue = build_catalogue(
        [
            *_page("a", "one", PERSONA),
            *_page("b", "two", "persona: pat"),
            *_page("c", "three", "persona: pta"),
        ]
    )
    by_id = {m.id: m for m in catalogue.maps}
    assert by_id["two"].persona.name == "Pat"
    [problem] = catalogue.problems
    assert str(problem) == "c.md:6:10: unknown persona 'pta' (did you mean 'pat'?)"


def test_duplicate_map_id_and_unknown_data_source() -> None:
    pages = [*_page("a", "one", PERSONA), *_page("b", "one", ""), *_page("c", "two", "data: crn")]
    catalogue = build_catalogue(pages, data_sources=["crm"])
    assert [str(p) for p in catalogue.problems] == [
        "b.md:4:1: map id 'one' is already used by the map at a.md:4:1",
        "c.md:6:7: unknown data source 'crn' (did you mean 'crm'?)",
    ]

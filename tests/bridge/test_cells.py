"""The cell syntax: one item per line, [key: value] attributes, #id, '- ' details."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_journey.bridge.cells import format_item, parse_items, parse_line

KEYS = ("severity", "touchpoint", "owner", "status")


@pytest.mark.parametrize(
    ("line", "text", "attributes", "item_id"),
    [
        ("Setup wizard", "Setup wizard", {}, None),
        ("Setup wizard [channel: Direct] #setup", "Setup wizard", {"channel": "Direct"}, "setup"),
        ("Slow [severity: 4;touchpoint: t1]", "Slow", {"severity": "4", "touchpoint": "t1"}, None),
        ('Pricing [owner: "Sales; EMEA"]', "Pricing", {"owner": "Sales; EMEA"}, None),
        # Brackets that are not attributes stay text; so does a '#' inside the text.
        ("Compare plans [beta]", "Compare plans [beta]", {}, None),
        ("Use #hashtags in posts", "Use #hashtags in posts", {}, None),
        ("Reads [note: see appendix]", "Reads [note: see appendix]", {}, None),
        ("Literal [beta] []", "Literal [beta]", {}, None),
        ("Uppercase keys [Severity: 2]", "Uppercase keys", {"severity": "2"}, None),
    ],
)
def test_a_line(line: str, text: str, attributes: dict, item_id: str | None) -> None:
    keys = (*KEYS, "channel")
    item, problem = parse_line(line, keys=keys, with_id=True)
    assert problem is None
    assert (item.text, item.attributes, item.id) == (text, attributes, item_id)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Slow [severty: 4]", "unknown attribute 'severty' (did you mean 'severity'?)"),
        ("Slow [severity 4]", "cannot read [severity 4]: write each attribute as 'key: value'"),
        ("Slow [severity: 4; severity: 2]", "attribute 'severity' is given twice"),
        ("[severity: 4]", "an item without text before its [attributes]"),
    ],
)
def test_a_line_that_cannot_be_read(line: str, message: str) -> None:
    item, problem = parse_line(line, keys=KEYS)
    assert item is None
    assert problem.startswith(message)


def test_details_belong_to_the_item_above_and_problems_name_the_line() -> None:
    cell = "\n".join(
        [
            "- orphan cause",
            "Import fails [severity: 5] #imp",
            "- template columns only",
            "  • no ERP importers",
            "",
            "Trial too short [severity: six]",
            "Bad [sevrity: 2]",
        ]
    )
    items, problems = parse_items(cell, keys=KEYS, with_id=True, with_details=True)
    assert [(i.text, i.id, i.details, i.line) for i in items] == [
        ("Import fails", "imp", ("template columns only", "no ERP importers"), 2),
        ("Trial too short", None, (), 6),
    ]
    assert [(p.line, p.message) for p in problems] == [
        (1, "a '- ' detail line before any item"),
        (7, "unknown attribute 'sevrity' (did you mean 'severity'?)"),
    ]


texts = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1)
    .map(lambda t: " ".join(t.split()))
    .filter(lambda t: t and not t.startswith(("-", "•", "*")))
)
values = st.one_of(
    st.integers(-1000, 1000),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1)
    .map(lambda t: " ".join(t.split()))
    .filter(bool),
)


@settings(max_examples=300, deadline=None)
@given(
    text=texts,
    attributes=st.dictionaries(st.sampled_from(KEYS), values, max_size=3),
    item_id=st.one_of(st.none(), st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,20}\Z")),
)
@pytest.mark.slow
def test_any_item_reads_back_as_written(text: str, attributes: dict, item_id: str | None) -> None:
    line = format_item(text, attributes.items(), item_id, with_id=True)
    items, problems = parse_items(line, keys=KEYS, with_id=True)
    assert problems == []
    assert [(i.text, i.attributes, i.id) for i in items] == [
        (text, {k: str(v) for k, v in attributes.items()}, item_id)
    ]

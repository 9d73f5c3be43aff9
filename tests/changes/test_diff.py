"""The semantic diff, on small journeys.json records: each kind of change, and what is not one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_journey.changes.diff import CHANGE_KINDS, MapSet, compare, kpi_status
from mkdocs_journey.changes.report import as_json, as_markdown, as_text, sentence


def kpi(name: str, target: float | None = None, actual: float | None = None, **extra: Any):
    return {
        "name": name,
        "target": target,
        "unit": extra.get("unit", "%"),
        "direction": extra.get("direction", "higher"),
        "actual": actual,
        "metric": extra.get("metric"),
        "evidence": [],
    }


def stage(name: str, score: int | None = None, label: str = "", **lanes: Any) -> dict[str, Any]:
    return {
        "name": name,
        "goal": "",
        "actions": [],
        "touchpoints": lanes.get("touchpoints", []),
        "emotion": None if score is None else {"score": score, "label": label, "thoughts": []},
        "pain_points": lanes.get("pain_points", []),
        "opportunities": lanes.get("opportunities", []),
        "kpis": lanes.get("kpis", []),
        "evidence": [],
    }


def tp(id: str, name: str, channel: str = "Email"):
    return {
        "id": id,
        "name": name,
        "channel": channel,
        "actions": [],
        "emotions": [],
        "evidence": [],
    }


def pain(id: str, text: str, severity: int = 3):
    return {
        "id": id,
        "text": text,
        "causes": [],
        "severity": severity,
        "touchpoint": None,
        "evidence": [],
    }


def opp(text: str, status: str = "idea", owner: str = ""):
    return {"text": text, "addresses": None, "owner": owner, "status": status}


def record(stages: list[dict[str, Any]], id: str = "m", **fields: Any) -> dict[str, Any]:
    return {
        "id": id,
        "title": fields.get("title", "A map"),
        "persona": None,
        "stages": stages,
        "objective": "",
        "owner": fields.get("owner", ""),
        "reviewed": fields.get("reviewed"),
        "review_every": fields.get("review_every"),
        "tags": [],
        "flow": [],
        "diagram": {},
        "data": None,
        "page": fields.get("page", "maps/a.md"),
        "url": "",
        "review_due": None,
        "stale": False,
    }


def diff(old: list[dict[str, Any]], new: list[dict[str, Any]], **sides: bool):
    return compare(
        MapSet("old", tuple(old), sides.get("old_computed", True)),
        MapSet("new", tuple(new), sides.get("new_computed", True)),
    )


def rows(comparison) -> list[tuple[Any, ...]]:
    return [(c.kind, c.stage, c.item, c.old, c.new) for c in comparison.changes]


CASES = [
    pytest.param(
        [stage("Awareness", 0)],
        [stage("Awareness", 0), stage("Decision", -1)],
        [("stage-added", "Decision", None, None, None)],
        id="stage added",
    ),
    pytest.param(
        [stage("Awareness", -2, "lost")],
        [stage("Awareness", -1, "curious")],
        [
            ("emotion-score", "Awareness", None, -2, -1),
            ("emotion-label", "Awareness", None, "lost", "curious"),
        ],
        id="emotion moved",
    ),
    pytest.param(
        [stage("Awareness", touchpoints=[tp("ad", "Ad"), tp("mail", "Mail")])],
        [stage("Awareness", touchpoints=[tp("ad", "Search ad", "Paid Search"), tp("web", "Web")])],
        [
            ("touchpoint-removed", "Awareness", "mail", "Mail", None),
            ("touchpoint-renamed", "Awareness", "ad", "Ad", "Search ad"),
            ("touchpoint-channel", "Awareness", "ad", "Email", "Paid Search"),
            ("touchpoint-added", "Awareness", "web", None, "Web"),
        ],
        id="touchpoints",
    ),
    pytest.param(
        [stage("Awareness", pain_points=[pain("slow", "Slow site", 4), pain("gone", "Gone")])],
        [stage("Awareness", pain_points=[pain("slow", "Slow site", 2)])],
        [
            ("pain-point-resolved", "Awareness", "gone", "Gone", None),
            ("pain-point-severity", "Awareness", "slow", 4, 2),
        ],
        id="pain resolved, severity",
    ),
    pytest.param(
        # Ids generated from positions (<stage>-pain-<n>) are not identities: the text is.
        [
            stage(
                "Awareness",
                pain_points=[
                    pain("awareness-pain-1", "First"),
                    pain("awareness-pain-2", "Second", 5),
                ],
            )
        ],
        [stage("Awareness", pain_points=[pain("awareness-pain-1", "Second", 5)])],
        [("pain-point-resolved", "Awareness", "First", "First", None)],
        id="generated pain ids",
    ),
    pytest.param(
        [stage("Awareness", opportunities=[opp("Shorter signup form", "idea", "Web")])],
        [
            stage(
                "Awareness",
                opportunities=[opp("Shorter sign-up form", "planned", "Growth"), opp("Chat")],
            )
        ],
        [
            (
                "opportunity-renamed",
                "Awareness",
                "Shorter sign-up form",
                "Shorter signup form",
                "Shorter sign-up form",
            ),
            ("opportunity-status", "Awareness", "Shorter sign-up form", "idea", "planned"),
            ("opportunity-owner", "Awareness", "Shorter sign-up form", "Web", "Growth"),
            ("opportunity-added", "Awareness", "Chat", None, "Chat"),
        ],
        id="opportunities",
    ),
    pytest.param(
        [stage("Decision", kpis=[kpi("Win rate", 20, 14), kpi("NPS", 40, 41)])],
        [stage("Decision", kpis=[kpi("Win rate", 25, 26)])],
        [
            ("kpi-removed", "Decision", "NPS", "NPS", None),
            ("kpi-target", "Decision", "Win rate", 20, 25),
            ("kpi-actual", "Decision", "Win rate", 14, 26),
            ("kpi-status", "Decision", "Win rate", "missed", "met"),
        ],
        id="kpis",
    ),
    pytest.param(
        [stage("Awareness", kpis=[kpi("Cost per lead")]), stage("Decision")],
        [stage("Awareness"), stage("Decision", kpis=[kpi("Cost per lead")])],
        [("kpi-moved", "Decision", "Cost per lead", "Awareness", "Decision")],
        id="kpi moved",
    ),
    pytest.param(
        # What a new stage holds is part of "stage added", not listed again.
        [stage("Awareness")],
        [
            stage("Awareness"),
            stage(
                "Advocacy",
                2,
                touchpoints=[tp("rev", "Review")],
                pain_points=[pain("p", "Hidden link")],
            ),
        ],
        [("stage-added", "Advocacy", None, None, None)],
        id="contents of a new stage",
    ),
    pytest.param(
        [stage("Awareness", 1, "calm", touchpoints=[tp("ad", "Ad")])],
        [stage("Awareness", 1, "calm", touchpoints=[tp("ad", "Ad")])],
        [],
        id="unchanged",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_changes_of_one_map(old, new, expected) -> None:
    assert rows(diff([record(old)], [record(new)])) == expected


def test_map_level_changes_come_first() -> None:
    old = record(
        [stage("Awareness", 0)],
        owner="Ana",
        reviewed="2026-01-10",
        review_every="6 months",
        title="Buyers",
    )
    new = record(
        [stage("Awareness", 1)],
        owner="Ben",
        reviewed="2026-07-01",
        review_every="1 year",
        title="Buyers of Flow",
    )
    assert [c.kind for c in diff([old], [new]).changes] == [
        "map-retitled",
        "owner-changed",
        "reviewed-changed",
        "review-period-changed",
        "emotion-score",
    ]


def test_maps_added_removed_and_an_id_change_hint() -> None:
    comparison = diff(
        [record([], id="buyer", title="Buyer journey"), record([], id="kept")],
        [record([], id="kept"), record([], id="buyer-2026", title="Buyer journey 2026")],
    )
    assert [(m.map_id, m.status) for m in comparison.maps] == [
        ("kept", "unchanged"),
        ("buyer-2026", "added"),
        ("buyer", "removed"),
    ]
    assert [c.kind for c in comparison.changes] == ["map-added", "map-removed"]
    assert comparison.notes == (
        "map 'buyer' was removed and map 'buyer-2026' added on maps/a.md with a close title: "
        "if only the id changed, the diff cannot follow it (maps are matched by id)",
    )


def test_a_renamed_page_and_a_map_moved_between_pages() -> None:
    old = [
        record([], id="a", page="maps/old.md"),
        record([], id="b", page="maps/b.md"),
        record([], id="c", page="maps/c.md"),
    ]
    new = [
        record([], id="a", page="maps/new.md"),
        record([], id="b", page="maps/c.md"),
        record([], id="c", page="maps/c.md"),
    ]
    moves = [(c.map, c.item, c.old, c.new) for c in diff(old, new).changes]
    assert moves == [
        ("a", "page renamed", "maps/old.md", "maps/new.md"),
        ("b", "moved", "maps/b.md", "maps/c.md"),
    ]
    assert [sentence(c) for c in diff(old, new).changes] == [
        "page renamed: maps/old.md → maps/new.md",
        "moved from page maps/b.md to maps/c.md",
    ]


def test_computed_kpi_values_compare_only_between_two_built_exports() -> None:
    old = record(
        [
            stage(
                "Decision",
                kpis=[kpi("Rate", 5, None, metric="conversion_rate"), kpi("Typed", 5, 1)],
            )
        ]
    )
    new = record(
        [
            stage(
                "Decision", kpis=[kpi("Rate", 5, 7.5, metric="conversion_rate"), kpi("Typed", 5, 2)]
            )
        ]
    )
    mixed = diff([old], [new], old_computed=False)
    assert rows(mixed) == [("kpi-actual", "Decision", "Typed", 1, 2)]
    assert mixed.computed_kpis_skipped
    built = diff([old], [new])
    assert [c.item for c in built.changes] == ["Rate", "Rate", "Typed"]
    assert not built.computed_kpis_skipped


@pytest.mark.parametrize(
    ("target", "actual", "direction", "status"),
    [
        (10, 12, "higher", "met"),
        (10, 8, "higher", "missed"),
        (10, 8, "lower", "met"),
        (10, None, "higher", "unknown"),
        (None, 3, "lower", "unknown"),
    ],
)
def test_kpi_status(target, actual, direction, status) -> None:
    assert kpi_status(kpi("k", target, actual, direction=direction)) == status


def test_verdicts_follow_what_is_better() -> None:
    comparison = diff(
        [
            record(
                [
                    stage(
                        "Awareness",
                        -1,
                        pain_points=[pain("p", "P", 2)],
                        kpis=[kpi("Cost", 10, 12, direction="lower")],
                    )
                ]
            )
        ],
        [
            record(
                [
                    stage(
                        "Awareness",
                        -2,
                        pain_points=[pain("p", "P", 1)],
                        kpis=[kpi("Cost", 10, 9, direction="lower")],
                    )
                ]
            )
        ],
    )
    assert [(c.kind, c.verdict) for c in comparison.changes] == [
        ("emotion-score", "worse"),
        ("pain-point-severity", "better"),
        ("kpi-actual", "better"),
        ("kpi-status", "better"),
    ]


def test_every_kind_of_change_is_declared_and_has_its_own_sentence() -> None:
    seen = set()
    for case in CASES:
        old, new, _ = case.values
        seen |= {c.kind for c in diff([record(old)], [record(new)]).changes}
    scenario = [
        diff([record([], id="x")], []),
        diff([], [record([], id="y")]),
        diff(
            [
                record(
                    [stage("Awareness")],
                    title="A",
                    owner="o",
                    reviewed="2026-01-01",
                    review_every="1 year",
                    page="p.md",
                )
            ],
            [
                record(
                    [],
                    title="B",
                    owner="p",
                    reviewed="2026-02-01",
                    review_every="2 years",
                    page="q.md",
                )
            ],
        ),
        diff(
            [
                record(
                    [
                        stage(
                            "Awareness",
                            touchpoints=[tp("t", "T")],
                            pain_points=[pain("p", "Pain")],
                            opportunities=[opp("Fix it")],
                        ),
                        stage("Decision"),
                    ]
                )
            ],
            [
                record(
                    [
                        stage("Awareness"),
                        stage(
                            "Decision",
                            touchpoints=[tp("t", "T")],
                            pain_points=[pain("p", "Pain")],
                            opportunities=[opp("Fix it")],
                        ),
                    ]
                )
            ],
        ),
        diff(
            [
                record(
                    [
                        stage(
                            "Awareness",
                            touchpoints=[tp("t", "T"), tp("u", "Unused")],
                            kpis=[kpi("Sign-up rate"), kpi("Gone")],
                        )
                    ]
                )
            ],
            [
                record(
                    [
                        stage(
                            "Awareness",
                            touchpoints=[tp("t", "T")],
                            kpis=[kpi("Sign up rate"), kpi("Brand new")],
                            pain_points=[pain("n", "New pain")],
                        )
                    ]
                )
            ],
        ),
        diff(
            [
                record(
                    [
                        stage(
                            "Awareness",
                            pain_points=[pain("p", "Fourteen days is too short")],
                            opportunities=[opp("Old one")],
                        )
                    ]
                )
            ],
            [record([stage("Awareness", pain_points=[pain("p", "Fourteen days is too short!")])])],
        ),
    ]
    for comparison in scenario:
        seen |= {c.kind for c in comparison.changes}
        for change in comparison.changes:
            assert not sentence(change).startswith(change.kind), change
    assert seen == set(CHANGE_KINDS)


def test_odd_records_never_raise() -> None:
    odd = [
        {"id": "m", "stages": "none"},
        {
            "id": "n",
            "stages": [
                None,
                {"name": 3, "kpis": [{"name": None}, 7]},
                {"name": "A", "emotion": "sad", "pain_points": "x"},
            ],
        },
        {"title": "no id"},
        {"id": "m", "stages": []},
    ]
    comparison = compare(MapSet("old", tuple(odd)), MapSet("new", ()))
    assert [c.kind for c in comparison.changes] == ["map-removed", "map-removed"]
    assert comparison.notes == (
        "old: a map record without an id was left out",
        "old: map id 'm' appears twice; the first is compared",
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "title",
                    "page",
                    "stages",
                    "name",
                    "emotion",
                    "score",
                    "label",
                    "touchpoints",
                    "pain_points",
                    "kpis",
                    "opportunities",
                    "text",
                    "severity",
                    "target",
                    "actual",
                    "direction",
                    "metric",
                    "status",
                    "owner",
                    "channel",
                    "reviewed",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(old=st.lists(json_values, max_size=4), new=st.lists(json_values, max_size=4))
def test_any_json_compares_and_reports(old: list[Any], new: list[Any]) -> None:
    comparison = compare(MapSet("old", tuple(old)), MapSet("new", tuple(new)))
    as_text(comparison)
    as_markdown(comparison)
    json.dumps(as_json(comparison), allow_nan=True)

"""The semantic diff of two sets of maps: what a reviewer would call a change, item by item.

Both sides are lists of ``journeys.json`` map records (the v1 export), so a diff reads the same
whatever each side came from. Maps are matched by id; stages by name; touchpoints, pain points,
opportunities and KPIs through :mod:`mkdocs_journey.changes.matching` (by id, else by text, else
by close text, across the whole map so that an item moved to another stage is a move). The
contents of an added or removed stage or map are part of that one change, not listed again.

Every kind of change is declared once in :data:`CHANGE_KINDS`; :func:`compare` never raises for
odd records (missing keys read as their defaults, wrong types as empty).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mkdocs_journey.changes.matching import (
    RENAME_THRESHOLD,
    Item,
    Matching,
    match_items,
    similarity,
)
from mkdocs_journey.parsing.build import generated_pain_id

Record = Mapping[str, Any]

#: Every kind of change, in the order a map's changes are listed, with what it means.
CHANGE_KINDS: Mapping[str, str] = {
    "map-added": "a map the old version did not have",
    "map-removed": "a map the new version no longer has",
    "map-moved": "the map is written on another page (the page was renamed, or the map moved)",
    "map-retitled": "the map's title changed",
    "owner-changed": "the map's owner changed",
    "reviewed-changed": "the date of the map's last review changed",
    "review-period-changed": "how often the map must be reviewed changed",
    "stage-added": "a stage the map did not have (its contents are part of this change)",
    "stage-removed": "a stage the map no longer has",
    "emotion-score": "the stage's emotion score moved (-2..2)",
    "emotion-label": "the stage's emotion label changed",
    "touchpoint-added": "a new touchpoint",
    "touchpoint-removed": "a touchpoint that is gone",
    "touchpoint-renamed": "a touchpoint's name changed",
    "touchpoint-moved": "a touchpoint moved to another stage",
    "touchpoint-channel": "a touchpoint's channel changed",
    "pain-point-added": "a new pain point",
    "pain-point-resolved": "a pain point that is gone from the map",
    "pain-point-renamed": "a pain point reworded",
    "pain-point-moved": "a pain point moved to another stage",
    "pain-point-severity": "a pain point's severity moved (1..5)",
    "opportunity-added": "a new opportunity",
    "opportunity-removed": "an opportunity that is gone",
    "opportunity-renamed": "an opportunity reworded",
    "opportunity-moved": "an opportunity moved to another stage",
    "opportunity-status": "an opportunity's status moved (idea, planned, in progress, done...)",
    "opportunity-owner": "an opportunity's owner changed",
    "kpi-added": "a new KPI",
    "kpi-removed": "a KPI that is gone",
    "kpi-renamed": "a KPI's name changed",
    "kpi-moved": "a KPI moved to another stage",
    "kpi-target": "a KPI's target moved",
    "kpi-actual": "a KPI's actual value moved",
    "kpi-status": "a KPI's status moved (met, missed, unknown)",
}

_LANES = ("touchpoint", "pain-point", "opportunity", "kpi")
_STATUS_PROGRESS = {"idea": 0, "planned": 1, "in progress": 2, "done": 3}


@dataclass(frozen=True)
class Change:
    kind: str  # a key of CHANGE_KINDS
    map: str  # the map's id
    stage: str | None = None  # the stage it happened in (the new one for a move)
    item: str | None = None  # the item's id when the author wrote one, else its (new) text
    text: str = ""  # what a reader calls the item: its name or sentence (the new one)
    old: Any = None
    new: Any = None
    #: "better" or "worse" where the direction of a move is known (emotion, severity, KPI,
    #: opportunity progress), else None.
    verdict: str | None = None
    lane: str = ""  # touchpoint, pain-point, opportunity, kpi; "" for the map and its stages
    unit: str = ""  # a KPI's unit, for its target and actual
    old_stage: str | None = None  # for moves: where it was


@dataclass(frozen=True)
class MapSet:
    """One side of a comparison: the map records of one version and what to say about them."""

    label: str  # as the user named it: "v1.0", "site/journeys.json", "previous mike version"
    records: tuple[Record, ...]
    #: True for a built journeys.json, where KPIs bound to a ``metric`` carry the computed
    #: actual; False for maps read from pages (a git ref, the working tree), which have none.
    computed: bool = True
    description: str = ""  # e.g. "git ref v1.0 (commit 1a2b3c4)"
    notes: tuple[str, ...] = ()  # e.g. maps left out because they could not be read


@dataclass(frozen=True)
class MapDiff:
    map_id: str
    title: str
    status: str  # "added", "removed", "changed" or "unchanged"
    changes: tuple[Change, ...]
    old: Record | None = None
    new: Record | None = None


@dataclass(frozen=True)
class Comparison:
    old: MapSet
    new: MapSet
    maps: tuple[MapDiff, ...]  # the new version's order, then the removed maps
    notes: tuple[str, ...] = field(default=())
    #: One side was read from pages, the other is a built journeys.json: the actual values of
    #: KPIs computed from data (``metric:``) were left out of the comparison.
    computed_kpis_skipped: bool = False

    @property
    def changes(self) -> list[Change]:
        return [change for map_diff in self.maps for change in map_diff.changes]

    @property
    def changed(self) -> list[MapDiff]:
        return [m for m in self.maps if m.status != "unchanged"]

    def of_map(self, map_id: str) -> MapDiff | None:
        return next((m for m in self.maps if m.map_id == map_id), None)


def compare(old: MapSet, new: MapSet) -> Comparison:
    notes = [*old.notes, *new.notes]
    old_maps, old_notes = _by_id(old)
    new_maps, new_notes = _by_id(new)
    notes += old_notes + new_notes
    renamed_pages = _renamed_pages(old_maps, new_maps)
    # A KPI's computed value compares only with another computed value: between a built
    # journeys.json and pages, it would show as a change on every build.
    compare_computed = old.computed == new.computed
    diffs: list[MapDiff] = []
    for map_id, record in new_maps.items():
        title = _text(record, "title")
        before = old_maps.get(map_id)
        if before is None:
            change = Change("map-added", map_id, new=title)
            diffs.append(MapDiff(map_id, title, "added", (change,), None, record))
            continue
        changes = _map_changes(map_id, before, record, renamed_pages, compare_computed)
        status = "changed" if changes else "unchanged"
        diffs.append(MapDiff(map_id, title, status, tuple(changes), before, record))
    for map_id, record in old_maps.items():
        if map_id not in new_maps:
            title = _text(record, "title")
            change = Change("map-removed", map_id, old=title)
            diffs.append(MapDiff(map_id, title, "removed", (change,), record, None))
    notes += _id_change_hints(diffs)
    skipped = not compare_computed and _has_computed_kpis(new_maps, old_maps)
    return Comparison(old, new, tuple(diffs), tuple(notes), computed_kpis_skipped=skipped)


# --- maps ---------------------------------------------------------------------------------


def _by_id(side: MapSet) -> tuple[dict[str, Record], list[str]]:
    maps: dict[str, Record] = {}
    notes = []
    for record in side.records:
        map_id = record.get("id") if isinstance(record, Mapping) else None
        if not isinstance(map_id, str) or not map_id:
            notes.append(f"{side.label}: a map record without an id was left out")
        elif map_id in maps:
            notes.append(f"{side.label}: map id '{map_id}' appears twice; the first is compared")
        else:
            maps[map_id] = record
    return maps, notes


def _renamed_pages(old: Mapping[str, Record], new: Mapping[str, Record]) -> dict[str, str]:
    """Old page -> new page, for pages whose every map now sits on one page that is new."""
    old_pages = {_text(r, "page") for r in old.values()}
    new_pages = {_text(r, "page") for r in new.values()}
    targets: dict[str, set[str]] = {}
    for map_id, record in old.items():
        if map_id in new:
            targets.setdefault(_text(record, "page"), set()).add(_text(new[map_id], "page"))
    renamed = {}
    for page, pages in targets.items():
        (target,) = pages if len(pages) == 1 else ("",)
        if target and page not in new_pages and target not in old_pages:
            renamed[page] = target
    return renamed


def _map_changes(
    map_id: str,
    old: Record,
    new: Record,
    renamed_pages: Mapping[str, str],
    compare_computed: bool,
) -> list[Change]:
    changes: list[Change] = []
    old_page, new_page = _text(old, "page"), _text(new, "page")
    if old_page != new_page:
        how = "page renamed" if renamed_pages.get(old_page) == new_page else "moved"
        changes.append(Change("map-moved", map_id, item=how, old=old_page, new=new_page))
    for key, kind in (
        ("title", "map-retitled"),
        ("owner", "owner-changed"),
        ("reviewed", "reviewed-changed"),
        ("review_every", "review-period-changed"),
    ):
        if old.get(key) != new.get(key):
            changes.append(Change(kind, map_id, old=old.get(key), new=new.get(key)))
    changes += _stage_changes(map_id, old, new)
    removed_stages = {_text(s, "name") for s in _stages(old)} - {
        _text(s, "name") for s in _stages(new)
    }
    added_stages = {_text(s, "name") for s in _stages(new)} - {
        _text(s, "name") for s in _stages(old)
    }
    for lane, collect, compare_pair in (
        ("touchpoint", _touchpoints, _touchpoint_pair),
        ("pain-point", _pain_points, _pain_point_pair),
        ("opportunity", _opportunities, _opportunity_pair),
        ("kpi", _kpis, _kpi_pair(compare_computed)),
    ):
        matching = match_items(collect(old), collect(new))
        changes += _lane_changes(map_id, lane, matching, compare_pair, added_stages, removed_stages)
    return _ordered(changes, old, new)


def _stage_changes(map_id: str, old: Record, new: Record) -> list[Change]:
    changes = []
    old_stages = {_text(s, "name"): s for s in _stages(old)}
    new_stages = {_text(s, "name"): s for s in _stages(new)}
    for name in old_stages:
        if name not in new_stages:
            changes.append(Change("stage-removed", map_id, stage=name))
    for name, stage in new_stages.items():
        before = old_stages.get(name)
        if before is None:
            changes.append(Change("stage-added", map_id, stage=name))
            continue
        old_emotion, new_emotion = _emotion(before), _emotion(stage)
        old_score, new_score = old_emotion.get("score"), new_emotion.get("score")
        if old_score != new_score:
            verdict = _verdict(old_score, new_score, higher_is_better=True)
            changes.append(
                Change("emotion-score", map_id, name, old=old_score, new=new_score, verdict=verdict)
            )
        old_label, new_label = _text(old_emotion, "label"), _text(new_emotion, "label")
        if old_label != new_label:
            changes.append(Change("emotion-label", map_id, name, old=old_label, new=new_label))
    return changes


# --- items --------------------------------------------------------------------------------

PairComparer = Callable[[str, Item, Item], list[Change]]


def _item_change(
    kind: str, map_id: str, item: Item, lane: str, old: Any = None, new: Any = None, **extra: Any
) -> Change:
    return Change(
        kind, map_id, item.stage, _label(item), item.text, old=old, new=new, lane=lane, **extra
    )


def _lane_changes(
    map_id: str,
    lane: str,
    matching: Matching,
    compare_pair: PairComparer,
    added_stages: set[str],
    removed_stages: set[str],
) -> list[Change]:
    pains = lane == "pain-point"
    changes = []
    for item in matching.removed:
        if item.stage not in removed_stages:
            kind = "pain-point-resolved" if pains else f"{lane}-removed"
            verdict = "better" if pains else None
            changes.append(_item_change(kind, map_id, item, lane, old=item.text, verdict=verdict))
    for pair in matching.pairs:
        old, new = pair.old, pair.new
        if old.stage != new.stage:
            changes.append(
                _item_change(
                    f"{lane}-moved", map_id, new, lane, old.stage, new.stage, old_stage=old.stage
                )
            )
        if old.text != new.text:
            changes.append(_item_change(f"{lane}-renamed", map_id, new, lane, old.text, new.text))
        changes += compare_pair(map_id, old, new)
    for item in matching.added:
        if item.stage not in added_stages:
            verdict = "worse" if pains else None
            changes.append(
                _item_change(f"{lane}-added", map_id, item, lane, new=item.text, verdict=verdict)
            )
    return changes


def _touchpoint_pair(map_id: str, old: Item, new: Item) -> list[Change]:
    before, after = _text(old.record, "channel"), _text(new.record, "channel")
    if before == after:
        return []
    return [_item_change("touchpoint-channel", map_id, new, "touchpoint", before, after)]


def _pain_point_pair(map_id: str, old: Item, new: Item) -> list[Change]:
    before, after = _number(old.record.get("severity")), _number(new.record.get("severity"))
    if before == after:
        return []
    verdict = _verdict(before, after, higher_is_better=False)
    return [
        _item_change(
            "pain-point-severity", map_id, new, "pain-point", before, after, verdict=verdict
        )
    ]


def _opportunity_pair(map_id: str, old: Item, new: Item) -> list[Change]:
    changes = []
    before, after = _text(old.record, "status"), _text(new.record, "status")
    if before != after:
        verdict = _verdict(_STATUS_PROGRESS.get(before), _STATUS_PROGRESS.get(after), True)
        changes.append(
            _item_change(
                "opportunity-status", map_id, new, "opportunity", before, after, verdict=verdict
            )
        )
    before, after = _text(old.record, "owner"), _text(new.record, "owner")
    if before != after:
        changes.append(_item_change("opportunity-owner", map_id, new, "opportunity", before, after))
    return changes


def _kpi_pair(compare_computed: bool) -> PairComparer:
    def compare_kpis(map_id: str, old: Item, new: Item) -> list[Change]:
        changes = []
        higher = _text(new.record, "direction") != "lower"
        unit = _text(new.record, "unit")
        computed = bool(old.record.get("metric") or new.record.get("metric"))
        for key in ("target", "actual"):
            if key == "actual" and computed and not compare_computed:
                continue
            before, after = _number(old.record.get(key)), _number(new.record.get(key))
            if before != after:
                verdict = _verdict(before, after, higher) if key == "actual" else None
                changes.append(
                    _item_change(
                        f"kpi-{key}", map_id, new, "kpi", before, after, verdict=verdict, unit=unit
                    )
                )
        if not computed or compare_computed:
            before_status, after_status = kpi_status(old.record), kpi_status(new.record)
            if before_status != after_status:
                order = {"missed": 0, "met": 1}
                verdict = _verdict(order.get(before_status), order.get(after_status), True)
                changes.append(
                    _item_change(
                        "kpi-status",
                        map_id,
                        new,
                        "kpi",
                        before_status,
                        after_status,
                        verdict=verdict,
                    )
                )
        return changes

    return compare_kpis


def kpi_status(kpi: Record) -> str:
    """The KPI's status as the map page shows it: "met", "missed" or "unknown"."""
    target, actual = _number(kpi.get("target")), _number(kpi.get("actual"))
    if target is None or actual is None:
        return "unknown"
    met = actual <= target if _text(kpi, "direction") == "lower" else actual >= target
    return "met" if met else "missed"


def _touchpoints(record: Record) -> list[Item]:
    return [
        Item(_text(tp, "id") or None, _text(tp, "name"), stage, tp)
        for stage, tp in _lane(record, "touchpoints")
    ]


def _pain_points(record: Record) -> list[Item]:
    return [
        Item(_written_pain_id(pain, stage), _text(pain, "text"), stage, pain)
        for stage, pain in _lane(record, "pain_points")
    ]


def _opportunities(record: Record) -> list[Item]:
    return [Item(None, _text(o, "text"), stage, o) for stage, o in _lane(record, "opportunities")]


def _kpis(record: Record) -> list[Item]:
    return [Item(None, _text(k, "name"), stage, k) for stage, k in _lane(record, "kpis")]


def _written_pain_id(pain: Record, stage: str) -> str | None:
    """The pain point's id, or None when it is the one generated for a pain point without id
    (``<stage>-pain-<n>``: it names a position, not the pain point)."""
    pain_id = _text(pain, "id")
    if not pain_id or re.fullmatch(
        re.escape(generated_pain_id(stage, 0)).removesuffix("0") + "[0-9]+", pain_id
    ):
        return None
    return pain_id


def _label(item: Item) -> str:
    return item.key or item.text


# --- order and small readers --------------------------------------------------------------


def _ordered(changes: list[Change], old: Record, new: Record) -> list[Change]:
    """Map-level changes first, then stage by stage (the new order, removed stages where they
    were), each stage's changes lane by lane in the order of CHANGE_KINDS."""
    new_names = [_text(s, "name") for s in _stages(new)]
    old_names = [_text(s, "name") for s in _stages(old)]
    rank: dict[str, float] = {name: float(i) for i, name in enumerate(new_names)}
    for i, name in enumerate(old_names):
        if name not in rank:
            following = [rank[n] for n in old_names[i + 1 :] if n in rank]
            rank[name] = (following[0] if following else len(new_names)) - 0.5
    kinds = {kind: number for number, kind in enumerate(CHANGE_KINDS)}
    lanes = {"": 0, **{lane: number + 1 for number, lane in enumerate(_LANES)}}

    def key(indexed: tuple[int, Change]) -> tuple[float, int, int, int]:
        position, change = indexed
        stage_rank = -1.0 if change.stage is None else rank.get(change.stage, len(rank))
        return (stage_rank, lanes.get(change.lane, 0), position, kinds[change.kind])

    return [change for _, change in sorted(enumerate(changes), key=key)]


def _id_change_hints(diffs: Sequence[MapDiff]) -> list[str]:
    """A removed and an added map on one page with close titles: most likely a changed id."""
    added = [(d, d.new) for d in diffs if d.status == "added" and d.new is not None]
    removed = [(d, d.old) for d in diffs if d.status == "removed" and d.old is not None]
    hints = []
    for gone, old in removed:
        for came, new in added:
            same_page = _text(old, "page") == _text(new, "page")
            if same_page and similarity(gone.title, came.title) >= RENAME_THRESHOLD:
                hints.append(
                    f"map '{gone.map_id}' was removed and map '{came.map_id}' added on "
                    f"{_text(new, 'page')} with a close title: if only the id changed, the "
                    "diff cannot follow it (maps are matched by id)"
                )
    return hints


def _has_computed_kpis(*sides: Mapping[str, Record]) -> bool:
    return any(
        kpi.get("metric") for side in sides for r in side.values() for _, kpi in _lane(r, "kpis")
    )


def _stages(record: Record) -> list[Record]:
    stages = record.get("stages")
    return [s for s in stages if isinstance(s, Mapping)] if isinstance(stages, list) else []


def _lane(record: Record, key: str) -> Iterable[tuple[str, Record]]:
    for stage in _stages(record):
        items = stage.get(key)
        if isinstance(items, list):
            name = _text(stage, "name")
            yield from ((name, item) for item in items if isinstance(item, Mapping))


def _emotion(stage: Record) -> Record:
    emotion = stage.get("emotion")
    return emotion if isinstance(emotion, Mapping) else {}


def _text(record: Record, key: str) -> str:
    value = record.get(key)
    return value if isinstance(value, str) else ""


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _verdict(old: Any, new: Any, higher_is_better: bool) -> str | None:
    if not isinstance(old, int | float) or not isinstance(new, int | float) or old == new:
        return None
    return "better" if (new > old) == higher_is_better else "worse"

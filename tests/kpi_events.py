"""The hand-made events behind the KPI, moments-of-truth and feelings-vs-behaviour tests.

110 leads in six groups walk a four-stage map (tests/fixtures/kpis/docs/maps/shop.md). Every
lead of a group does the same thing on the same days after its own start; group 1-3 leads start
in January 2024, group 4-6 leads in March 2024 (lead k of a group starts k days after the 1st,
k counted modulo 28), all at 09:00 UTC. Each step is (days after the start, touchpoint, event,
revenue if it converts).

The file ``tests/fixtures/kpis/data/events.csv`` is exactly :func:`rows` plus one row with an
impossible date (rejected); ``test_the_fixture_file_is_the_spec`` keeps the two in step, so the
arithmetic written in the tests' comments is the arithmetic of the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

#: touchpoint -> (source, medium) of every touch there; the channel follows GA4's rules.
UTM = {
    "ad": ("google", "cpc"),  # Paid Search
    "blog": ("google", "organic"),  # Organic Search
    "demo": ("newsletter", "email"),  # Email
    "pricing": ("(direct)", "(none)"),  # Direct
    "chat": ("(direct)", "(none)"),
    "checkout": ("(direct)", "(none)"),
    "app": ("(direct)", "(none)"),
}


@dataclass(frozen=True)
class Group:
    name: str
    leads: int
    month: int  # the month (2024) its leads start in
    steps: tuple[tuple[int, str, str, float | None], ...]  # day, touchpoint, event, revenue


GROUPS = (
    # G1: 40 leads see the ad and go no further.
    Group("G1", 40, 1, ((0, "ad", "page_view", None),)),
    # G2: 20 read the blog, look at pricing, stop.
    Group("G2", 20, 1, ((0, "blog", "page_view", None), (2, "pricing", "page_view", None))),
    # G3: 25 come from the ad, book a demo, look at pricing, buy (100) and use the app.
    Group(
        "G3",
        25,
        1,
        (
            (0, "ad", "page_view", None),
            (1, "demo", "demo_booked", None),
            (3, "pricing", "page_view", None),
            (10, "checkout", "purchase", 100.0),
            (12, "app", "login", None),
        ),
    ),
    # G4: 10 read the blog, look at pricing, buy (50); 6 of them use the app (G4a), 4 not.
    Group(
        "G4a",
        6,
        3,
        (
            (0, "blog", "page_view", None),
            (4, "pricing", "page_view", None),
            (6, "checkout", "purchase", 50.0),
            (7, "app", "login", None),
        ),
    ),
    Group(
        "G4b",
        4,
        3,
        (
            (0, "blog", "page_view", None),
            (4, "pricing", "page_view", None),
            (6, "checkout", "purchase", 50.0),
        ),
    ),
    # G5: 10 come from the ad and book a demo (the event written in capitals), then stop.
    Group("G5", 10, 3, ((0, "ad", "page_view", None), (1, "demo", "DEMO_BOOKED", None))),
    # G6: 5 read the blog, open the chat, look at pricing and buy (200) much later.
    Group(
        "G6",
        5,
        3,
        (
            (0, "blog", "page_view", None),
            (2, "chat", "chat_started", None),
            (3, "pricing", "page_view", None),
            (20, "checkout", "purchase", 200.0),
        ),
    ),
)

HEADER = ("lead_id", "timestamp", "source", "medium", "touchpoint", "event", "converted", "revenue")
#: G4a and G4b are one group (G4) in the arithmetic; their start days continue one another.
_OFFSET = {"G4b": 6}


def rows() -> list[tuple[str, ...]]:
    found = []
    for group in GROUPS:
        for number in range(group.leads):
            k = number + _OFFSET.get(group.name, 0)
            start = dt.datetime(2024, group.month, 1 + k % 28, 9, tzinfo=dt.timezone.utc)
            lead = f"{group.name[:2]}-{k:02d}"
            for day, touchpoint, event, revenue in group.steps:
                source, medium = UTM[touchpoint]
                found.append(
                    (
                        lead,
                        (start + dt.timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        source,
                        medium,
                        touchpoint,
                        event,
                        "1" if revenue is not None else "0",
                        f"{revenue:.2f}" if revenue is not None else "",
                    )
                )
    return sorted(found, key=lambda row: (row[1], row[0]))


#: One row no analysis can use: 30 February.
BAD_ROW = ("G1-99", "2024-02-30T09:00:00Z", "google", "cpc", "ad", "page_view", "0", "")


def csv_text() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    good = rows()
    writer.writerows(good[:100])
    writer.writerow(BAD_ROW)
    writer.writerows(good[100:])
    return out.getvalue()


if __name__ == "__main__":  # rewrite the fixture file
    from pathlib import Path

    target = Path(__file__).parent / "fixtures" / "kpis" / "data" / "events.csv"
    target.write_text(csv_text(), encoding="utf-8")

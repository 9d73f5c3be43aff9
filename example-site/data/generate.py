"""Deterministic generator of the example site's touch events (about 100k rows in four files).

    python example-site/data/generate.py          # writes the CSV files next to this script

One file per map, each shaped like a different CRM export so the ``columns`` mapping of the
``data:`` option is exercised (see README.md for the config block). The leads walk through the map's
stages; each touch is at one of the stage's touchpoints and comes through a channel (UTM source and
medium) typical for it, sometimes through another one. A few rows are deliberately dirty: a bad
timestamp, a missing lead id, negative and non-numeric revenue, an exact duplicate, a touchpoint
that is not on the map and a row with one field too many, so the data-quality page has something
to show.

The touchpoint ids are those of the maps in ``docs/maps/`` (listed in :data:`MAPS`).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
SEED = 20250101
START = dt.datetime(2026, 4, 20, tzinfo=dt.timezone.utc)
#: The exports were taken at the end of this day: nothing later is in the files.
END = dt.datetime(2026, 11, 30, 23, 59, tzinfo=dt.timezone.utc)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
STAGES = ("Awareness", "Consideration", "Decision", "Retention", "Advocacy")

#: The maps, their file, and their touchpoint ids per stage (ids as in docs/maps/*.md).
MAPS: dict[str, dict[str, object]] = {
    "smb-accounting": {
        "file": "smb-owner.csv",
        "touchpoints": {
            "Awareness": ("smb-search-ad", "smb-accountant-tip", "smb-facebook-ad"),
            "Consideration": ("smb-comparison-blog", "smb-review-site", "smb-pricing-page"),
            "Decision": ("smb-trial-signup", "smb-bank-feed", "smb-setup-call"),
            "Retention": ("smb-mobile-app", "smb-onboarding-emails", "smb-support-line"),
            "Advocacy": ("smb-trades-group", "smb-review-request", "smb-referral-program"),
        },
    },
    "saas-trial-to-paid": {
        "file": "saas-buyer.csv",
        "touchpoints": {
            "Awareness": ("saas-search-ad", "saas-linkedin-post", "saas-g2-listing"),
            "Consideration": (
                "saas-trial-signup",
                "saas-setup-wizard",
                "saas-trial-emails",
                "saas-webinar",
            ),
            "Decision": (
                "saas-pricing-page",
                "saas-sales-call",
                "saas-security-review",
                "saas-checkout",
            ),
            "Retention": ("saas-kickoff", "saas-help-center", "saas-renewal-email"),
            "Advocacy": ("saas-case-study", "saas-user-day", "saas-review-request"),
        },
    },
    "omni-store-first": {
        "file": "omni-store-first.csv",
        "touchpoints": {
            "Awareness": ("instore-window", "instore-local-ad", "instore-instagram"),
            "Consideration": ("instore-showroom", "instore-staff-advice", "instore-product-page"),
            "Decision": ("instore-phone-check", "instore-web-checkout"),
            "Retention": ("instore-order-email", "instore-delivery", "instore-returns-desk"),
            "Advocacy": ("instore-review-email", "instore-customer-photos"),
        },
    },
    "omni-online-first": {
        "file": "omni-online-first.csv",
        "touchpoints": {
            "Awareness": ("online-pinterest", "online-makeover-video", "online-search-ad"),
            "Consideration": (
                "online-product-page",
                "online-store-stock",
                "online-retargeting",
            ),
            "Decision": (
                "online-reserve-collect",
                "online-collect-reminder",
                "online-store-pickup",
            ),
            "Retention": ("online-app", "online-loyalty-email"),
            "Advocacy": ("online-referral-code", "online-review-request"),
        },
    },
}

# UTM (source, medium, campaign) pairs per declared channel; the site's channel_rules name the
# offline ones (Store, Phone, Sales call, Events).
UTM: dict[str, list[tuple[str, str, str]]] = {
    "Paid Search": [
        ("google", "cpc", "brand"),
        ("google", "cpc", "generic"),
        ("bing", "cpc", "generic"),
    ],
    "Paid Social": [
        ("facebook", "paid_social", "video-invoice"),
        ("instagram", "cpc", "reels"),
        ("tiktok", "cpc", "autumn"),
    ],
    "Organic Social": [
        ("facebook", "social", ""),
        ("linkedin", "social", ""),
        ("l.facebook.com", "referral", ""),
        ("pinterest", "social", ""),
    ],
    "Organic Search": [
        ("google", "organic", ""),
        ("bing", "organic", ""),
        ("duckduckgo", "organic", ""),
    ],
    "Organic Video": [("youtube", "organic", ""), ("vimeo", "referral", "")],
    "Referral": [
        ("capterra.com", "referral", ""),
        ("g2.com", "referral", ""),
        ("partner-accountants.example", "referral", ""),
    ],
    "Direct": [("(direct)", "(none)", ""), ("(direct)", "(not set)", "")],
    "Email": [("newsletter", "email", "monthly"), ("crm", "email", "lifecycle")],
    "Display": [("criteo", "display", "retargeting"), ("gdn", "cpm", "local")],
    "Store": [("store", "in-store", "")],
    "Phone": [("phone", "phone", "")],
    "Sales call": [("sales", "sales-call", "")],
    "Events": [("webinar", "event", "onboarding")],
}
# Channels a touch sometimes comes through instead of the declared one (hits more GA4 channels).
OTHER: list[tuple[str, str, str]] = [
    ("youtube", "cpv", "makeover"),  # Paid Video
    ("Google Shopping", "cpc", ""),  # Paid Shopping
    ("igshopping", "referral", ""),  # Organic Shopping
    ("awin", "affiliate", ""),  # Affiliates
    ("spotify", "audio", "podcast"),  # Audio
    ("sms", "sms", "reminder"),  # SMS
    ("firebase", "push", ""),  # Mobile Push Notifications
    ("google", "cpc", "pmax cross-network"),  # Cross-network
    ("adnetwork.example", "ppc", ""),  # Paid Other
    ("print", "flyer", ""),  # Unassigned
]

DECLARED: dict[str, str] = {
    # touchpoint id -> declared channel (as on the maps)
    "smb-search-ad": "Paid Search",
    "smb-accountant-tip": "Referral",
    "smb-facebook-ad": "Paid Social",
    "smb-comparison-blog": "Organic Search",
    "smb-review-site": "Referral",
    "smb-pricing-page": "Direct",
    "smb-trial-signup": "Direct",
    "smb-bank-feed": "Direct",
    "smb-setup-call": "Phone",
    "smb-mobile-app": "Direct",
    "smb-onboarding-emails": "Email",
    "smb-support-line": "Phone",
    "smb-trades-group": "Organic Social",
    "smb-review-request": "Email",
    "smb-referral-program": "Email",
    "saas-search-ad": "Paid Search",
    "saas-linkedin-post": "Organic Social",
    "saas-g2-listing": "Referral",
    "saas-trial-signup": "Direct",
    "saas-setup-wizard": "Direct",
    "saas-trial-emails": "Email",
    "saas-webinar": "Events",
    "saas-pricing-page": "Direct",
    "saas-sales-call": "Sales call",
    "saas-security-review": "Email",
    "saas-checkout": "Direct",
    "saas-kickoff": "Sales call",
    "saas-help-center": "Organic Search",
    "saas-renewal-email": "Email",
    "saas-case-study": "Referral",
    "saas-user-day": "Events",
    "saas-review-request": "Email",
    "instore-window": "Store",
    "instore-local-ad": "Display",
    "instore-instagram": "Organic Social",
    "instore-showroom": "Store",
    "instore-staff-advice": "Store",
    "instore-product-page": "Organic Search",
    "instore-phone-check": "Phone",
    "instore-web-checkout": "Direct",
    "instore-order-email": "Email",
    "instore-delivery": "Phone",
    "instore-returns-desk": "Store",
    "instore-review-email": "Email",
    "instore-customer-photos": "Organic Social",
    "online-pinterest": "Organic Social",
    "online-makeover-video": "Organic Video",
    "online-search-ad": "Paid Search",
    "online-product-page": "Organic Search",
    "online-store-stock": "Direct",
    "online-retargeting": "Display",
    "online-reserve-collect": "Direct",
    "online-collect-reminder": "Email",
    "online-store-pickup": "Store",
    "online-app": "Direct",
    "online-loyalty-email": "Email",
    "online-referral-code": "Referral",
    "online-review-request": "Email",
}


@dataclass(frozen=True)
class Shape:
    """How a map's leads behave and how its file looks."""

    map_id: str
    leads: int
    reach: tuple[float, ...]  # chance to go on from each stage to the next
    convert: float  # chance that a lead in Decision converts
    touches: tuple[int, int]  # touches per stage (min, max)
    gap_days: float  # mean days between stages
    revenue: Callable[[random.Random], float]
    header: tuple[str, ...]
    conversion_touchpoint: str
    #: A touchpoint that helps: leads who touch it go on from its stage and convert more often
    #: (its chances to go on and to convert are multiplied by ``boost``, at most 0.95).
    accelerator: str | None = None
    boost: float = 1.0


SHAPES = (
    Shape(
        "smb-accounting",
        6400,
        (0.62, 0.55, 1.0, 0.35),
        0.58,
        (1, 4),
        4.0,
        lambda r: r.choice((180.0, 348.0, 588.0)),
        (
            "Lead ID",
            "Timestamp",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "Touchpoint",
            "Event",
            "Revenue",
        ),
        "smb-bank-feed",
    ),
    Shape(
        "saas-trial-to-paid",
        5600,
        (0.55, 0.6, 1.0, 0.5),
        0.4,
        (1, 4),
        6.0,
        lambda r: round(r.lognormvariate(9.0, 0.6), 2),
        (
            "account_id",
            "event_time",
            "lead_source",
            "lead_medium",
            "campaign_name",
            "step",
            "lifecycle_stage",
            "deal_stage",
            "arr_usd",
        ),
        "saas-checkout",
        accelerator="saas-webinar",
        boost=1.45,
    ),
    Shape(
        "omni-store-first",
        3900,
        (0.7, 0.6, 1.0, 0.3),
        0.55,
        (1, 3),
        3.0,
        lambda r: round(r.uniform(90, 2400), 2),
        (
            "customer",
            "ts",
            "source",
            "medium",
            "campaign",
            "touchpoint",
            "converted",
            "order_value",
        ),
        "instore-web-checkout",
    ),
    Shape(
        "omni-online-first",
        3900,
        (0.6, 0.55, 1.0, 0.3),
        0.5,
        (1, 3),
        3.0,
        lambda r: round(r.uniform(60, 1800), 2),
        (
            "customer",
            "ts",
            "source",
            "medium",
            "campaign",
            "touchpoint",
            "converted",
            "order_value",
        ),
        "online-store-pickup",
    ),
)


def _utm(rng: random.Random, touchpoint: str) -> tuple[str, str, str]:
    if rng.random() < 0.005:
        return ("", "", "")  # an export with the source missing: kept, channel Unassigned
    if rng.random() < 0.06:
        return rng.choice(OTHER)
    if rng.random() < 0.15:
        return rng.choice(UTM["Direct"] + UTM["Organic Search"])
    return rng.choice(UTM[DECLARED[touchpoint]])


def _journey(
    rng: random.Random, shape: Shape, lead: str
) -> list[tuple[dt.datetime, str, str, bool, float]]:
    """One lead's touches: (time, touchpoint, stage, converted, revenue)."""
    touchpoints: dict[str, tuple[str, ...]] = MAPS[shape.map_id]["touchpoints"]  # type: ignore[assignment]
    when = START + dt.timedelta(days=rng.uniform(0, 170), hours=rng.uniform(7, 21))
    touches: list[tuple[dt.datetime, str, str, bool, float]] = []
    helped = False  # touched the accelerator: every later chance is better

    def chance(base: float) -> float:
        return min(0.95, base * shape.boost) if helped else base

    for index, stage in enumerate(STAGES):
        if index:
            if rng.random() > chance(shape.reach[index - 1]):
                break
            when += dt.timedelta(days=rng.expovariate(1 / shape.gap_days))
        for _ in range(rng.randint(*shape.touches)):
            touchpoint = rng.choice(touchpoints[stage])
            helped = helped or touchpoint == shape.accelerator
            touches.append((when, touchpoint, stage, False, 0.0))
            when += dt.timedelta(hours=rng.expovariate(1 / 20))
        if stage == "Decision":
            if rng.random() > chance(shape.convert):
                break
            touches.append((when, shape.conversion_touchpoint, stage, True, shape.revenue(rng)))
            when += dt.timedelta(days=rng.uniform(0.5, 3))
    return [touch for touch in touches if touch[0] <= END]


def _rows(shape: Shape, rng: random.Random) -> list[list[str]]:
    rows: list[list[str]] = []
    for n in range(shape.leads):
        lead = {"smb-accounting": f"SMB-{n + 1:05d}", "saas-trial-to-paid": f"ACC{n + 1:06d}"}.get(
            shape.map_id, f"C{n + 1:05d}"
        )
        for when, tp, stage, converted, revenue in _journey(rng, shape, lead):
            source, medium, campaign = _utm(rng, tp)
            if shape.map_id == "smb-accounting":
                event = (
                    "subscription_started"
                    if converted
                    else rng.choice(("page_view", "click", "form_start", "email_open"))
                )
                rows.append(
                    [
                        lead,
                        when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        source,
                        medium,
                        campaign,
                        tp,
                        event,
                        f"{revenue:.2f}" if converted else "",
                    ]
                )
            elif shape.map_id == "saas-trial-to-paid":
                local = when.astimezone(STOCKHOLM)  # local time, no offset written
                rows.append(
                    [
                        lead,
                        local.strftime("%Y-%m-%d %H:%M:%S"),
                        source,
                        medium,
                        campaign,
                        tp,
                        stage,
                        "Closed Won" if converted else "Open",
                        f"{revenue:.2f}" if converted else "",
                    ]
                )
            else:
                rows.append(
                    [
                        lead,
                        when.strftime("%d/%m/%Y %H:%M"),
                        source,
                        medium,
                        campaign,
                        tp,
                        "1" if converted else "0",
                        f"{revenue:.2f}" if converted else "",
                    ]
                )
    rows.sort(key=lambda row: row[1])  # an export sorted by time as text, as CRMs often do
    return rows


def _dirty(rows: list[list[str]], shape: Shape, rng: random.Random) -> None:
    """A few deliberately bad rows, inserted at fixed (seeded) places."""
    ts, revenue, touchpoint = 1, len(shape.header) - 1, 5
    bad: list[list[str]] = []
    for _ in range(3):
        row = list(rng.choice(rows))
        row[ts] = "2026-02-30T10:00:00Z" if shape.map_id == "smb-accounting" else "31/02/2026 10:00"
        bad.append(row)
    for _ in range(2):
        row = list(rng.choice(rows))
        row[0] = ""
        bad.append(row)
    for value in ("-49.00", "n/a", "1.234,50"):
        row = list(rng.choice([r for r in rows if r[revenue]]))
        row[revenue] = value
        bad.append(row)
    bad += [list(rng.choice(rows)) for _ in range(3)]  # exact duplicates
    for _ in range(4):
        row = list(rng.choice(rows))
        row[touchpoint] = "legacy-landing-page"
        bad.append(row)
    for row in bad:
        rows.insert(rng.randrange(len(rows)), row)
    # A row with one field too many, as when a notes column slips into the export.
    ragged = [*rng.choice(rows), "called back, left a voicemail"]
    rows.insert(rng.randrange(len(rows)), ragged)


def generate(out: Path = HERE) -> dict[str, int]:
    """Write every file; return rows per file."""
    counts = {}
    for shape in SHAPES:
        rng = random.Random(f"{SEED}-{shape.map_id}")  # noqa: S311 - seeded example data
        rows = _rows(shape, rng)
        _dirty(rows, shape, rng)
        path = out / str(MAPS[shape.map_id]["file"])
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(shape.header)
            writer.writerows(rows)
        counts[path.name] = len(rows)
    return counts


if __name__ == "__main__":
    for name, rows in generate().items():
        size = (HERE / name).stat().st_size / 1e6
        print(f"{name}: {rows:,} rows, {size:.1f} MB")

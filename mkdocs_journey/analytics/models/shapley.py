"""Shapley value attribution, the simplified and the ordered values of Zhao, Mahboobi and Bagheri
(2018), "Shapley Value Methods for Attribution Modeling in Online Advertising".

The game: the worth v(S) of a set of channels S is the number of conversions (for value: the
revenue) of the converted paths whose set of distinct channels is contained in S. A channel's
credit is its Shapley value in that game,

    phi(c) = sum over S not holding c of |S|! (n - |S| - 1)! / n! * (v(S + c) - v(S)),

which the paper reduces to a sum over the channel sets that occur in the data only: with R(T)
the conversions of the paths whose distinct channels are exactly T,

    phi(c) = sum over T holding c of R(T) / |T|,

every converted path splits its conversion (and its value) equally among its distinct channels,
a channel that appears twice counting once. That sum is exact, and it visits at most one set
per distinct path: its cost is linear in the path table, so no cap on the number of channels is
needed (the 2^n coalitions of the definition appear only in the tests' brute force).

The ordered value splits each channel's Shapley value by the position at which the channel
joined the path: its rank among the path's distinct channels in the order of their first touch.
phi_k(c) is the sum of R(T) / |T| over the converted paths in which c is the k-th distinct
channel; summed over k it is phi(c). Positions from the fourth on are shown together.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from mkdocs_journey.analytics.models import (
    AttributionModel,
    Breakdown,
    DataDriven,
    ModelInput,
)
from mkdocs_journey.data.paths import Credit, Credits

if TYPE_CHECKING:
    from mkdocs_journey.analytics.resampling import ResampledCredits, Resamples

#: The ordered value's columns: first, second and third channel of a path, then the rest.
POSITIONS = ("1st", "2nd", "3rd", "4th and later")


def _credit(data: ModelInput) -> Credits:
    credits: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for channels, (conversions, value) in sorted(data.paths.coalitions.items()):
        for channel in channels:
            credits[channel][0] += conversions / len(channels)
            credits[channel][1] += value / len(channels)
    return {channel: Credit(c, v) for channel, (c, v) in credits.items() if c or v}


def _resampled(data: Resamples) -> ResampledCredits:
    # The sum above is linear in the coalitions' counts: each row of the path table hands its
    # channels their shares, and a resample only re-weights the rows.
    from mkdocs_journey.analytics.resampling import RowTable  # numpy: only for a computation

    shares = RowTable(
        (
            (row, channel, (conversions / len(channels), value / len(channels)))
            for row, channels, conversions, value in data.rows.coalitions
            for channel in channels
        ),
        2,
    )
    return shares.by_key(data.converted, data.converted)


def _by_position(data: ModelInput) -> Breakdown | None:
    rows: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(POSITIONS))
    for channels, (conversions, _) in sorted(data.paths.coalitions.items()):
        for rank, channel in enumerate(channels):
            rows[channel][min(rank, len(POSITIONS) - 1)] += conversions / len(channels)
    if not rows:
        return None
    return Breakdown(
        caption="Shapley value by the position at which each channel joined the journey "
        "(conversions credited)",
        columns=POSITIONS,
        rows={channel: tuple(shares) for channel, shares in sorted(rows.items())},
    )


MODELS = (
    AttributionModel(
        name="shapley",
        title="Shapley value",
        definition=(
            "Game theory's fair share, learned from the converted paths: each channel gets "
            "its average contribution to every group of channels it can join, which for "
            "conversions here comes to splitting each converted path equally among its "
            "distinct channels (a channel seen twice in a path counts once). Split further by "
            "the position at which a channel joined the journey, it shows who opens and who "
            "closes."
        ),
        order=80,
        computed=DataDriven(_credit, breakdown=_by_position, resampled=_resampled),
    ),
)

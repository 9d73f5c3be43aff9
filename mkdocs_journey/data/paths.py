"""What the engine hands the attribution models: distinct paths and credits.

The engine counts identical paths together (the *path table*: a path, how often it converted and
for how much, how often not) and computes from it what the models need; these are the shapes of
those results. They live here, below :mod:`mkdocs_journey.analytics`, because the engine builds
them and must not import the layer that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The state before a path's first touch, in the counted steps between touches (a name no
#: channel or touchpoint has).
START = "\x1estart"


@dataclass(frozen=True)
class PathRow:
    """One distinct path with how often it converted (and for how much) and how often not."""

    path: tuple[str, ...]
    conversions: int = 0
    value: float = 0.0
    nulls: int = 0
    decay: tuple[float, ...] = ()  # per position: summed time-decay share over converted instances
    decay_value: tuple[float, ...] = ()  # the same, each instance's share times its value


@dataclass(frozen=True)
class Credit:
    """What a model credits one channel (or touchpoint) with: conversions and their value."""

    conversions: float = 0.0
    value: float = 0.0


#: One model's credits, by channel (or touchpoint).
Credits = dict[str, Credit]

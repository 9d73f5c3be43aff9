"""Every test that takes `renderer` runs once per renderer available on this machine."""

from __future__ import annotations

import pytest
from diagram_helpers import RENDERERS

from mkdocs_journey.diagrams import Renderer


@pytest.fixture(params=RENDERERS, ids=lambda renderer: renderer.name)
def renderer(request: pytest.FixtureRequest) -> Renderer:
    return request.param

"""What a build knows about earlier versions: the comparison ``compare_to`` asks for, and the
KPI series of the versions published with mike.

History is optional: a missing ref, a shallow clone, a site without git or a first mike version
give a short note for the "What changed" page and the build log, never a failed build.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mkdocs_journey.changes.diff import Comparison, MapSet, compare
from mkdocs_journey.changes.git import HistoryError, Repository
from mkdocs_journey.changes.trends import KpiTrends, build_trends
from mkdocs_journey.changes.versions import MikeBranch, SiteShape, maps_at_ref
from mkdocs_journey.settings import Settings

#: The ``compare_to`` value that means "the version published with mike just before this one".
PREVIOUS_MIKE_VERSION = "previous mike version"
#: Set by ``mike deploy`` for the build it runs: the version being built.
MIKE_VERSION_VARIABLE = "MIKE_DOCS_VERSION"


@dataclass(frozen=True)
class SiteHistory:
    compare_to: str | None = None  # as configured
    baseline: str = ""  # what it named: "v1.0", "version 1.0"
    comparison: Comparison | None = None
    note: str = ""  # why there is nothing to compare, for the page and the log
    trends: KpiTrends = field(default_factory=KpiTrends)
    mike_version: str | None = None  # the version being built, when mike builds it

    @property
    def compares(self) -> bool:
        return self.compare_to is not None


def load_history(
    settings: Settings,
    current_records: Callable[[], Sequence[Mapping[str, Any]]],
    environ: Mapping[str, str],
) -> SiteHistory:
    """The comparison and trends for a build whose maps export as ``current_records()``.

    A build that neither compares nor runs under mike reads nothing (and runs no git).
    """
    mike_version = environ.get(MIKE_VERSION_VARIABLE) or None
    if settings.compare_to is None and mike_version is None:
        return SiteHistory()
    current = current_records()
    repository: Repository | None = None
    repository_error = ""
    try:
        repository = Repository.around(settings.project_dir)
    except HistoryError as error:
        repository_error = str(error)
    mike = (
        MikeBranch(repository, settings.mike_branch, settings.mike_deploy_prefix)
        if repository
        else None
    )
    this = mike_version or "this build"
    new = MapSet(this, tuple(current), True, "the maps of this build")

    baseline, comparison, note = "", None, ""
    if settings.compare_to is not None:
        try:
            if settings.compare_to.strip().lower() == PREVIOUS_MIKE_VERSION:
                baseline, old = _previous_mike_version(
                    mike, mike_version, settings, repository_error
                )
            else:
                baseline = settings.compare_to
                if repository is None:
                    raise HistoryError(repository_error)
                old = maps_at_ref(repository, settings.compare_to, _shape(settings))
            comparison = compare(old, new)
        except HistoryError as error:
            note = str(error)

    trends = KpiTrends()
    if mike is not None and mike_version is not None:
        trends = _trends(mike, mike_version, settings, current)
    return SiteHistory(settings.compare_to, baseline, comparison, note, trends, mike_version)


def _previous_mike_version(
    mike: MikeBranch | None,
    mike_version: str | None,
    settings: Settings,
    repository_error: str,
) -> tuple[str, MapSet]:
    if mike_version is None:
        raise HistoryError(
            "this build is not run by `mike deploy`, so there is no previous version to compare "
            "with"
        )
    if mike is None:
        raise HistoryError(repository_error)
    earlier = mike.earlier(mike_version)
    if not earlier:
        raise HistoryError(
            f"no version before {mike_version} is published on the '{settings.mike_branch}' "
            "branch yet, so there is nothing to compare with"
        )
    previous = earlier[-1].version
    old = mike.export_of(previous, settings.json_export)
    if old is None:
        raise HistoryError(
            f"version {previous} on the '{settings.mike_branch}' branch has no "
            f"{settings.json_export} (it was published without this plugin)"
        )
    return f"version {previous}", old


def _trends(
    mike: MikeBranch,
    mike_version: str,
    settings: Settings,
    current: Sequence[Mapping[str, Any]],
) -> KpiTrends:
    documents = []
    for version in mike.earlier(mike_version):
        try:
            document = mike.document_of(version.version, settings.json_export)
        except HistoryError:
            continue  # an unreadable old export has no values to offer; the rest still do
        if document is not None:
            documents.append((version.version, document))
    return build_trends(documents, mike_version, settings.today.isoformat(), current)


def _shape(settings: Settings) -> SiteShape:
    return SiteShape(
        docs_dir=settings.docs_path,
        stages=settings.stages,
        today=settings.today,
        data_sources=tuple(settings.data_sources),
        json_export=settings.json_export,
    )

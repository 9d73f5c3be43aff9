"""``mkdocs-journey check``: validate every map of a site without building it (for CI).

It loads mkdocs.yml the way MkDocs does (so the plugin's options are validated too), reads every
Markdown page under ``docs_dir`` and turns each problem into a :class:`Finding` whose file is
relative to the current directory: run from the repository root, a site in a subfolder still
gets paths that GitHub and editors can open. :mod:`mkdocs_journey.check_output` prints them.

Exit status: 0 clean, 1 problems, 2 the config could not be used (or a usage error).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from mkdocs_journey.advisories import placeholders, stale_maps
from mkdocs_journey.joined import disk_analysis_cache
from mkdocs_journey.model import Problem, Severity
from mkdocs_journey.render.environment import make_environment
from mkdocs_journey.site import JourneySite, Report, SourcePage
from mkdocs_journey.site_config import SiteConfigError, load_site

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_CONFIG = 0, 1, 2

# What a message is about, shown as the annotation's title on GitHub.
TITLE_MAP = "Journey map"
TITLE_REVIEW = "Journey map review overdue"
TITLE_PLACEHOLDER = "Journey map placeholder"
TITLE_SITE = "Journey site config or data"
TITLE_FINDING = "Journey map finding"
TITLE_CONFIG = "Journey config"

# "data/crm.csv: ...", "mkdocs.yml: data_sources: ...", "data/crm.csv:12: ..."
_LEADING_FILE = re.compile(r"(?P<file>[^\s:][^:\n]*?)(?::(?P<line>\d+))?: (?P<message>.+)", re.S)


@dataclass(frozen=True)
class Finding:
    """One problem, ready to print: where (relative to the current directory) and what."""

    severity: Severity
    message: str
    title: str
    file: str | None = None  # POSIX path relative to the current directory
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    @property
    def text(self) -> str:
        """The message with its hint, as a reader sees it."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


@dataclass(frozen=True)
class CheckResult:
    config: str  # the mkdocs.yml checked, relative to the current directory
    maps: int
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    @property
    def notes(self) -> int:
        """Information (where feelings and behaviour disagree, say): never a failure."""
        return sum(f.severity is Severity.INFO for f in self.findings)

    def exit_status(self, fail_on: Severity = Severity.ERROR) -> int:
        failing = self.errors + (self.warnings if fail_on is Severity.WARNING else 0)
        return EXIT_PROBLEMS if failing else EXIT_CLEAN


def read_docs(docs: Path) -> list[SourcePage]:
    """Every Markdown page under ``docs`` as the core reads pages."""
    return [
        SourcePage(path.relative_to(docs).as_posix(), "", path.read_text(encoding="utf-8-sig"))
        for path in sorted(docs.rglob("*.md"))
    ]


def collect_site(
    config_file: Path, config_warnings: list[str] | None = None
) -> tuple[JourneySite, Report, Path]:
    """Load mkdocs.yml as MkDocs does and collect every map of the site and its data.

    What MkDocs only warns about in the config (an unknown option, say) goes to
    ``config_warnings`` when given. Raises :class:`SiteConfigError` for a config that cannot
    be used.
    """
    loaded = load_site(config_file)
    if config_warnings is not None:
        config_warnings.extend(loaded.warnings)
    settings, docs = loaded.settings, loaded.docs_dir
    site = JourneySite(settings, make_environment(), analysis_cache=disk_analysis_cache(settings))
    try:
        return site, site.collect(read_docs(docs)), docs
    except (OSError, UnicodeDecodeError) as error:
        raise SiteConfigError(f"cannot read the pages under {docs}: {error}") from error


def check_site(
    config_file: Path, *, fail_on_stale: bool = False, cwd: Path | None = None
) -> CheckResult:
    """Every problem of the site's maps and data. Raises :class:`SiteConfigError`."""
    here = (cwd or Path.cwd()).resolve()
    if not config_file.is_file():
        raise SiteConfigError("no such file (pass the site's config with --config)")
    config_warnings: list[str] = []
    site, report, docs = collect_site(config_file, config_warnings)
    project = config_file.resolve().parent
    readings = site.catalogue.readings
    stale = stale_maps(readings, site.settings.today)
    if fail_on_stale:
        stale = [replace(problem, severity=Severity.ERROR) for problem in stale]
    notes = [p for p in report.problems if p.severity is Severity.INFO]
    problems = [p for p in report.problems if p.severity is not Severity.INFO]
    findings = [
        *_map_findings(problems, TITLE_MAP, docs, here),
        *_map_findings(notes, TITLE_FINDING, docs, here),
        *_map_findings(stale, TITLE_REVIEW, docs, here),
        *_map_findings(placeholders(readings), TITLE_PLACEHOLDER, docs, here),
        *(_site_finding(message, project, config_file, here) for message in report.warnings),
        *(_config_finding(message, config_file, here) for message in config_warnings),
    ]
    findings.sort(key=_reading_order)
    return CheckResult(
        relative_to(config_file.resolve(), here), len(site.catalogue.maps), tuple(findings)
    )


def config_finding(config_file: Path, message: str, cwd: Path | None = None) -> Finding:
    """The one finding of a config that cannot be used (exit status 2)."""
    here = (cwd or Path.cwd()).resolve()
    return Finding(Severity.ERROR, message, TITLE_CONFIG, relative_to(config_file.resolve(), here))


def relative_to(path: Path, here: Path) -> str:
    """``path`` as seen from ``here``: relative (with ``..`` if need be), else absolute."""
    try:
        return Path(os.path.relpath(path, here)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _map_findings(problems: Iterable[Problem], title: str, docs: Path, here: Path) -> list[Finding]:
    return [
        Finding(
            problem.severity,
            problem.message,
            title,
            relative_to(docs / problem.position.page, here),
            problem.position.line,
            problem.position.column,
            problem.hint,
        )
        for problem in problems
    ]


def _site_finding(message: str, project: Path, config_file: Path, here: Path) -> Finding:
    """A site-wide message (config, data file): pointed at its file when it names one."""
    match = _LEADING_FILE.fullmatch(message)
    if match:
        named = match.group("file")
        path = config_file if named in ("mkdocs.yml", config_file.name) else project / named
        if path.is_file():
            line = match.group("line")
            return Finding(
                Severity.ERROR,
                match.group("message"),
                TITLE_SITE,
                relative_to(path.resolve(), here),
                int(line) if line else None,
            )
    return Finding(Severity.ERROR, message, TITLE_SITE)


def _config_finding(message: str, config_file: Path, here: Path) -> Finding:
    """What MkDocs warned about in the config: ``mkdocs build --strict`` fails on it too."""
    hint = None
    unknown = _UNKNOWN_OPTION.search(message)
    if unknown:
        from mkdocs_journey.config import JourneyConfig
        from mkdocs_journey.suggest import did_you_mean

        options = [name for name, _ in JourneyConfig._schema]
        hint = did_you_mean(unknown.group("name"), options) or f"options: {', '.join(options)}"
    return Finding(
        Severity.ERROR, message, TITLE_CONFIG, relative_to(config_file.resolve(), here), hint=hint
    )


_UNKNOWN_OPTION = re.compile(
    r"Plugin 'journey' option '(?P<name>[^']+)': Unrecognised configuration name"
)


def _reading_order(finding: Finding) -> tuple[str, int, int]:
    return (finding.file or "", finding.line or 0, finding.column or 0)

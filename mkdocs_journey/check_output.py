"""How ``mkdocs-journey check`` prints its findings: plain text, GitHub workflow commands or JSON.

- ``text``: ``path:line:column: error: message (hint)``, the form editors and most CI log parsers
  link to, then a summary line.
- ``github``: one workflow command per finding (``::error file=...,line=...,col=...,title=...::``),
  which GitHub Actions shows as an annotation on the pull request's diff, then the summary line.
  Messages carry author text, so data and properties are escaped by GitHub's own rules.
- ``json``: one document (its fields are listed in :func:`json_document`), version 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from mkdocs_journey.check import CheckResult, Finding
from mkdocs_journey.finite_json import dumps
from mkdocs_journey.model import Severity

FORMATS = ("text", "github", "json")
JSON_VERSION = 1


def write_result(result: CheckResult, output_format: str, out: TextIO, exit_status: int) -> None:
    if output_format == "json":
        write_json(json_document(result.config, result.maps, result.findings, exit_status), out)
        return
    write_findings(result.findings, output_format, out)
    out.write(summary(result) + "\n")


def write_findings(findings: Iterable[Finding], output_format: str, out: TextIO) -> None:
    line = github_command if output_format == "github" else text_line
    for finding in findings:
        out.write(line(finding) + "\n")


def summary(result: CheckResult) -> str:
    text = (
        f"{_count(result.maps, 'map')} checked: {_count(result.errors, 'error')}, "
        f"{_count(result.warnings, 'warning')}"
    )
    return f"{text}, {_count(result.notes, 'note')}" if result.notes else text


def text_line(finding: Finding) -> str:
    place = ":".join(
        str(part) for part in (finding.file, finding.line, finding.column) if part is not None
    )
    head = f"{place}: " if place else ""
    return f"{head}{finding.severity.value}: {finding.text}"


def github_command(finding: Finding) -> str:
    """``::error file=F,line=L,col=C,title=T::message`` (``::warning`` for warnings,
    ``::notice`` for information)."""
    properties = [
        f"{name}={escape_property(str(value))}"
        for name, value in (
            ("file", finding.file),
            ("line", finding.line),
            ("col", finding.column),
            ("title", finding.title),
        )
        if value is not None
    ]
    command = _GITHUB_COMMANDS[finding.severity]
    return f"::{command} {','.join(properties)}::{escape_data(finding.text)}"


_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF encoded, as GitHub's toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: also ``:`` and ``,``, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def json_document(
    config: str, maps: int, findings: Iterable[Finding], exit_status: int
) -> dict[str, Any]:
    """The JSON output: version, config, maps, errors, warnings, notes, exit_status and
    problems (information findings among them, severity ``info``)."""
    found = list(findings)
    return {
        "version": JSON_VERSION,
        "config": config,
        "maps": maps,
        "errors": sum(f.severity is Severity.ERROR for f in found),
        "warnings": sum(f.severity is Severity.WARNING for f in found),
        "notes": sum(f.severity is Severity.INFO for f in found),
        "exit_status": exit_status,
        "problems": [
            {
                "severity": f.severity.value,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "title": f.title,
                "message": f.message,
                "hint": f.hint,
            }
            for f in found
        ],
    }


def write_json(document: dict[str, Any], out: TextIO) -> None:
    out.write(dumps(document, "the check report", indent=2, ensure_ascii=False) + "\n")


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"

"""Findings for CI: GitHub workflow-command annotations, job summaries and SARIF 2.1.0.

Everything here returns text or data; ``cli`` decides when to print or append it. GitHub
Actions is detected from the environment (``GITHUB_ACTIONS=true``); the job summary is the
file named by ``GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scorecard import __version__
from scorecard.findings import CATALOGUE, Finding, has_errors, summary

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: How many findings a job summary lists before it says how many more there are.
SUMMARY_FINDINGS = 10


def in_actions(env: Mapping[str, str] | None = None) -> bool:
    """True when running as a step of a GitHub Actions job."""
    return (os.environ if env is None else env).get("GITHUB_ACTIONS") == "true"


def append_step_summary(markdown: str, env: Mapping[str, str] | None = None) -> Path | None:
    """Append ``markdown`` to the job summary, if there is one; returns its path."""
    name = (os.environ if env is None else env).get("GITHUB_STEP_SUMMARY")
    if not name:
        return None
    path = Path(name)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(markdown.rstrip("\n") + "\n\n")
    return path


def escape(text: str, *, prop: bool = False) -> str:
    """Escape a workflow command's message, or with ``prop`` one of its properties."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def workspace_path(file: str, root: Path) -> str:
    """A project file's path as GitHub names it: from the working folder when inside it."""
    try:
        return (root / file).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return file


def stdout_is_step_summary(env: Mapping[str, str] | None = None) -> bool:
    """True when standard output is redirected into the job summary already."""
    name = (os.environ if env is None else env).get("GITHUB_STEP_SUMMARY")
    if not name:
        return False
    try:
        out, target = os.fstat(sys.stdout.fileno()), os.stat(name)
    except (OSError, ValueError):
        return False
    return (out.st_dev, out.st_ino) == (target.st_dev, target.st_ino)


def annotation(
    level: str, message: str, *, file: str = "", line: int = 1, col: int = 1, title: str = ""
) -> str:
    """One ``::error file=…,line=…,col=…,title=…::message`` line (no place without a file)."""
    props = [f"file={escape(file, prop=True)},line={line},col={col}"] if file else []
    if title:
        props.append(f"title={escape(title, prop=True)}")
    return f"::{level} {','.join(props)}::{escape(message)}"


def _level(finding: Finding, strict: bool) -> str:
    return "error" if strict or finding.severity == "error" else "warning"


def _message(finding: Finding) -> str:
    return finding.message + (f" (hint: {finding.hint})" if finding.hint else "")


def finding_annotations(
    findings: Iterable[Finding], *, strict: bool = False, root: Path | None = None
) -> str:
    """Every finding as an annotation line, ready to print."""
    lines = []
    for f in findings:
        file = workspace_path(f.file, root) if root is not None else f.file
        title = f.code + " " + f.path
        lines.append(
            annotation(
                _level(f, strict), _message(f), file=file, line=f.line, col=f.col, title=title
            )
        )
    return "".join(line + "\n" for line in lines)


# --- job summaries -------------------------------------------------------------------------


_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;"}
_MARKDOWN = re.compile(r"[&<>@\\`*_\[\]|~#]")


def md(text: object) -> str:
    """Text from content, inert in GitHub Markdown (a job summary, a comment, a table cell).

    HTML's characters and ``@`` (a mention) become entities, Markdown's punctuation is
    escaped with a backslash, and line breaks become spaces. Other text stays readable.
    """
    flat = " ".join(str(text).split())
    return _MARKDOWN.sub(lambda m: _ENTITIES.get(m.group(), "\\" + m.group()), flat)


def findings_markdown(
    findings: list[Finding], *, strict: bool = False, limit: int = SUMMARY_FINDINGS
) -> str:
    """A table of the first findings, and how many more there are."""
    if not findings:
        return ""
    lines = ["| | Where | Code | Problem |", "|---|---|---|---|"]
    for f in findings[:limit]:
        mark = "❌" if _level(f, strict) == "error" else "⚠️"
        where = f"{f.file}:{f.line}:{f.col}"
        problem = (f"{f.path}: " if f.path else "") + _message(f)
        lines.append(f"| {mark} | {md(where)} | {f.code} | {md(problem)} |")
    if len(findings) > limit:
        lines.append("")
        lines.append(f"… and {len(findings) - limit} more; run `scorecard validate` to see all.")
    return "\n".join(lines) + "\n"


def validation_markdown(
    findings: list[Finding], *, strict: bool = False, title: str = "scorecard validate"
) -> str:
    """The validation result for a job summary: a verdict with counts, then the first findings."""
    failed = has_errors(findings, strict=strict)
    mark = "❌ invalid content" if failed else "✅ valid content"
    out = f"### {title}\n\n**{mark}**: {summary(findings, strict=strict)}\n"
    table = findings_markdown(findings, strict=strict)
    return out + ("\n" + table if table else "")


# --- SARIF ---------------------------------------------------------------------------------


def sarif(
    findings: Iterable[Finding], *, strict: bool = False, root: Path | None = None
) -> dict[str, Any]:
    """A SARIF 2.1.0 log of the findings, for code-scanning tools."""
    codes = list(CATALOGUE)
    rules = [
        {
            "id": code,
            "name": _rule_name(title),
            "shortDescription": {"text": title},
            "defaultConfiguration": {"level": severity},
        }
        for code, (severity, title) in CATALOGUE.items()
    ]
    results = []
    for f in findings:
        file = workspace_path(f.file, root) if root is not None else f.file
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": codes.index(f.code),
                "level": _level(f, strict),
                "message": {"text": (f"{f.path}: " if f.path else "") + _message(f)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": file},
                            "region": {"startLine": f.line, "startColumn": f.col},
                        }
                    }
                ],
            }
        )
    driver = {
        "name": "scorecard",
        "version": __version__,
        "informationUri": "https://pypi.org/project/scorecard/",
        "rules": rules,
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }


def _rule_name(title: str) -> str:
    """``value is not one of the allowed choices`` -> ``ValueIsNotOneOfTheAllowedChoices``."""
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return "".join(w[:1].upper() + w[1:] for w in words)

"""Findings: what is wrong with the content, where, and what to do about it.

A finding is data. Validation collects every finding before anything stops; the
command line decides how to show them. Every code is listed in ``CATALOGUE`` so that
its meaning can be documented and looked up.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

#: code -> (severity, short title). The documentation page of codes is made from this.
CATALOGUE: dict[str, tuple[Severity, str]] = {
    "SC001": ("error", "YAML syntax error"),
    "SC002": ("error", "YAML anchors and aliases are not allowed"),
    "SC003": ("error", "duplicate key"),
    "SC004": ("error", "file too large"),
    "SC005": ("error", "file is not UTF-8 text"),
    "SC006": ("warning", "yes/no/on/off is read as a boolean by other YAML tools"),
    "SC007": ("error", "not a valid date"),
    "SC008": ("error", "not a finite number"),
    "SC009": ("error", "file is empty or not a mapping"),
    "SC010": ("error", "unknown key"),
    "SC011": ("error", "required key is missing"),
    "SC012": ("error", "wrong type of value"),
    "SC013": ("error", "value is not one of the allowed choices"),
    "SC014": ("error", "id is not a lower-case slug"),
    "SC015": ("error", "period in the file name is not valid"),
    "SC016": ("error", "value disagrees with the file's path"),
    "SC017": ("error", "audit of an unknown institution"),
    "SC018": ("error", "unknown metric"),
    "SC019": ("error", "unknown pillar"),
    "SC020": ("error", "a metric gives both a status and a value"),
    "SC021": ("error", "positive answers exceed respondents"),
    "SC022": ("error", "respondents must be at least 1"),
    "SC023": ("error", "percent outside 0 to 100"),
    "SC024": ("error", "level outside 0 to its maximum"),
    "SC025": ("error", "value of the wrong kind for this metric"),
    "SC026": ("error", "floor and target disagree with the metric's direction"),
    "SC027": ("error", "an institution mixes cadences"),
    "SC028": ("warning", "source not listed under sources"),
    "SC029": ("error", "a metric gives no value and no status"),
    "SC030": ("error", "positive given without n, or with a value"),
    "SC031": ("warning", "not-applicable without a reason"),
    "SC032": ("error", "metric id does not start with a known pillar"),
    "SC033": ("warning", "file in an unexpected place"),
    "SC034": ("error", "duplicate id"),
    "SC035": ("error", "metric definition incomplete for its kind"),
    "SC036": ("error", "weight must not be negative"),
    "SC037": ("error", "grade bands are not in order"),
    "SC038": ("error", "suppression thresholds are not in order"),
    "SC039": ("error", "link is not http(s)"),
    "SC040": ("error", "nesting too deep"),
    "SC041": ("error", "survey counts given for a metric that is not a survey item"),
    "SC042": ("warning", "respondents exceed those invited"),
    "SC043": ("error", "file name is not a valid id"),
    "SC045": ("error", "no content folder: this is not a scorecard project"),
    "SC046": ("warning", "audit date in the future"),
    "SC047": ("warning", "audit dated before its period began"),
    # survey import: the export (a CSV file) and the instrument (a YAML file)
    "SC050": ("error", "survey export is empty or has no answers"),
    "SC051": ("error", "row has the wrong number of fields"),
    "SC052": ("error", "a question's column is missing from the survey export"),
    "SC053": ("error", "answer is not on the question's scale"),
    "SC054": ("warning", "unit not in the audit; its answers count only in the total"),
    "SC055": ("warning", "suppressed answers can be derived from the totals"),
    "SC056": ("error", "column appears twice in the survey export"),
    "SC057": ("error", "instrument names an unknown scale or question"),
    "SC058": ("error", "instrument metric does not fit its method or the metric's kind"),
    "SC059": ("error", "scale codes are not consecutive whole numbers"),
    "SC060": ("error", "positive answer is not on the scale"),
    "SC061": ("error", "two questions read the same column"),
    "SC062": ("error", "answer is used twice in a scale"),
    # an institution's responses to its results
    "SC063": ("error", "response to an unknown metric or pillar"),
    "SC064": ("error", "response expires on or before its date"),
    "SC065": ("warning", "response has expired and is no longer shown"),
    "SC066": ("warning", "response dated in the future"),
}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one place. Sorted by file, line, column, then code."""

    file: str
    line: int
    col: int
    code: str
    path: str
    message: str
    hint: str = ""

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self.code][0]

    def format(self, *, strict: bool = False) -> str:
        """``file:line:col: error[SC012] key.path: message (hint: ...)``."""
        severity = "error" if strict else self.severity
        where = f" {self.path}:" if self.path else ""
        text = f"{self.file}:{self.line}:{self.col}: {severity}[{self.code}]{where} {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def as_dict(self, *, strict: bool = False) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "severity": "error" if strict else self.severity,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
        }


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or nothing when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


def summary(findings: Iterable[Finding], *, strict: bool = False) -> str:
    """``3 errors, 1 warning in 2 files``, or ``no problems in 12 files``."""
    items = list(findings)
    errors = sum(1 for f in items if strict or f.severity == "error")
    warnings = len(items) - errors
    files = len({f.file for f in items})

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if not items:
        return "no problems found"
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')}"


def has_errors(findings: Iterable[Finding], *, strict: bool = False) -> bool:
    return any(strict or f.severity == "error" for f in findings)

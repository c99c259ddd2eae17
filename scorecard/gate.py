"""The CI gate: rules over each institution's latest period, and which of them fail.

``scorecard check`` validates, scores, then asks of every institution's latest period:
is a score below its floor (``--fail-under``), did it fall by more than allowed since the
previous scored period (``--max-drop``), is the audit older than allowed (``--max-age``)?
Each failure is data, named by institution, period and rule.

``--max-age`` counts days from the latest audit's ``audited:`` date to today (or
``SOURCE_DATE_EPOCH``, or ``--today``): it notices a project in which nobody audits any more.
The site's stale mark (``scorecard.staleness``, the framework's ``stale_after``) counts periods
from an institution's latest to the project's newest instead, so that a build never depends on
the day it runs: it notices an institution left behind by the others, never a project left
behind by the calendar. A CI job wants both: the mark on the site, and ``--max-age`` in the gate.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

from scorecard.facts import ScoreSet
from scorecard.findings import did_you_mean
from scorecard.github import md
from scorecard.model import Framework, Project
from scorecard.score import Result

RuleKind = Literal["fail-under", "max-drop"]
OVERALL = "overall"
ALL = "all"


class GateUsageError(ValueError):
    """A rule that cannot be applied: an unknown pillar, a number out of range."""


@dataclass(frozen=True)
class Rule:
    """``fail-under`` (a score below ``limit``) or ``max-drop`` (a fall of more than it)."""

    kind: RuleKind
    target: str  # "overall" or a pillar id
    limit: float
    optional: bool = False  # from all=N: a pillar beside the overall score that may be absent

    def describe(self) -> str:
        if self.kind == "fail-under":
            return f"{self.target} ≥ {_num(self.limit)}"
        return f"{self.target} falls by at most {_num(self.limit)}"


@dataclass(frozen=True)
class Failure:
    """One rule that one institution's latest period breaks."""

    institution: str  # as the audience names it
    name: str
    period: str
    rule: str  # fail-under, max-drop, max-age
    target: str  # overall, a pillar id, or "audited"
    message: str
    file: str  # the latest audit, relative to the project; "" when there is none

    def format(self) -> str:
        """``harrowgate 2026-Q4: fail-under: overall 47.3 (D) is below 50``."""
        return f"{self.institution} {self.period or '-'}: {self.rule}: {self.message}"


@dataclass
class GateReport:
    audience: str
    institutions: int
    rules: list[str]
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        if self.passed:
            what = "; ".join(self.rules) if self.rules else "no score rules given"
            return (
                f"check passed: {_plural(self.institutions, 'institution')} at their latest "
                f"period ({self.audience} scores); {what}"
            )
        failed = len({f.institution for f in self.failures})
        return (
            f"check failed: {_plural(len(self.failures), 'failure')} in {failed} of "
            f"{_plural(self.institutions, 'institution')} ({self.audience} scores)"
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _num(value: float) -> str:
    return f"{value:g}"


def _shown(value: float, limit: float) -> str:
    """One decimal, or more when one would hide which side of ``limit`` the value is on."""
    for decimals in range(1, 5):
        text = f"{value:.{decimals}f}"
        if float(text) != limit or value == limit:
            break
    return text


# --- parsing the command line's values ------------------------------------------------------


def parse_limit(text: str) -> tuple[str | None, float]:
    """``50`` -> (None, 50.0); ``safety=40`` -> ("safety", 40.0)."""
    target: str | None = None
    number = text.strip()
    if "=" in number:
        target, number = (part.strip() for part in number.split("=", 1))
        if not target:
            raise GateUsageError(f"{text!r}: give a pillar id before '=', as in safety=40")
    try:
        value = float(number)
    except ValueError:
        raise GateUsageError(f"{text!r}: expected a number, or ID=NUMBER as in safety=40") from None
    if not math.isfinite(value) or value < 0:
        raise GateUsageError(f"{text!r}: expected a number of points from 0 up")
    return target, value


_AGE = re.compile(r"(\d+)\s*([dwy]?)")
_DAYS = {"": 1, "d": 1, "w": 7, "y": 365}


def parse_age(text: str) -> int:
    """``400d``, ``58w``, ``1y`` (365 days) or ``400`` -> a number of days."""
    match = _AGE.fullmatch(text.strip().lower())
    if not match:
        raise GateUsageError(f"{text!r}: expected an age such as 400d, 58w or 1y")
    return int(match.group(1)) * _DAYS[match.group(2)]


def rules_from(
    kind: RuleKind,
    specs: Iterable[tuple[str | None, float]],
    framework: Framework,
    pillars: Iterable[str] = (),
) -> list[Rule]:
    """Rules for ``kind``: a bare number applies to ``pillars`` (or the overall score), ``ID=N``
    to pillar ID, ``overall=N`` to the overall score and ``all=N`` to it and every pillar."""
    default = list(pillars) or [OVERALL]
    known = [OVERALL, *framework.pillars]
    out: list[Rule] = []
    for target, limit in specs:
        if kind == "fail-under" and limit > 100:
            raise GateUsageError(f"{limit:g}: a score is at most 100")
        targets = default if target is None else [target]
        every = target == ALL and ALL not in framework.pillars
        if every:
            targets = known
        for name in targets:
            if name not in known:
                hint = did_you_mean(name, known)
                raise GateUsageError(
                    f"unknown pillar `{name}`"
                    + (f"; {hint}" if hint else "")
                    + f" (pillars: {', '.join(framework.pillars)})"
                )
            optional = every and name in framework.beside_pillars
            out.append(Rule(kind, name, limit, optional))
    return list(dict.fromkeys(out))


# --- today ----------------------------------------------------------------------------------


def today(env: Mapping[str, str] | None = None) -> date:
    """SOURCE_DATE_EPOCH's date when it is set (reproducible runs), else today's."""
    epoch = (os.environ if env is None else env).get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC).date()
        except (ValueError, OverflowError, OSError):
            raise GateUsageError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds"
            ) from None
    return date.today()


# --- the gate -------------------------------------------------------------------------------


def _value(result: Result, target: str) -> tuple[float | None, str | None, str]:
    """(score, grade, why there is none) of the overall score or one pillar."""
    if target == OVERALL:
        o = result.overall
        why = "" if o.score is not None else f"no overall score ({o.coverage:.0%} coverage)"
        return o.score, o.grade, why
    pillar = result.pillars.get(target)
    if pillar is None:
        return None, None, f"{target} is not reported"
    why = "" if pillar.score is not None else f"{target} has insufficient data"
    return pillar.score, pillar.grade, why + (f" ({pillar.coverage:.0%} coverage)" if why else "")


def check_rules(results: list[Result], rules: Iterable[Rule]) -> list[tuple[Rule, str]]:
    """The rules the last of ``results`` (one institution's, in period order) breaks."""
    latest = results[-1]
    broken: list[tuple[Rule, str]] = []
    for rule in rules:
        score, grade, why = _value(latest, rule.target)
        if rule.optional and rule.target not in latest.pillars:
            continue
        if rule.kind == "fail-under":
            if score is None:
                broken.append((rule, f"{why}; a score of at least {_num(rule.limit)} is required"))
            elif score < rule.limit:
                shown = _shown(score, rule.limit)
                broken.append(
                    (rule, f"{rule.target} {shown} ({grade}) is below {_num(rule.limit)}")
                )
            continue
        if score is None:
            continue
        for earlier in reversed(results[:-1]):
            before, _, _ = _value(earlier, rule.target)
            if before is None:
                continue
            drop = before - score
            if drop > rule.limit:
                broken.append(
                    (
                        rule,
                        f"{rule.target} fell {_shown(drop, rule.limit)} points since "
                        f"{earlier.period} ({before:.1f} → {score:.1f}), "
                        f"more than {_num(rule.limit)}",
                    )
                )
            break
    return broken


def run_gate(
    project: Project,
    scores: ScoreSet,
    rules: Iterable[Rule] = (),
    *,
    max_age: int | None = None,
    on: date | None = None,
) -> GateReport:
    """Apply every rule to each institution's latest period, as ``scores`` sees it."""
    rules = list(rules)
    described = [r.describe() for r in rules]
    if max_age is not None:
        described.append(f"audited within {max_age} days")
    when = on or today()
    latest_audit = {a.institution: a for a in project.audits}  # sorted: the last is the latest
    by_shown: dict[str, list[Result]] = {}
    for r in scores.results:
        by_shown.setdefault(r.institution, []).append(r)
    report = GateReport(scores.audience, len(scores.identities), described)
    for real_id, identity in scores.identities.items():
        results = by_shown.get(identity.id, [])
        audit = latest_audit.get(real_id)
        file = audit.file if audit else ""
        if not results:
            if max_age is not None:
                report.failures.append(
                    Failure(identity.id, identity.name, "", "max-age", "audited", "no audit", file)
                )
            continue
        period = results[-1].period
        for rule, message in check_rules(results, rules):
            report.failures.append(
                Failure(identity.id, identity.name, period, rule.kind, rule.target, message, file)
            )
        if max_age is not None and audit is not None:
            age = (when - audit.audited).days
            if age > max_age:
                message = (
                    f"audited {audit.audited.isoformat()}, {age} days before "
                    f"{when.isoformat()}, more than {max_age}"
                )
                report.failures.append(
                    Failure(identity.id, identity.name, period, "max-age", "audited", message, file)
                )
    return report


def gate_markdown(report: GateReport) -> str:
    """The gate's verdict for a job summary: a line, and a table of what failed."""
    if report.passed:
        return f"**✅ {md(report.summary())}**\n"
    lines = [f"**❌ {md(report.summary())}**", ""]
    lines += ["| Institution | Period | Rule | Detail |", "|---|---|---|---|"]
    for f in report.failures:
        lines.append(
            f"| {md(f.name)} | {md(f.period)} | {f.rule} {md(f.target)} | {md(f.message)} |"
        )
    return "\n".join(lines) + "\n"

"""From respondents' answers to a value and an n per metric, for the total and each unit.

Every number is computed exactly (fractions) and rounded only when it is written. Blank and
"don't know" answers are missing: they leave n, they never count as negative.

- ``percent``: n = respondents who answered the question; value = 100 x positive / n.
- ``composite``: each question's percent positive among those who answered it; value = the mean
  of those percents; n = respondents who answered at least one of the questions.
- ``mean``: each respondent with at least ``min_answered`` answers scores the mean of their
  item scores (reverse-worded items mirrored); value = the mean of those scores; n = them.
- ``sum``: as ``mean``, but each respondent's score is their mean item score times the number
  of questions (their total when they answered every question).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from fractions import Fraction

from scorecard.findings import Finding
from scorecard.survey.answers import Respondent, Responses
from scorecard.survey.instrument import Instrument, MetricRule


@dataclass(frozen=True)
class Figure:
    """One metric for one group of respondents."""

    n: int
    value: Fraction | None
    #: favourable answers, for a single-question percent
    positive: int | None = None


@dataclass(frozen=True)
class MetricResult:
    rule: MetricRule
    total: Figure
    #: unit id -> figure, for each unit of the audit with respondents in the export
    units: dict[str, Figure]


def figure(rule: MetricRule, group: Iterable[Respondent]) -> Figure:
    people = list(group)
    if rule.method == "percent":
        question = rule.questions[0]
        codes = [r.answers[question.id] for r in people]
        answered = [c for c in codes if c is not None]
        positive = sum(1 for c in answered if c in question.positive)
        value = Fraction(100 * positive, len(answered)) if answered else None
        return Figure(len(answered), value, positive)
    if rule.method == "composite":
        percents: list[Fraction] = []
        for question in rule.questions:
            answered = [c for c in (r.answers[question.id] for r in people) if c is not None]
            if answered:
                positive = sum(1 for c in answered if c in question.positive)
                percents.append(Fraction(100 * positive, len(answered)))
        n = sum(1 for r in people if any(r.answers[q.id] is not None for q in rule.questions))
        return Figure(n, sum(percents, Fraction(0)) / len(percents) if percents else None)
    scores: list[Fraction] = []
    for respondent in people:
        items = [
            question.score(code)
            for question in rule.questions
            if (code := respondent.answers[question.id]) is not None
        ]
        if len(items) >= rule.min_answered:
            mean = Fraction(sum(items), len(items))
            scores.append(mean * len(rule.questions) if rule.method == "sum" else mean)
    value = sum(scores, Fraction(0)) / len(scores) if scores else None
    return Figure(len(scores), value)


def tabulate(
    instrument: Instrument, responses: Responses, units: Iterable[str]
) -> list[MetricResult]:
    """Every metric of the instrument, for all respondents and for each unit (in audit order)."""
    everyone = responses.respondents
    groups = {u: [r for r in everyone if r.unit == u] for u in units}
    results = []
    for rule in instrument.metrics.values():
        per_unit = {u: figure(rule, people) for u, people in groups.items() if people}
        results.append(MetricResult(rule, figure(rule, everyone), per_unit))
    return results


def respondents(responses: Responses) -> int:
    """Rows that answered at least one question of the instrument."""
    return sum(1 for r in responses.respondents if r.answered())


Group = tuple[tuple[tuple[str, int], ...], int, int]


def derivable(
    results: list[MetricResult],
    min_n: int,
    responses: Responses,
    *,
    shown_units: Collection[str] | None = None,
    total_shown: Callable[[str], bool] = lambda metric: True,
    audience: str = "",
    already: set[Group] | None = None,
) -> list[Finding]:
    """Warnings where hiding small groups is not enough (complementary suppression).

    When the total is shown, every respondent outside the units shown (suppressed units,
    units the audience may not see, rows with no unit or an unknown one) can be recovered as
    the total minus the units shown. If those are fewer than ``min_n``, their answers can be
    derived although each group was hidden. ``shown_units`` (default all) and ``total_shown``
    describe one audience; groups in ``already`` were reported for another and are skipped.
    """
    groups: dict[Group, list[str]] = {}
    for result in results:
        metric = result.rule.metric
        if result.total.n < min_n or not total_shown(metric):
            continue
        shown = {
            u: f.n
            for u, f in result.units.items()
            if f.n >= min_n and (shown_units is None or u in shown_units)
        }
        hidden = tuple((u, f.n) for u, f in result.units.items() if f.n and u not in shown)
        rest = result.total.n - sum(shown.values())
        if 0 < rest < min_n:
            loose = rest - sum(n for _, n in hidden)
            groups.setdefault((hidden, loose, rest), []).append(metric)
    findings = []
    for group, metrics in groups.items():
        if already is not None:
            if group in already:
                continue
            already.add(group)
        hidden, loose, rest = group
        parts = [f"unit `{u}` (n = {n})" for u, n in hidden]
        if loose:
            parts.append(f"{loose} without a unit of the audit")
        listed = ", ".join(metrics[:3]) + (
            f" and {len(metrics) - 3} more" if len(metrics) > 3 else ""
        )
        findings.append(
            Finding(
                responses.file,
                responses.names_line,
                responses.unit_col or 1,
                "SC055",
                "",
                f"{audience}the answers of {rest} respondents ({', '.join(parts)}) can be "
                f"derived as the total minus the units shown, in {listed}",
                "hide one more unit, or the total, in the audit: "
                "write {status: not-reported} in its place",
            )
        )
    return findings

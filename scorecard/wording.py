"""How values read on a page and in a packet: numbers, changes, a metric's value with its unit,
and one word for each kind of absent value."""

from __future__ import annotations

from collections.abc import Sequence

from scorecard.model import MetricDef
from scorecard.score import MetricResult


def fmt(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def signed(value: float | None) -> str:
    if value is None:
        return ""
    return "0.0" if round(value, 1) == 0 else f"{value:+.1f}"


def percent_share(value: float) -> str:
    return f"{100 * value:.0f} %"


def number(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def value_text(metric: MetricDef, value: float | bool | None) -> str:
    if value is None:
        return ""
    if metric.kind == "boolean":
        return "yes" if value else "no"
    if metric.kind == "level":
        return f"{int(value)} of {metric.max}"
    unit = metric.unit.strip()
    if metric.kind == "percent":
        return f"{float(value):.1f} %"
    return f"{number(float(value))} {unit}".strip()


def target_text(metric: MetricDef) -> str:
    if metric.kind == "boolean":
        return "yes" if metric.better == "higher" else "no"
    if metric.kind == "level":
        return f"{metric.max} of {metric.max}"
    if metric.target is None:
        return ""
    sign = "≥" if metric.better == "higher" else "≤"
    unit = "%" if metric.kind == "percent" else metric.unit
    return f"{sign} {number(metric.target)} {unit}".strip()


def floor_text(metric: MetricDef) -> str:
    if metric.floor is None or metric.kind in ("boolean", "level"):
        return ""
    unit = "%" if metric.kind == "percent" else metric.unit
    return f"{number(metric.floor)} {unit}".strip()


def uncertain_change(change: float, uncertainty: float) -> str:
    """A change with its uncertainty: "+4.2 (± 1.3)"; "+0.6 (± 2.1)" is no clear change."""
    return f"{signed(change)} (± {fmt(uncertainty)})"


def extremes(scored: Sequence[tuple[str, float]]) -> tuple[str, str]:
    """The strongest and the weakest of (name, score) pairs, the first in order on a tie: what
    a page's summary, its charts' captions and their text alternatives each say, of the core
    pillars only (outcomes and complex care are named apart)."""
    best = max(scored, key=lambda item: item[1])
    worst = min(scored, key=lambda item: item[1])
    return best[0], worst[0]


# --- absent values: one word for each kind, everywhere ------------------------------------

#: A metric's status as pages, packets, charts and their text alternatives say it. The data
#: files keep the status itself (`missing` and `not-reported` both read "not reported": the
#: audit gives no value either way).
STATUS_TEXT = {
    "reported": "reported",
    "missing": "not reported",
    "not-reported": "not reported",
    "not-applicable": "not applicable",
    "suppressed": "suppressed",
    "withheld": "withheld",
}
#: A pillar, section or overall score that the data cannot carry.
INSUFFICIENT = "insufficient data"


def status_text(result: MetricResult) -> str:
    text = STATUS_TEXT[result.status]
    if result.status == "suppressed" and result.reason:
        return f"suppressed ({result.reason})"
    if result.status == "not-applicable" and result.reason:
        return f"not applicable: {result.reason}"
    return text


def absent_words(min_n: int, withheld: str) -> list[tuple[str, str]]:
    """Each word for an absent value and what it means, for the legend of a page; ``min_n``:
    the audience's suppression threshold; ``withheld``: the framework's policy."""
    kept = (
        "it scores 0 in the public scores and counts as not reported for coverage"
        if withheld == "zero"
        else "it stays in the pillar's weight unscored, as if not reported"
    )
    return [
        ("not reported", "the audit gives no value"),
        ("not applicable", "it does not apply to this institution; it leaves the pillar's weight"),
        ("withheld", f"the institution reported it but kept it back from the public: {kept}"),
        (
            f"suppressed (n < {min_n})",
            "too few respondents to show it without exposing them; it counts as not reported",
        ),
        (
            INSUFFICIENT,
            "less than half of a pillar's weight is reported: no score and no grade, never a zero",
        ),
    ]

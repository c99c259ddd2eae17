"""How values read on a page and in a packet: numbers, changes, a metric's value with its unit
(in the singular for exactly one), counts of things, a peer group's name, and one word for each
kind of absent value."""

from __future__ import annotations

import re
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


KIND_NAMES = {
    "academic-medical-center": "Academic medical center",
    "community-hospital": "Community hospital",
    "health-system": "Health system",
    "group-practice": "Group practice",
    "other": "Other",
}


def short_name(pillar_id: str) -> str:
    """A pillar's id as a short column heading: `complex_care` -> `Complex care`."""
    return pillar_id.replace("_", " ").replace("-", " ").capitalize()


def count_text(count: int, noun: str) -> str:
    """ "1 institution", "2 institutions": a count and its noun, in the plural but for one."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number_word(count: int) -> str:
    """A small count in words, as running text writes it ("five pillars"); 10 and more in
    figures."""
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else f"{count:,}"


_PLURAL_ENDINGS = (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"))


def singular(unit: str) -> str:
    """A unit for exactly one of it: its first word in the singular, as frameworks write units
    in the plural (`hours` -> `hour`, `sign-offs` -> `sign-off`, `days per week` -> `day per
    week`); a word that is no plural in `s` (`mean`, `%`, `ss`) is kept."""
    head, sep, rest = unit.partition(" ")
    for plural, one in _PLURAL_ENDINGS:
        if head.endswith(plural) and len(head) > len(plural):
            return head[: -len(plural)] + one + sep + rest
    if re.fullmatch(r".*[^su\W]s", head):
        return head[:-1] + sep + rest
    return unit


def amount(value: float, unit: str) -> str:
    """A number with its unit: "6.2 hours", "1 sign-off", "0 sign-offs"."""
    unit = unit.strip()
    return f"{number(value)} {singular(unit) if value == 1 else unit}".strip()


def group_name(slug: str) -> str:
    """A peer group as readers see it: its id in words, each capitalised (`academic` ->
    `Academic`, `large-teaching` -> `Large Teaching`). The files give a peer group only an id."""
    words = re.split(r"[-_\s]+", slug.strip())
    return " ".join(word[:1].upper() + word[1:] for word in words if word) or slug


_ACRONYMS = {"ehr": "EHR", "fte": "FTE", "qi": "QI", "pa": "PA"}


def metric_short(metric_id: str) -> str:
    """A metric's short label, for a narrow column heading: the name part of its id in words
    (`safety.speak_up` -> `Speak up`, `admin.ehr_time_per_8h` -> `EHR time per 8h`)."""
    words = metric_id.rpartition(".")[2].replace("-", "_").split("_")
    words = [_ACRONYMS.get(word, word) for word in words if word]
    if not words:
        return metric_id
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def value_text(metric: MetricDef, value: float | bool | None) -> str:
    if value is None:
        return ""
    if metric.kind == "boolean":
        return "yes" if value else "no"
    if metric.kind == "level":
        return f"{int(value)} of {metric.max}"
    if metric.kind == "percent":
        return f"{float(value):.1f} %"
    return amount(float(value), metric.unit)


def target_text(metric: MetricDef) -> str:
    if metric.kind == "boolean":
        return "yes" if metric.better == "higher" else "no"
    if metric.kind == "level":
        return f"{metric.max} of {metric.max}"
    if metric.target is None:
        return ""
    sign = "≥" if metric.better == "higher" else "≤"
    unit = "%" if metric.kind == "percent" else metric.unit
    return f"{sign} {amount(metric.target, unit)}"


def floor_text(metric: MetricDef) -> str:
    if metric.floor is None or metric.kind in ("boolean", "level"):
        return ""
    unit = "%" if metric.kind == "percent" else metric.unit
    return amount(metric.floor, unit)


def uncertain_change(change: float, uncertainty: float) -> str:
    """A change with its uncertainty: "+4.2 (± 1.3)"; "+0.6 (± 2.1)" is no clear change."""
    return f"{signed(change)} (± {fmt(uncertainty)})"


def extremes(scored: Sequence[tuple[str, float]]) -> tuple[str, str] | None:
    """The strongest and the weakest of (name, score) pairs, the first in order on a tie: what
    a page's summary, its charts' captions and their text alternatives each say, of the core
    pillars only (outcomes and complex care are named apart). None when all of them read the
    same (to one decimal): then none is strongest."""
    best = max(scored, key=lambda item: item[1])
    worst = min(scored, key=lambda item: item[1])
    if fmt(best[1]) == fmt(worst[1]):
        return None
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
#: A metric or pillar an audit gives nothing for.
NOT_REPORTED = STATUS_TEXT["missing"]


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

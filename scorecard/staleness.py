"""Stale audits: institutions whose latest audit is older than the framework's ``stale_after``.

Age is counted in months from the end of an institution's latest period to the end of the
newest period of the scores (the newest period the audience's site shows), never to the day of
the build, so that the same content builds the same site on any day. ``stale_after`` is a span
of quarters, halves or years (default ``4 quarters``: two halves, one year), so one rule holds
for every cadence: a quarterly institution whose latest audit is 2025-Q2 is five quarters
behind 2026-Q3 and stale; a yearly one whose latest is 2025 is nine months behind and is not.

``scorecard check --max-age`` is the other clock: it counts days from the latest audit's
``audited:`` date to today (or ``SOURCE_DATE_EPOCH``, or ``--today``), for a CI gate that must
notice when nobody audits at all. A site marks what is stale among its own periods.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecard.facts import ScoreSet
from scorecard.model import span_months

_CADENCE = {3: ("quarter", "quarters"), 6: ("half", "halves"), 12: ("year", "years")}


@dataclass(frozen=True)
class Stale:
    """An institution's latest audit, too old beside the newest period."""

    period: str  # its latest period
    newest: str  # the newest period of the scores
    months: int  # from the end of its period to the end of the newest
    behind: str  # "6 quarters": the months in its own cadence ("18 months" if they do not fit)
    limit: str  # the framework's stale_after, as written ("4 quarters")

    @property
    def text(self) -> str:
        """One sentence for the institution's page."""
        return (
            f"Its latest audit, for {self.period}, ends {self.behind} before the newest period "
            f"on this site, {self.newest}: more than {self.limit}, after which an audit counts "
            "as stale. Its scores may no longer describe it."
        )


def _end(order: tuple[int, int, int]) -> int:
    """The month a period ends in, counted from year 0: 2026-Q3 ends in month 2026 * 12 + 9."""
    year, start, months = order
    return year * 12 + start - 1 + months


def _span(months: int, cadence: int) -> str:
    one, many = _CADENCE.get(cadence, ("month", "months"))
    if months % cadence:
        one, many, count = "month", "months", months
    else:
        count = months // cadence
    return f"{count} {one if count == 1 else many}"


def stale_institutions(scores: ScoreSet) -> dict[str, Stale]:
    """Each institution (by the id the audience sees) whose latest audit is stale."""
    limit = scores.framework.stale_after
    allowed = span_months(limit) or 12
    latest = scores.latest().results
    if not latest:
        return {}
    newest = max(latest, key=lambda r: (_end(r.period_order), r.period_order))
    newest_end = _end(newest.period_order)
    out: dict[str, Stale] = {}
    for r in latest:
        months = newest_end - _end(r.period_order)
        if months > allowed:
            behind = _span(months, r.period_order[2])
            out[r.institution] = Stale(r.period, newest.period, months, behind, limit.strip())
    return out

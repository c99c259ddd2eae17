"""Checking an institution's responses to its results: what each names, and its dates.

A response names its target (a metric id, a pillar id, or ``overall``); it is made on a day
and may expire. Whether one has expired is measured to the project's newest ``audited:`` date
(``scorecard.model.newest_audited``), never to the clock, so that a response drops out of the
site when the content moves on, the same on any day the site is built.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from scorecard.findings import Finding, did_you_mean
from scorecard.load import Document
from scorecard.model import Audit, Framework, newest_audited

OVERALL = "overall"


def targets(framework: Framework) -> list[str]:
    """What a response may name: the overall score, each pillar, each metric."""
    return [OVERALL, *framework.pillars, *framework.metrics]


def _day(value: Any) -> date | None:
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def check_responses(doc: Document, raw: Any, framework: Framework) -> list[Finding]:
    """Each response's target and dates, at the value that is wrong."""
    out: list[Finding] = []
    known = targets(framework)
    for index, response in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(response, dict):
            continue
        path = ("responses", index)
        target = response.get("target")
        if isinstance(target, str) and target and target not in known:
            out.append(
                doc.finding(
                    "SC063",
                    (*path, "target"),
                    f"response to unknown target `{target}`",
                    did_you_mean(target, known)
                    or "name a metric id (safety.speak_up), a pillar id (safety) or `overall`",
                )
            )
        made, expires = _day(response.get("date")), _day(response.get("expires"))
        if made is not None and expires is not None and expires <= made:
            out.append(
                doc.finding(
                    "SC064",
                    (*path, "expires"),
                    f"expires {expires.isoformat()}, not after the response's date "
                    f"{made.isoformat()}",
                    "give a day after `date`, or remove `expires`",
                )
            )
        if made is not None and made > date.today():
            out.append(
                doc.finding(
                    "SC066",
                    (*path, "date"),
                    f"response dated {made.isoformat()}, after today",
                    "write the day the institution made the statement",
                )
            )
    return out


def expired_responses(audits: list[Audit], document: Callable[[Audit], Document]) -> list[Finding]:
    """A warning for each response that expired before the project's newest audit date: it
    is no longer shown. ``document`` reads an audit's file again for the positions (only the
    audits that hold an expired response are read)."""
    now = newest_audited(audits)
    out: list[Finding] = []
    for audit in audits:
        if now is None or audit.first_expiry is None or audit.first_expiry >= now:
            continue
        doc: Document | None = None
        for index, response in enumerate(audit.data.responses):
            if response.expires is None or response.expires >= now:
                continue
            doc = doc or document(audit)
            out.append(
                doc.finding(
                    "SC065",
                    ("responses", index, "expires"),
                    f"response to `{response.target}` expired {response.expires.isoformat()}, "
                    f"before the project's newest audit ({now.isoformat()}); it is no longer "
                    "shown",
                    "remove it, or give a later `expires`",
                )
            )
    return out

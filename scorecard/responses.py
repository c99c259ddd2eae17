"""An institution's right of reply: its responses to its own results, as pages and data show
them.

An audit may carry ``responses:``, each naming its target (a metric id, a pillar id, or
``overall``), its kind, its text and its date. Who may see which is decided by
``scorecard.audience`` (``shown_responses``; none for an institution shown anonymously); here
they become what a page puts next to its target, dated and marked as the institution's own
words, and what its data file says.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from scorecard.model import Framework, Response, Visibility

#: How each kind reads at the head of a response.
KIND_TEXT = {
    "disputed": "disputes this result",
    "corrected": "corrects this result",
    "context": "adds context",
    "remediated": "reports what it has done since",
}


@dataclass(frozen=True)
class ResponseView:
    """One response as a page shows it."""

    target: str  # "overall", a pillar id or a metric id
    target_name: str  # "the overall score", the pillar's or the metric's name
    kind: str  # disputed, corrected, context, remediated
    kind_text: str  # "disputes this result"
    text: str  # the institution's words, as written (the page escapes them)
    date: str  # 2026-10-20
    expires: str  # "" when it does not expire
    internal: bool = False  # kept from the public site (shown so on the internal one)


def target_name(target: str, framework: Framework) -> str:
    if target in framework.metrics:
        return framework.metrics[target].name
    if target in framework.pillars:
        return framework.pillars[target].name
    return "the overall score"


def response_views(
    responses: Iterable[Response],
    framework: Framework,
    shown: Collection[str] | None = None,
    visibility: Visibility = "public",
) -> dict[str, list[ResponseView]]:
    """The responses by target, each target's in the order of their dates; ``shown``: the
    targets the page shows (a pillar without data has no section), the others' responses
    going with the overall score's, so that none is lost; ``visibility``: the audit's default,
    for a response that sets none."""
    out: dict[str, list[ResponseView]] = {}
    for r in sorted(responses, key=lambda r: r.date):
        at = r.target if shown is None or r.target in shown else "overall"
        out.setdefault(at, []).append(
            ResponseView(
                target=r.target,
                target_name=target_name(r.target, framework),
                kind=r.kind,
                kind_text=KIND_TEXT[r.kind],
                text=r.text,
                date=r.date.isoformat(),
                expires=r.expires.isoformat() if r.expires else "",
                internal=(r.visibility or visibility) == "internal",
            )
        )
    return out


def response_document(response: Response, period: str) -> dict[str, Any]:
    """One response in an institution's data file (``data/institutions/<id>.json``)."""
    return {
        "period": period,
        "target": response.target,
        "kind": response.kind,
        "text": response.text,
        "date": response.date.isoformat(),
        "expires": response.expires.isoformat() if response.expires else None,
        "by": "institution",
    }

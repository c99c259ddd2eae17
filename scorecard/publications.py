"""What earlier builds published: each result's scores as first published, when that was under
another framework than the one in use.

A build scores every period with the framework in use, so the previous period's score on today's
pages may differ from the one published back then, when the framework (a target, a weight, a
band) was another. "As published" comes from the previous build's own ``data/scores.json``
(nothing new is kept in the content): each result there records, under ``published``, the
framework and scores it was first published with, and a build carries those records forward.
"""

from __future__ import annotations

import json
import math
import mmap
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecard.model import Framework
from scorecard.score import Result

SCORES_FORMAT = "scorecard-scores/1"


# --- scores as first published -------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """One institution's scores for one period as an earlier build first published them."""

    framework_version: str
    framework_sha256: str
    overall: float | None
    overall_grade: str | None
    pillars: dict[str, tuple[float | None, str | None]]


#: (institution as the audience names it, period) -> as first published, under another
#: framework than the current one.
Publications = dict[tuple[str, str], Published]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _score_pair(value: Any) -> tuple[float | None, str | None]:
    if not isinstance(value, dict):
        return None, None
    return _number(value.get("score")), _text(value.get("grade"))


def _published(framework: Any, overall: Any, pillars: Any) -> Published | None:
    if not isinstance(framework, dict):
        return None
    version, sha = _text(framework.get("version")), _text(framework.get("sha256"))
    if version is None or sha is None:
        return None
    score, grade = _score_pair(overall)
    shown = pillars if isinstance(pillars, dict) else {}
    return Published(
        version,
        sha,
        score,
        grade,
        {str(pid): _score_pair(p) for pid, p in shown.items()},
    )


def read_publications(path: Path, current_sha256: str) -> Publications:
    """What the previous build at ``path`` (its ``data/scores.json``) published under another
    framework than ``current_sha256``; an unreadable or foreign file counts as no build."""
    try:
        if _nothing_published_before(path, current_sha256):
            return {}
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != SCORES_FORMAT:
        return {}
    results = document.get("results")
    out: Publications = {}
    for r in results if isinstance(results, list) else []:
        if not isinstance(r, dict):
            continue
        inst, period = _text(r.get("institution")), _text(r.get("period"))
        if inst is None or period is None:
            continue
        carried = r.get("published")
        if isinstance(carried, dict):
            first = _published(
                carried.get("framework"), carried.get("overall"), carried.get("pillars")
            )
        else:
            first = _published(document.get("framework"), r.get("overall"), r.get("pillars"))
        if first is not None and first.framework_sha256 != current_sha256:
            out[(inst, period)] = first
    return out


_FRAMEWORK_HEAD = re.compile(
    rb'"framework":\s*\{\s*"version":\s*"[^"]*",\s*"sha256":\s*"([0-9a-f]+)"'
)


def _nothing_published_before(path: Path, current_sha256: str) -> bool:
    """Whether a previous build's scores, all under the current framework and carrying no
    earlier publication, can be passed over unread: a national site's scores.json is large."""
    with path.open("rb") as handle:
        head = handle.read(4096)
        match = _FRAMEWORK_HEAD.search(head)
        if match is None or match.group(1).decode() != current_sha256:
            return False
        try:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as whole:
                return whole.find(b'"published"') == -1
        except ValueError:  # an empty file
            return False


def published_dict(p: Published) -> dict[str, Any]:
    """A ``published`` record of ``data/scores.json``."""

    def pair(score: float | None, grade: str | None) -> dict[str, Any]:
        return {"score": None if score is None else round(score, 2) + 0.0, "grade": grade}

    return {
        "framework": {"version": p.framework_version, "sha256": p.framework_sha256},
        "overall": pair(p.overall, p.overall_grade),
        "pillars": {pid: pair(*value) for pid, value in p.pillars.items()},
    }


def framework_marks(
    history: list[Result], publications: Publications, framework: Framework
) -> list[tuple[str, str]]:
    """(period, framework version) where the framework a period was first published with
    differs from the one of the period before: where trend charts draw a rule."""
    marks = []
    before: tuple[str, str] | None = None
    for r in history:
        p = publications.get((r.institution, r.period))
        now = (
            (p.framework_sha256, p.framework_version)
            if p
            else (framework.sha256, framework.version)
        )
        if before is not None and now[0] != before[0]:
            marks.append((r.period, now[1]))
        before = now
    return marks

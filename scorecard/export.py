"""Scores as data: the ``scorecard-scores/1`` JSON, CSV rows and a text table.

Full precision inside; two decimals in exports, one on screen.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from scorecard.facts import ScoreSet
from scorecard.publications import Publications, published_dict
from scorecard.score import (
    PackedMetrics,
    PillarResult,
    Result,
    metric_data,
    metrics_json,
    r2,
)
from scorecard.wording import INSUFFICIENT

FORMAT = "scorecard-scores/1"


def r1(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _pillar(p: PillarResult) -> dict[str, Any]:
    out: dict[str, Any] = {"score": r2(p.score), "grade": p.grade, "coverage": r2(p.coverage)}
    if p.status != "scored":
        out["status"] = p.status
    if p.withheld:
        out["withheld"] = r2(p.withheld)
    if p.score is None and p.counted is not None:
        out["counted"] = r2(p.counted)  # what the overall score counts for it
    return out


def compact_json(value: Any) -> str:
    """JSON as the site's data files have it: no spaces, every character as it is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_with_items(document: str, items: Iterable[str]) -> Iterator[str]:
    """A compact JSON ``document`` whose last value is an empty list, in pieces, with the JSON
    texts ``items`` put in that list (so that they are written as they come, never joined)."""
    assert document.endswith("[]}"), "the document's last value is an empty list"
    yield document[: -len("]}")]
    for at, item in enumerate(items):
        yield ("," if at else "") + item
    yield "]}"


#: Where a result's metrics go in its JSON, until their own JSON takes its place.
_METRICS_HERE = "\x00metrics"


def _result_json(r: Result, publications: Publications | None) -> str:
    """One result as compact JSON: the same text ``json.dumps`` makes of its dict."""
    made = r.metrics.json() if isinstance(r.metrics, PackedMetrics) else metrics_json(r.metrics)
    out = result_with_publication(replace(r, metrics={}), publications)
    out["metrics"] = _METRICS_HERE
    text = compact_json(out)
    return text.replace(json.dumps(_METRICS_HERE), made, 1)


def result_dict(r: Result) -> dict[str, Any]:
    o = r.overall
    return {
        "institution": r.institution,
        "period": r.period,
        "overall": {
            "score": r2(o.score),
            "grade": o.grade,
            "coverage": r2(o.coverage),
            "trend": r2(o.trend),
            "peer_percentile": r2(o.peer_percentile),
        },
        "pillars": {pid: _pillar(p) for pid, p in r.pillars.items()},
        "metrics": {mid: metric_data(m) for mid, m in r.metrics.items()},
    }


def result_with_publication(r: Result, publications: Publications | None) -> dict[str, Any]:
    """A result, with how it was first published when that was under another framework."""
    out = result_dict(r)
    first = (publications or {}).get((r.institution, r.period))
    if first is not None:
        out["published"] = published_dict(first)
    return out


def scores_document(scores: ScoreSet, publications: Publications | None = None) -> dict[str, Any]:
    """The scores as data; ``publications`` (see ``scorecard.publications``) adds to each result
    the scores it was first published with under another framework."""
    return {
        "format": FORMAT,
        "framework": {"version": scores.framework.version, "sha256": scores.framework.sha256},
        "audience": scores.audience,
        "results": [result_with_publication(r, publications) for r in scores.results],
    }


def scores_json(scores: ScoreSet, publications: Publications | None = None) -> str:
    return "".join(scores_json_parts(scores, publications))


def scores_json_parts(
    scores: ScoreSet,
    publications: Publications | None = None,
    *,
    compact: bool = False,
    each_institution: Callable[[str, list[str]], None] | None = None,
) -> Iterator[str]:
    """``scores_json`` piece by piece, one result at a time, so that the scores of a national
    project (a hundred thousand results) never sit in memory as one text; ``compact``: without
    indentation (the site's data files), which Python also writes many times faster;
    ``each_institution``: given each institution's id and its results as JSON texts, once its
    last result is written (the site's per-institution files reuse them)."""
    layout: dict[str, Any] = {"separators": (",", ":")} if compact else {"indent": 2}
    head = scores_document(ScoreSet(scores.audience, scores.framework, [], scores.identities))
    text = json.dumps(head, ensure_ascii=False, **layout)
    closing = "]}" if compact else "]\n}"
    assert text.endswith(closing)
    if not scores.results:
        yield text + "\n"
        return
    yield text[: -len(closing)] + ("" if compact else "\n")
    last = len(scores.results) - 1
    texts: list[str] = []
    for i, r in enumerate(scores.results):
        if compact:
            item = _result_json(r, publications)
        else:
            item = json.dumps(
                result_with_publication(r, publications), ensure_ascii=False, **layout
            )
        if each_institution is not None:
            texts.append(item)
            if i == last or scores.results[i + 1].institution != r.institution:
                each_institution(r.institution, texts)
                texts = []
        if compact:
            yield item + ("," if i < last else "")
        else:
            yield "    " + item.replace("\n", "\n    ") + (",\n" if i < last else "\n")
    yield "]}\n" if compact else "  ]\n}\n"


def csv_header(scores: ScoreSet) -> list[str]:
    head = ["institution", "period", "overall_score", "overall_grade", "overall_coverage"]
    head += ["trend", "peer_percentile"]
    for pillar in scores.framework.pillars:
        head += [f"{pillar}_score", f"{pillar}_grade", f"{pillar}_coverage"]
        head += [f"{pillar}_status", f"{pillar}_withheld"]
    return head


def csv_rows(scores: ScoreSet) -> Iterator[list[str]]:
    def cell(value: float | str | None) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.2f}".replace("-0.00", "0.00")
        return str(value)

    for r in scores.results:
        o = r.overall
        row = [r.institution, r.period, cell(o.score), cell(o.grade), cell(o.coverage)]
        row += [cell(o.trend), cell(o.peer_percentile)]
        for pillar in scores.framework.pillars:
            p = r.pillars.get(pillar)
            if p is None:  # a section the audit does not report
                row += ["", "", "", "not-reported", ""]
                continue
            row += [cell(p.score), cell(p.grade), cell(p.coverage), p.status, cell(p.withheld)]
        yield row


def scores_csv_parts(scores: ScoreSet, rows_per_part: int = 1000) -> Iterator[str]:
    """The scores as CSV, a few rows at a time: a national site has 120,000 of them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_header(scores))
    for at, row in enumerate(csv_rows(scores), 1):
        writer.writerow(row)
        if at % rows_per_part == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def scores_csv(scores: ScoreSet) -> str:
    return "".join(scores_csv_parts(scores))


def scores_table(scores: ScoreSet) -> str:
    """A fixed-width table for a terminal: one row per institution and period."""
    pillars = list(scores.framework.pillars)
    head = ["institution", "period", "overall", "cover", "trend", "peer%", *pillars]
    rows: list[list[str]] = []
    for r in scores.results:
        o = r.overall
        overall = f"{r1(o.score)} {o.grade}" if o.score is not None else INSUFFICIENT
        trend = "" if o.trend is None else f"{o.trend:+.1f}".replace("-0.0", "+0.0")
        row = [r.institution, r.period, overall, f"{o.coverage:.0%}", trend]
        row.append("" if o.peer_percentile is None else f"{o.peer_percentile:.0f}")
        for pillar in pillars:
            p = r.pillars.get(pillar)
            if p is None:
                row.append("")
            elif p.score is None:
                row.append(INSUFFICIENT)
            else:
                row.append(f"{r1(p.score)} {p.grade}")
        rows.append(row)
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(head)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"

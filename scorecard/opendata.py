"""Open data: every score as files for anyone to use, and the page that explains them.

The compare page's data (``data/compare.json``, and the same JSON as a script), each
institution's file (``data/institutions/<id>.json``), the SVG badges, and the data dictionary
page generated from ``scorecard.dictionary``. Like ``scorecard.pages``, nothing is written
here: the site writes what these give, by path in the docs folder.

**The compare page works without a server.** Its data is ``data/compare.json`` for anyone to
fetch, and the same JSON as ``assets/scorecard-compare-data.js`` (``window.scorecardCompareData =
{...}``), which the page's script loads with a ``<script>`` element only when a compare page is
shown: a script element loads from ``file://`` where ``fetch()`` does not, the data is not on
every page of the site (as it would be through ``extra_javascript``), and it stays plain JSON
text, which the public build's scan for internal text reads (base64 in the page would hide it
from the scan).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

from markupsafe import Markup

from scorecard.audience import shown_responses
from scorecard.badges import grade_badge
from scorecard.context import Page, Site
from scorecard.dictionary import FILES, DataFile
from scorecard.export import compact_json, json_with_items, result_with_publication
from scorecard.pages import Gatherer
from scorecard.responses import response_document
from scorecard.score import r2
from scorecard.text import inert
from scorecard.wording import status_text, target_text, value_text

COMPARE_DATA_JS = "assets/scorecard-compare-data.js"
COMPARE_JSON = "data/compare.json"
DATA_GLOBAL = "scorecardCompareData"


@dataclass(frozen=True)
class FieldRow:
    name: str
    type: Markup
    meaning: Markup


@dataclass(frozen=True)
class DictionaryFile:
    title: str
    path: str
    summary: Markup
    fields: list[FieldRow]


@dataclass(frozen=True)
class DataDictionaryContext:
    site: Site
    files: list[DictionaryFile]


def _with_code(text: str) -> Markup:
    """Trusted text of the dictionary as inert text, its `code` spans as code."""
    return Markup(re.sub("&#96;(.*?)&#96;", r"<code>\1</code>", inert(text)))  # noqa: S704


def _dictionary_file(f: DataFile) -> DictionaryFile:
    fields = [FieldRow(x.name, _with_code(x.type), _with_code(x.meaning)) for x in f.fields]
    return DictionaryFile(f.title, f.path, _with_code(f.summary), fields)


class OpenData:
    """The open data files of one audience, and their dictionary page, from its ``Gatherer``."""

    def __init__(self, gatherer: Gatherer) -> None:
        self.g = gatherer
        self.fw = gatherer.framework

    def data_dictionary(self) -> Page:
        context = DataDictionaryContext(self.g.site, [_dictionary_file(f) for f in FILES])
        return Page("data-dictionary.md", ["data-dictionary.md.j2"], context, "Data dictionary")

    def compare_document(self) -> dict[str, Any]:
        document = self._compare_head()
        document["institutions"] = [self._compared(inst_id) for inst_id in self.g.shown_ids]
        return document

    def compare_json_parts(self) -> Iterator[str]:
        """``compare_document`` as compact JSON, an institution at a time (the whole document
        of a national site would hold millions of values at once)."""
        compared = (compact_json(self._compared(inst_id)) for inst_id in self.g.shown_ids)
        return json_with_items(compact_json(self._compare_head()), compared)

    def _compare_head(self) -> dict[str, Any]:
        g, fw = self.g, self.fw
        orders = {r.period: r.period_order for r in g.scores.results}
        return {
            "format": "scorecard-compare/1",
            "audience": g.scores.audience,
            "framework": {"version": fw.version, "sha256": fw.sha256},
            "periods": sorted(orders, key=lambda p: orders[p]),
            "pillars": [
                {"id": pid, "name": p.name, "role": p.role} for pid, p in fw.pillars.items()
            ],
            "metrics": [
                {
                    "id": mid,
                    "name": m.name,
                    "pillar": mid.split(".", 1)[0],
                    "target": target_text(m),
                }
                for mid, m in fw.metrics.items()
            ],
            "institutions": [],
        }

    def _compared(self, inst_id: str) -> dict[str, Any]:
        """An institution as the compare page has it: every period's scores, and the metrics
        of its latest."""
        g, fw = self.g, self.fw
        latest = g.latest[inst_id]
        scores: dict[str, dict[str, list[Any]]] = {}
        for h in g.history[inst_id]:
            row = {"overall": [r2(h.overall.score), h.overall.grade]}
            row.update({pid: [r2(p.score), p.grade] for pid, p in h.pillars.items()})
            scores[h.period] = row
        metrics: dict[str, list[Any]] = {}
        for mid, m in latest.metrics.items():
            metric = fw.metrics[mid]
            shown = value_text(metric, m.value) if m.status == "reported" else status_text(m)
            metrics[mid] = [shown, r2(m.score), m.status]
        return {
            "id": inst_id,
            "name": g.names[inst_id],
            "peer_group": latest.peer_group,
            "region": g.facts_shown(inst_id).region or None,
            "anonymous": g.is_anonymous(inst_id),
            "period": latest.period,
            "peer_percentile": r2(latest.overall.peer_percentile),
            "stale": self._stale(inst_id),
            "scores": scores,
            "metrics": metrics,
        }

    def _stale(self, inst_id: str) -> dict[str, str] | None:
        """How far its latest audit is behind the newest period, when that makes it stale."""
        stale = self.g.stale.get(inst_id)
        if stale is None:
            return None
        return {"behind": stale.behind, "newest": stale.newest, "limit": stale.limit}

    def institution_document(self, inst_id: str, *, results: bool = True) -> dict[str, Any]:
        g, fw = self.g, self.fw
        shown = g.facts_shown(inst_id)
        facts: dict[str, Any] = {
            "id": inst_id,
            "name": g.names[inst_id],
            "anonymous": g.is_anonymous(inst_id),
            "peer_group": g.real[inst_id].data.peer_group,
        }
        if shown.kind is not None:
            facts["kind"] = shown.kind
            facts["region"] = shown.region
        for key in ("beds", "physicians", "website"):
            if getattr(shown, key) is not None:
                facts[key] = getattr(shown, key)
        badges = {"overall": g.badge_paths[(inst_id, None)]}
        for pid in g.latest[inst_id].pillars:
            if (inst_id, pid) in g.badge_paths:
                badges[pid] = g.badge_paths[(inst_id, pid)]
        return {
            "format": "scorecard-institution/1",
            "framework": {"version": fw.version, "sha256": fw.sha256},
            "audience": g.scores.audience,
            "institution": facts,
            "page": f"institutions/{inst_id}/",
            "badges": badges,
            "responses": self._responses(inst_id),
            "results": [
                result_with_publication(r, g.publications)
                for r in (g.history[inst_id] if results else [])
            ],
        }

    def _responses(self, inst_id: str) -> list[dict[str, Any]]:
        """The institution's responses to its latest audit's results, as its page shows them
        (``scorecard.audience.shown_responses``)."""
        g = self.g
        audit = g.latest_audit(inst_id)
        if not audit.response_expiries:  # none: its model is not rebuilt to be sure
            return []
        seen = shown_responses(
            audit.data, g.scores.audience, g.as_of, anonymous=g.is_anonymous(inst_id)
        )
        period = audit.period.label
        return [response_document(r, period) for r in sorted(seen, key=lambda r: r.date)]

    def institution_json(self, inst_id: str, results: list[str]) -> bytes:
        """``data/institutions/<id>.json`` around its results already written as JSON (the
        same texts go into data/scores.json: each result is written once for both)."""
        document = compact_json(self.institution_document(inst_id, results=False))
        return ("".join(json_with_items(document, results)) + "\n").encode("utf-8")

    def badges(self) -> Iterator[tuple[str, bytes]]:
        """Each badge's SVG file, one at a time."""
        g, fw = self.g, self.fw
        for (inst_id, pid), path in g.badge_paths.items():
            r = g.latest[inst_id]
            if pid is None:
                label, subject = "Overall", f"{g.names[inst_id]}, overall"
                svg = grade_badge(label, r.period, r.overall.grade, r.overall.score, subject)
            else:
                p = r.pillars[pid]
                name = fw.pillars[pid].name
                svg = grade_badge(name, r.period, p.grade, p.score, f"{g.names[inst_id]}, {name}")
            yield path, (svg + "\n").encode("utf-8")

    def data_texts(self) -> Iterator[tuple[str, Iterable[str]]]:
        """The compare page's data, as JSON and as a script: (docs path, its text in pieces,
        to be written one after another; a national site's is tens of megabytes)."""
        # Data files are compact: Python writes indented JSON many times slower.
        parts = list(self.compare_json_parts())
        yield COMPARE_JSON, chain(parts, ["\n"])
        # In a script, "</" could end it and U+2028/9 break older parsers: escape them. No
        # part ends inside a string (they end at a brace or a bracket), so none splits "</".
        yield COMPARE_DATA_JS, chain([f"window.{DATA_GLOBAL} = "], map(_in_script, parts), [";\n"])


def _in_script(json_text: str) -> str:
    """JSON text made safe to stand in a script element."""
    escaped = json_text.replace("</", "<\\/").replace("\u2028", "\\u2028")
    return escaped.replace("\u2029", "\\u2029")

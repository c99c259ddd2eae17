"""Writing survey results into an audit file, keeping everything else as it was.

The audit is edited with ruamel.yaml's round-trip mode, then spliced into the original text:
lines that the edit did not touch are copied from the original byte for byte, even where
ruamel.yaml would have written them differently (a flow mapping broken over two lines, say).
Only aggregates are written: a value or a count of positive answers, and n.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from difflib import SequenceMatcher
from fractions import Fraction
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from scorecard.model import Framework
from scorecard.survey.tabulate import Figure, MetricResult

#: the keys this import owns in a metric entry; any other key (note, visibility) is kept
OWNED = ("value", "positive", "n", "status", "reason", "source")
#: the order of an audit's top-level keys, for placing one that is missing
AUDIT_ORDER = (
    "institution",
    "period",
    "audited",
    "auditor",
    "visibility",
    "sources",
    "metrics",
    "units",
    "actions",
    "notes",
)

Entry = dict[str, Any]


@dataclass
class Plan:
    """What the import writes: entries for the institution and each unit, and the source."""

    source: Entry
    metrics: dict[str, Entry] = field(default_factory=dict)
    units: dict[str, dict[str, Entry]] = field(default_factory=dict)
    #: unit id -> metrics written as suppressed there
    suppressed: dict[str, list[str]] = field(default_factory=dict)


def round1(value: Fraction) -> float:
    """Half away from zero, to one decimal: 62.25 -> 62.3 (not the 62.2 of round())."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def entry(result: MetricResult, figure: Figure, framework: Framework, source: str) -> Entry:
    min_n = framework.min_n_internal
    if figure.n == 0 or figure.value is None:
        return {"status": "not-reported", "reason": _quoted("no answers in the survey export")}
    if figure.n < min_n:
        return {"status": "not-reported", "reason": _quoted(f"suppressed at import (n < {min_n})")}
    metric = framework.metrics[result.rule.metric]
    if result.rule.method == "percent" and metric.survey_item and figure.positive is not None:
        return {"positive": figure.positive, "n": figure.n, "source": source}
    return {"value": round1(figure.value), "n": figure.n, "source": source}


def _quoted(text: str) -> str:
    quoted: str = DoubleQuotedScalarString(text)
    return quoted


def plan(results: list[MetricResult], framework: Framework, source: Entry, source_id: str) -> Plan:
    out = Plan(source)
    for result in results:
        metric = result.rule.metric
        out.metrics[metric] = entry(result, result.total, framework, source_id)
        for unit, figure in result.units.items():
            written = entry(result, figure, framework, source_id)
            out.units.setdefault(unit, {})[metric] = written
            if "status" in written:
                out.suppressed.setdefault(unit, []).append(metric)
    return out


class AuditEditError(Exception):
    """ruamel.yaml could not read an audit that the validator accepted."""


# --- editing -------------------------------------------------------------------------------


def _yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


_KEY_ONLY = re.compile(r"^( *)[^\s#-][^#]*:\s*(#.*)?$")


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as the file writes them; 2, 4, 2 where it does not say."""
    mapping, offset = 0, -1
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for above, below in zip(lines, lines[1:], strict=False):
        match = _KEY_ONLY.match(above)
        if not match:
            continue
        outer = len(match.group(1))
        inner = len(below) - len(below.lstrip(" "))
        if inner <= outer and not below.lstrip().startswith("- "):
            continue
        if below.lstrip().startswith("- "):
            if offset < 0:
                offset = inner - outer
        elif not mapping:
            mapping = inner - outer
    mapping = mapping or 2
    offset = offset if offset >= 0 else 2
    return mapping, offset + 2, offset


def _flow(values: Entry) -> CommentedMap:
    node = CommentedMap(values)
    node.fa.set_flow_style()
    return node


def _set_entry(parent: CommentedMap, key: str, new: Entry) -> None:
    """Write ``new`` at ``key``: in place if it exists, keeping its other keys and style."""
    old = parent.get(key)
    if not isinstance(old, CommentedMap):
        _place(parent, key, _flow(new), order=None)
        return
    owned = [k for k in old if k in OWNED]
    index = list(old).index(owned[0]) if owned else 0
    for k in owned:
        if k not in new:
            del old[k]
    for k, value in new.items():
        if k in old:
            old[k] = value
        else:
            old.insert(index, k, value)
        index = list(old).index(k) + 1


def _place(parent: CommentedMap, key: str, value: Any, order: tuple[str, ...] | None) -> None:
    """Add ``key`` after the keys that come before it in ``order`` (at the end without one)."""
    if key in parent:
        parent[key] = value
        return
    if order is None or key not in order:
        parent[key] = value
        return
    before = set(order[: order.index(key)])
    index = 0
    for position, existing in enumerate(parent):
        if existing in before:
            index = position + 1
    parent.insert(index, key, value)


def _mapping(parent: CommentedMap, key: str, order: tuple[str, ...] | None) -> CommentedMap:
    """The mapping at ``key``, made if missing, written one entry a line."""
    value = parent.get(key)
    if isinstance(value, CommentedMap):
        value.fa.set_block_style()
        return value
    node = CommentedMap()
    _place(parent, key, node, order)
    return node


def _trailing(node: Any) -> tuple[Any, Any, int] | None:
    """(container, key, slot) of the comment that follows a block collection's last entry."""
    if isinstance(node, CommentedMap):
        keys: list[Any] = list(node)
        slot = 2
    elif isinstance(node, CommentedSeq):
        keys, slot = list(range(len(node))), 0
    else:
        return None
    if not keys:
        return None
    value = node[keys[-1]]
    if isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        inner = _trailing(value)
        if inner is not None:
            return inner
    return node, keys[-1], slot


def _detach_tail(node: Any) -> str:
    """Take the blank lines and comments after the last entry (not its end-of-line comment)."""
    found = _trailing(node)
    if found is None:
        return ""
    holder, key, slot = found
    comments = holder.ca.items.get(key)
    token = comments[slot] if comments and len(comments) > slot else None
    if not isinstance(token, CommentToken) or not isinstance(token.value, str):
        return ""
    text: str = token.value
    cut = text.find("\n") + 1 if text.startswith("#") else int(text.startswith("\n"))
    if cut == 0 or not text[cut:]:
        return ""
    token.value = text[:cut]
    return text[cut:]


def _attach_tail(node: Any, tail: str) -> None:
    """Put what followed the old last entry after the new last one."""
    found = _trailing(node) if tail else None
    if found is None:
        return
    holder, key, slot = found
    comments: list[Any] = [None, None, None, None]
    comments[slot] = CommentToken("\n" + tail, CommentMark(0), None)
    holder.ca.items[key] = comments


def _add_source(data: CommentedMap, source: Entry) -> None:
    sources = data.get("sources")
    if not isinstance(sources, CommentedSeq):
        sources = CommentedSeq()
        _place(data, "sources", sources, AUDIT_ORDER)
    for item in sources:
        if isinstance(item, CommentedMap) and item.get("id") == source["id"]:
            if "instrument" not in item:
                _place(item, "instrument", source["instrument"], ("id", "kind", "instrument"))
            if item.get("responded") != source["responded"]:
                _place(item, "responded", source["responded"], None)
            return
    node = CommentedMap(source)
    last = sources[-1] if len(sources) else None
    if isinstance(last, CommentedMap) and last.fa.flow_style():
        node.fa.set_flow_style()
    tail = _detach_tail(sources)
    sources.append(node)
    _attach_tail(sources, tail)


def _set_entries(mapping: CommentedMap, entries: dict[str, Entry]) -> None:
    """Write each entry, appending new ones after the existing ones (before any comments)."""
    tail = _detach_tail(mapping) if any(key not in mapping for key in entries) else ""
    for key, new in entries.items():
        _set_entry(mapping, key, new)
    _attach_tail(mapping, tail)


def edit(data: CommentedMap, work: Plan, audited: date | None) -> None:
    if audited is not None:
        _place(data, "audited", audited, AUDIT_ORDER)
    _add_source(data, work.source)
    _set_entries(_mapping(data, "metrics", AUDIT_ORDER), work.metrics)
    units = data.get("units")
    for unit_id, entries in work.units.items():
        unit = units.get(unit_id) if isinstance(units, CommentedMap) else None
        if not isinstance(unit, CommentedMap):
            continue  # only units of the audit are given to the plan
        unit.fa.set_block_style()
        _set_entries(_mapping(unit, "metrics", ("name", "metrics")), entries)


def _dump(yaml: YAML, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def new_audit(work: Plan, audited: date) -> str:
    data = CommentedMap()
    data["audited"] = audited
    edit(data, work, None)
    return _dump(_yaml(), data)


def update_audit(text: str, work: Plan, audited: date | None) -> str:
    """The audit ``text`` with the plan written into it; untouched lines stay as they were."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix("\ufeff")
    crlf = "\r\n" in body
    body = body.replace("\r\n", "\n")
    if not body.endswith("\n"):
        body += "\n"
    yaml = _yaml(*guess_indent(body))
    try:
        baseline = _dump(yaml, yaml.load(body))
        data = yaml.load(body)
    except YAMLError as err:
        raise AuditEditError(str(err).splitlines()[0]) from err
    if not isinstance(data, CommentedMap):
        raise AuditEditError("the audit is not a mapping")
    edit(data, work, audited)
    result = "".join(
        splice(
            body.splitlines(keepends=True),
            baseline.splitlines(keepends=True),
            _dump(yaml, data).splitlines(keepends=True),
        )
    )
    if crlf:
        result = result.replace("\n", "\r\n")
    return bom + result


def splice(original: list[str], baseline: list[str], modified: list[str]) -> list[str]:
    """``modified``, with every stretch that the edit did not touch taken from ``original``.

    ``baseline`` is ruamel.yaml's rendering of the unedited file and ``modified`` that of the
    edited one. Where the original and the baseline agree, the modified text is already the
    original's; where they differ (ruamel.yaml's own rewriting) and no edit touched the
    stretch, the original's lines are put back.
    """
    same: list[tuple[int, int, int]] = []  # (baseline start, end, modified start)
    edits: list[tuple[int, int]] = []  # baseline ranges the edit replaced or inserted at
    for tag, b1, b2, m1, _m2 in SequenceMatcher(
        None, baseline, modified, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            same.append((b1, b2, m1))
        else:
            edits.append((b1, b2))

    def touched(b1: int, b2: int) -> bool:
        for e1, e2 in edits:
            if e1 < b2 and e2 > b1:
                return True
            if e1 == e2 and b1 < e1 < b2:
                return True
        return False

    def in_modified(b: int, *, end: bool = False) -> int | None:
        for s1, s2, m1 in same:
            if s1 <= b < s2 or (end and s1 < b <= s2):
                return m1 + b - s1
        return None

    out = list(modified)
    replacements: list[tuple[int, int, list[str]]] = []
    for tag, o1, o2, b1, b2 in SequenceMatcher(
        None, original, baseline, autojunk=False
    ).get_opcodes():
        if tag == "equal" or touched(b1, b2):
            continue
        if b1 < b2:
            start, stop = in_modified(b1), in_modified(b2, end=True)
        else:  # ruamel.yaml dropped original lines here: put them back at the same place
            start = in_modified(b1) if b1 < len(baseline) else len(modified)
            start = start if start is not None else in_modified(b1, end=True)
            stop = start
        if start is None or stop is None:
            continue  # cannot place it: keep ruamel.yaml's rendering
        replacements.append((start, stop, original[o1:o2]))
    for start, stop, lines in sorted(replacements, reverse=True):
        out[start:stop] = lines
    return out

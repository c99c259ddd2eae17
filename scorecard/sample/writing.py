"""The text of each institution and audit file, written with a small YAML emitter: block
mappings, flow mappings for leaf entries, conservative plain scalars."""

from __future__ import annotations

import datetime as dt
import json
import random
import re

from scorecard.sample.institutions import _advance_actions, _Institution, _position
from scorecard.sample.metrics import EHR_ID, HR_ID, SURVEY_ID
from scorecard.sample.periods import _Period
from scorecard.sample.texts import _AUDIT_NOTES, _RESPONSES

_PLAIN_RE = re.compile(r"[A-Za-z](?:[A-Za-z0-9 ._/()'-]*[A-Za-z0-9.)])?")
_RESERVED = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


def _s(text: str) -> str:
    """A YAML scalar for `text`: plain when unambiguous in any context, else double-quoted."""
    if _PLAIN_RE.fullmatch(text) and text.lower() not in _RESERVED and "  " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _num(value: float, decimals: int) -> str:
    """`value` (never negative here) rounded for display: a whole number or fixed decimals."""
    return str(round(value)) if decimals == 0 else f"{value:.{decimals}f}"


def _literal(text: str, indent: str) -> list[str]:
    return [indent + line if line else "" for line in text.splitlines()]


def _action_lines(inst: _Institution, t: int) -> list[str]:
    lines = ["actions:"]
    for a in inst.actions:
        if a.dropped_at is not None and t >= a.dropped_at:
            status = "dropped"
        elif t == a.started:
            status = "planned"
        elif t - a.started >= a.duration:
            status = "done"
        else:
            status = "in-progress"
        lines += [
            f"  - id: {a.id}",
            f"    pillar: {a.pillar}",
            f"    title: {_s(a.title)}",
            f"    owner: {_s(a.owner)}",
            f"    due: {a.due.isoformat()}",
            f"    status: {status}",
        ]
        if a.internal:
            lines.append("    visibility: internal")
    return lines


def _response_lines(audited: dt.date, rng: random.Random) -> list[str]:
    """The institution's responses to its results: a disputed metric and context on a
    pillar, and sometimes what it has done since and an internal draft."""
    made = audited + dt.timedelta(days=rng.randint(3, 14))
    chosen: list[tuple[str, str, str, str | None]] = [
        ("disputed", *rng.choice(_RESPONSES["disputed"]), None)
    ]
    chosen.append(("context", *rng.choice(_RESPONSES["context"]), None))
    if rng.random() < 0.5:
        chosen.append(("remediated", *rng.choice(_RESPONSES["remediated"]), None))
    if rng.random() < 0.4:
        chosen.append(("context", *rng.choice(_RESPONSES["internal"]), "internal"))
    lines = ["responses:"]
    for kind, target, text, visibility in chosen:
        lines += [
            f"  - target: {target}",
            f"    kind: {kind}",
            f"    text: {_s(text)}",
            f"    date: {made.isoformat()}",
        ]
        if kind == "remediated":
            lines.append(f"    expires: {(made + dt.timedelta(days=365)).isoformat()}")
        if visibility:
            lines.append(f"    visibility: {visibility}")
    return lines


def _audit_text(
    inst: _Institution,
    t: int,
    period: _Period,
    rich: bool,
    rng: random.Random,
    respond: random.Random | None = None,
) -> str:
    """One audit's text; with ``respond``, the institution's responses to it too, drawn from
    that generator (so that the other values are the same with or without them)."""
    rand = rng.random
    audited = period.end + dt.timedelta(days=rng.randint(-20, 45))
    rate = min(0.95, max(0.1, inst.response_rate + (rand() - 0.5) * 0.1))
    invited = inst.physicians
    responded = max(3, round(invited * rate))
    cc_responded = max(3, round(inst.cc_clinicians * min(0.95, rate + 0.15)))
    lines = [
        f"audited: {audited.isoformat()}",
        f"auditor: {_s(inst.auditor)}",
        "visibility: public",
        "sources:",
        f"  - id: {SURVEY_ID}",
        "    kind: survey",
        "    instrument: Mini-Z 2.0",
        f"    invited: {invited}",
        f"    responded: {responded}",
        f"  - id: {EHR_ID}",
        "    kind: ehr-log",
        f"  - id: {HR_ID}",
        "    kind: hr",
        "metrics:",
    ]
    positions = {p: _position(inst, p, t) for p in inst.base}
    p_missing = 0.06 if rich else 0.04
    p_not_reported = 0.025 if rich else 0.01
    p_internal = 0.03 if rich else 0.01
    pcts: dict[str, float] = {}
    for m in inst.eligible:
        mid = m.id
        if m.collected == "ehr-log" and t < inst.ehr_start:
            continue
        if mid in inst.not_applicable:
            lines.append(
                f"  {mid}: {{status: not-applicable, reason: {_s(inst.not_applicable[mid])}}}"
            )
            continue
        roll = rand()
        if roll < p_missing and mid not in ("outcomes.burnout", "outcomes.turnover"):
            continue
        if roll > 1.0 - p_not_reported:
            lines.append(f"  {mid}: {{status: not-reported}}")
            continue
        base = positions[m.pillar] + inst.offset[mid]
        parts: list[str]
        if m.kind == "boolean":
            parts = ["value: " + ("true" if base > inst.thresholds[mid][0] else "false")]
        elif m.kind == "level":
            parts = [f"value: {sum(1 for th in inst.thresholds[mid] if base > th)}"]
        else:
            pos = base + m.shift + (rand() + rand() - 1.0) * 0.08
            pos = -0.15 if pos < -0.15 else 1.1 if pos > 1.1 else pos
            value = m.floor + m.span * pos
            if m.step:
                value = round(value / m.step) * m.step
            value = m.lo if value < m.lo else m.hi if value > m.hi else value
            if m.survey_percent:
                pcts[mid] = value
                total = cc_responded if m.pillar == "complex_care" else responded
                n = max(1, total - int(total * rand() * 0.04))
                if m.survey_item and rand() < 0.88:
                    positive = min(n, max(0, round(n * value / 100.0)))
                    parts = [f"positive: {positive}", f"n: {n}"]
                else:
                    parts = [f"value: {_num(value, m.decimals)}", f"n: {n}"]
            else:
                parts = [f"value: {_num(value, m.decimals)}"]
        if m.source and (not rich or rand() < 0.85):
            parts.append(m.source)
        if rand() < p_internal:
            parts.append("visibility: internal")
            parts.append(f"note: {_s(rng.choice(m.notes))}")
        elif rich and rand() < 0.015:
            parts.append(f"note: {_s(rng.choice(m.notes))}")
        lines.append(f"  {mid}: {{{', '.join(parts)}}}")

    if rich and inst.units_from is not None and t >= inst.units_from:
        lines.append("units:")
        for uid, uname, size, public in inst.units:
            lines.append(f"  {uid}:")
            lines.append(f"    name: {_s(uname)}")
            if public:
                lines.append("    visibility: public")
            lines.append("    metrics:")
            for mid in inst.unit_metrics:
                pct = pcts.get(mid, 60.0) + (rand() - 0.5) * 24.0
                pct = 0.0 if pct < 0.0 else 100.0 if pct > 100.0 else pct
                n = max(1, size - (1 if rand() < 0.3 else 0))
                positive = min(n, max(0, round(n * pct / 100.0)))
                lines.append(f"      {mid}: {{positive: {positive}, n: {n}}}")

    if rich:
        _advance_actions(inst, t, period, rng)
        lines += _action_lines(inst, t)
        if rand() < 0.3:
            chosen = rng.sample(_AUDIT_NOTES, rng.randint(2, 3))
            lines.append("notes: |")
            lines += _literal("\n".join(chosen), "  ")
    if respond is not None:
        lines += _response_lines(audited, respond)
    return "\n".join(lines) + "\n"


def _institution_text(inst: _Institution) -> str:
    lines = [
        f"name: {_s(inst.name)}",
        f"kind: {inst.kind}",
        f"region: {inst.region}",
    ]
    if inst.beds is not None:
        lines.append(f"beds: {inst.beds}")
    lines += [f"physicians: {inst.physicians}", f"peer_group: {inst.peer_group}"]
    if inst.website is not None:
        lines.append(f"website: {inst.website}")
    lines.append(f"publish: {inst.publish}")
    return "\n".join(lines) + "\n"

"""The fictional institutions: their names and places, kinds and sizes, their quality by pillar
and its drift, their units, and the actions they take from period to period."""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from scorecard.sample.metrics import _Metric
from scorecard.sample.periods import _Period
from scorecard.sample.texts import (
    _ACTIONS,
    _AUDITORS,
    _DENY_PLACES,
    _DESCRIPTORS,
    _MODIFIERS,
    _NA_REASONS,
    _OWNERS,
    _REGIONS,
    _STEMS,
    _SUFFIXES,
    _UNITS,
)

_CORE = ("admin", "mission", "autonomy", "safety", "recognition")


@dataclass
class _Action:
    id: str
    pillar: str
    title: str
    owner: str
    started: int
    duration: int
    dropped_at: int | None
    due: dt.date
    internal: bool


@dataclass
class _Institution:
    id: str
    name: str
    kind: str
    region: str
    beds: int | None
    physicians: int
    peer_group: str
    website: str | None
    publish: str
    auditor: str
    has_cc: bool
    cc_clinicians: int
    response_rate: float
    base: dict[str, float] = field(default_factory=dict)
    drift: dict[str, float] = field(default_factory=dict)
    offset: dict[str, float] = field(default_factory=dict)
    thresholds: dict[str, list[float]] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()
    not_applicable: dict[str, str] = field(default_factory=dict)
    ehr_start: int = 0
    units: list[tuple[str, str, int, bool]] = field(default_factory=list)
    unit_metrics: tuple[str, ...] = ()
    units_from: int | None = None
    actions: list[_Action] = field(default_factory=list)
    action_ids: set[str] = field(default_factory=set)
    eligible: tuple[_Metric, ...] = ()  # the metrics this institution ever reports


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _places(rng: random.Random) -> list[str]:
    """Invented place names in a shuffled order where neighbours share no stem or suffix."""
    pairs = [
        (stem, suffix)
        for stem in _STEMS
        for suffix in _SUFFIXES
        if stem + suffix not in _DENY_PLACES
        and stem[-1] != suffix[0]
        and not (suffix == "ley" and stem[-1] in "ey")
    ]
    rng.shuffle(pairs)
    base: list[str] = []
    while pairs:
        stems: set[str] = set()
        suffixes: set[str] = set()
        rest: list[tuple[str, str]] = []
        for stem, suffix in pairs:
            if stem in stems or suffix in suffixes:
                rest.append((stem, suffix))
            else:
                base.append(stem + suffix)
                stems.add(stem)
                suffixes.add(suffix)
        pairs = rest
    modified = [f"{mod} {place}" for mod in _MODIFIERS for place in base]
    rng.shuffle(modified)
    return base + modified


def _kinds(count: int, rng: random.Random) -> list[str]:
    if count <= 1:
        return ["academic-medical-center"] * count
    academic = max(1, round(count * 0.4))
    rest = count - academic
    systems = round(rest * 0.15)
    groups = round(rest * 0.12)
    other = round(rest * 0.02)
    hospitals = rest - systems - groups - other
    kinds = (
        ["academic-medical-center"] * academic
        + ["community-hospital"] * hospitals
        + ["health-system"] * systems
        + ["group-practice"] * groups
        + ["other"] * other
    )
    rng.shuffle(kinds)
    return kinds


def _size(kind: str, rng: random.Random) -> tuple[int | None, int]:
    """Beds (None for a group practice) and physicians, in believable proportions."""
    if kind == "academic-medical-center":
        beds = rng.randint(40, 120) * 10
        return beds, round(beds * rng.uniform(1.2, 2.2) / 10) * 10
    if kind == "health-system":
        beds = rng.randint(60, 250) * 10
        return beds, round(beds * rng.uniform(0.8, 1.5) / 10) * 10
    if kind == "community-hospital":
        beds = rng.randint(8, 40) * 10
        return beds, max(30, round(beds * rng.uniform(0.4, 1.0) / 5) * 5)
    if kind == "group-practice":
        return None, rng.randint(4, 30) * 10
    return rng.randint(3, 12) * 10, rng.randint(3, 10) * 10


def _make_institutions(
    count: int, periods: int, rich: bool, metrics: Sequence[_Metric], rng: random.Random
) -> list[_Institution]:
    places = _places(rng)
    kinds = _kinds(count, rng)
    cc_set = set(rng.sample(range(count), max(1, round(count / 3)))) if count else set()
    unit_set: list[int] = []
    if rich and count:
        unit_set = sorted(rng.sample(range(count), max(1, round(count * 0.3))))
    used_ids: set[str] = set()
    used_names: set[str] = set()
    out: list[_Institution] = []
    for i, kind in enumerate(kinds):
        place = places[i % len(places)]
        name = f"{place} {rng.choice(_DESCRIPTORS[kind])}"
        ident = _slug(place)
        serial = 2
        while name in used_names:
            name = f"{place} {rng.choice(_DESCRIPTORS[kind])} {serial}"
            serial += 1
        base_id, serial = ident, 2
        while ident in used_ids:
            ident = f"{base_id}-{serial}"
            serial += 1
        used_ids.add(ident)
        used_names.add(name)
        beds, physicians = _size(kind, rng)
        website = f"https://example.org/{ident}" if not rich or rng.random() < 0.85 else None
        inst = _Institution(
            id=ident,
            name=name,
            kind=kind,
            region=rng.choice(_REGIONS),
            beds=beds,
            physicians=physicians,
            peer_group="academic" if kind == "academic-medical-center" else "community",
            website=website,
            publish="named",
            auditor=rng.choice(_AUDITORS),
            has_cc=i in cc_set,
            cc_clinicians=max(4, round(physicians * rng.uniform(0.01, 0.04))),
            response_rate=rng.uniform(0.32, 0.72),
        )
        _make_levels(inst, periods, rich, metrics, rng)
        out.append(inst)

    if rich and count >= 8:
        # exactly one anonymous and one private institution; the private one from the larger
        # peer group, so that the other group keeps all of its members in public comparisons
        groups: dict[str, list[int]] = {}
        for i, inst in enumerate(out):
            groups.setdefault(inst.peer_group, []).append(i)
        largest = max(sorted(groups), key=lambda g: len(groups[g]))
        private = rng.choice(groups[largest])
        anonymous = rng.choice([i for i in range(count) if i != private])
        out[private].publish = "private"
        out[anonymous].publish = "anonymous"

    # every metric of the catalogue is collected by at least one institution that can report it
    for m in metrics:
        eligible = [i for i in out if i.has_cc or m.pillar != "complex_care"]
        if eligible and all(m.id in i.skipped for i in eligible):
            eligible[0].skipped = eligible[0].skipped - {m.id}

    for inst in out:
        inst.eligible = tuple(
            m
            for m in metrics
            if m.id not in inst.skipped and (inst.has_cc or m.pillar != "complex_care")
        )

    for number, i in enumerate(unit_set):
        _make_units(
            out[i], periods, rng, tiny=number == 0, public=number == min(1, len(unit_set) - 1)
        )
    return out


def _make_levels(
    inst: _Institution, periods: int, rich: bool, metrics: Sequence[_Metric], rng: random.Random
) -> None:
    """Quality per pillar (0 = at the floor, 1 = at the target) and its drift per period."""
    roll = rng.random()
    if roll < 0.4:
        trend = rng.uniform(0.015, 0.045)  # improving
    elif roll < 0.65:
        trend = rng.uniform(-0.04, -0.01)  # declining
    else:
        trend = rng.uniform(-0.01, 0.01)  # flat
    trend *= min(1.0, 8.0 / max(1, periods))  # long histories drift as far, not further
    overall = rng.uniform(0.25, 0.7)
    for pillar in _CORE:
        inst.base[pillar] = overall + rng.uniform(-0.15, 0.15)
        inst.drift[pillar] = trend + rng.uniform(-0.012, 0.012)
    inst.base["outcomes"] = sum(inst.base[p] for p in _CORE) / 5 + rng.uniform(-0.08, 0.08)
    inst.drift["outcomes"] = 0.8 * sum(inst.drift[p] for p in _CORE) / 5
    # complex care lags behind the rest of the organisation, and moves more slowly
    inst.base["complex_care"] = overall - 0.15 + rng.uniform(-0.12, 0.12)
    inst.drift["complex_care"] = 0.6 * trend + rng.uniform(-0.01, 0.01)
    skipped: set[str] = set()
    for m in metrics:
        inst.offset[m.id] = rng.uniform(-0.12, 0.12)
        if m.kind == "boolean":
            inst.thresholds[m.id] = [rng.uniform(0.2, 0.85)]
        elif m.kind == "level":
            inst.thresholds[m.id] = sorted(rng.uniform(0.1, 0.95) for _ in range(m.max_level))
        never = {"payer": 0.4, "chart-review": 0.35}.get(m.collected, 0.05)
        if rng.random() < never and not m.id.startswith("outcomes."):
            skipped.add(m.id)
    inst.skipped = frozenset(skipped)
    inst.ehr_start = rng.choice((0, 0, 0, 1, 2))
    if rich and rng.random() < 0.35:
        candidates = sorted(
            mid
            for mid, (_, kinds) in _NA_REASONS.items()
            if inst.kind in kinds and (inst.has_cc or not mid.startswith("complex_care."))
        )
        if candidates:
            chosen = rng.choice(candidates)
            inst.not_applicable[chosen] = _NA_REASONS[chosen][0]


def _make_units(
    inst: _Institution, periods: int, rng: random.Random, *, tiny: bool, public: bool
) -> None:
    pool = [u for u in _UNITS if inst.has_cc or u[0] != "complex-care"]
    chosen = rng.sample(pool, rng.choice((2, 3)))
    for k, (uid, uname) in enumerate(chosen):
        if tiny and k == len(chosen) - 1:
            size = rng.choice((3, 4))
        elif rng.random() < 0.3 and not (public and k == 0):
            size = rng.randint(6, 9)
        else:
            size = rng.randint(10, 45)
        inst.units.append((uid, uname, size, public and k == 0))
    survey_items = ("safety.speak_up", "safety.response_to_error", "recognition.feel_valued")
    inst.unit_metrics = tuple(
        sorted(rng.sample(survey_items + ("admin.documentation_time_ok",), 3))
    )
    inst.units_from = max(0, periods - rng.randint(2, 4))


# Period by period: where an institution stands on a pillar, and the actions it takes.


def _position(inst: _Institution, pillar: str, t: int) -> float:
    return inst.base[pillar] + inst.drift[pillar] * t


def _advance_actions(inst: _Institution, t: int, period: _Period, rng: random.Random) -> None:
    inst.actions = [
        a
        for a in inst.actions
        if t - a.started <= a.duration and (a.dropped_at is None or a.dropped_at >= t)
    ]
    while len(inst.actions) < 1 or (len(inst.actions) < 3 and rng.random() < 0.3):
        pillars = sorted(_ACTIONS) if inst.has_cc else [p for p in _ACTIONS if p != "complex_care"]
        pillar = rng.choice(pillars)
        slug, title = rng.choice(_ACTIONS[pillar])
        ident, serial = slug, 2
        while ident in inst.action_ids:
            ident = f"{slug}-{serial}"
            serial += 1
        inst.action_ids.add(ident)
        duration = rng.randint(2, 5)
        due = period.end + dt.timedelta(days=91 * duration)
        due = dt.date(due.year, due.month, calendar.monthrange(due.year, due.month)[1])
        inst.actions.append(
            _Action(
                id=ident,
                pillar=pillar,
                title=title,
                owner=rng.choice(_OWNERS[pillar]),
                started=t,
                duration=duration,
                dropped_at=t + rng.randint(1, duration) if rng.random() < 0.1 else None,
                due=due,
                internal=rng.random() < 0.2,
            )
        )

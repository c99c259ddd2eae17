"""The typed objects of a scorecard: framework, institution, audit, period.

The file models (``FrameworkFile``, ``InstitutionFile``, ``AuditFile``) are the single
description of each file format: ``validate`` checks files against them and
``scorecard schema`` writes their JSON Schemas, so the two can never disagree.
No I/O happens here.
"""

from __future__ import annotations

import pickle
import re
import zlib
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["number", "percent", "boolean", "level"]
Better = Literal["higher", "lower"]
Visibility = Literal["public", "internal"]
Audience = Literal["public", "internal"]
Status = Literal["reported", "suppressed", "withheld", "not-reported", "not-applicable", "missing"]
WithheldPolicy = Literal["zero", "missing"]
InstitutionKind = Literal[
    "academic-medical-center", "community-hospital", "health-system", "group-practice", "other"
]
Publish = Literal["named", "anonymous", "private"]
ActionStatus = Literal["planned", "in-progress", "done", "dropped"]
ResponseKind = Literal["disputed", "corrected", "context", "remediated"]
SourceKind = Literal[
    "survey", "ehr-log", "hr", "policy", "interview", "payer", "scheduling", "chart-review", "other"
]

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
#: ``stale_after``: a number of quarters, halves or years (``4 quarters``, ``2 halves``, ``1 year``)
SPAN = re.compile(r"\s*([0-9]{1,3})\s+(quarters?|halves|half|years?)\s*")
_SPAN_MONTHS = {"quarter": 3, "quarters": 3, "half": 6, "halves": 6, "year": 12, "years": 12}
METRIC_ID = re.compile(r"([a-z0-9][a-z0-9_-]*)\.([a-z0-9][a-z0-9_]*)")
PERIOD = re.compile(r"(\d{4})(?:-(Q[1-4]|H[12]))?")


class FileModel(BaseModel):
    """A mapping read from a file: unknown keys are errors, and YAML types are kept as they are."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- the framework -----------------------------------------------------------------------


class PillarDef(FileModel):
    name: str = Field(min_length=1)
    question: str = ""
    description: str = ""
    weight: float = 1.0
    role: Literal["core", "beside"] = Field(
        "core", description="core pillars make the overall score; beside ones are shown next to it"
    )


class MetricDef(FileModel):
    name: str = Field(min_length=1)
    description: str = ""
    kind: Kind
    unit: str = ""
    better: Better = Field("higher", description="for boolean metrics, higher means true is good")
    target: float | None = Field(None, description="the value that scores 100")
    floor: float | None = Field(None, description="the value that scores 0")
    max: int | None = Field(None, description="the highest level, for level metrics")
    weight: float = 1.0
    collected: str = ""
    survey_item: bool = Field(
        False, description="a survey percent that audits may give as positive and n"
    )
    basis: str = ""


class Suppression(FileModel):
    min_n_public: int = 10
    min_n_internal: int = 5


class EvidenceThresholds(FileModel):
    """How much data a link between a pillar and an outcome needs before it is estimated
    (``scorecard.evidence``). No score depends on these."""

    min_institutions: int = Field(
        5, ge=2, description="institutions with data, at least, before a link is estimated"
    )
    min_pairs: int = Field(
        20,
        ge=3,
        description="pairs of consecutive periods (or, for one period, institutions) at least",
    )


def span_months(text: str) -> int | None:
    """``4 quarters`` -> 12; None when the text is no such span."""
    match = SPAN.fullmatch(text)
    return None if match is None else int(match.group(1)) * _SPAN_MONTHS[match.group(2)]


STALE_AFTER = "4 quarters"


class FrameworkFile(FileModel):
    """The built-in framework file, and a project's framework after it is merged over it."""

    version: str = Field(min_length=1)
    name: str = ""
    grades: dict[str, float] = Field(
        default_factory=lambda: {"A": 80.0, "B": 65.0, "C": 50.0, "D": 35.0, "F": 0.0},
        description="grade -> lowest score that earns it, highest first",
    )
    suppression: Suppression = Suppression()
    overall_min_pillars: int = 4
    withheld: WithheldPolicy = Field(
        "zero",
        description="how the public scores count a value an audit keeps back (visibility: "
        "internal): zero (it scores 0; the default) or missing (it stays in the weight unscored)",
    )
    evidence: EvidenceThresholds = Field(
        EvidenceThresholds(),
        description="how much data the evidence of links between pillars and outcomes needs; "
        "no score depends on it, so it is no part of the framework's version or hash",
    )
    stale_after: str = Field(
        STALE_AFTER,
        description="an institution whose latest audit is older than this, counted from the "
        "end of its period to the end of the project's newest, is marked as stale: a number of "
        "quarters, halves or years (`4 quarters`, `2 halves`, `1 year`); no score depends on it",
    )
    references: dict[str, str] = Field(default_factory=dict)
    pillars: dict[str, PillarDef]
    metrics: dict[str, MetricDef]


class FrameworkOverrides(FileModel):
    """``content/framework.yml``: changes to the built-in framework, or (extends: none) a new one.

    Pillars and metrics given here are merged key by key over the built-in ones of the same id;
    new ids add pillars and metrics.
    """

    extends: Literal["builtin", "none"] = "builtin"
    version: str | None = None
    name: str | None = None
    grades: dict[str, float] | None = None
    suppression: Suppression | None = None
    overall_min_pillars: int | None = None
    withheld: WithheldPolicy | None = None
    evidence: EvidenceThresholds | None = None
    stale_after: str | None = None
    references: dict[str, str] = Field(default_factory=dict)
    pillars: dict[str, dict[str, Any]] = Field(default_factory=dict)
    metrics: dict[str, dict[str, Any]] = Field(default_factory=dict)


@dataclass(frozen=True)
class Framework:
    """The framework in use: pillars and metrics in order, grade bands, thresholds."""

    version: str
    name: str
    sha256: str
    grades: tuple[tuple[str, float], ...]
    min_n_public: int
    min_n_internal: int
    overall_min_pillars: int
    references: dict[str, str]
    pillars: dict[str, PillarDef]
    metrics: dict[str, MetricDef]
    withheld: WithheldPolicy = "zero"
    evidence: EvidenceThresholds = field(default_factory=EvidenceThresholds)
    stale_after: str = STALE_AFTER  # checked by validate: a span that `span_months` reads

    @property
    def stale_after_months(self) -> int:
        return span_months(self.stale_after) or 12

    @cached_property
    def metrics_by_pillar(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {pillar: [] for pillar in self.pillars}
        for metric_id in self.metrics:
            grouped.setdefault(pillar_of(metric_id), []).append(metric_id)
        return grouped

    @cached_property
    def core_pillars(self) -> list[str]:
        return [pid for pid, p in self.pillars.items() if p.role == "core"]

    @cached_property
    def beside_pillars(self) -> list[str]:
        return [pid for pid, p in self.pillars.items() if p.role == "beside"]


def pillar_of(metric_id: str) -> str:
    return metric_id.split(".", 1)[0]


# --- institutions ------------------------------------------------------------------------


class InstitutionFile(FileModel):
    id: str | None = Field(None, description="optional; must match the file name")
    name: str = Field(min_length=1)
    kind: InstitutionKind
    region: str = Field(min_length=1, description="ISO 3166-2 code, or a free region name")
    beds: int | None = Field(None, ge=0)
    physicians: int | None = Field(None, ge=0)
    peer_group: str = Field(min_length=1, description="institutions are compared within it")
    website: str | None = None
    publish: Publish = "named"


@dataclass(frozen=True)
class Institution:
    id: str
    file: str
    data: InstitutionFile

    @property
    def name(self) -> str:
        return self.data.name

    @property
    def peer_group(self) -> str:
        return self.data.peer_group


# --- audits ------------------------------------------------------------------------------


class Source(FileModel):
    id: str = Field(min_length=1)
    kind: SourceKind
    instrument: str | None = None
    invited: int | None = Field(None, ge=0)
    responded: int | None = Field(None, ge=0)
    note: str | None = None


class MetricEntry(FileModel):
    value: Any = Field(
        None,
        json_schema_extra={"type": ["number", "boolean", "null"]},
        description="a number, true/false or a level, as the metric's kind says",
    )
    positive: int | None = Field(None, description="respondents answering favourably")
    n: int | None = Field(None, description="respondents")
    status: Literal["not-reported", "not-applicable"] | None = None
    reason: str | None = None
    source: str | None = None
    note: str | None = Field(None, description="always internal")
    visibility: Visibility | None = None


class Unit(FileModel):
    name: str = Field(min_length=1)
    metrics: dict[str, MetricEntry] = Field(default_factory=dict)
    visibility: Visibility = "internal"
    note: str | None = None


class Action(FileModel):
    id: str = Field(min_length=1)
    pillar: str = Field(min_length=1)
    title: str = Field(min_length=1)
    owner: str | None = None
    due: date | None = None
    status: ActionStatus = "planned"
    visibility: Visibility | None = None
    note: str | None = None


#: A day, under a name that a field called ``date`` does not hide.
Day = date


class Response(FileModel):
    """The institution's own statement about one of its results, shown next to it as its
    words: disputed (it holds the value wrong), corrected (it gives the right one), context
    (what the number leaves out) or remediated (what it has done since)."""

    target: str = Field(min_length=1, description="a metric id, a pillar id, or `overall`")
    kind: ResponseKind
    text: str = Field(min_length=1)
    date: Day = Field(description="when the institution made the statement")
    expires: Day | None = Field(
        None,
        description="after this day (counted to the project's newest audit date) the "
        "statement is no longer shown",
    )
    visibility: Visibility | None = None


class AuditFile(FileModel):
    institution: str | None = Field(None, description="optional; must match the folder name")
    period: str | None = Field(None, description="optional; must match the file name")
    audited: date
    auditor: str = ""
    visibility: Visibility = Field("public", description="default for every item in the file")
    sources: list[Source] = Field(default_factory=list)
    metrics: dict[str, MetricEntry] = Field(default_factory=dict)
    units: dict[str, Unit] = Field(default_factory=dict)
    actions: list[Action] = Field(default_factory=list)
    notes: str | None = Field(None, description="always internal")
    responses: list[Response] = Field(
        default_factory=list, description="the institution's statements about its results"
    )


@dataclass(frozen=True, order=True)
class Period:
    """2026-Q3, 2026-H1 or 2026. Periods sort by their start, then by length."""

    year: int
    start_month: int
    months: int
    label: str = field(compare=False)

    @property
    def cadence(self) -> str:
        return {3: "quarterly", 6: "half-yearly", 12: "yearly"}[self.months]


def parse_period(text: str) -> Period | None:
    match = PERIOD.fullmatch(text)
    if not match:
        return None
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        return Period(year, 1, 12, text)
    if part.startswith("Q"):
        return Period(year, 3 * (int(part[1]) - 1) + 1, 3, text)
    return Period(year, 6 * (int(part[1]) - 1) + 1, 6, text)


@dataclass(frozen=True)
class Audit:
    """One checked audit file.

    A large project holds a hundred thousand audits, so an audit keeps its file compactly
    (``stored``: its checked values, pickled and compressed) and rebuilds the model on first
    use of ``data``.
    """

    institution: str
    period: Period
    file: str
    audited: date
    stored: bytes = field(default=b"", repr=False, compare=False)
    visibility: Visibility = "public"  # the file's own: its items' default
    #: each of its responses' ``expires:`` (None where it has none): which audits respond,
    #: and whose responses expired, told without rebuilding every audit's model
    response_expiries: tuple[date | None, ...] = ()

    @classmethod
    def of(cls, institution: str, period: Period, file: str, data: AuditFile) -> Audit:
        """An audit whose model is at hand."""
        expiries = response_expiries(data)
        audit = cls(
            institution,
            period,
            file,
            data.audited,
            visibility=data.visibility,
            response_expiries=expiries,
        )
        audit.__dict__["data"] = data
        return audit

    @property
    def first_expiry(self) -> date | None:
        """The earliest ``expires:`` of its responses."""
        return min((d for d in self.response_expiries if d is not None), default=None)

    @cached_property
    def data(self) -> AuditFile:
        return AuditFile.model_validate(pickle.loads(zlib.decompress(self.stored)))

    def release(self) -> None:
        """Let go of the model where it can be rebuilt from ``stored`` on its next use."""
        if self.stored:
            self.__dict__.pop("data", None)


def response_expiries(data: AuditFile) -> tuple[date | None, ...]:
    return tuple(r.expires for r in data.responses)


def newest_audited(audits: list[Audit]) -> date | None:
    """The project's own "now": its newest ``audited:`` date. What depends on time (a
    response that expired) is measured to it, never to the clock, so that the same content
    builds the same site on any day."""
    return max((a.audited for a in audits), default=None)


@dataclass
class Project:
    """Everything a project's content says, checked."""

    root: Path
    framework: Framework
    institutions: dict[str, Institution]
    audits: list[Audit]
    pages: list[Path] = field(default_factory=list)

    @cached_property
    def as_of(self) -> date | None:
        """The project's newest ``audited:`` date (``newest_audited``)."""
        return newest_audited(self.audits)

    def audits_of(self, institution: str) -> list[Audit]:
        return [a for a in self.audits if a.institution == institution]

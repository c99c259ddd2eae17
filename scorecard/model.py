"""The typed objects of a scorecard: framework, institution, audit, period.

The file models (``FrameworkOverrides``, ``InstitutionFile``, ``AuditFile``) are the single
description of each file format: ``validate`` checks files against them and ``scorecard
schema`` writes their JSON Schemas, so that an editor accepts what ``validate`` accepts. What
needs more than the file (the framework's metrics, the file's path, other files) ``validate``
alone checks, and each model's description says so. No I/O happens here.
"""

from __future__ import annotations

import pickle
import re
import zlib
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from scorecard.values import (
    MAX_NOTES,
    METRIC_ID_PATTERN,
    PILLAR_ID_PATTERN,
    SLUG_PATTERN,
    VISIBLE_PATTERN,
    WEB_LINK_PATTERN,
    Count,
    IsoDate,
    Slug,
    Text,
    VisibleText,
    Whole,
    whole_number,
)

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
    """A mapping read from a file: unknown keys are errors, and YAML types are kept as they are
    (but for a date written as text, and a whole number written 3.0)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- the framework -----------------------------------------------------------------------


class PillarDef(FileModel):
    name: VisibleText
    question: Text = ""
    description: Text = ""
    weight: float = Field(1.0, json_schema_extra={"minimum": 0})
    role: Literal["core", "beside"] = Field(
        "core", description="core pillars make the overall score; beside ones are shown next to it"
    )


class MetricDef(FileModel):
    name: VisibleText
    description: Text = ""
    kind: Kind
    unit: Text = ""
    better: Better = Field("higher", description="for boolean metrics, higher means true is good")
    target: float | None = Field(None, description="the value that scores 100")
    floor: float | None = Field(None, description="the value that scores 0")
    max: Whole | None = Field(None, description="the highest level, for level metrics")
    weight: float = Field(1.0, json_schema_extra={"minimum": 0})
    collected: Text = ""
    survey_item: bool = Field(
        False, description="a survey percent that audits may give as positive and n"
    )
    basis: Text = ""


class Suppression(FileModel):
    min_n_public: Whole = Field(10, json_schema_extra={"minimum": 1})
    min_n_internal: Whole = Field(
        5, json_schema_extra={"minimum": 1}, description="at most min_n_public"
    )


class EvidenceThresholds(FileModel):
    """How much data a link between a pillar and an outcome needs before it is estimated
    (``scorecard.evidence``). No score depends on these."""

    min_institutions: Annotated[int, Field(ge=2), BeforeValidator(whole_number)] = Field(
        5, description="institutions with data, at least, before a link is estimated"
    )
    min_pairs: Annotated[int, Field(ge=3), BeforeValidator(whole_number)] = Field(
        20,
        description="pairs of consecutive periods (or, for one period, institutions) at least",
    )


def span_months(text: str) -> int | None:
    """``4 quarters`` -> 12; None when the text is no such span."""
    match = SPAN.fullmatch(text)
    return None if match is None else int(match.group(1)) * _SPAN_MONTHS[match.group(2)]


STALE_AFTER = "4 quarters"
#: ``SPAN`` as the JSON Schemas write it, with no span of 0
SPAN_PATTERN = r"^\s*(?!0+\s)[0-9]{1,3}\s+(quarters?|halves|half|years?)\s*$"


#: grade -> lowest score that earns it; `validate` checks that they go from highest to lowest
GRADES_SCHEMA: dict[str, Any] = {
    "minProperties": 1,
    "propertyNames": {"minLength": 1, "pattern": VISIBLE_PATTERN},
}


class FrameworkFile(FileModel):
    """The built-in framework file, and a project's framework after it is merged over it."""

    version: VisibleText
    name: Text = ""
    grades: dict[str, float] = Field(
        default_factory=lambda: {"A": 80.0, "B": 65.0, "C": 50.0, "D": 35.0, "F": 0.0},
        description="grade -> lowest score that earns it, highest first",
        json_schema_extra=GRADES_SCHEMA,
    )
    suppression: Suppression = Suppression()
    overall_min_pillars: Whole = 4
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
        json_schema_extra={"pattern": SPAN_PATTERN},
        description="an institution whose latest audit is older than this, counted from the "
        "end of its period to the end of the project's newest, is marked as stale: a number of "
        "quarters, halves or years (`4 quarters`, `2 halves`, `1 year`); no score depends on it",
    )
    references: dict[str, Text] = Field(default_factory=dict)
    pillars: dict[str, PillarDef]
    metrics: dict[str, MetricDef]


class PillarChange(FileModel):
    """A pillar of ``content/framework.yml``: the keys given change the built-in pillar of the
    same id; a new pillar needs a `name`."""

    name: VisibleText | None = None
    question: Text | None = None
    description: Text | None = None
    weight: float | None = Field(None, json_schema_extra={"minimum": 0})
    role: Literal["core", "beside"] | None = Field(
        None, description="core pillars make the overall score; beside ones are shown next to it"
    )


class MetricChange(FileModel):
    """A metric of ``content/framework.yml``: the keys given change the built-in metric of the
    same id; a new metric needs a `name` and a `kind`. Checked by `scorecard validate` alone,
    once merged: a number or percent metric needs `target` and `floor` that agree with
    `better` (a percent's within 0..100), a level metric `max` of at least 1, and only a
    percent metric can be a `survey_item`."""

    name: VisibleText | None = None
    description: Text | None = None
    kind: Kind | None = None
    unit: Text | None = None
    better: Better | None = Field(
        None, description="for boolean metrics, higher means true is good"
    )
    target: float | None = Field(None, description="the value that scores 100")
    floor: float | None = Field(None, description="the value that scores 0")
    max: Whole | None = Field(None, description="the highest level, for level metrics")
    weight: float | None = Field(None, json_schema_extra={"minimum": 0})
    collected: Text | None = None
    survey_item: bool | None = Field(
        None, description="a survey percent that audits may give as positive and n"
    )
    basis: Text | None = None


class FrameworkOverrides(FileModel):
    """`content/framework.yml`: changes to the built-in framework, or (extends: none) a new one.

    Pillars and metrics given here are merged key by key over the built-in ones of the same id;
    new ids add pillars and metrics; a key given as null is left as it was. Beyond this schema,
    `scorecard validate` checks what needs the framework they are merged into: a metric's id
    starts with a pillar of the framework, new pillars and metrics are complete, grade bands go
    from the highest minimum to the lowest, min_n_internal is at most min_n_public, and
    overall_min_pillars is at most the number of core pillars.
    """

    extends: Literal["builtin", "none"] = "builtin"
    version: VisibleText | None = None
    name: Text | None = None
    grades: dict[str, float] | None = Field(
        None,
        description="grade -> lowest score that earns it, highest first",
        json_schema_extra=GRADES_SCHEMA,
    )
    suppression: Suppression | None = None
    overall_min_pillars: Whole | None = Field(None, json_schema_extra={"minimum": 1})
    withheld: WithheldPolicy | None = None
    evidence: EvidenceThresholds | None = None
    stale_after: str | None = Field(None, json_schema_extra={"pattern": SPAN_PATTERN})
    references: dict[str, Text] = Field(default_factory=dict)
    pillars: dict[str, PillarChange] = Field(
        default_factory=dict,
        description="pillar id -> the pillar, or the changes to a built-in one",
        json_schema_extra={"propertyNames": {"pattern": PILLAR_ID_PATTERN}},
    )
    metrics: dict[str, MetricChange] = Field(
        default_factory=dict,
        description="metric id (pillar.name) -> the metric, or the changes to a built-in one",
        json_schema_extra={"propertyNames": {"pattern": METRIC_ID_PATTERN}},
    )


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
    """An institution: `content/institutions/<id>.yml`. Beyond this schema, `scorecard
    validate` checks that `id`, when given, is the file's name."""

    id: Text | None = Field(None, description="optional; must match the file name")
    name: VisibleText
    kind: InstitutionKind
    region: VisibleText = Field(description="ISO 3166-2 code, or a free region name")
    beds: Count | None = None
    physicians: Count | None = None
    peer_group: Slug = Field(description="institutions are compared within it")
    website: Text | None = Field(
        None,
        description="a web address, starting with https:// or http://",
        json_schema_extra={"pattern": WEB_LINK_PATTERN},
    )
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
    id: Slug = Field(description="unique among the audit's sources")
    kind: SourceKind
    instrument: Text | None = None
    invited: Count | None = None
    responded: Count | None = Field(
        None, description="more than `invited` is a warning of `scorecard validate`"
    )
    note: Text | None = None


def _given(key: str) -> dict[str, Any]:
    """JSON Schema: ``key`` is there, and is not null."""
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


class MetricEntry(FileModel):
    """One metric of an audit or unit: `value`, or `positive` and `n`, or a `status`."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "description": "a value, positive and n, or a status",
                    "anyOf": [_given("value"), _given("positive"), _given("status")],
                },
                {
                    "description": "a status, or a value, not both",
                    "not": {"allOf": [_given("status"), _given("value")]},
                },
                {
                    "description": "a status, or positive and n, not both",
                    "not": {"allOf": [_given("status"), _given("positive")]},
                },
                {
                    "description": "positive and n, or a value, not both",
                    "not": {"allOf": [_given("positive"), _given("value")]},
                },
                {
                    "description": "positive needs n, the number of respondents",
                    "if": _given("positive"),
                    "then": _given("n"),
                },
            ]
        }
    )

    value: Any = Field(
        None,
        json_schema_extra={"type": ["number", "boolean", "null"]},
        description="a number, true/false or a level, as the metric's kind says (which "
        "`scorecard validate` checks against the framework)",
    )
    positive: Whole | None = Field(
        None,
        description="respondents answering favourably, at most n; only for the framework's "
        "survey items",
        json_schema_extra={"minimum": 0},
    )
    n: Whole | None = Field(None, description="respondents", json_schema_extra={"minimum": 1})
    status: Literal["not-reported", "not-applicable"] | None = None
    reason: Text | None = Field(None, description="why not applicable; a warning without it")
    source: Text | None = Field(None, description="the id of one of the audit's sources")
    note: Text | None = Field(None, description="always internal")
    visibility: Visibility | None = None


class Unit(FileModel):
    name: VisibleText
    metrics: dict[str, MetricEntry] = Field(default_factory=dict)
    visibility: Visibility = "internal"
    note: Text | None = None


class Action(FileModel):
    id: Slug = Field(description="unique among the audit's actions")
    pillar: VisibleText = Field(description="a pillar of the framework")
    title: VisibleText
    owner: Text | None = None
    due: IsoDate | None = Field(None, description="YYYY-MM-DD, plain or quoted")
    status: ActionStatus = "planned"
    visibility: Visibility | None = None
    note: Text | None = None


#: A day, under a name that a field called ``date`` does not hide.
Day = date


class Response(FileModel):
    """The institution's own statement about one of its results, shown next to it as its
    words: disputed (it holds the value wrong), corrected (it gives the right one), context
    (what the number leaves out) or remediated (what it has done since)."""

    target: VisibleText = Field(description="a metric id, a pillar id, or `overall`")
    kind: ResponseKind
    text: VisibleText
    date: IsoDate = Field(description="when the institution made the statement: YYYY-MM-DD")
    expires: IsoDate | None = Field(
        None,
        description="after this day (counted to the project's newest audit date) the "
        "statement is no longer shown",
    )
    visibility: Visibility | None = None


class AuditFile(FileModel):
    """One audit: `content/audits/<institution>/<period>.yml`.

    Beyond this schema, `scorecard validate` checks what needs the rest of the project: that
    each metric id is a metric of the framework, with a value of its kind (a number, a percent
    from 0 to 100, a level up to its maximum, true or false) and `positive` only for survey
    items; that `institution` and `period`, when given, agree with the file's path; that an
    action's `pillar` is a pillar of the framework; that ids are unique in their list, a
    metric's `positive` is at most its `n`, and its `source` is listed under `sources`; and,
    across files, that the institution exists and keeps one cadence of periods. It warns when
    `audited` is after today or before the period began.
    """

    institution: Text | None = Field(None, description="optional; must match the folder name")
    period: Text | None = Field(None, description="optional; must match the file name")
    audited: IsoDate = Field(description="the day the audit was carried out: YYYY-MM-DD")
    auditor: Text = ""
    visibility: Visibility = Field("public", description="default for every item in the file")
    sources: list[Source] = Field(default_factory=list)
    metrics: dict[str, MetricEntry] = Field(
        default_factory=dict,
        description="metric id (pillar.name) of the framework -> its entry",
        json_schema_extra={"propertyNames": {"pattern": METRIC_ID_PATTERN}},
    )
    units: dict[str, Unit] = Field(
        default_factory=dict,
        description="unit id -> unit; internal unless marked public",
        json_schema_extra={"propertyNames": {"pattern": SLUG_PATTERN}},
    )
    actions: list[Action] = Field(default_factory=list)
    notes: str | None = Field(
        None, description="always internal", json_schema_extra={"maxLength": MAX_NOTES}
    )
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

"""The metrics of the built-in framework as the simulation draws them: where the typical value
of each sits, its bounds, its decimals, and the source an audit names for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scorecard.sample.texts import _METRIC_NOTES

FRAMEWORK_PATH = Path(__file__).parent.parent / "builtin" / "framework.yml"

# Decimals by unit; physical bounds by metric (otherwise 0..100 for percents, >= 0 for numbers).
_DECIMALS = {
    "hours": 1,
    "minutes": 0,
    "%": 1,
    "% positive": 1,
    "% of FTE": 1,
    "requests": 0,
    "days": 0,
    "sign-offs": 0,
    "mean": 2,
    "points": 1,
    "messages": 1,
    "months": 0,
}
_BOUNDS = {
    "safety.team_psych_safety": (1.0, 7.0),
    "recognition.leader_behavior": (12.0, 60.0),
    "outcomes.joy_score": (10.0, 50.0),
    "outcomes.third_next_available": (2.0, 120.0),
    "complex_care.new_patient_wait": (14.0, 730.0),
    "complex_care.visit_minutes_new": (30.0, 120.0),
    "complex_care.diagnostic_delay": (2.0, 120.0),
}

# The typical value of a metric in the simulated population, close to the published values
# cited in METRICS.md (a little better, since organisations that audit themselves tend to be the
# ones that act). An institution of average quality sits here; better ones sit nearer the target.
_TYPICAL: dict[str, float] = {
    "admin.ehr_time_per_8h": 5.6,
    "admin.work_outside_work": 80,
    "admin.inbox_time_per_8h": 60,
    "admin.documentation_time_ok": 61,
    "admin.ambient_documentation": 30,
    "admin.orders_with_team": 25,
    "mission.values_alignment": 71.4,
    "mission.meaningful_work": 80.8,
    "mission.career_fit": 58,
    "mission.volume_pay_share": 50,
    "autonomy.workload_control": 57,
    "autonomy.prior_auth_requests_week": 32,
    "autonomy.prior_auth_hours_week": 11,
    "autonomy.prior_auth_turnaround": 7,
    "autonomy.approval_layers": 1.6,
    "safety.speak_up": 76,
    "safety.response_to_error": 61,
    "safety.management_support": 68,
    "safety.staffing_work_pace": 56,
    "safety.team_psych_safety": 4.8,
    "safety.patient_aggression": 45,
    "recognition.feel_valued": 54.5,
    "recognition.job_satisfaction": 72.1,
    "recognition.protected_time": 25,
    "recognition.mentorship_coverage": 55,
    "recognition.non_volume_incentives": 15,
    "recognition.leader_behavior": 42,
    "outcomes.burnout": 43.2,
    "outcomes.intent_to_leave": 31.9,
    "outcomes.turnover": 7.6,
    "outcomes.joy_score": 31,
    "outcomes.third_next_available": 30,
    "complex_care.new_patient_wait": 200,
    "complex_care.accepting_new": 60,
    "complex_care.departures": 8,
    "complex_care.prior_auth_hours": 13,
    "complex_care.messages_per_8h": 15,
    "complex_care.visit_minutes_new": 60,
    "complex_care.collegial_respect": 62,
    "complex_care.diagnostic_delay": 24,
}
# values scheduled in whole blocks of minutes
_STEPS = {"complex_care.visit_minutes_new": 15.0}

SURVEY_ID = "wellbeing-survey"
EHR_ID = "ehr-signal"
HR_ID = "hr-records"
_SOURCE_BY_COLLECTED = {"survey": SURVEY_ID, "ehr-log": EHR_ID, "hr": HR_ID}


@dataclass(frozen=True)
class _Metric:
    id: str
    pillar: str
    kind: str
    floor: float
    span: float
    lo: float
    hi: float
    decimals: int
    collected: str
    survey_item: bool
    max_level: int
    shift: float  # where the typical value sits on the floor (0) .. target (1) scale, minus 0.5
    step: float  # round values to a multiple of this, when not 0
    source: str  # "source: <id>" for the audit's source of this kind of data, or ""
    survey_percent: bool  # a percent from the survey: given with n
    notes: tuple[str, ...]  # internal notes that fit how the metric is collected


def _load_metrics() -> list[_Metric]:
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    framework: dict[str, Any] = yaml.load(FRAMEWORK_PATH.read_text(encoding="utf-8"), loader)
    metrics: list[_Metric] = []
    for mid, spec in framework["metrics"].items():
        kind = str(spec["kind"])
        collected = str(spec.get("collected", ""))
        floor = float(spec.get("floor", 0.0))
        target = float(spec.get("target", 1.0))
        lo, hi = _BOUNDS.get(mid, (0.0, 100.0 if kind == "percent" else float("inf")))
        metrics.append(
            _Metric(
                id=str(mid),
                pillar=str(mid).split(".", 1)[0],
                kind=kind,
                floor=floor,
                span=target - floor,
                lo=lo,
                hi=hi,
                decimals=_DECIMALS.get(str(spec.get("unit", "")), 1),
                collected=collected,
                survey_item=bool(spec.get("survey_item", False)),
                max_level=int(spec.get("max", 0)),
                shift=(_TYPICAL[mid] - floor) / (target - floor) - 0.5
                if mid in _TYPICAL and target != floor
                else 0.0,
                step=_STEPS.get(mid, 0.0),
                source=f"source: {_SOURCE_BY_COLLECTED[collected]}"
                if collected in _SOURCE_BY_COLLECTED
                else "",
                survey_percent=kind == "percent" and collected == "survey",
                notes=_METRIC_NOTES.get(collected, _METRIC_NOTES[""]),
            )
        )
    return metrics

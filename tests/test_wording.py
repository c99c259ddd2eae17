"""How values read: units in the singular for exactly one, counts, peer groups and short labels."""

from __future__ import annotations

import pytest

from scorecard.model import MetricDef
from scorecard.wording import (
    amount,
    count_text,
    floor_text,
    group_name,
    metric_short,
    number_word,
    singular,
    target_text,
    value_text,
)


@pytest.mark.parametrize(
    ("unit", "one"),
    [
        ("hours", "hour"),
        ("sign-offs", "sign-off"),
        ("days per week", "day per week"),
        ("policies", "policy"),
        ("boxes", "box"),
        ("FTEs", "FTE"),
        ("mean", "mean"),
        ("%", "%"),
        ("% of FTE", "% of FTE"),
        ("process", "process"),
        ("status", "status"),
        ("", ""),
    ],
    ids=lambda v: v or "none",
)
def test_singular_of_a_unit(unit: str, one: str) -> None:
    assert singular(unit) == one


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1.0, "sign-offs", "1 sign-off"),
        (2.0, "sign-offs", "2 sign-offs"),
        (0.0, "sign-offs", "0 sign-offs"),
        (1.5, "hours", "1.5 hours"),
        (1.0, "", "1"),
        (1200.0, "minutes", "1,200 minutes"),
    ],
    ids=["one", "two", "none", "a half", "no unit", "thousands"],
)
def test_amount_is_singular_for_exactly_one(value: float, unit: str, text: str) -> None:
    assert amount(value, unit) == text


def test_a_metric_of_one_sign_off_reads_in_the_singular() -> None:
    layers = MetricDef(
        name="Sign-offs by non-treating staff",
        kind="number",
        unit="sign-offs",
        better="lower",
        target=1.0,
        floor=3.0,
    )
    assert value_text(layers, 1) == "1 sign-off"
    assert value_text(layers, 2) == "2 sign-offs"
    assert target_text(layers) == "≤ 1 sign-off"
    assert floor_text(layers) == "3 sign-offs"


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("academic", "Academic"),
        ("community", "Community"),
        ("large-teaching", "Large Teaching"),
        ("rural_critical-access", "Rural Critical Access"),
        ("tier-2", "Tier 2"),
    ],
    ids=lambda v: v,
)
def test_a_peer_group_reads_as_words(slug: str, name: str) -> None:
    assert group_name(slug) == name


@pytest.mark.parametrize(
    ("metric_id", "label"),
    [
        ("safety.speak_up", "Speak up"),
        ("admin.ehr_time_per_8h", "EHR time per 8h"),
        ("autonomy.prior_auth_hours_week", "Prior auth hours week"),
        ("outcomes.burnout", "Burnout"),
    ],
    ids=lambda v: v,
)
def test_a_metric_short_label_comes_from_its_id(metric_id: str, label: str) -> None:
    assert metric_short(metric_id) == label


def test_counts_in_figures_and_words() -> None:
    assert [count_text(n, "institution") for n in (0, 1, 2, 1500)] == [
        "0 institutions",
        "1 institution",
        "2 institutions",
        "1,500 institutions",
    ]
    assert [number_word(n) for n in (1, 5, 9, 10)] == ["one", "five", "nine", "10"]

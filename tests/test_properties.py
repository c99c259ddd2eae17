"""Properties that hold for any content: scores stay in range, and order never matters."""

from __future__ import annotations

import random
import tempfile
from datetime import date
from pathlib import Path

from conftest import Runner
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.cli import cli
from scorecard.facts import facts_of
from scorecard.model import Framework, MetricDef
from scorecard.project import open_project
from scorecard.score import Observation, score_audit, score_metric
from scorecard.validate import builtin_framework_document, check_framework

_framework, _findings = check_framework(builtin_framework_document(), None)
assert _framework is not None
FW: Framework = _framework
METRIC_IDS = list(FW.metrics)
STATUSES = ["not-reported", "not-applicable", "missing", "suppressed"]

MODEST = settings(deadline=None, max_examples=80, database=None)
SLOW = settings(deadline=None, max_examples=40, database=None)
WHOLE_PROJECTS = settings(deadline=None, max_examples=25, database=None)

any_number = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e-300, max_value=1e-300, allow_nan=False),
    st.integers(min_value=-(10**300), max_value=10**300),
)


def in_range(score: float | None) -> bool:
    return score is None or 0.0 <= score <= 100.0


def reported_value(metric: MetricDef) -> st.SearchStrategy[Observation]:
    """Any value of the metric's kind, however far outside its floor and target."""
    if metric.kind == "boolean":
        return st.booleans().map(lambda v: Observation("reported", v))
    if metric.kind == "level":
        top = metric.max or 1
        return st.integers(0, top).map(lambda v: Observation("reported", v))
    plain = any_number.map(lambda v: Observation("reported", v))
    if not metric.survey_item:
        with_n = st.tuples(st.floats(0, 100), st.integers(1, 10**12)).map(
            lambda t: Observation("reported", t[0], t[1])
        )
        return plain | with_n if metric.kind == "percent" else plain
    survey = (
        st.integers(1, 10**15)
        .flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
        .map(lambda t: Observation("reported", None, t[1], t[0]))
    )
    return plain | survey


def observation(metric_id: str) -> st.SearchStrategy[Observation]:
    status = st.sampled_from(STATUSES).map(lambda s: Observation(s))  # type: ignore[arg-type]
    return status | reported_value(FW.metrics[metric_id])


@st.composite
def observations(draw: st.DrawFn) -> dict[str, Observation]:
    chosen = draw(st.lists(st.sampled_from(METRIC_IDS), unique=True))
    return {metric_id: draw(observation(metric_id)) for metric_id in chosen}


@MODEST
@given(metric_id=st.sampled_from(METRIC_IDS), data=st.data())
def test_every_metric_score_is_within_0_to_100(metric_id: str, data: st.DataObject) -> None:
    seen = data.draw(reported_value(FW.metrics[metric_id]))
    result = score_metric(FW.metrics[metric_id], seen)
    assert result.status == "reported"
    assert result.score is not None and 0.0 <= result.score <= 100.0
    if result.ci95 is not None:
        low, high = result.ci95
        assert 0.0 <= low <= high <= 100.0


@MODEST
@given(seen=observations())
def test_pillar_and_overall_scores_are_within_range(seen: dict[str, Observation]) -> None:
    metrics, pillars, overall = score_audit(FW, seen)
    assert all(in_range(m.score) for m in metrics.values())
    for pillar in pillars.values():
        assert in_range(pillar.score)
        assert 0.0 <= pillar.coverage <= 1.0
        # never a zero for missing data: a pillar has a score exactly when half is covered
        assert (pillar.score is None) == (pillar.coverage < 0.5 or pillar.status != "scored")
        assert (pillar.score is None) == (pillar.grade is None)
    assert in_range(overall.score)
    assert 0.0 <= overall.coverage <= 1.0
    scored_core = [p for p in FW.core_pillars if p in pillars and pillars[p].score is not None]
    assert (overall.score is None) == (len(scored_core) < 4)


# --- through the files: extreme numbers as a user would write them ---------------------------

NUMBER_METRICS = [m for m, d in FW.metrics.items() if d.kind == "number"]


@SLOW
@given(
    values=st.dictionaries(
        st.sampled_from(NUMBER_METRICS),
        st.one_of(
            st.floats(min_value=-1e300, max_value=1e300, allow_nan=False).map(lambda v: f"{v:.6e}"),
            st.integers(-(10**300), 10**300).map(str),
        ),
        min_size=1,
    )
)
def test_extreme_numbers_in_files_score_within_range(values: dict[str, str]) -> None:
    lines = "".join(f"  {metric_id}: {{value: {text}}}\n" for metric_id, text in values.items())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write(root, "content/institutions/north-valley.yml", institution("North Valley", "named"))
        write(
            root, "content/audits/north-valley/2026.yml", "audited: 2026-06-01\nmetrics:\n" + lines
        )
        project, findings = open_project(root)
        assert [f.format() for f in findings] == []
        assert project is not None
        for audience in ("public", "internal"):
            (result,) = facts_of(project, (audience,))[audience].results
            assert all(in_range(m.score) for m in result.metrics.values())
            assert all(in_range(p.score) for p in result.pillars.values())
            assert in_range(result.overall.score)


# --- the order of files and keys never changes the output ------------------------------------

INSTITUTIONS = ["north-valley", "east-harbor", "west-ridge", "south-fork", "lake-view", "pine-hill"]
EARLIER = ["2025-Q4", "2026-Q1", "2026-Q2"]


def entry_text(metric: MetricDef) -> st.SearchStrategy[str]:
    if metric.kind == "boolean":
        return st.sampled_from(["{value: true}", "{value: false}"])
    if metric.kind == "level":
        return st.integers(0, metric.max or 1).map(lambda v: f"{{value: {v}}}")
    status = st.sampled_from(
        ["{status: not-reported}", '{status: not-applicable, reason: "no such service"}']
    )
    top = 10_000 if metric.kind == "percent" else 100_000
    value = st.integers(0, top).map(lambda v: f"{{value: {v / 100:.2f}}}")
    if metric.survey_item:
        survey = st.integers(1, 60).flatmap(
            lambda n: st.integers(0, n).map(lambda p: f"{{positive: {p}, n: {n}}}")
        )
        return st.one_of(value, survey, status)
    return st.one_of(value, status)


@st.composite
def audit_metrics(draw: st.DrawFn) -> dict[str, str]:
    chosen = draw(st.lists(st.sampled_from(METRIC_IDS), min_size=25, max_size=40, unique=True))
    return {metric_id: draw(entry_text(FW.metrics[metric_id])) for metric_id in chosen}


@st.composite
def projects(draw: st.DrawFn) -> dict[str, dict[str, dict[str, str]]]:
    """institution -> period -> metric -> entry text."""
    names = draw(st.lists(st.sampled_from(INSTITUTIONS), min_size=1, max_size=6, unique=True))
    spec = {}
    for name in names:
        # Everyone reports 2026-Q3, so that peers can be compared.
        periods = ["2026-Q3", *draw(st.lists(st.sampled_from(EARLIER), max_size=1))]
        spec[name] = {period: draw(audit_metrics()) for period in periods}
    return spec


def institution(name: str, publish: str) -> str:
    return (
        f"name: {name} Community Hospital\nkind: community-hospital\nregion: US-VT\n"
        f"peer_group: community\npublish: {publish}\n"
    )


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_project(root: Path, spec: dict[str, dict[str, dict[str, str]]], shuffle: bool) -> None:
    rng = random.Random(len(spec) if shuffle else 0)
    publish = ["named", "anonymous", "private"]
    files: list[tuple[str, str]] = []
    for inst_id, audits in spec.items():
        name = inst_id.replace("-", " ").title()
        lines = institution(name, publish[INSTITUTIONS.index(inst_id) % 3]).splitlines()
        if shuffle:
            rng.shuffle(lines)
        files.append((f"content/institutions/{inst_id}.yml", "\n".join(lines) + "\n"))
        for period, metrics in audits.items():
            items = list(metrics.items())
            if shuffle:
                rng.shuffle(items)
            body = "".join(f"  {metric_id}: {text}\n" for metric_id, text in items)
            files.append(
                (f"content/audits/{inst_id}/{period}.yml", "audited: 2026-10-15\nmetrics:\n" + body)
            )
    if shuffle:
        rng.shuffle(files)
    else:
        files.sort()
    for relative, text in files:
        write(root, relative, text)


@WHOLE_PROJECTS
@given(spec=projects())
def test_order_of_files_and_keys_never_changes_the_scores(
    spec: dict[str, dict[str, dict[str, str]]],
) -> None:
    runner = Runner()
    reordered = dict(reversed(list(spec.items())))
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "first", Path(tmp) / "second"
        write_project(first, spec, shuffle=False)
        write_project(second, reordered, shuffle=True)
        for audience in ("internal", "public"):
            outputs = []
            for root in (first, second):
                result = runner.invoke(
                    cli,
                    ["score", "--format", "json", "--audience", audience, "--project", str(root)],
                )
                assert result.exit_code == 0, result.output
                outputs.append(result.stdout_bytes)
            assert outputs[0] == outputs[1]


# --- keeping values back never raises a public score ---------------------------------------


def _entry(metric: MetricDef) -> st.SearchStrategy[dict[str, object]]:
    """An audit's entry for a metric, as written in a file: a value of its kind, survey counts,
    or a status; public, as the audit's default says."""
    if metric.kind == "boolean":
        value: st.SearchStrategy[object] = st.booleans()
    elif metric.kind == "level":
        value = st.integers(0, metric.max or 1)
    elif metric.kind == "percent":
        value = st.floats(0, 100)
    else:
        low, high = sorted((metric.floor or 0.0, metric.target or 1.0))
        value = st.floats(low - (high - low), high + (high - low))
    entries = [value.map(lambda v: {"value": v})]
    if metric.survey_item:
        entries.append(
            st.integers(1, 400)
            .flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
            .map(lambda t: {"positive": t[0], "n": t[1]})
        )
    entries.append(st.just({"status": "not-reported"}))
    entries.append(st.just({"status": "not-applicable", "reason": "no such service"}))
    return st.one_of(entries)


@st.composite
def audits_with_one_kept_back(draw: st.DrawFn) -> tuple[dict[str, object], str]:
    """An audit's metrics (some of the framework's, public) and one metric of it to mark
    internal."""
    # most metrics present, so that pillars clear the insufficient-data line and the overall
    # score is given: where keeping a value back could pay
    present = [mid for mid in METRIC_IDS if draw(st.sampled_from([True, True, True, False]))]
    chosen = present or [METRIC_IDS[0]]
    metrics = {mid: draw(_entry(FW.metrics[mid])) for mid in chosen}
    return metrics, draw(st.sampled_from(chosen))


def _public_scores(metrics: dict[str, object], framework: Framework) -> list[float | None]:
    from scorecard.audience import audit_scores
    from scorecard.model import AuditFile

    data = AuditFile.model_validate({"audited": date(2026, 10, 1), "metrics": metrics})
    _, pillars, overall = audit_scores(data, "public", False, framework)
    scores = {pid: pillars[pid].score if pid in pillars else None for pid in framework.pillars}
    return [overall.score, *scores.values()]


@MODEST
@given(case=audits_with_one_kept_back())
def test_marking_a_metric_internal_never_raises_a_public_score(
    case: tuple[dict[str, object], str],
) -> None:
    """Under the default policy (withheld values score 0), for any audit and any metric in it,
    the public overall, pillar and section scores with the metric marked internal are none,
    or no higher than without: keeping weak numbers back never pays."""
    metrics, kept = case
    before = _public_scores(metrics, FW)
    marked = {**metrics, kept: {**metrics[kept], "visibility": "internal"}}  # type: ignore[dict-item]
    after = _public_scores(marked, FW)
    for was, now in zip(before, after, strict=True):
        assert now is None or (was is not None and now <= was + 1e-9), (kept, before, after)


def test_under_the_policy_missing_keeping_a_weak_value_back_can_raise_a_score() -> None:
    """What the methodology page says when a project chooses `withheld: missing`."""
    from dataclasses import replace

    good = {"positive": 180, "n": 200}  # 90 %: above every target
    metrics: dict[str, object] = {mid: good for mid in FW.metrics_by_pillar["safety"]}
    metrics.update(
        {
            "safety.team_psych_safety": {"value": 6.0},
            "safety.nonpunitive_reporting": {"value": True},
            "safety.patient_aggression": {"value": 10.0},
            "safety.response_to_error": {"positive": 20, "n": 200},  # 10 %: scores 0
        }
    )
    kept = {**metrics, "safety.response_to_error": {"positive": 20, "n": 200}}
    kept["safety.response_to_error"] = {"positive": 20, "n": 200, "visibility": "internal"}
    safety = 1 + list(FW.pillars).index("safety")
    missing = replace(FW, withheld="missing")
    plain = _public_scores(metrics, FW)[safety]
    assert plain is not None and plain < 100
    assert _public_scores(kept, FW)[safety] == plain  # zero: the kept-back value still scores 0
    assert _public_scores(kept, missing)[safety] == 100.0  # missing: the weak value is gone


def test_a_weak_pillar_pushed_under_the_line_by_values_kept_back_still_counts_in_the_overall() -> (
    None
):
    """Keeping back one value of a weak pillar takes it under the insufficient-data line, but
    it still counts in the public overall score, with that value at 0: the overall score does
    not rise by losing its weakest pillar."""
    strong: dict[str, object] = {}
    for pid in ("mission", "autonomy", "safety", "recognition"):
        for mid in FW.metrics_by_pillar[pid]:
            metric = FW.metrics[mid]
            strong[mid] = (
                {"value": metric.better == "higher"}
                if metric.kind == "boolean"
                else ({"value": metric.max} if metric.kind == "level" else {"value": metric.target})
            )
    weak = dict.fromkeys(FW.metrics_by_pillar["admin"][:4], {"value": 0.0})
    weak["admin.ehr_time_per_8h"] = {"value": 7.0}  # scores 25; the others 0 (4 of 7 reported)
    weak["admin.work_outside_work"] = {"value": 110.0}
    metrics = {**strong, **weak}
    kept = {**metrics, "admin.ehr_time_per_8h": {"value": 7.0, "visibility": "internal"}}
    overall, admin = 0, 1 + list(FW.pillars).index("admin")
    before, after = _public_scores(metrics, FW), _public_scores(kept, FW)
    assert before[admin] is not None and after[admin] is None  # under the line now
    assert before[overall] is not None and after[overall] is not None
    assert after[overall] < before[overall] < 90

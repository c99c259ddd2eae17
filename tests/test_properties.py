"""Properties that hold for any content: scores stay in range, and order never matters."""

from __future__ import annotations

import random
import tempfile
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

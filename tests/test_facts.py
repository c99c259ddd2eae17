"""The facts stage: every audience scored once, the same on every core and from the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

import scorecard.facts as scoring
from scorecard.export import scores_json
from scorecard.facts import Facts, facts_of
from scorecard.project import open_project
from scorecard.sample import write_sample_project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def example() -> Facts:
    project, findings = open_project(REPO)
    assert project is not None, findings
    return facts_of(project)


def test_each_audience_sees_the_institutions_it_may(example: Facts) -> None:
    project = example.project
    public, internal = example["public"], example["internal"]
    assert {r.institution for r in internal.results} == set(project.institutions)
    private = {i for i, inst in project.institutions.items() if inst.data.publish == "private"}
    anonymous = {i for i, inst in project.institutions.items() if inst.data.publish == "anonymous"}
    assert private and anonymous
    shown = {r.institution for r in public.results}
    assert not shown & (private | anonymous)  # private ones are left out, anonymous ones renamed
    assert {public.identities[i].id for i in anonymous} <= shown
    assert all(public.identities[i].name.startswith("Peer ") for i in anonymous)
    for scores in (public, internal):
        keys = [(r.institution, r.period_order) for r in scores.results]
        assert keys == sorted(keys)


def test_the_public_scores_read_only_what_the_public_may_see(example: Facts) -> None:
    internal = {(r.institution, r.period): r for r in example["internal"].results}
    differ = 0
    for r in example["public"].results:
        mine = internal.get((r.institution, r.period))
        if mine is None:  # an anonymous institution: the public knows it by another name
            continue
        for mid, m in r.metrics.items():
            if m.status == "reported":
                assert mine.metrics[mid].value == m.value  # the same value where both see it
            differ += m.status != mine.metrics[mid].status
    assert differ > 0  # something is internal or suppressed in the example


def test_texts_for_the_public_scan_come_with_the_public_audience(example: Facts) -> None:
    assert len(example.texts) == len(example.project.audits)
    assert facts_of(example.project, ("internal",)).texts == []


def test_latest_keeps_each_institutions_last_period(example: Facts) -> None:
    latest = example["internal"].latest()
    assert len(latest.results) == len(example.project.institutions)
    assert {r.period for r in latest.results} == {"2026-Q3"}


def _documents(facts: Facts) -> tuple[str, str]:
    return scores_json(facts["public"]), scores_json(facts["internal"])


def test_workers_cache_and_one_by_one_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "p"
    write_sample_project(root, institutions=12, periods=4, rich=True)
    project, _ = open_project(root)
    assert project is not None
    monkeypatch.setenv("SCORECARD_CACHE_DIR", "0")
    one_by_one = _documents(facts_of(project))
    monkeypatch.setattr(scoring, "CHUNK", 7)  # 48 audits: seven tasks for the workers
    assert _documents(facts_of(project)) == one_by_one
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache"))
    assert _documents(facts_of(project)) == one_by_one  # filling the cache
    assert _documents(facts_of(project)) == one_by_one  # from it


def test_an_audit_scored_before_is_not_scored_again_unless_something_it_depends_on_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "p"
    write_sample_project(root, institutions=3, periods=2, rich=False)
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache"))
    scored: list[str] = []
    original = scoring.audit_facts

    def counting(audit, plan):  # type: ignore[no-untyped-def]
        scored.append(audit.file)
        return original(audit, plan)

    monkeypatch.setattr(scoring, "audit_facts", counting)

    def run() -> tuple[str, str]:
        project, _ = open_project(root)
        assert project is not None
        return _documents(facts_of(project))

    first = run()
    assert len(scored) == 6
    scored.clear()
    assert run() == first and scored == []
    # how an institution publishes changes what each audience sees of its audits
    institution = sorted((root / "content" / "institutions").glob("*.yml"))[0]
    text = institution.read_text(encoding="utf-8")
    institution.write_text(text.replace("publish: named", "publish: anonymous"), "utf-8")
    if "publish: anonymous" not in institution.read_text(encoding="utf-8"):
        institution.write_text(text + "publish: anonymous\n", "utf-8")
    changed = run()
    assert sorted(scored) == sorted(
        p.relative_to(root).as_posix()
        for p in (root / "content" / "audits" / institution.stem).glob("*.yml")
    )
    assert changed[0] != first[0] and changed[1] == first[1]  # the public names it otherwise

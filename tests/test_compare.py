"""Comparing with care: uncertainty, tiers, movers, peer letters, and the comparison files."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeProject

from scorecard import anonymity
from scorecard.audience import identities
from scorecard.badges import badge_paths, grade_badge, xml_text
from scorecard.compare import (
    Ranked,
    apart,
    group_slugs,
    latest_move,
    movers,
    overall_uncertainty,
    pillar_uncertainty,
    tiers,
)
from scorecard.facts import facts_of
from scorecard.model import Framework, MetricDef, PillarDef
from scorecard.project import open_project
from scorecard.score import (
    Observation,
    OverallResult,
    PillarResult,
    Result,
    score_audit,
)

# --- a small framework, by hand ----------------------------------------------------------------


def framework() -> Framework:
    """Two core pillars; `a.x`, `a.y` and `b.z` percents scored 0 at 0 and 100 at 100."""
    percent = {"kind": "percent", "floor": 0.0, "target": 100.0}
    return Framework(
        version="1",
        name="test",
        sha256="0" * 64,
        grades=(("A", 80.0), ("B", 65.0), ("C", 50.0), ("D", 35.0), ("F", 0.0)),
        min_n_public=10,
        min_n_internal=5,
        overall_min_pillars=1,
        references={},
        pillars={"a": PillarDef(name="Pillar A"), "b": PillarDef(name="Pillar B")},
        metrics={
            "a.x": MetricDef(name="X", weight=1.0, **percent),  # type: ignore[arg-type]
            "a.y": MetricDef(name="Y", weight=3.0, **percent),  # type: ignore[arg-type]
            "b.z": MetricDef(name="Z", **percent),  # type: ignore[arg-type]
        },
    )


def result(fw: Framework, observations: dict[str, Observation], period: str = "2026") -> Result:
    metrics, pillars, overall = score_audit(fw, observations)
    return Result("inst", period, (int(period[:4]), 1, 12), "g", overall, pillars, metrics)


# --- uncertainty -------------------------------------------------------------------------------


def test_uncertainty_is_half_the_score_interval_propagated_by_weight() -> None:
    fw = framework()
    r = result(
        fw,
        {
            "a.x": Observation("reported", positive=50, n=100),  # Wilson 40.38 .. 59.62
            "a.y": Observation("reported", value=70.0),  # no sample: exact
            "b.z": Observation("reported", value=20.0),
        },
    )
    low, high = r.metrics["a.x"].ci95 or (0, 0)
    half = (high - low) / 2
    assert half == pytest.approx(9.62, abs=0.01)
    assert pillar_uncertainty(fw, "a", r) == pytest.approx(half * 1 / 4)  # weights 1 and 3
    assert pillar_uncertainty(fw, "b", r) == 0.0
    assert overall_uncertainty(fw, r) == pytest.approx(half / 4 / 2)  # two pillars of weight 1


def test_no_uncertainty_without_a_score() -> None:
    fw = framework()
    r = result(fw, {"b.z": Observation("reported", value=20.0)})
    assert pillar_uncertainty(fw, "a", r) is None
    assert overall_uncertainty(fw, r) == 0.0


# --- tiers -------------------------------------------------------------------------------------


def ranked(*rows: tuple[str, float, float]) -> list[Ranked]:
    return [Ranked(i, s, u) for i, s, u in rows]


def ids(found: list[list[Ranked]]) -> list[list[str]]:
    return [[r.id for r in tier] for tier in found]


TIER_CASES = [
    ([("a", 80, 2), ("b", 79, 2), ("c", 70, 2)], [["a", "b"], ["c"]]),
    # the larger of the two uncertainties decides: 5 apart, but b is uncertain by 6
    ([("a", 60, 0), ("b", 55, 6)], [["a", "b"]]),
    # a difference of exactly the uncertainty tells them apart
    ([("a", 60, 5), ("b", 55, 5)], [["a"], ["b"]]),
    # equal scores are never ordered, even when exact
    ([("a", 50, 0), ("b", 50, 0), ("c", 49, 0)], [["a", "b"], ["c"]]),
    # a chain: a~b and b~c although a and c can be told apart
    ([("a", 80, 3), ("b", 77.5, 1), ("c", 75, 3)], [["a", "b", "c"]]),
    # an uncertain one below links two that are apart: no cut above it
    ([("a", 90, 1), ("b", 85, 1), ("c", 80, 20), ("d", 50, 1)], [["a", "b", "c"], ["d"]]),
    ([], []),
]


@pytest.mark.parametrize(
    ("rows", "expected"),
    TIER_CASES,
    ids=["two-tiers", "larger-uncertainty", "exactly-apart", "ties", "chain", "reach", "empty"],
)
def test_tiers(rows: list[tuple[str, float, float]], expected: list[list[str]]) -> None:
    assert ids(tiers(ranked(*rows))) == expected


def test_institutions_in_different_tiers_can_always_be_told_apart() -> None:
    rng = random.Random(4)
    for _ in range(200):
        entries = [
            Ranked(f"i{n}", rng.uniform(0, 100), rng.choice([0, 1, 3, 8])) for n in range(12)
        ]
        found = tiers(entries)
        assert sorted(r.id for t in found for r in t) == sorted(e.id for e in entries)
        for i, upper in enumerate(found):
            for lower in found[i + 1 :]:
                assert all(apart(a, b) and a.score > b.score for a in upper for b in lower)
        for tier in found[1:]:  # each cut is needed: something links across none of them
            assert len(tier) >= 1


# --- movers ------------------------------------------------------------------------------------


def scored(
    inst: str, period: str, overall: float | None, safety: float | None = None, order: int = 0
) -> Result:
    pillars = {"safety": PillarResult(safety, None, 1.0 if safety is not None else 0.0)}
    return Result(
        inst,
        period,
        (2025, order, 3),
        "g",
        OverallResult(overall, None, 1.0),
        pillars,
        {},
    )


def test_a_move_is_measured_against_the_previous_period_with_a_score() -> None:
    history = [
        scored("x", "2025-Q1", 50.0, 40.0, 1),
        scored("x", "2025-Q2", None, 45.0, 4),
        scored("x", "2025-Q3", 60.0, None, 7),
    ]
    move = latest_move(history)
    assert move is not None
    assert (move.period, move.previous_period, move.now, move.change) == (
        "2025-Q3",
        "2025-Q1",
        60.0,
        10.0,
    )
    assert latest_move(history, "safety") is None  # no safety score in the latest period
    assert latest_move(history[:2], "safety") is not None
    assert latest_move(history[:1]) is None


def test_movers_biggest_first_ties_by_name() -> None:
    histories = {
        "a": [scored("a", "Q1", 50.0, 10.0, 1), scored("a", "Q2", 55.0, 30.0, 4)],
        "b": [scored("b", "Q1", 50.0, 10.0, 1), scored("b", "Q2", 55.0, 5.0, 4)],
        "c": [scored("c", "Q1", 50.0, 10.0, 1), scored("c", "Q2", 40.0, 10.0, 4)],
        "d": [scored("d", "Q1", 50.0, 10.0, 1), scored("d", "Q2", 58.0, 12.0, 4)],
    }
    names = {"a": "Zeta", "b": "Alpha", "c": "Mid", "d": "Delta"}
    rises, falls = movers(histories, names)
    assert [(m.institution, m.change) for m in rises] == [("d", 8.0), ("b", 5.0), ("a", 5.0)]
    assert [(m.institution, m.change) for m in falls] == [("c", -10.0)]
    rises, falls = movers(histories, names, "safety", count=1)
    assert [(m.institution, m.change) for m in rises] == [("a", 20.0)]
    assert [(m.institution, m.change) for m in falls] == [("b", -5.0)]


# --- peer letters ------------------------------------------------------------------------------

INSTITUTION = (
    "name: {name}\nkind: community-hospital\nregion: US-VT\npeer_group: g\npublish: {publish}\n"
)
AUDIT = "audited: {date}\nmetrics:\n  admin.ehr_time_per_8h: {{value: 6.0}}\n"
PERIOD_DATES = {"2025-Q1": "2025-04-10", "2025-Q2": "2025-07-10", "2025-Q3": "2025-10-10"}


def peers(make_project: MakeProject, first: dict[str, str], root: str = "project") -> Path:
    files = {}
    for inst_id, period in first.items():
        name = inst_id.replace("-", " ").title()
        files[f"content/institutions/{inst_id}.yml"] = INSTITUTION.format(
            name=name, publish="anonymous"
        )
        files[f"content/audits/{inst_id}/{period}.yml"] = AUDIT.format(date=PERIOD_DATES[period])
        files[f"content/audits/{inst_id}/2025-Q3.yml"] = AUDIT.format(date="2025-10-10")
    return make_project(files, root=root)


def letters_of(root: Path) -> dict[str, str]:
    project, _ = open_project(root)
    assert project is not None
    return {real: ident.name for real, ident in identities(project, "public").items()}


def test_peer_letters_follow_the_first_audited_period(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(anonymity.KEY_ENV, raising=False)
    # ids chosen so that their hashes would put them the other way round
    first = {"zz-late": "2025-Q2", "aa-early": "2025-Q1"}
    root = peers(make_project, first)
    assert letters_of(root) == {"aa-early": "Peer A", "zz-late": "Peer B"}
    # one joining later takes the next letter; the others keep theirs
    root = peers(make_project, {**first, "mm-new": "2025-Q3"}, root="later")
    assert letters_of(root) == {"aa-early": "Peer A", "zz-late": "Peer B", "mm-new": "Peer C"}


def test_ties_are_ordered_by_the_project_key_not_by_the_id_alone(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = peers(make_project, {f"member-{n}": "2025-Q1" for n in range(4)})
    project, _ = open_project(root)
    assert project is not None
    orders = {tuple(anonymity.letter_order(project, f"key-{n}".encode())) for n in range(12)}
    assert len(orders) > 1  # the key decides
    monkeypatch.setenv(anonymity.KEY_ENV, "key-3")
    by_env = anonymity.letter_order(project, anonymity.anonymity_key(root))
    assert by_env == anonymity.letter_order(project, b"key-3")
    monkeypatch.delenv(anonymity.KEY_ENV)
    (root / anonymity.KEY_FILE).write_text("key-5\n", encoding="utf-8")
    assert anonymity.anonymity_key(root) == b"key-5"
    (root / anonymity.KEY_FILE).unlink()
    assert anonymity.anonymity_key(root) is None
    # without a key: reproducible, and not computable from the ids alone (the name counts)
    plain = anonymity.letter_order(project, None)
    assert plain == anonymity.letter_order(project, None)
    renamed = {
        i: type(inst)(inst.id, inst.file, inst.data.model_copy(update={"name": f"Other {i}"}))
        for i, inst in project.institutions.items()
    }
    others = {
        tuple(
            anonymity.letter_order(
                type(project)(
                    project.root,
                    project.framework,
                    {**renamed, i: project.institutions[i]},
                    project.audits,
                ),
                None,
            )
        )
        for i in project.institutions
    }
    assert len(others | {tuple(plain)}) > 1


def test_a_peer_letter_never_takes_a_named_id(make_project: MakeProject) -> None:
    root = peers(make_project, {"hidden": "2025-Q1"})
    (root / "content/institutions/peer-a.yml").write_text(
        INSTITUTION.format(name="Peer A Hospital", publish="named"), encoding="utf-8"
    )
    (root / "content/audits/peer-a").mkdir()
    (root / "content/audits/peer-a/2025-Q3.yml").write_text(
        AUDIT.format(date="2025-10-10"), encoding="utf-8"
    )
    project, _ = open_project(root)
    assert project is not None
    shown = identities(project, "public")
    assert (shown["hidden"].id, shown["peer-a"].id) == ("peer-b", "peer-a")


# --- files: slugs, badges ----------------------------------------------------------------------


def test_group_slugs_are_unique_safe_and_never_index() -> None:
    assert group_slugs(["Academic / West", "academic-west", "index", "???", "Community"]) == {
        "???": "group",
        "Academic / West": "academic-west",
        "Community": "community",
        "academic-west": "academic-west-2",
        "index": "index-2",
    }


def test_badge_paths_skip_a_pillar_badge_whose_name_is_taken() -> None:
    paths = badge_paths({"a": ["b", "c"], "a-b": ["c"]})
    assert paths[("a", None)] == "badges/a.svg"
    assert paths[("a-b", None)] == "badges/a-b.svg"
    assert ("a", "b") not in paths  # would be badges/a-b.svg, the overall badge of `a-b`
    assert paths[("a", "c")] == "badges/a-c.svg"
    assert paths[("a-b", "c")] == "badges/a-b-c.svg"


def test_a_badge_is_escaped_svg_with_its_period_and_grade() -> None:
    svg = grade_badge("Safety <&>", "2026-Q3", "B", 71.24, 'North "Valley"')
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "<script" not in svg and "Safety &#60;&#38;&#62; 2026-Q3" in svg
    assert "B 71.2" in svg and 'aria-label="North &#34;Valley&#34;&#58; grade B' in svg
    assert "{++" not in grade_badge("Overall", "2026", "A", 90.0, "{++x++} ^^y^^")
    from xml.dom.minidom import parseString

    assert parseString(svg).documentElement.getAttribute("aria-label") == (
        'North "Valley": grade B (71.2) for 2026-Q3'
    )
    assert "no score" in grade_badge("Overall", "2026", None, None, "x")
    assert xml_text("a\x00b\x0bc\n d") == "a\ufffdb\ufffdc d"


# --- the comparison data of a built site ---------------------------------------------------------


def walk(value: Any, path: str = "") -> set[str]:
    """Every field path in a JSON value, with ids generalised as the dictionary names them."""
    out = set()
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}".lstrip(".")
            is_rows = isinstance(item, list) and item and isinstance(item[0], dict)
            out |= {f"{here}[]" if is_rows else here} | walk(item, here)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for item in value:
            out |= walk(item, f"{path}[]")
    return out


def generalise(path: str, pillars: set[str], metrics: set[str]) -> str:
    path = re.sub(r"\.pillars\.([a-z0-9_-]+)", lambda m: ".pillars.<pillar>", path)
    path = re.sub(r"\.metrics\.([a-z0-9_-]+\.[a-z0-9_]+)", ".metrics.<metric>", path)
    return re.sub(r"^badges\.(?!overall)[a-z0-9_-]+$", "badges.<pillar>", path)


def test_every_field_of_the_data_files_is_in_the_data_dictionary(
    make_project: MakeProject,
) -> None:
    from scorecard.comparisons import Comparisons
    from scorecard.dictionary import COMPARE_JSON, INSTITUTION_JSON, SCORES_CSV, SCORES_JSON
    from scorecard.export import csv_header, scores_document
    from scorecard.pages import Gatherer
    from scorecard.publications import Published

    root = make_project(default=True)
    project, _ = open_project(root)
    assert project is not None
    scores = facts_of(project, ("internal",))["internal"]
    fw = project.framework
    published = {
        ("north-valley", "2026-Q3"): Published("0", "f" * 64, 1.0, "F", {"admin": (1.0, "F")})
    }
    docs = {
        "scores": (scores_document(scores, published), SCORES_JSON),
    }
    comparisons = Comparisons(Gatherer(project, scores, published))
    docs["institution"] = (comparisons.institution_document("north-valley"), INSTITUTION_JSON)
    docs["compare"] = (comparisons.compare_document(), COMPARE_JSON)
    for kind, (document, listed) in docs.items():
        found = {generalise(p, set(fw.pillars), set(fw.metrics)) for p in walk(document)}
        if kind == "compare":  # free-form maps: period -> scores, metric id -> cells
            found = {re.sub(r"^(institutions\[\]\.(scores|metrics))\..*", r"\1", p) for p in found}
        documented = {f.name for f in listed.fields}
        assert found - documented == set(), kind
    columns = {re.sub(rf"^({'|'.join(fw.pillars)})_", "<pillar>_", c) for c in csv_header(scores)}
    assert columns == {f.name for f in SCORES_CSV.fields}
    assert json.loads(json.dumps(docs["compare"][0]))["format"] == "scorecard-compare/1"


# --- consent, end to end -------------------------------------------------------------------------

#: Every free text of an anonymous institution, each unique to it.
ANONYMOUS = {
    "name": "Wrenfield Secret Infirmary",
    "website": "https://wrenfield.example.org/",
    "region": "Wrenfield Valley",
    "auditor": "Wrenfield Wellbeing Office",
    "instrument": "Wrenfield Staff Pulse",
    "reason": "Wrenfield has no wards",
    "action": "Wrenfield scribes for all",
    "unit": "Wrenfield Emergency Unit",
    "source": "wrenfield-pulse",
}


def test_nothing_in_the_public_site_tells_an_anonymous_institution(tmp_path: Path) -> None:
    from datetime import date

    from site_helpers import site_texts, write_tree

    from scorecard.site import build_site

    a = ANONYMOUS

    def audit(texts: dict[str, str]) -> dict[str, Any]:
        source = texts["source"]
        return {
            "audited": date(2026, 10, 1),
            "auditor": texts["auditor"],
            "sources": [{"id": source, "kind": "survey", "instrument": texts["instrument"]}],
            "metrics": {
                "admin.ehr_time_per_8h": {"value": 6.0},
                "safety.speak_up": {"positive": 120, "n": 200, "source": source},
                "mission.wellbeing_executive": {
                    "status": "not-applicable",
                    "reason": texts["reason"],
                },
            },
            "units": {"er": {"name": texts["unit"], "visibility": "public", "metrics": {}}},
            "actions": [
                {"id": "x", "pillar": "admin", "title": texts["action"], "status": "planned"}
            ],
        }

    named = {key: value.replace("Wrenfield", "Alderbank").replace("wrenfield", "alderbank")
             for key, value in a.items()}  # fmt: skip
    facts = {"kind": "community-hospital", "peer_group": "community"}
    root = write_tree(
        tmp_path / "project",
        {
            "content/institutions/wrenfield.yml": {
                "name": a["name"], "region": a["region"], "website": a["website"], "beds": 321,
                "publish": "anonymous", **facts,
            },
            "content/institutions/alderbank.yml": {
                "name": "Alderbank Hospital", "region": "US-VT", **facts,
            },
            "content/audits/wrenfield/2026-Q3.yml": audit(a),
            "content/audits/alderbank/2026-Q3.yml": audit(named),
        },
    )  # fmt: skip
    build_site(root, tmp_path / "out", ("public", "internal"))
    public = dict(site_texts(tmp_path / "out" / "public"))
    assert "badges/peer-a.svg" in public and "data/institutions/peer-a.json" in public
    secrets = [*ANONYMOUS.values(), "wrenfield"]
    leaks = [(p, s) for p, text in public.items() for s in secrets if s.lower() in text.lower()]
    assert leaks == []
    assert "321" not in public["data/institutions/peer-a.json"]  # beds
    internal = "\n".join(text for _, text in site_texts(tmp_path / "out" / "internal"))
    assert all(s in internal for s in ANONYMOUS.values() if s != a["source"])

"""Who may see what (scorecard.audience): visibility of metrics, units and actions,
suppression per audience, notes, private and anonymous institutions, and the texts the
public build's scan looks for."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeProject
from site_helpers import checked, institution, write_tree

from scorecard.audience import (
    AUDIENCES,
    Identity,
    anonymised,
    audit_scores,
    audit_texts,
    canaries,
    identities,
    may_see,
    observe,
    public_scan,
    readers,
    shown_facts,
    view_audit,
)
from scorecard.export import scores_json
from scorecard.facts import facts_of
from scorecard.model import (
    Audience,
    Audit,
    AuditFile,
    MetricEntry,
    Project,
    Publish,
    Status,
    Visibility,
    parse_period,
)
from scorecard.score import score_metric
from scorecard.validate import builtin_framework_document, check_framework

FW, _ = check_framework(builtin_framework_document(), None)
assert FW is not None


def audit_file(**fields: Any) -> AuditFile:
    """An audit's checked values: ``fields`` over a dated audit with no entries."""
    return AuditFile.model_validate({"audited": date(2026, 10, 15), **fields})


def _audit(data: AuditFile) -> Audit:
    return Audit.of("north-valley", parse_period("2026-Q3"), "2026-Q3.yml", data)


# --- what each audience sees of one metric ---------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "visibility", "shown"),
    [
        ("public", "public", True),
        ("public", "internal", False),
        ("internal", "public", True),
        ("internal", "internal", True),
    ],
    ids=["public-public", "public-internal", "internal-public", "internal-internal"],
)
def test_may_see(audience: Audience, visibility: Visibility, shown: bool) -> None:
    assert may_see(audience, visibility) is shown


@pytest.mark.parametrize(
    ("default", "own", "audience", "shown"),
    [
        ("public", None, "public", True),
        ("internal", None, "public", False),
        ("internal", "public", "public", True),
        ("public", "internal", "public", False),
        ("internal", None, "internal", True),
        ("public", "internal", "internal", True),
    ],
    ids=[
        "public-file",
        "internal-file",
        "public-metric-in-internal-file",
        "internal-metric-in-public-file",
        "internal-reader-internal-file",
        "internal-reader-internal-metric",
    ],
)
def test_a_metric_takes_the_files_visibility_unless_it_sets_its_own(
    default: Visibility, own: Visibility | None, audience: Audience, shown: bool
) -> None:
    entry = MetricEntry.model_validate(
        {"value": 6.2, "n": 40, "note": "from the unit heads", "visibility": own}
    )
    seen = observe(entry, default, audience, FW)
    if shown:
        assert (seen.status, seen.value, seen.n) == ("reported", 6.2, 40)
    else:  # kept back: not its value, its n or its note
        assert seen.status != "reported"
        assert (seen.value, seen.n, seen.positive, seen.reason) == (None, None, None, None)


def test_the_reason_of_an_internal_status_stays_internal() -> None:
    entry = MetricEntry.model_validate(
        {"status": "not-applicable", "reason": "no wards at Elm Street", "visibility": "internal"}
    )
    assert observe(entry, "public", "public", FW).reason is None
    seen = observe(entry, "public", "internal", FW)
    assert (seen.status, seen.reason) == ("not-applicable", "no wards at Elm Street")


@pytest.mark.parametrize(
    ("n", "audience", "status", "reason"),
    [
        (9, "public", "suppressed", "n < 10"),
        (9, "internal", "reported", None),
        (4, "public", "suppressed", "n < 10"),
        (4, "internal", "suppressed", "n < 5"),
        (10, "public", "reported", None),
        (10, "internal", "reported", None),
        (5, "internal", "reported", None),
    ],
    ids=[
        "n9-public-suppressed",
        "n9-internal-shown",
        "n4-public-suppressed",
        "n4-internal-suppressed",
        "n10-public-shown",
        "n10-internal-shown",
        "n5-internal-shown",
    ],
)
def test_suppression_thresholds_per_audience(
    n: int, audience: Audience, status: Status, reason: str | None
) -> None:
    entry = MetricEntry.model_validate({"positive": n - 1, "n": n})
    seen = observe(entry, "public", audience, FW)
    assert (seen.status, seen.reason) == (status, reason)
    result = score_metric(FW.metrics["safety.speak_up"], seen)
    if status == "suppressed":
        assert (result.value, result.score) == (None, None)
    else:
        assert result.score is not None


def test_the_framework_sets_the_suppression_thresholds(make_project: MakeProject) -> None:
    root = make_project(
        {"content/framework.yml": "suppression: {min_n_public: 20, min_n_internal: 8}\n"},
        default=True,
    )
    framework = checked(root).framework
    for n, audience, expected in [
        (19, "public", ("suppressed", "n < 20")),
        (20, "public", ("reported", None)),
        (7, "internal", ("suppressed", "n < 8")),
        (8, "internal", ("reported", None)),
    ]:
        entry = MetricEntry.model_validate({"positive": 1, "n": n})
        seen = observe(entry, "public", audience, framework)  # type: ignore[arg-type]
        assert (seen.status, seen.reason) == expected, (n, audience)


# --- units, actions and notes ------------------------------------------------------------------

UNITS = {
    "er": {"name": "Emergency", "metrics": {"safety.speak_up": {"positive": 20, "n": 30}}},
    "icu": {
        "name": "Intensive care",
        "visibility": "public",
        "metrics": {"safety.speak_up": {"positive": 6, "n": 8}},
    },
    "nicu": {
        "name": "Neonatal care",
        "visibility": "public",
        "metrics": {"safety.speak_up": {"positive": 3, "n": 4}},
    },
}


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (
            "public",
            [("icu", "suppressed", "n < 10"), ("nicu", "suppressed", "n < 10")],
        ),
        (
            "internal",
            [("er", "reported", None), ("icu", "reported", None), ("nicu", "suppressed", "n < 5")],
        ),
    ],
    ids=["public", "internal"],
)
def test_units_are_internal_unless_marked_public_and_suppressed_like_any_survey_item(
    audience: Audience, expected: list[tuple[str, str, str | None]]
) -> None:
    data = audit_file(visibility="public", units=UNITS)  # the file's default is not the units'
    view = view_audit(_audit(data), audience, FW)
    seen = [(u.id, u.observations["safety.speak_up"]) for u in view.units]
    assert [(unit_id, o.status, o.reason) for unit_id, o in seen] == expected


ACTIONS = [
    {"id": "a", "pillar": "admin", "title": "Scribes", "owner": "CMIO", "note": "pilot first"},
    {"id": "b", "pillar": "admin", "title": "Inbox triage", "visibility": "internal"},
    {"id": "c", "pillar": "safety", "title": "Huddles", "visibility": "public"},
]


@pytest.mark.parametrize(
    ("default", "audience", "expected"),
    [
        ("public", "public", [("a", None, None), ("c", None, None)]),
        ("internal", "public", [("c", None, None)]),
        (
            "public",
            "internal",
            [("a", "CMIO", "pilot first"), ("b", None, None), ("c", None, None)],
        ),
        (
            "internal",
            "internal",
            [("a", "CMIO", "pilot first"), ("b", None, None), ("c", None, None)],
        ),
    ],
    ids=["public-file", "internal-file", "internal-reader", "internal-reader-internal-file"],
)
def test_actions_follow_their_visibility_and_owners_stay_internal(
    default: Visibility, audience: Audience, expected: list[tuple[str, str | None, str | None]]
) -> None:
    data = audit_file(visibility=default, actions=ACTIONS)
    view = view_audit(_audit(data), audience, FW)
    assert [(a.id, a.owner, a.note) for a in view.actions] == expected


def test_notes_are_always_internal_even_in_a_public_file() -> None:
    data = audit_file(
        visibility="public",
        auditor="Office of Wellbeing",
        sources=[{"id": "s", "kind": "survey", "instrument": "Mini-Z", "note": "paper forms"}],
        metrics={"admin.ehr_time_per_8h": {"value": 6.0, "visibility": "public", "note": "low"}},
        notes="Leaders discussed staffing.\n",
    )
    public = view_audit(_audit(data), "public", FW)
    assert (public.notes, public.metric_notes) == ("", {})
    assert [(s.instrument, s.note) for s in public.sources.values()] == [("Mini-Z", None)]
    internal = view_audit(_audit(data), "internal", FW)
    assert internal.notes == "Leaders discussed staffing.\n"
    assert internal.metric_notes == {"admin.ehr_time_per_8h": "low"}
    assert [s.note for s in internal.sources.values()] == ["paper forms"]


# --- private and anonymous institutions ----------------------------------------------------------

AUDIT = {
    "audited": date(2026, 10, 15),
    "auditor": "Office of Wellbeing",
    "sources": [{"id": "wellbeing-survey", "kind": "survey", "instrument": "Mini-Z 2.0"}],
    "metrics": {
        "admin.ehr_time_per_8h": {"value": 6.0},
        "safety.speak_up": {"positive": 132, "n": 210, "source": "wellbeing-survey"},
        "mission.wellbeing_executive": {"status": "not-applicable", "reason": "no CWO at Elm St"},
    },
    "units": {"er": {"name": "Emergency", "visibility": "public", "metrics": {}}},
    "actions": [{"id": "scribes", "pillar": "admin", "title": "Scribes", "status": "planned"}],
}


def project_of(root: Path, **publish: Publish) -> Project:
    """One audit (`AUDIT`) of each institution; ``publish``: id -> how it is published."""
    files: dict[str, Any] = {}
    for inst_id, how in publish.items():
        name = f"{inst_id.replace('-', ' ').title()} Clinic"
        files[f"content/institutions/{inst_id}.yml"] = institution(name, how)
        files[f"content/audits/{inst_id}/2026-Q3.yml"] = AUDIT
    return checked(write_tree(root, files))


def test_private_institutions_are_absent_from_public(tmp_path: Path) -> None:
    project = project_of(tmp_path, **{"north-valley": "named", "east-harbor": "private"})
    public = facts_of(project, ("public",))["public"]
    internal = facts_of(project, ("internal",))["internal"]

    assert [r.institution for r in public.results] == ["north-valley"]
    assert "east-harbor" not in identities(project, "public")
    assert "East Harbor" not in scores_json(public)
    assert [r.institution for r in internal.results] == ["east-harbor", "north-valley"]


def test_anonymous_institutions_are_peers_in_public(tmp_path: Path) -> None:
    project = project_of(tmp_path, **{"north-valley": "named", "west-ridge": "anonymous"})
    public = facts_of(project, ("public",))["public"]
    internal = facts_of(project, ("internal",))["internal"]

    shown = identities(project, "public")["west-ridge"]
    assert (shown.id, shown.name, shown.anonymous) == ("peer-a", "Peer A", True)
    assert [r.institution for r in public.results] == ["north-valley", "peer-a"]
    text = scores_json(public)
    assert "west-ridge" not in text and "West Ridge" not in text
    assert [r.institution for r in internal.results] == ["north-valley", "west-ridge"]
    assert identities(project, "internal")["west-ridge"].name == "West Ridge Clinic"


def test_readers_are_the_audiences_that_may_see_an_institution(tmp_path: Path) -> None:
    project = project_of(tmp_path, alder="named", birch="anonymous", cedar="private")
    shown = {audience: identities(project, audience) for audience in AUDIENCES}
    assert {i: readers(project.institutions[i], shown) for i in ("alder", "birch", "cedar")} == {
        "alder": [("public", False), ("internal", False)],
        "birch": [("public", True), ("internal", False)],
        "cedar": [("internal", False)],
    }
    assert readers(project.institutions["alder"], {"internal": shown["internal"]}) == [
        ("internal", False)
    ]


def test_an_anonymous_institution_is_stripped_of_free_text(tmp_path: Path) -> None:
    project = project_of(tmp_path, birch="anonymous")
    birch = project.institutions["birch"]
    audit = project.audits_of("birch")[0]

    facts = shown_facts(birch, Identity("peer-a", "Peer A", True))
    assert (facts.kind, facts.region, facts.beds, facts.physicians, facts.website) == (
        (None, "", None, None, None)
    )
    named = shown_facts(birch, Identity("birch", "Birch Clinic"))
    assert (named.kind, named.region) == ("community-hospital", "US-VT")

    view = anonymised(view_audit(audit, "public", FW))
    assert (view.auditor, view.actions, view.units, view.metric_notes) == ("", [], [], {})
    # a source only as its kind: its id and instrument are the institution's own words
    assert [(s.id, s.instrument) for s in view.sources.values()] == [("survey", None)]

    def reason(anonymous: bool) -> tuple[str, str | None]:
        seen = audit_scores(audit.data, "public", anonymous, FW)[0]["mission.wellbeing_executive"]
        return seen.status, seen.reason

    assert reason(anonymous=True) == ("not-applicable", None)
    assert reason(anonymous=False) == ("not-applicable", "no CWO at Elm St")


# --- the texts the public build's scan looks for -------------------------------------------------

TEXTS_AUDIT = {
    "auditor": "Office of Wellbeing",
    "sources": [
        {"id": "survey", "kind": "survey", "instrument": "Mini-Z 2.0", "note": "paper forms"}
    ],
    "metrics": {
        "admin.ehr_time_per_8h": {"value": 6.0, "note": "from EHR vendor"},
        "mission.wellbeing_executive": {"status": "not-applicable", "reason": "shared CWO"},
        "mission.career_fit": {
            "status": "not-reported",
            "reason": "survey lost",
            "visibility": "internal",
        },
    },
    "units": {
        "er": {"name": "Emergency", "visibility": "public", "note": "two sites", "metrics": {}},
        "icu": {
            "name": "Intensive care",
            "metrics": {"safety.speak_up": {"positive": 9, "n": 12, "note": "small team"}},
        },
    },
    "actions": [
        {"id": "a", "pillar": "admin", "title": "Scribes", "owner": "CMIO", "note": "pilot"},
        {"id": "b", "pillar": "admin", "title": "Inbox triage", "visibility": "internal"},
    ],
    "notes": "Leaders discussed staffing.\n",
}
ALWAYS_INTERNAL = {
    "paper forms",
    "from EHR vendor",
    "survey lost",
    "two sites",
    "small team",
    "Intensive care",
    "CMIO",
    "pilot",
    "Inbox triage",
    "Leaders discussed staffing.\n",
}
ABOUT_THE_AUDIT = {"Office of Wellbeing", "Mini-Z 2.0", "shared CWO", "Emergency", "Scribes"}


@pytest.mark.parametrize(
    ("publish", "internal", "public"),
    [
        ("named", ALWAYS_INTERNAL, ABOUT_THE_AUDIT),
        ("anonymous", ALWAYS_INTERNAL | ABOUT_THE_AUDIT, set()),
        ("private", ALWAYS_INTERNAL | ABOUT_THE_AUDIT, set()),
    ],
    ids=["named", "anonymous", "private"],
)
def test_audit_texts_a_public_reader_must_never_see_and_those_it_may(
    publish: Publish, internal: set[str], public: set[str]
) -> None:
    """An unnamed institution's auditor, instruments, reasons, plans and units could name it."""
    assert audit_texts(audit_file(**TEXTS_AUDIT), publish) == (internal, public)


def test_canaries_are_the_internal_lines_no_public_text_holds(tmp_path: Path) -> None:
    """Each line of each internal text, of 6 characters or more, white space collapsed, unless
    a public reader sees it anyway (an owner who is also the auditor, a region a named
    institution shows); the ids of unpublished institutions, but those too short to look for."""
    audit = {
        **AUDIT,
        "actions": [
            {"id": "a", "pillar": "admin", "title": "Scribes", "owner": "Office of Wellbeing"}
        ],
        "notes": "Staffing talks stalled.\n  Two   leads\tleft.\nok\n",
    }
    birch = institution("Birch Hospital", "anonymous", region="New Hampshire")
    project = checked(
        write_tree(
            tmp_path,
            {
                "content/institutions/alder.yml": institution("Alder", "named", region="Vermont"),
                "content/institutions/birch.yml": {**birch, "website": "https://birch.example/"},
                "content/institutions/cedar-clinic.yml": institution(
                    "Cedar Clinic", "private", region="Vermont"
                ),
                "content/institutions/oak.yml": institution("Oak Hospital", "anonymous"),
                "content/audits/alder/2026-Q3.yml": audit,
            },
        )
    )
    texts = facts_of(project).texts
    assert canaries(project, texts) == [
        "Birch Hospital",
        "Cedar Clinic",
        "New Hampshire",
        "Oak Hospital",
        "Staffing talks stalled.",
        "Two leads left.",
        "https://birch.example/",
    ]
    scan = public_scan(project, texts)
    assert scan.secrets == canaries(project, texts)
    assert scan.private_ids == ["birch", "cedar-clinic"]

"""The pages that compare institutions (scorecard.comparing): the compare page's rows, and a
page per peer group ranked in tiers, with the members it cannot rank and why."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from site_helpers import checked, institution, write_tree

from scorecard.comparing import CompareRow, ComparingPages, PeerGroupRow
from scorecard.context import Page
from scorecard.facts import facts_of
from scorecard.model import Audience, Project
from scorecard.pages import Gatherer

#: Five core pillars of one metric each: each number scores 10 x value; speak-up is a survey
#: item whose 95 % interval makes every overall score uncertain by a few points.
FRAMEWORK = """\
extends: none
version: "compare-1"
name: A framework for comparing
grades: {A: 80, B: 65, C: 50, D: 35, F: 0}
overall_min_pillars: 4
pillars:
  admin: {name: Admin}
  mission: {name: Mission}
  autonomy: {name: Autonomy}
  safety: {name: Safety}
  recognition: {name: Recognition}
metrics:
  admin.a: {name: A, kind: number, target: 10, floor: 0}
  mission.a: {name: A, kind: number, target: 10, floor: 0}
  autonomy.a: {name: A, kind: number, target: 10, floor: 0}
  recognition.a: {name: A, kind: number, target: 10, floor: 0}
  safety.speak_up: {name: Speak up, kind: percent, target: 100, floor: 0, survey_item: true}
"""


PILLARS = ["admin", "mission", "autonomy", "recognition"]  # and safety, of the survey item


def audit(day: str, value: float, positive: int) -> dict[str, Any]:
    """An audit that scores (4 x 10 x value + 5 x positive) / 5 overall."""
    metrics: dict[str, Any] = {f"{p}.a": {"value": value} for p in PILLARS}
    metrics["safety.speak_up"] = {"positive": positive, "n": 20}
    return {"audited": date.fromisoformat(day), "metrics": metrics}


Q2, Q3 = "2026-07-10", "2026-10-10"
FILES: dict[str, Any] = {
    "content/framework.yml": FRAMEWORK,
    "content/institutions/alder.yml": institution(
        "Alder Hospital", "named", peer_group="academic", region="Vermont"
    ),
    "content/institutions/birch.yml": institution(
        "Birch Hospital", "anonymous", peer_group="academic", region="New Hampshire"
    ),
    "content/institutions/cedar.yml": institution(
        "Cedar Hospital", "named", peer_group="academic", region="Maine"
    ),
    "content/institutions/dunmore.yml": institution(
        "Dunmore Hospital", "named", peer_group="academic"
    ),
    "content/institutions/elm.yml": institution("Elm Hospital", "named", peer_group="academic"),
    "content/institutions/fir.yml": institution("Fir Hospital", "private", peer_group="academic"),
    "content/institutions/gorse.yml": institution("Gorse Hospital", "named", peer_group="index"),
    "content/audits/alder/2026-Q2.yml": audit(Q2, 5, 10),
    "content/audits/alder/2026-Q3.yml": audit(Q3, 8, 16),  # 80.0
    "content/audits/birch/2026-Q3.yml": audit(Q3, 7.9, 16),  # 79.2: not apart from 80.0
    "content/audits/cedar/2026-Q3.yml": audit(Q3, 4, 8),  # 40.0
    "content/audits/dunmore/2026-Q2.yml": audit(Q2, 9, 18),  # not audited for 2026-Q3
    "content/audits/elm/2026-Q3.yml": {
        "audited": date(2026, 10, 10),
        "metrics": {"admin.a": {"value": 9}},  # no overall score
    },
    "content/audits/fir/2026-Q3.yml": audit(Q3, 6, 12),  # 60.0
    "content/audits/gorse/2026-Q3.yml": audit(Q3, 7, 14),  # 70.0
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return checked(write_tree(tmp_path_factory.mktemp("comparing"), FILES))


def comparing(project: Project, audience: Audience) -> dict[str, Page]:
    gatherer = Gatherer(project, facts_of(project, (audience,))[audience])
    return {page.path: page for page in ComparingPages(gatherer).pages()}


# --- the compare page ----------------------------------------------------------------------------


def test_the_compare_page_lists_every_institution_its_audience_may_see(project: Project) -> None:
    page = comparing(project, "public")["compare.md"]
    assert page.templates == ["compare.md.j2"]
    rows = page.context.institutions
    assert [(r.id, r.name, r.url, r.peer_group, r.region, r.period) for r in rows] == [
        ("alder", "Alder Hospital", "institutions/alder.md", "Academic", "Vermont", "2026-Q3"),
        ("cedar", "Cedar Hospital", "institutions/cedar.md", "Academic", "Maine", "2026-Q3"),
        ("dunmore", "Dunmore Hospital", "institutions/dunmore.md", "Academic", "US-VT", "2026-Q2"),
        ("elm", "Elm Hospital", "institutions/elm.md", "Academic", "US-VT", "2026-Q3"),
        ("gorse", "Gorse Hospital", "institutions/gorse.md", "Index", "US-VT", "2026-Q3"),
        ("peer-a", "Peer A", "institutions/peer-a.md", "Academic", "", "2026-Q3"),
    ]
    # Peer groups read by name on the page (the data files keep their ids).
    assert (page.context.peer_groups, page.context.regions) == (
        ["Academic", "Index"],
        ["Maine", "US-VT", "Vermont"],  # an anonymous institution's region is not told
    )
    overall = [(r.overall.text, r.overall.grade, r.overall.status) for r in rows]
    assert overall[:4] == [
        ("80.0", "A", "scored"),
        ("40.0", "D", "scored"),
        ("90.0", "A", "scored"),  # its latest period
        ("insufficient data", None, "insufficient-data"),
    ]


def test_the_internal_compare_page_names_every_institution(project: Project) -> None:
    rows: list[CompareRow] = comparing(project, "internal")["compare.md"].context.institutions
    assert [(r.id, r.region) for r in rows] == [
        ("alder", "Vermont"),
        ("birch", "New Hampshire"),
        ("cedar", "Maine"),
        ("dunmore", "US-VT"),
        ("elm", "US-VT"),
        ("fir", "US-VT"),
        ("gorse", "US-VT"),
    ]


# --- a page per peer group ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "tiers", "median"),
    [
        ("public", [["Alder Hospital", "Peer A"], ["Cedar Hospital"]], "79.2"),
        (
            "internal",
            [["Alder Hospital", "Birch Hospital"], ["Fir Hospital"], ["Cedar Hospital"]],
            "69.6",
        ),
    ],
    ids=["public", "internal"],
)
def test_a_peer_group_is_ranked_in_tiers_of_its_latest_period(
    project: Project, audience: Audience, tiers: list[list[str]], median: str
) -> None:
    page = comparing(project, audience)["peer-groups/academic.md"]
    assert (page.templates, page.title) == (
        ["peer-group-academic.md.j2", "peer-group.md.j2"],
        "Academic peer group",
    )
    c = page.context
    assert (c.name, c.period, c.count, c.median) == (
        "Academic",
        "2026-Q3",
        len(sum(tiers, [])),
        median,
    )
    assert [t.number for t in c.tiers] == list(range(1, len(tiers) + 1))
    assert [[m.name for m in t.members] for t in c.tiers] == tiers  # by name inside a tier
    for member in (m for t in c.tiers for m in t.members):
        assert member.url == f"../institutions/{member.id}.md"
        assert float(member.uncertainty) > 0  # the survey item's interval
        assert len(member.pillars) == 5 and member.percentile == ""  # fewer than 5 peers
    assert [p.url for p in c.pillars] == [
        f"../pillars/{p}.md" for p in ["admin", "mission", "autonomy", "safety", "recognition"]
    ]


def test_members_that_cannot_be_ranked_are_listed_with_their_reason(project: Project) -> None:
    unranked = comparing(project, "public")["peer-groups/academic.md"].context.unranked
    assert [(u.name, u.url, u.why) for u in unranked] == [
        (
            "Dunmore Hospital",
            "../institutions/dunmore.md",
            "no audit for 2026-Q3 (latest: 2026-Q2)",
        ),
        ("Elm Hospital", "../institutions/elm.md", "no overall score for 2026-Q3"),
    ]


def test_the_peer_groups_page_lists_each_group_by_its_slug(project: Project) -> None:
    """A group named `index` has a page of its own beside the list of groups."""
    pages = comparing(project, "public")
    assert set(pages) == {
        "compare.md",
        "peer-groups/index.md",
        "peer-groups/academic.md",
        "peer-groups/index-2.md",
    }
    assert pages["peer-groups/index-2.md"].templates == [
        "peer-group-index-2.md.j2",
        "peer-group.md.j2",
    ]
    listing = pages["peer-groups/index.md"]
    assert listing.templates == ["peer-groups.md.j2"]
    assert listing.context.groups == [
        PeerGroupRow("Academic", "academic.md", 5, "2026-Q3", "79.2", 2),
        PeerGroupRow("Index", "index-2.md", 1, "2026-Q3", "70.0", 1),
    ]

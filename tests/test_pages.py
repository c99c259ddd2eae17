"""The pages of one audience's site (scorecard.pages): which pages there are, with their
templates and titles; links relative to each page; what an institution page may hold; and
which pages the site's search index leaves out."""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from markupsafe import Markup
from site_helpers import chart_specs, checked, institution, write_tree

from scorecard import pages
from scorecard.comparing import ComparingPages
from scorecard.context import Page
from scorecard.facts import facts_of
from scorecard.model import Audience, Project
from scorecard.pages import Gatherer
from scorecard.render import environment, render_page

#: Texts that only the internal site may show.
SECRET = {
    "notes": "Leaders argued over the rota",
    "metric-note": "counted from the vendor logs",
    "owner": "Dr. Quill, CMIO",
    "internal-action": "Close the night clinic",
    "internal-unit": "Burns unit",
}


def audit(day: str, **more: Any) -> dict[str, Any]:
    return {
        "audited": date.fromisoformat(day),
        "auditor": "Office of Wellbeing",
        "sources": [{"id": "survey", "kind": "survey", "instrument": "Mini-Z 2.0"}],
        "metrics": {
            "admin.ehr_time_per_8h": {"value": 6.0, "note": SECRET["metric-note"]},
            "admin.inbox_time_per_8h": {"value": 13.37, "visibility": "internal"},
            "safety.speak_up": {"positive": 132, "n": 210, "source": "survey"},
            "recognition.non_revenue_recognition": {"value": True},
        },
        "units": {
            "burns": {"name": SECRET["internal-unit"], "metrics": {}},
            "er": {"name": "Emergency", "visibility": "public", "metrics": {}},
        },
        "actions": [
            {
                "id": "scribes",
                "pillar": "admin",
                "title": "Ambient scribes",
                "owner": SECRET["owner"],
            },
            {
                "id": "night",
                "pillar": "admin",
                "title": SECRET["internal-action"],
                "visibility": "internal",
            },
        ],
        "notes": f"{SECRET['notes']}\n",
        **more,
    }


BIRCH = {
    **institution("Birch Hospital", "anonymous", region="New Hampshire"),
    "beds": 212,
    "website": "https://birch.example.org/",
}
FILES: dict[str, Any] = {
    "content/institutions/alder.yml": institution("Alder Hospital", "named", beds=400),
    "content/institutions/birch.yml": BIRCH,
    "content/institutions/cedar.yml": institution("Cedar Hospital", "private"),
    "content/audits/alder/2026-Q2.yml": audit("2026-07-10"),
    "content/audits/alder/2026-Q3.yml": audit("2026-10-10"),
    "content/audits/birch/2026-Q3.yml": audit("2026-10-11", auditor="Birch Wellbeing Office"),
    "content/audits/cedar/2026-Q3.yml": audit("2026-10-12"),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return checked(write_tree(tmp_path_factory.mktemp("pages"), FILES))


def gatherer(project: Project, audience: Audience) -> Gatherer:
    return Gatherer(project, facts_of(project, (audience,))[audience])


def by_path(project: Project, audience: Audience) -> dict[str, Page]:
    return {page.path: page for page in gatherer(project, audience).pages()}


# --- the pages of one audience ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "institutions"),
    [
        ("public", {"alder": "Alder Hospital", "peer-a": "Peer A"}),
        (
            "internal",
            {"alder": "Alder Hospital", "birch": "Birch Hospital", "cedar": "Cedar Hospital"},
        ),
    ],
    ids=["public", "internal"],
)
def test_the_pages_of_an_audience(
    project: Project, audience: Audience, institutions: dict[str, str]
) -> None:
    made = list(gatherer(project, audience).pages())
    found = {page.path: page for page in made}
    assert len(found) == len(made)  # no page twice
    assert {"index.md", "institutions/index.md", "methodology.md", "data.md"} <= set(found)
    assert found["index.md"].templates == ["home.md.j2"]
    assert found["institutions/index.md"].templates == ["institutions.md.j2"]

    shown = {p.path: p for p in made if re.fullmatch(r"institutions/[^/]+\.md", p.path)}
    shown.pop("institutions/index.md")
    assert {path: (page.title, page.templates) for path, page in shown.items()} == {
        f"institutions/{i}.md": (name, [f"institution-{i}.md.j2", "institution.md.j2"])
        for i, name in institutions.items()
    }
    framework = project.framework
    assert {p.path: (p.title, p.templates) for p in made if p.path.startswith("pillars/")} == {
        f"pillars/{pid}.md": (pillar.name, [f"pillar-{pid}.md.j2", "pillar.md.j2"])
        for pid, pillar in framework.pillars.items()
    }


def _leaves(value: Any, name: str = "") -> Iterator[tuple[str, Any]]:
    """Every value of a context that is not a container, with the name of its field."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _leaves(getattr(value, f.name), f.name)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item, name)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item, name)
    else:
        yield name, value


def _urls(context: Any) -> list[str]:
    """Every address of a context: the fields named ``url`` or ``..._url``."""
    return [
        value
        for name, value in _leaves(context)
        if isinstance(value, str) and value and (name == "url" or name.endswith("_url"))
    ]


def _texts(context: Any) -> str:
    """Every text of a context, and the data of its charts."""
    texts = []
    for _, value in _leaves(context):
        if isinstance(value, Markup):
            texts += [str(value), *(json.dumps(spec) for spec in chart_specs(str(value)))]
        elif value is not None:
            texts.append(str(value))
    return "\n".join(texts)


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_links_are_relative_to_each_page(project: Project, audience: Audience) -> None:
    g = gatherer(project, audience)
    made = [*g.pages(), *ComparingPages(g).pages()]
    paths = {page.path for page in made}
    links = 0
    for page in made:
        for url in _urls(page.context):
            path = url.split("?", 1)[0]  # a query (Compare's choice) is no part of the page
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page.path), path))
            assert target in paths, (page.path, url)
            links += 1
    assert links > 30
    found = {page.path: page for page in made}
    assert found["index.md"].context.institutions[0].url == "institutions/alder.md"
    assert found["institutions/index.md"].context.institutions[0].url == "../institutions/alder.md"
    page = found["institutions/alder.md"].context
    assert page.pillars[0].url == "../pillars/admin.md"
    assert page.peer_group_url == "../peer-groups/community.md"


# --- an institution page holds what its audience may see -------------------------------------


def _metric(context: Any, metric_id: str) -> Any:
    return next(m for s in context.pillars for m in s.metrics if m.id == metric_id)


def test_an_institution_page_holds_only_what_its_audience_may_see(project: Project) -> None:
    public = by_path(project, "public")["institutions/alder.md"].context
    internal = by_path(project, "internal")["institutions/alder.md"].context
    public_texts, internal_texts = _texts(public), _texts(internal)
    for place, secret in SECRET.items():
        assert secret not in public_texts, place
        assert secret in internal_texts, place  # the secret is real: the internal page shows it
    assert (public.notes, [u.name for u in public.units]) == ("", ["Emergency"])
    assert [(a.title, a.owner) for a in public.actions] == [("Ambient scribes", "")]
    inbox = "admin.inbox_time_per_8h"  # visibility: internal
    shown = _metric(public, inbox)
    assert (shown.value, shown.score, shown.word) == ("", "0.0", "withheld")  # kept back: 0
    assert _metric(internal, inbox).value.startswith("13.4")


def test_an_anonymous_institution_page_tells_nothing_of_who_it_is(project: Project) -> None:
    page = by_path(project, "public")["institutions/peer-a.md"]
    shown = _texts(page.context)
    for told in ["Birch", "birch", "New Hampshire", "Office", "Ambient scribes", "Mini-Z"]:
        assert told not in shown, told
    context = page.context
    assert (context.name, context.anonymous, context.website, context.auditor) == (
        ("Peer A", True, "", "")
    )
    assert [label for label, _ in context.facts] == ["Peer group"]
    assert (context.actions, context.units) == ([], [])


def test_a_private_institution_has_no_page_and_no_row_in_public(project: Project) -> None:
    found = by_path(project, "public")
    every = "\n".join(_texts(page.context) for page in found.values())
    assert "Cedar" not in every and "cedar" not in every


# --- the search index ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "searched"),
    [(1, False), (2, True), (pages.SEARCHED_UP_TO, True)],
    ids=["above-the-limit", "at-the-limit", "default"],
)
def test_institution_pages_leave_the_search_index_above_searched_up_to(
    project: Project, monkeypatch: pytest.MonkeyPatch, limit: int, searched: bool
) -> None:
    """Up to SEARCHED_UP_TO institutions their pages are searched; above it only the list of
    institutions is, and says so."""
    monkeypatch.setattr(pages, "SEARCHED_UP_TO", limit)
    found = by_path(project, "public")  # two institutions
    env = environment(None)
    institution = found["institutions/alder.md"]
    listing = found["institutions/index.md"]
    assert (institution.context.searchable, listing.context.searchable) == (searched, searched)
    front = render_page(env, institution).split("\n---\n", 1)[0]
    assert ("search:\n  exclude: true" in front) is not searched
    assert "search" not in render_page(env, listing).split("\n---\n", 1)[0]

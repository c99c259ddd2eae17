"""The site as its readers move through it: institution pages keep the site's navigation and
lead to their peers, and the site works under a sub-path of its host, 404 page included."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ExampleSite
from site_helpers import soup

from scorecard.context import COMPARE_PEERS, compare_address

AUDIENCES = ["public", "internal"]


def _groups(site: Path) -> dict[str, str]:
    """Each institution the site shows, by id, and its peer group."""
    data = json.loads((site / "data" / "compare.json").read_text(encoding="utf-8"))
    return {inst["id"]: inst["peer_group"] for inst in data["institutions"]}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_institution_pages_keep_the_site_navigation(
    example_site: ExampleSite, audience: str
) -> None:
    site = example_site.out / audience
    groups = _groups(site)
    assert len(groups) >= 9
    for inst_id in groups:
        page = soup(site / "institutions" / inst_id / "index.html")
        sidebar = page.select_one(".md-sidebar--primary")
        assert sidebar is not None and not sidebar.has_attr("hidden"), inst_id
        entries = [" ".join(a.get_text().split()) for a in sidebar.select("a.md-nav__link")]
        assert {"Overview", "Institutions", "Compare", "Peer groups"} <= set(entries), inst_id


@pytest.mark.parametrize("audience", AUDIENCES)
def test_institution_pages_link_to_compare_with_their_peers_chosen(
    example_site: ExampleSite, audience: str
) -> None:
    site = example_site.out / audience
    groups = _groups(site)
    for inst_id, group in groups.items():
        page = soup(site / "institutions" / inst_id / "index.html")
        link = page.find("a", string="Compare it with its peers")
        peers = {i for i, g in groups.items() if g == group and i != inst_id}
        if not peers:
            assert link is None, inst_id
            continue
        assert link is not None, inst_id
        address = urlsplit(str(link["href"]))
        assert address.path == "../../compare/", inst_id
        ids = parse_qs(address.query)["ids"][0].split(",")
        assert ids[0] == inst_id
        assert set(ids[1:]) == peers if len(peers) <= COMPARE_PEERS else len(ids) == 6
        # and its peer group's page, as before
        assert page.find("a", href=f"../../peer-groups/{group}/"), inst_id


def test_the_compare_link_chooses_the_peers_nearest_in_overall_score() -> None:
    peers = [(f"p{n}", f"Peer {n}", float(10 * n)) for n in range(10)]
    peers += [("none", "Aardvark Hospital", None), ("self", "Itself", 41.0)]
    assert compare_address("self", 41.0, peers) == "../compare.md?ids=self,p4,p5,p3,p6,p2"
    # without an overall score of its own: by name, those without a score last
    assert compare_address("self", None, peers).startswith("../compare.md?ids=self,p0,p1,p2")
    assert compare_address("self", 41.0, [("self", "Itself", 41.0)]) == ""
    assert compare_address("self", 41.0, [("none", "A", None)]) == "../compare.md?ids=self,none"


@pytest.mark.parametrize(
    ("directory_urls", "address"),
    [(True, "../../compare/?ids=a,b"), (False, "../compare.html?ids=a,b")],
)
def test_a_link_in_an_html_block_keeps_its_query(directory_urls: bool, address: str) -> None:
    from scorecard.render import built_address, environment

    assert built_address("../compare.md?ids=a,b", "institutions/x.md", directory_urls) == address
    env = environment(directory_urls=directory_urls)
    link = env.from_string('{{ "Compare" | html_link("../compare.md?ids=a,b") }}')
    assert link.render(page_path="institutions/x.md") == f'<a href="{address}">Compare</a>'
    # still nothing but a path's and a plain query's characters
    quoted = env.from_string('{{ "x" | link("a.md?q=\\"><script>(1)") }}').render()
    assert quoted == "[x](a.md?q=script1)"

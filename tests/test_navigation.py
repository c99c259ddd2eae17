"""The site as its readers move through it: institution pages keep the site's navigation and
lead to their peers, and the site works under a sub-path of its host, 404 page included."""

from __future__ import annotations

import http.server
import json
import random
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
from browser import serve_with  # tests/ is on sys.path (no __init__.py)
from bs4 import BeautifulSoup
from conftest import ExampleSite, Runner, assert_clean_exit
from site_helpers import copy_example, html_pages, soup

from scorecard.cli import cli
from scorecard.context import COMPARE_PEERS, Peer, compare_addresses

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


def _nearest(inst_id: str, group: list[Peer]) -> str:
    """The compare link as its docstring says, the slow way: every peer, sorted."""
    own = next(score for i, _, score in group if i == inst_id)

    def distance(peer: Peer) -> tuple[bool, float, str, str]:
        other = peer[2]
        far = 0.0 if own is None or other is None else abs(other - own)
        return (other is None, far, peer[1].lower(), peer[0])

    chosen = sorted((p for p in group if p[0] != inst_id), key=distance)[:COMPARE_PEERS]
    return "../compare.md?ids=" + ",".join([inst_id, *(p[0] for p in chosen)]) if chosen else ""


def test_the_compare_link_chooses_the_peers_nearest_in_overall_score() -> None:
    group: list[Peer] = [(f"p{n}", f"Peer {n}", float(10 * n)) for n in range(10)]
    group += [("none", "Aardvark Hospital", None), ("self", "Itself", 41.0)]
    chosen = compare_addresses(group)
    assert chosen["self"] == "../compare.md?ids=self,p4,p5,p3,p6,p2"
    # without an overall score of its own: by name, those without a score last
    assert chosen["none"] == "../compare.md?ids=none,self,p0,p1,p2,p3"
    assert compare_addresses([("self", "Itself", 41.0)]) == {"self": ""}
    assert compare_addresses([("a", "A", 1.0), ("b", "B", None)])["a"] == "../compare.md?ids=a,b"


@pytest.mark.parametrize("seed", range(30))
def test_the_compare_link_is_the_nearest_in_a_group_of_any_size(seed: int) -> None:
    chance = random.Random(seed)
    size = chance.choice([2, 6, 7, 40, 300])
    scores: list[float | None] = [None, 50.0, 50.0, *(chance.uniform(0, 100) for _ in range(5))]
    group: list[Peer] = [
        (f"i{n}", chance.choice(["Alder", "birch", "Cedar", "alder"]) + str(n % 7), round(s, 1))
        if (s := chance.choice(scores)) is not None
        else (f"i{n}", f"Name {n % 5}", None)
        for n in range(size)
    ]
    chosen = compare_addresses(group)
    assert chosen == {i: _nearest(i, group) for i, _, _ in group}


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


# --- under a sub-path: GitHub Pages' project sites -------------------------------------------


class _SubPath(http.server.SimpleHTTPRequestHandler):
    """A host that serves the site under ``/sub/``, as GitHub Pages serves a project's site,
    and its 404 page, with status 404, for any address without a file."""

    site: Path

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        path = unquote(urlsplit(self.path).path)
        target = None
        if path.startswith("/sub/") and ".." not in path:
            target = self.site / path.removeprefix("/sub/")
            if target.is_dir():
                target = target / "index.html"
        found = target is not None and target.is_file()
        body = (target if found and target else self.site / "404.html").read_bytes()
        self.send_response(200 if found else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def _under_sub_path(site: Path) -> Iterator[str]:
    with serve_with(type("Handler", (_SubPath,), {"site": site})) as url:
        yield url.removesuffix("/")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as err:
        err.read()  # the page, read: the host is not cut off while it writes it
        return err.code


def _links(text: str, base: str) -> set[str]:
    """The addresses a page links to (``href``, ``src``) on its own host, from ``base``."""
    page = BeautifulSoup(text, "html.parser")
    found = set()
    for element in page.select("[href], [src]"):
        link = str(element.get("href") or element.get("src"))
        address = urljoin(base, link).split("#")[0]
        if urlsplit(address).netloc == urlsplit(base).netloc:
            found.add(address)
    return found


def test_the_site_works_under_a_sub_path_404_page_included(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "project")
    site = tmp_path / "out" / "public"
    with _under_sub_path(site) as host:
        base = f"{host}/sub/"
        args = ["build", "--project", str(root), "--out", str(tmp_path / "out")]
        args += ["--audience", "public", "--site-url", base]
        assert_clean_exit(Runner().invoke(cli, args), 0)
        # every page, at its address under /sub/; the 404 page at a missing one, deep down
        pages = {
            base + page.relative_to(site).as_posix(): page.read_text(encoding="utf-8")
            for page in html_pages(site)
            if page.name != "404.html"
        }
        missing = f"{base}institutions/no-such-institution/pillars/"
        with pytest.raises(urllib.error.HTTPError) as shown:
            urllib.request.urlopen(missing, timeout=10)  # noqa: S310 - loopback
        assert shown.value.code == 404
        pages[missing] = shown.value.read().decode("utf-8")
        assert len(pages) > 25
        links = {(page, link) for page, text in pages.items() for link in _links(text, page)}
        assert len(links) > 500
        statuses = {link: _status(link) for link in {link for _, link in links}}
        broken = sorted((page, link) for page, link in links if statuses[link] != 200)
        assert broken == []
        # the 404 page links from the site's address: styles, scripts, the navigation
        from_404 = _links(pages[missing], missing)
        assert f"{base}compare/" in from_404
        assert all(link.startswith(base) for link in from_404)
        assert any("/assets/stylesheets/" in link for link in from_404)


def test_a_site_url_that_is_no_web_address_is_refused() -> None:
    result = Runner().invoke(cli, ["build", "--site-url", "example.org/sub"])
    assert_clean_exit(result, 2)
    assert "is no http(s) address" in result.output

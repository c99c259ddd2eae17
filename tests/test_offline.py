"""`scorecard build --offline`: a site that works opened from files (a folder on a file share, a
zip from an e-mail), driven in Chromium from file:// addresses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import Session, browser_page  # tests/ is on sys.path (no __init__.py)
from conftest import ExampleSite, Runner, assert_clean_exit
from site_helpers import broken_links, copy_example, html_pages, soup

from scorecard.cli import cli
from scorecard.site.assets import WORKER_SHIM
from scorecard.site.docs import offline_config

READY = "[data-scorecard-compare][data-state='ready']"


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built with ``--offline``; the output folder."""
    root = copy_example(tmp_path_factory.mktemp("offline") / "project")
    out = root.parent / "out"
    args = ["build", "--project", str(root), "--out", str(out), "--offline"]
    assert_clean_exit(Runner().invoke(cli, args), 0)
    return out


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_link_points_at_a_file(offline: Path, audience: str) -> None:
    site = offline / audience
    pages = html_pages(site)
    assert len(pages) > 25
    assert (site / "institutions" / "tansyford.html").is_file()
    assert not (site / "institutions" / "tansyford").exists()
    assert broken_links(site, directories=False) == []
    # the institution's own links, raw HTML tables and Markdown alike
    page = soup(site / "institutions" / "lindenwick.html")
    compare = page.find("a", string="Compare it with its peers")
    assert compare is not None and str(compare["href"]).startswith("../compare.html?ids=")
    assert page.find("a", href="../peer-groups/community.html") is not None
    home = soup(site / "index.html")
    assert home.select_one("article table a[href='institutions/lindenwick.html']") is not None


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_search_and_compare_load_without_a_server(offline: Path, audience: str) -> None:
    site = offline / audience
    # the theme's offline plugin: the search index as a script, loaded with a script element
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert (site / "search" / "search_index.js").read_text(encoding="utf-8") == (
        f"var __index = {index}"
    )
    assert "institutions/tansyford.html" in {d["location"] for d in json.loads(index)["docs"]}
    # the search's worker runs in an iframe from files, by a shim shipped in the site
    assert (site / WORKER_SHIM).is_file()
    for page in html_pages(site):
        scripts = [str(s.get("src", "")) for s in soup(page).select("script[src]")]
        assert [s for s in scripts if ":" in s] == [], page  # nothing from another host
        assert any(s.endswith(WORKER_SHIM) for s in scripts), page
    assert (site / "assets" / "scorecard-compare-data.js").is_file()


def test_an_online_build_ships_no_shim(example_site: ExampleSite) -> None:
    site = example_site.out / "public"
    assert not (site / WORKER_SHIM).exists()
    assert not (site / "search" / "search_index.js").exists()
    assert "iframe-worker" not in (site / "index.html").read_text(encoding="utf-8")


def test_offline_keeps_the_project_plugins_and_polyfills() -> None:
    config = offline_config(
        {"plugins": ["search", {"tags": {"x": 1}}], "extra": {"polyfills": ["a.js"]}}
    )
    assert config == {
        "use_directory_urls": False,
        "plugins": ["search", {"tags": {"x": 1}}, "offline"],
        "extra": {"polyfills": ["a.js", WORKER_SHIM]},
    }
    assert offline_config({})["plugins"] == ["search", "offline"]  # MkDocs' default: search
    turned_off = offline_config({"plugins": {"search": None, "offline": {"enabled": False}}})
    assert turned_off["plugins"] == ["search", "offline"]


def _wait_for_charts(session: Session) -> None:
    session.page.wait_for_function(
        """() => {
          const els = [...document.querySelectorAll(".scorecard-chart")];
          return els.length > 0 && els.every((el) => el.querySelector("svg, canvas"));
        }""",
        timeout=15_000,
    )


def test_the_site_is_read_from_files_in_chromium(offline: Path) -> None:
    site = offline / "public"
    with browser_page(width=1280) as session:
        page = session.page
        page.goto((site / "index.html").as_uri())
        _wait_for_charts(session)

        # home -> an institution, from the table of all institutions
        page.locator("article table a", has_text="Lindenwick").first.click()
        page.wait_for_url(re.compile(r"/institutions/lindenwick\.html$"))
        _wait_for_charts(session)
        assert page.locator(".md-sidebar--primary").is_visible()  # the site's navigation

        # -> a pillar
        page.locator("article table a[href$='pillars/safety.html']").first.click()
        page.wait_for_url(re.compile(r"/pillars/safety\.html$"))
        _wait_for_charts(session)

        # -> Compare, from the navigation, with a chosen set
        page.locator(".md-nav--primary a.md-nav__link", has_text="Compare").first.click()
        page.wait_for_url(re.compile(r"/compare\.html$"))
        page.wait_for_selector(READY, timeout=15_000)
        for name in ["Tansyford Community Hospital", "Quillcrest University Medical Center"]:
            page.get_by_role("checkbox", name=name, exact=True).check()
        page.wait_for_url(re.compile(r"/compare\.html\?ids=tansyford,quillcrest$"))
        page.wait_for_selector("#scorecard-compare-chart[data-rendered='yes'] svg")
        header = page.locator("[data-scorecard-compare-table] thead th").all_inner_texts()
        assert [" ".join(h.split()) for h in header[1:]] == [
            "Tansyford Community Hospital",
            "Quillcrest University Medical Center",
        ]
        # its institutions' links lead to their files
        link = page.locator("[data-scorecard-compare-table] thead th a").first
        assert (link.get_attribute("href") or "").endswith("/institutions/tansyford.html")

        # search for an institution by name: results appear, and lead to its file
        page.keyboard.press("/")  # the theme's shortcut to the search box
        page.keyboard.type("Nettlevale")
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        first = page.locator(".md-search-result__item a").first
        assert "/institutions/nettlevale.html" in (first.get_attribute("href") or "")
        first.click()
        page.wait_for_url(re.compile(r"/institutions/nettlevale\.html"))
        assert page.title().startswith("Nettlevale General Hospital - ")
        assert session.problems() == []


def test_an_institution_page_opens_compare_with_its_peers_from_files(offline: Path) -> None:
    site = offline / "public"
    with browser_page(width=1280) as session:
        page = session.page
        page.goto((site / "institutions" / "lindenwick.html").as_uri())
        page.get_by_role("link", name="Compare it with its peers").click()
        page.wait_for_url(re.compile(r"/compare\.html\?ids=lindenwick,"))
        page.wait_for_selector(READY, timeout=15_000)
        header = page.locator("[data-scorecard-compare-table] thead th").all_inner_texts()
        assert " ".join(header[1].split()) == "Lindenwick Regional Medical Center"
        assert len(header) == 6  # the row heading, it, and its four public peers
        assert session.problems() == []

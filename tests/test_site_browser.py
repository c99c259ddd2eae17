"""The built site in real Chromium: charts drawn, instant navigation, sorting, nothing external."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Session, browser_page, serve  # tests/ is on sys.path (no __init__.py)
from conftest import ExampleSite
from site_helpers import (
    HOSTILE_INTERNAL,
    HOSTILE_NAME,
    HOSTILE_PUBLIC,
    hostile_files,
    write_tree,
)

from scorecard.site import build_site

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def example_public(example_site: ExampleSite) -> str:
    """The example's public site, served on 127.0.0.1, built with ``site_url`` at that address
    (Material's instant navigation only takes over links that sitemap.xml lists); its URL."""
    return f"{example_site.url}public/"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hostile project's sites, served; yields the URL of the folder holding both."""
    root = write_tree(tmp_path_factory.mktemp("browser-hostile"), hostile_files())
    build_site(root, root / "out", ("public", "internal"))
    with serve(root / "out") as base:
        yield base


@pytest.fixture()
def browser() -> Iterator[Session]:
    with browser_page(width=1280) as session:
        dialogs: list[str] = []
        session.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield session
        assert dialogs == [], "audit text ran as script"


def _wait_for_charts(session: Session, *ids: str) -> int:
    """Wait until the page has the charts ``ids`` and every chart on it holds an SVG or canvas."""
    session.page.wait_for_function(
        """(ids) => {
          const els = [...document.querySelectorAll(".scorecard-chart")];
          return els.length > 0 && ids.every((id) => document.getElementById(id))
            && els.every((el) => el.querySelector("svg, canvas"));
        }""",
        arg=list(ids),
        timeout=15_000,
    )
    count: int = session.page.locator(".scorecard-chart").count()
    drawn: int = session.page.locator(
        ".scorecard-chart:has(svg), .scorecard-chart:has(canvas)"
    ).count()
    assert drawn == count
    return count


def _overall(text: str) -> float | None:
    match = re.match(r"\s*(\d+(?:\.\d+)?)", text)
    return float(match.group(1)) if match else None


def test_public_site_works_in_chromium(example_public: str, browser: Session) -> None:
    page = browser.page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(example_public)
    assert _wait_for_charts(browser, "chart-heatmap") >= 1
    page.screenshot(path=ARTIFACTS / "site-home.png", full_page=True)

    # The sortable table of all institutions: sort by the overall score, then reverse.
    table = page.locator("article table", has=page.locator("th", has_text="Peer group")).first
    names_before = table.locator("tbody tr td:first-child").all_inner_texts()
    assert len(names_before) >= 5
    heading = table.locator("thead th", has_text="Overall")
    heading.click()
    assert heading.get_attribute("aria-sort") == "ascending"
    names_up = table.locator("tbody tr td:first-child").all_inner_texts()
    assert sorted(names_up) == sorted(names_before)
    assert names_up != names_before
    scores = [_overall(t) for t in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    numbers = [s for s in scores if s is not None]
    assert numbers == sorted(numbers) and scores[: len(numbers)] == numbers
    heading.click()
    assert heading.get_attribute("aria-sort") == "descending"
    assert table.locator("tbody tr td:first-child").all_inner_texts() == names_up[::-1]

    # Instant navigation to an institution: the page is not reloaded, its charts are drawn.
    page.evaluate("window.__stillHere = true")
    link = table.locator("tbody tr td:first-child a").first
    href = link.get_attribute("href")
    match = re.search(r"institutions/([a-z0-9-]+)/$", href or "")
    assert match is not None, href
    link.click()
    # navigation.tracking may leave the previous page's anchor on the address: allow a hash
    page.wait_for_url(re.compile(rf"/institutions/{match.group(1)}/(#.*)?$"))
    _wait_for_charts(browser, "chart-pillars", "chart-trend")
    assert page.evaluate("window.__stillHere === true"), "navigation was not instant"
    page.screenshot(path=ARTIFACTS / "site-institution.png", full_page=True)

    # On to a pillar page, instantly again.
    page.locator("article table a[href*='pillars/safety']").first.click()
    page.wait_for_url(re.compile(r"/pillars/safety/(#.*)?$"))
    _wait_for_charts(browser, "chart-pillar-safety")
    assert page.evaluate("window.__stillHere === true"), "navigation was not instant"

    # And an institution page opened directly.
    page.goto(example_public + "institutions/quillcrest/")
    _wait_for_charts(browser, "chart-pillars", "chart-trend")
    assert browser.problems() == []


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_hostile_audit_text_stays_text_in_chromium(
    hostile_site: str, browser: Session, audience: str
) -> None:
    page = browser.page
    page.goto(f"{hostile_site}{audience}/institutions/harrow/")
    _wait_for_charts(browser, "chart-pillars", "chart-trend")
    assert page.title() == f"{HOSTILE_NAME} - Scorecard"
    assert page.locator("article h1").inner_text() == HOSTILE_NAME
    assert page.locator("img[src='x'], [onerror]").count() == 0
    assert page.locator("a[href^='javascript' i]").count() == 0
    text = " ".join(page.locator("article").inner_text().split())
    shown = {**HOSTILE_PUBLIC, **(HOSTILE_INTERNAL if audience == "internal" else {})}
    assert [field for field, value in shown.items() if value not in text] == []
    page.goto(f"{hostile_site}{audience}/")
    _wait_for_charts(browser, "chart-heatmap")
    assert browser.problems() == []

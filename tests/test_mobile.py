"""The example site on a phone (375 pixels wide), on a desktop, and on paper (print media)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Session, browser_page  # tests/ is on sys.path (no __init__.py)
from conftest import ExampleSite

ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = 375
PAGES = {
    "home": "",
    "institutions": "institutions/",
    "institution": "institutions/tansyford/",
    "pillar": "pillars/safety/",
    "methodology": "methodology/",
    "evidence": "evidence/",
    "data": "data/",
}
# Every chart shown: one folded in a closed <details> is drawn when it opens.
CHARTS_DRAWN = """() => [...document.querySelectorAll(".scorecard-chart")]
  .every((el) => el.querySelector("svg, canvas") || el.closest("details:not([open])"))"""
# Each table, and the box that scrolls it: its nearest ancestor that scrolls sideways.
TABLE_BOXES = """() => [...document.querySelectorAll("article table")].map((table) => {
  let box = table.parentElement;
  while (box && !["auto", "scroll"].includes(getComputedStyle(box).overflowX)) {
    box = box.parentElement;
  }
  const right = (box || table).getBoundingClientRect().right;
  return {fits: table.scrollWidth <= table.parentElement.clientWidth + 1,
          boxed: box !== null, right};
})"""


# The lines of each table's heading row: the distinct tops of its text boxes, per cell.
HEADING_LINES = """() => [...document.querySelectorAll("article table")].map((table) => {
  const row = table.tHead && table.tHead.rows[0];
  if (!row || !row.getClientRects().length) return null;
  return [...row.cells].map((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const tops = [...range.getClientRects()].filter((r) => r.width > 0)
      .map((r) => Math.round(r.top));
    return {text: cell.textContent.trim(), lines: new Set(tops).size,
            height: row.getBoundingClientRect().height};
  });
}).filter(Boolean).flat()"""
# The home page's heat map as drawn: its layout, its box, and each axis label's box and text.
HEATMAP = """() => {
  const chart = document.querySelector("#chart-heatmap");
  const svg = chart.querySelector("svg").getBoundingClientRect();
  const labels = [...chart.querySelectorAll(".role-axis-label text")].map((t) => {
    const box = t.getBoundingClientRect();
    return {text: t.textContent, left: box.left, right: box.right};
  });
  return {layout: chart.dataset.layout, left: svg.left, right: svg.right, labels};
}"""


@pytest.fixture(scope="module")
def site(example_site: ExampleSite) -> str:
    """The example's public site, served; its URL."""
    return f"{example_site.url}public/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Session]:
    """One browser for the module; each test sets the window's size."""
    with browser_page(width=PHONE, height=800) as session:
        yield session


@pytest.fixture()
def phone(browser: Session) -> Session:
    browser.page.set_viewport_size({"width": PHONE, "height": 800})
    return browser


def _open(session: Session, url: str) -> None:
    session.page.goto(url)
    session.page.wait_for_function(CHARTS_DRAWN, timeout=15_000)


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_fit_a_phone(site: str, phone: Session, name: str) -> None:
    page = phone.page
    _open(phone, site + PAGES[name])
    # Open the chart data tables too: they must scroll in their own box as well.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_function(CHARTS_DRAWN, timeout=15_000)  # folded charts too, once opened
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    for table in page.evaluate(TABLE_BOXES):
        assert table["fits"] or table["boxed"], table
        assert table["right"] <= PHONE, table
    if name in ("home", "institution", "evidence"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
        page.screenshot(
            path=ARTIFACTS / f"phone-{name}.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": PHONE, "height": 2400},
        )
    assert phone.problems() == []


def test_desktop_and_print(site: str, browser: Session) -> None:
    session = browser
    session.page.set_viewport_size({"width": 1280, "height": 900})
    for name in ("home", "institution"):
        _open(session, site + PAGES[name])
        assert session.page.evaluate("document.documentElement.scrollWidth") <= 1280
        session.page.screenshot(
            path=ARTIFACTS / f"desktop-{name}.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": 2000},
        )
    # On paper: no header, navigation or search; the charts' tables open for printing and
    # close after; addresses of outside links are written out.
    page = session.page
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => [".md-header", ".md-sidebar--primary", ".md-search", ".md-footer"]
          .map((s) => document.querySelector(s))
          .filter((el) => el && getComputedStyle(el).display !== "none").length"""
    )
    assert hidden == 0
    closed = "details.scorecard-chart-data:not([open])"
    assert page.locator(closed).count() == 3
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator(closed).count() == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator(closed).count() == 3
    # Only the links that leave the site get their address written out.
    after = page.evaluate(
        """() => [...document.querySelectorAll("article a[href^='http']")]
          .map((a) => getComputedStyle(a, "::after").content)
          .filter((text) => text.includes("http"))"""
    )
    assert after == ['" (https://example.org/tansyford)"']
    page.pdf(path=ARTIFACTS / "print-institution.pdf")  # the browser's own print of the page
    assert session.problems() == []


@pytest.mark.parametrize("width", [375, 390])
def test_headings_and_the_heat_map_fit_a_phone(site: str, browser: Session, width: int) -> None:
    page = browser.page
    page.emulate_media(media="screen")  # the module's browser may have printed a page
    page.set_viewport_size({"width": width, "height": 800})
    for name in ("home", "institution", "pillar", "methodology"):
        _open(browser, site + PAGES[name])
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        cells = page.evaluate(HEADING_LINES)
        assert cells, name
        # A heading is at most two lines: no heading row stacked word by word.
        assert max(c["lines"] for c in cells) <= 2, [c for c in cells if c["lines"] > 2]
        assert max(c["height"] for c in cells) <= 60, [c for c in cells if c["height"] > 60]
    _open(browser, site)
    heat = page.evaluate(HEATMAP)
    # The heat map takes its narrow layout: inside the window, every name whole and readable.
    assert heat["layout"] == "narrow"
    assert 0 <= heat["left"] and heat["right"] <= width
    texts = [label["text"] for label in heat["labels"]]
    assert {"Recognition", "Tansyford Community Hospital"} <= set(texts)
    assert "Everlythorpe Academic Medical Center" in texts
    assert not [t for t in texts if t.endswith("…")]
    outside = [x for x in heat["labels"] if x["left"] < 0 or x["right"] > width]
    assert outside == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#chart-heatmap").screenshot(path=ARTIFACTS / f"phone-heatmap-{width}.png")
    # A wider window draws it again in the wide layout, names left of their rows.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function(
        "() => document.querySelector('#chart-heatmap').dataset.layout === 'wide'",
        timeout=5_000,
    )
    page.wait_for_function(
        "() => document.querySelector('#chart-heatmap svg .role-axis-label')", timeout=5_000
    )
    assert browser.problems() == []

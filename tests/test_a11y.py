"""Accessibility (WCAG 2.1 AA): axe-core on the built site in both palettes, keyboard access to
charts, contrast of grade badges and heat map letters, colours for colour-blind readers, and the
texts that say what each chart shows (an institution's scores in plain words: test_context).

axe-core comes from the npm registry (``npm ci --prefix tests``, see tests/package.json) and is
injected into each page in headless Chromium.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import vl_convert
from browser import Session, browser_page  # tests/ is on sys.path (no __init__.py)
from conftest import ExampleSite

from scorecard import charts
from scorecard.site.assets import SITE_CSS, asset_text

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
#: The pages every audience's site must pass, by path under the site.
PAGES = {
    "home": "",
    "institution": "institutions/tansyford/",
    "pillar": "pillars/safety/",
    "compare": "compare/",
    "methodology": "methodology/",
    "evidence": "evidence/",
}
#: axe rules left out, each with the reason. Material's search dialog has no name and its
#: footer text is a shade too light; both are fixed by our own script and style sheet, so the
#: list is empty: keep it so.
EXCLUDED_RULES: dict[str, str] = {}
# Every chart shown: one folded in a closed <details> is drawn when it opens.
CHARTS_DRAWN = """() => [...document.querySelectorAll(".scorecard-chart")]
  .every((el) => el.querySelector("svg, canvas") || el.closest("details:not([open])"))"""
RUN_AXE = """async (disabled) => {
  const rules = Object.fromEntries(disabled.map((id) => [id, {enabled: false}]));
  const result = await axe.run(document, {resultTypes: ["violations"], rules});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary),
  }));
}"""


@pytest.fixture(scope="module")
def sites(example_site: ExampleSite) -> str:
    """The example's two sites, served; the URL of the folder that holds both."""
    return example_site.url


@pytest.fixture(scope="module", params=["light", "dark"])
def palette(request: pytest.FixtureRequest) -> Iterator[tuple[str, Session]]:
    """A browser whose reader prefers the light or the dark palette (Material follows it)."""
    if not AXE.is_file():
        pytest.skip(f"{AXE} is missing: run `npm ci --prefix tests`")
    with browser_page(width=1280, height=900) as session:
        session.page.emulate_media(color_scheme=request.param)
        yield request.param, session


def _open(session: Session, url: str) -> None:
    session.page.goto(url)
    session.page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    # Open every chart's data table, so that axe checks the tables too, and every folded chart.
    session.page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    session.page.wait_for_function(CHARTS_DRAWN, timeout=15_000)


# Every page of the public site; the internal site on an institution page (its banner, notes,
# unit breakdowns and action owners).
@pytest.mark.parametrize(
    ("audience", "name"), [*(("public", name) for name in PAGES), ("internal", "institution")]
)
def test_axe_finds_no_serious_violation(
    sites: str, palette: tuple[str, Session], audience: str, name: str
) -> None:
    scheme, session = palette
    url = f"{sites}{audience}/{PAGES[name]}"
    assert _exists(url, session), url
    _open(session, url)
    # No character reference shows as text (as `&#95;` once did in code spans).
    assert "&#" not in session.page.inner_text("article")
    expected = "slate" if scheme == "dark" else "default"
    assert session.page.evaluate("document.body.dataset.mdColorScheme") == expected
    session.page.add_script_tag(path=str(AXE))
    violations = session.page.evaluate(RUN_AXE, list(EXCLUDED_RULES))
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{audience} {name} ({scheme}): {serious}"
    assert session.problems() == []


def _exists(url: str, session: Session) -> bool:
    response = session.page.request.get(url)
    return response.ok


def test_charts_and_their_tables_take_the_keyboard(
    sites: str, palette: tuple[str, Session]
) -> None:
    _, session = palette
    page = session.page
    _open(session, f"{sites}public/institutions/tansyford/")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
    page.locator("#chart-pillars").focus()
    # The chart is one image, named by its text alternative, with a visible focus ring.
    chart = page.locator("#chart-pillars")
    assert chart.get_attribute("role") == "img"
    assert "Of the core pillars" in (chart.get_attribute("aria-label") or "")
    assert page.locator("#chart-pillars svg").get_attribute("aria-hidden") == "true"
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # from the keyboard, so :focus-visible applies
    ring = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [document.activeElement.id, s.outlineStyle, s.outlineWidth]; }"""
    )
    assert ring == ["chart-pillars", "solid", "3px"]
    # Tab reaches the table's summary; Enter opens it; Tab enters its scroll box.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator("#chart-pillars ~ details").get_attribute("open") == ""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('scorecard-table-scroll')")
    assert page.locator(".scorecard-table-scroll:focus table tbody tr").count() == 6
    assert session.problems() == []


# --- contrast and colours (no browser) -------------------------------------------------------


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, two: str) -> float:
    low, high = sorted([_luminance(one), _luminance(two)])
    return (high + 0.05) / (low + 0.05)


def test_grade_badges_meet_text_contrast() -> None:
    rule = r"\.scorecard-grade-([a-z]) \{ background: (#[0-9A-Fa-f]{6}); color: (#[0-9A-Fa-f]+); \}"
    badges = re.findall(rule, asset_text(SITE_CSS))
    assert [grade for grade, _, _ in badges] == ["a", "b", "c", "d", "f"]
    low = {grade: round(contrast(bg, fg), 2) for grade, bg, fg in badges}
    assert all(ratio >= 4.5 for ratio in low.values()), low


def test_heatmap_letters_contrast_with_their_cells() -> None:
    """Each cell's letter is white or black, whichever reads better on the cell's own blue."""
    rows = [(f"I{score}", "Safety", float(score), "X") for score in range(0, 101)]
    spec = charts.heatmap(rows).to_dict()
    spec["width"] = 200
    svg = vl_convert.vegalite_to_svg(spec)
    fills = re.findall(r'<path[^>]*fill="rgb\((\d+), (\d+), (\d+)\)"', svg)[:101]
    inks = re.findall(r'<text[^>]*fill="(#[0-9A-Fa-f]{6})"[^>]*>X</text>', svg)
    assert len(fills) == len(inks) == 101
    cells = ["#{:02x}{:02x}{:02x}".format(*map(int, fill)) for fill in fills]
    worst = min(contrast(ink, cell) for ink, cell in zip(inks, cells, strict=True))
    assert worst >= 4.5


# Machado, Oliveira & Fernandes (2009), full severity, on linear RGB.
CVD = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}


def _lab_as_seen(colour: str, matrix: list[list[float]]) -> tuple[float, float, float]:
    digits = colour.lstrip("#")
    linear = [
        (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
        for c in (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    ]
    r, g, b = [
        max(0.0, min(1.0, sum(m * c for m, c in zip(row, linear, strict=True)))) for row in matrix
    ]
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


@pytest.mark.parametrize("vision", list(CVD))
@pytest.mark.parametrize(
    "palette_colours",
    [charts.OKABE_ITO[:6], charts.GRADE_PALETTE],
    ids=["trend-series", "grades"],
)
def test_colours_stay_apart_for_colour_blind_readers(
    vision: str, palette_colours: tuple[str, ...]
) -> None:
    seen = [_lab_as_seen(c, CVD[vision]) for c in palette_colours]
    closest = min(
        sum((p - q) ** 2 for p, q in zip(one, two, strict=True)) ** 0.5
        for one, two in itertools.combinations(seen, 2)
    )
    assert closest >= 12  # CIE76 distance: clearly different colours, not shades of one


# --- texts -----------------------------------------------------------------------------------


def test_trend_text_names_the_highest_and_lowest_pillar() -> None:
    rows = [("2026-Q2", "Overall", 58.0), ("2026-Q3", "Overall", 66.0)]
    rows += [("2026-Q3", "Autonomy", 41.0), ("2026-Q3", "Safety", 80.5), ("2026-Q3", "Mission", 60)]
    assert charts.trend(rows).alt == (
        "Overall score rose from 58.0 to 66.0 over 2 quarters. "
        "In 2026-Q3, Safety is the highest core pillar at 80.5 and Autonomy the lowest at 41.0."
    )

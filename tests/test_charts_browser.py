"""Charts in a real MkDocs Material site, drawn by Chromium: instant navigation, palettes, file://."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from browser import Session, browser_page, serve  # tests/ is on sys.path (no __init__.py)

from scorecard import charts
from scorecard.site import assets

ARTIFACTS = Path(__file__).parent / "artifacts"
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ jinja }} {: .attr}",
    "*bold* _under_ `code` [link](x) | pipe",
]
PILLARS = [
    ("admin", "Streamline administrative tasks", 55.1, "C", 0.86),
    ("mission", "Recenter the mission", None, None, 0.33),
    ("autonomy", "Restore autonomy", 41.0, "D", 1.0),
    ("safety", "Cultivate psychological safety", 78.0, "B", 1.0),
    ("recognition", "Recognise and reward excellence", 96.5, "A", 0.9),
]
GRADES = ["A", "B", "C", "D", "F"]
UNICODE_NAME = "Hôpital Zoë — 北"
SECOND_CHARTS = 3
# The spec of a chart element, as the page's script reads it (base64 of UTF-8 JSON).
READ_SPEC = """(el) => JSON.parse(new TextDecoder("utf-8").decode(
  Uint8Array.from(atob(el.dataset.spec), (c) => c.charCodeAt(0))))"""


def _grade(score: float) -> str:
    return next(g for g, low in charts.DEFAULT_BANDS if score >= low)


def _index_charts() -> list[charts.Chart]:
    periods = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    trend_rows = [(p, "Overall", s) for p, s in zip(periods, [58.0, 60.5, None, 66.2], strict=True)]
    trend_rows += [(p, "Autonomy", 35.0 + 3 * i) for i, p in enumerate(periods)]
    trend_rows += [(p, "Safety", 80.0 - 4 * i) for i, p in enumerate(periods)]
    institutions = ["St. Elsewhere Medical Center", "North General", *HOSTILE]
    heat_rows: list[tuple[str, str, float | None, str | None]] = []
    for i, name in enumerate(institutions):
        for j, (_, pillar, *_rest) in enumerate(PILLARS):
            score = None if (i + j) % 6 == 0 else float((17 * i + 23 * j) % 90 + 8)
            heat_rows.append((name, pillar, score, None if score is None else _grade(score)))
    return [charts.pillar_scores(PILLARS), charts.trend(trend_rows), charts.heatmap(heat_rows)]


def _second_charts() -> list[charts.Chart]:
    rows: list[tuple[str, float | None]] = [
        (f"Institution {i}", float((i * 37) % 80 + 15)) for i in range(40)
    ]
    rows += [("St. Elsewhere Medical Center", 71.2), (HOSTILE[1], 44.0), ("North General", None)]
    hostile_pillars = [
        (p, f"{name} {HOSTILE[k % 4]}", s, g, c) for k, (p, name, s, g, c) in enumerate(PILLARS)
    ]
    # 42 scored: a histogram; the first 12 (and a name in other scripts): dots.
    few = [*rows[:12], (UNICODE_NAME, 63.0)]
    return [
        charts.distribution(rows, ["St. Elsewhere Medical Center", HOSTILE[1]]),
        charts.pillar_scores(hostile_pillars),
        charts.distribution(few, [UNICODE_NAME]),
    ]


def _page(title: str, link: str, blocks: list[str]) -> str:
    body = "\n\n".join(blocks)
    return f"# {title}\n\nSee also [the other page]({link}).\n\n{body}\n\nThe end.\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A tiny MkDocs Material project with charts on two pages, built and served: (folder, URL).

    Material's instant navigation matches links against sitemap.xml, whose URLs come from
    site_url with only the scheme and host replaced, so site_url must carry the served port.
    """
    project = tmp_path_factory.mktemp("charts-site")
    with serve(project / "site") as base:
        _build(project, base)
        yield project / "site", base


def _build(project: Path, site_url: str) -> None:
    docs = project / "docs"
    for name, content in assets.runtime_files().items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_bytes(content)
    index = [charts.chart_html(c, chart_id=f"index-{i}") for i, c in enumerate(_index_charts())]
    second = [charts.chart_html(c, chart_id=f"second-{i}") for i, c in enumerate(_second_charts())]
    (docs / "index.md").write_text(_page("Home", "second.md", index), encoding="utf-8")
    (docs / "second.md").write_text(_page("Second", "index.md", second), encoding="utf-8")
    config = {
        "site_name": "Chart test",
        "site_url": site_url,
        "theme": {
            "name": "material",
            "font": False,  # Material would otherwise fetch Google Fonts
            "features": ["navigation.instant"],
            "palette": [
                {"scheme": "default", "toggle": {"icon": "material/brightness-7", "name": "Dark"}},
                {"scheme": "slate", "toggle": {"icon": "material/brightness-4", "name": "Light"}},
            ],
        },
        "nav": [{"Home": "index.md"}, {"Second": "second.md"}],
        "extra_javascript": assets.RUNTIME_JAVASCRIPT,
        "extra_css": assets.RUNTIME_CSS,
    }
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--strict"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ARTIFACTS.mkdir(exist_ok=True)


@pytest.fixture()
def browser() -> Iterator[Session]:
    with browser_page() as session:
        yield session
        assert session.dialogs == [], "audit text ran as script"


def _wait_for_charts(session: Session, prefix: str, count: int, scheme: str = "light") -> None:
    """Wait until `count` charts whose id starts with `prefix` hold an SVG drawn in `scheme`."""
    session.page.wait_for_function(
        """([prefix, count, scheme]) => {
          const els = [...document.querySelectorAll(".scorecard-chart")]
            .filter((el) => el.id.startsWith(prefix));
          return els.length === count && els.every((el) =>
            el.getAttribute("data-rendered") === scheme && el.querySelector("svg .mark-group"));
        }""",
        arg=[prefix, count, scheme],
        timeout=15_000,
    )


def _chart_state(session: Session) -> list[dict[str, object]]:
    state: list[dict[str, object]] = session.page.evaluate(
        """() => [...document.querySelectorAll(".scorecard-chart")].map((el) => {
          const spec = ("""
        + READ_SPEC
        + """)(el);
          const svg = el.querySelector("svg");
          const label = el.querySelector(".role-axis-label text");
          return {
            id: el.id,
            rendered: el.getAttribute("data-rendered"),
            svgs: el.querySelectorAll("svg").length,
            width: svg ? svg.getBoundingClientRect().width : 0,
            height: svg ? svg.getBoundingClientRect().height : 0,
            box: el.getBoundingClientRect().width,
            // a chart in its narrow layout (the heat map on a phone) has the height it names
            specHeight: el.dataset.layout === "narrow" ? spec.usermeta.narrow.height : spec.height,
            layout: el.dataset.layout || null,
            fitX: spec.autosize.type === "fit-x",
            kind: el.closest("figure").dataset.chartKind,
            texts: [...el.querySelectorAll("svg text")].map((t) => t.textContent),
            labelFill: label ? getComputedStyle(label).fill : null,
          };
        })"""
    )
    return state


def _luminance(colour: object) -> float:
    """Relative brightness 0..1 of a computed CSS colour such as "rgb(30, 30, 30)"."""
    assert isinstance(colour, str) and colour.startswith("rgb"), colour
    red, green, blue = (float(v) for v in colour[colour.index("(") + 1 : -1].split(",")[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def _check_drawn(session: Session) -> None:
    for chart in _chart_state(session):
        assert chart["svgs"] == 1, chart
        # The chart fills the content column and is as tall as its spec says: nothing clipped,
        # and the reserved min-height matches, so the page does not jump. A chart that fits
        # only its width (the trend) is its plot's height plus its legend and axes.
        assert abs(float(chart["width"]) - float(chart["box"])) <= 2, chart  # type: ignore[arg-type]
        height, spec_height = float(chart["height"]), float(chart["specHeight"])  # type: ignore[arg-type]
        if chart["fitX"]:
            assert height > spec_height, chart
        else:
            assert abs(height - spec_height) <= 2, chart


def test_charts_render_with_instant_navigation_and_palettes(
    site: tuple[Path, str], browser: Session
) -> None:
    page = browser.page
    page.goto(site[1])
    _wait_for_charts(browser, "index-", 3)
    _check_drawn(browser)
    assert [c["layout"] for c in _chart_state(browser)] == [None, None, "wide"]
    assert page.locator("img[src='x']").count() == 0
    figures = "\n".join(page.locator(".scorecard-chart-figure").all_text_contents())
    assert all(name in figures for name in HOSTILE)  # shown as text, never markup
    page.screenshot(path=ARTIFACTS / "charts-index-light.png", full_page=True)

    # Instant navigation replaces the content without loading a new document.
    page.evaluate("window.__stillHere = true")
    page.get_by_role("link", name="the other page").click()
    page.wait_for_url("**/second/")
    _wait_for_charts(browser, "second-", SECOND_CHARTS)
    assert page.evaluate("window.__stillHere === true"), "navigation was not instant"
    _check_drawn(browser)
    drawn = {str(c["kind"]): c["texts"] for c in _chart_state(browser)}
    assert set(drawn) == {"histogram", "pillar_scores", "distribution"}
    histogram = drawn["histogram"]
    assert isinstance(histogram, list)
    assert "St. Elsewhere Medical Center" in histogram and HOSTILE[1] in histogram
    assert any(str(t).startswith("median ") for t in histogram)
    assert UNICODE_NAME in drawn["distribution"]  # the base64 spec keeps any script
    page.screenshot(path=ARTIFACTS / "charts-second-light.png", full_page=True)

    page.locator("form[data-md-component=palette] label:not([hidden])").first.click()
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    _wait_for_charts(browser, "second-", SECOND_CHARTS, scheme="dark")
    _check_drawn(browser)
    assert all(_luminance(c["labelFill"]) > 0.6 for c in _chart_state(browser))
    page.screenshot(path=ARTIFACTS / "charts-second-dark.png", full_page=True)

    page.get_by_role("link", name="the other page").click()
    _wait_for_charts(browser, "index-", 3, scheme="dark")
    assert page.evaluate("window.__stillHere === true"), "navigation was not instant"
    _check_drawn(browser)
    page.screenshot(path=ARTIFACTS / "charts-index-dark.png", full_page=True)

    page.locator("form[data-md-component=palette] label:not([hidden])").first.click()
    _wait_for_charts(browser, "index-", 3, scheme="light")
    assert all(_luminance(c["labelFill"]) < 0.4 for c in _chart_state(browser))

    # A phone-sized window: the charts follow the narrower column, and the heat map is drawn
    # again in its narrow layout (names above their rows), as tall as that layout says.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(
        """() => [...document.querySelectorAll(".scorecard-chart")].every((el) => {
          const svg = el.querySelector("svg").getBoundingClientRect();
          const narrow = el.dataset.layout === "narrow"
            ? ("""
        + READ_SPEC
        + """)(el).usermeta.narrow.height : null;
          return Math.abs(svg.width - el.getBoundingClientRect().width) <= 2
            && el.dataset.layout !== "wide" && (!narrow || Math.abs(svg.height - narrow) <= 2);
        })""",
        timeout=5_000,
    )
    _check_drawn(browser)
    layouts = {str(c["kind"]): c["layout"] for c in _chart_state(browser)}
    assert layouts == {"pillar_scores": None, "trend": None, "heatmap": "narrow"}
    for summary in page.locator(".scorecard-chart-data > summary").all():
        summary.click()
    # The open tables scroll inside the column instead of widening the page.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=ARTIFACTS / "charts-index-narrow.png", full_page=True)
    assert browser.problems() == []


def test_charts_render_from_file_urls(site: tuple[Path, str], browser: Session) -> None:
    browser.page.goto((site[0] / "index.html").as_uri())
    _wait_for_charts(browser, "index-", 3)
    _check_drawn(browser)
    browser.page.screenshot(path=ARTIFACTS / "charts-index-file.png", full_page=True)
    assert browser.problems() == []


def test_runtime_files_are_the_configured_assets() -> None:
    files = assets.runtime_files()
    configured = [entry["path"] for entry in assets.RUNTIME_JAVASCRIPT] + assets.RUNTIME_CSS
    assert sorted(files) == sorted(configured)
    assert all(path.startswith("assets/") for path in files)
    bundle = files[assets.RUNTIME_JAVASCRIPT[0]["path"]].decode()
    assert "window.vegaEmbed" in bundle
    assert json.dumps(assets.RUNTIME_JAVASCRIPT)  # plain data, ready for mkdocs.yml

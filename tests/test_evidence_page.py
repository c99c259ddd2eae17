"""The evidence page: what moves retention, charted and ranked, for each audience from its own
scores; the chart of changes with the fitted line, asserted on its spec."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from browser import browser_page  # tests/ is on sys.path (no __init__.py)
from bs4 import BeautifulSoup, Tag
from conftest import ExampleSite, MakeProject
from site_helpers import chart_spec, page_text, soup
from test_gate import audit, institution

from scorecard import charts
from scorecard.evidence import evidence_of
from scorecard.evidence_page import EvidencePage
from scorecard.facts import facts_of
from scorecard.pages import Gatherer
from scorecard.project import open_project
from scorecard.render import environment
from scorecard.site.docs import page_text as rendered

# --- the chart ---------------------------------------------------------------------------------

LINE = [(-10.0, 1.5, 0.5, 2.5), (0.0, 0.0, -0.4, 0.4), (12.0, -1.8, -3.0, -0.6)]


def changes(n: int) -> list[tuple[str, str, str, float, float]]:
    return [
        (f"Hospital {i % 7}", "2025-Q1", "2025-Q2", (i * 37 % 23) - 11.0, (i * 11 % 9) - 4.0)
        for i in range(n)
    ]


def scatter(rows: list[tuple[str, str, str, float, float]], **more: Any) -> charts.Chart:
    arguments: dict[str, Any] = {
        "pillar": "psychological safety",
        "outcome": "burnout",
        "unit": "percentage points",
        "estimate": (-1.5, -2.5, -0.5),
    }
    return charts.changes_scatter(rows, LINE, **(arguments | more))


def marks(spec: dict[str, Any]) -> list[str]:
    return [layer["mark"]["type"] for layer in spec["layer"]]


def kinds(spec: dict[str, Any]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for row in spec["data"]["values"]:
        counted[row["k"]] = counted.get(row["k"], 0) + 1
    return counted


def test_each_change_is_a_point_with_the_fitted_line_and_its_band() -> None:
    chart = scatter(changes(30))
    spec = chart.to_dict()
    assert chart.kind == "changes"
    assert marks(spec) == ["rule", "rule", "area", "line", "point"]
    assert kinds(spec) == {"z": 1, "l": 3, "p": 30}
    band = spec["layer"][2]["encoding"]
    assert (band["y"]["field"], band["y2"]["field"]) == ("lo", "hi")
    assert band["x"]["title"] == "Change in psychological safety score (points)"
    assert band["y"]["title"] == ["Change in burnout", "(percentage points)"]
    assert spec["width"] == "container" and spec["height"] == 280
    assert "$schema" in spec and "url" not in json.dumps(spec["data"])  # data inline, no CDN
    assert chart.columns == [
        "Institution",
        "From",
        "To",
        "Change in psychological safety",
        "Change in burnout",
    ]
    assert chart.rows[0] == ["Hospital 0", "2025-Q1", "2025-Q2", "-11.0", "-4.00"]
    assert len(chart.rows) == 30


def test_the_text_alternative_says_what_the_chart_shows() -> None:
    assert scatter(changes(30)).alt == (
        "Scatter of 30 changes between consecutive periods of 7 institutions: the change in "
        "psychological safety score across, from -11.0 to +11.0 points, against the change in "
        "burnout up, from -4.00 to +4.00 percentage points. The fitted line: burnout changes by "
        "-1.50 percentage points for each 10 points of psychological safety score (95 % "
        "interval -2.50 to -0.50); the interval excludes zero: burnout falls as the score rises."
    )
    unclear = scatter(changes(30), estimate=(0.2, -0.4, 0.8)).alt
    assert unclear.endswith("the interval includes zero: no clear link.")


def test_many_changes_are_counted_in_cells_and_the_chart_stays_small() -> None:
    few = scatter(changes(charts.POINTS_UP_TO))
    assert kinds(few.to_dict())["p"] == charts.POINTS_UP_TO
    many = scatter(changes(charts.POINTS_UP_TO + 1))
    spec = many.to_dict()
    assert marks(spec) == ["rule", "rule", "area", "line", "point"]
    assert spec["layer"][-1]["encoding"]["size"]["field"] == "n"
    cells = [row for row in spec["data"]["values"] if row["k"] == "c"]
    assert 0 < len(cells) <= charts.GRID**2
    assert sum(row["n"] for row in cells) == charts.POINTS_UP_TO + 1
    assert many.columns == ["Change in psychological safety", "Change in burnout", "Pairs"]
    assert sum(int(row[2]) for row in many.rows) == charts.POINTS_UP_TO + 1
    assert "counted in a grid of 12 by 12 cells" in many.alt
    huge = scatter(changes(20_000))
    assert len(json.dumps(huge.spec)) < 2 * len(json.dumps(many.spec))


def test_nothing_to_plot_says_so() -> None:
    chart = scatter([], estimate=None)
    assert (
        chart.alt
        == "No institution has two consecutive periods with psychological safety and burnout."
    )
    assert chart.rows == []


def test_names_in_the_chart_are_escaped_in_its_block() -> None:
    name = 'Harrow <script>alert(1)</script> "x" {{ 7*7 }}'
    chart = scatter([(name, "2025-Q1", "2025-Q2", 1.0, -1.0)])
    block = BeautifulSoup(charts.chart_html(chart, chart_id="c"), "html.parser")
    assert block.select("script") == []
    assert block.select_one("tbody th").get_text() == name  # type: ignore[union-attr]
    assert chart.to_dict()["data"]["values"][-1]["i"] == name


# --- the page ----------------------------------------------------------------------------------


def _page(root: Path, audience: str = "public") -> tuple[Any, bytes]:
    project, findings = open_project(root)
    assert project is not None, findings
    gatherer = Gatherer(project, facts_of(project, (audience,))[audience])
    page = EvidencePage(gatherer).page()
    return page, rendered(environment(), page)


def test_too_little_data_says_how_much_there_is_and_how_much_is_needed(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {
            "content/institutions/north-valley.yml": institution("North Valley Hospital"),
            "content/institutions/alder-park.yml": institution("Alder Park Hospital"),
            "content/audits/north-valley/2026-Q2.yml": audit(0.5, "2026-07-10"),
            "content/audits/north-valley/2026-Q3.yml": audit(0.6, "2026-10-10"),
            "content/audits/alder-park/2026-Q2.yml": audit(0.4, "2026-07-12"),
            "content/audits/alder-park/2026-Q3.yml": audit(0.3, "2026-10-12"),
        }
    )
    page, text = _page(root)
    assert page.path == "evidence.md" and page.title == "What moves retention"
    assert page.context.estimated == 0 and len(page.context.ranked) == 20
    first = page.context.ranked[0]
    assert first.chart == ""
    assert first.changes.reading == (
        "Not enough data: 2 pairs of consecutive periods of 2 institutions; an estimate needs "
        "at least 5 institutions and 20 pairs."
    )
    assert first.latest.reading == (
        "Across institutions in 2026-Q3: not enough data (2 institutions with both; at least "
        "20 needed)."
    )
    assert b"scorecard-chart" not in text


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scorecard.sample import write_sample_project

    root = tmp_path_factory.mktemp("evidence-sample")
    write_sample_project(root, institutions=12, periods=4, first_period="2025-Q1")
    return root


def test_the_page_ranks_by_strength_and_charts_what_has_an_estimate(sample: Path) -> None:
    page, _ = _page(sample)
    project, _ = open_project(sample)
    assert project is not None
    evidence = evidence_of(facts_of(project, ("public",))["public"])
    ranked = [(a.pillar, a.outcome) for a in evidence.ranked()]
    context = page.context
    shown = [(link.anchor.split("-", 1)[0], link.outcome) for link in context.ranked]
    assert shown == [(p, o.split(".", 1)[1].replace("_", " ")) for p, o in ranked]
    assert [link.rank for link in context.ranked] == list(range(1, len(ranked) + 1))
    for link, a in zip(context.ranked, evidence.ranked(), strict=True):
        assert bool(link.chart) == (a.changes.status == "estimated")
        assert link.changes.clear == (a.changes.verdict in ("falls", "rises"))
    assert context.estimated == sum(a.changes.status == "estimated" for a in evidence.associations)


def test_the_same_content_renders_the_same_page_byte_for_byte(sample: Path) -> None:
    _, once = _page(sample)
    _, again = _page(sample)
    assert once == again


# --- the example site --------------------------------------------------------------------------


def _summary(page: BeautifulSoup) -> list[list[str]]:
    table = page.select_one("article table")
    assert table is not None
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("td")]
        for row in table.select("tbody tr")
    ]


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_the_example_has_an_evidence_page_in_its_navigation(
    example_site: ExampleSite, audience: str
) -> None:
    site = example_site.out / audience
    home = soup(site / "index.html")
    assert [a.get_text(strip=True) for a in home.select("a[href$='evidence/']")][:1] == ["Evidence"]
    page = soup(site / "evidence" / "index.html")
    text = page_text(site / "evidence" / "index.html")
    assert "An association in these data, not proof of cause" in text
    assert "an interval that crosses zero shows no clear link" in text
    rows = _summary(page)
    assert len(rows) == 20
    strengths = [float(re.findall(r"strength ([0-9.]+)", row[3])[0]) for row in rows]
    assert strengths == sorted(strengths, reverse=True)
    # a chart for each pair with an estimate, open where its interval excludes zero
    folds = page.select("details.scorecard-evidence-chart")
    assert len(folds) == 20
    for row, fold in zip(rows, sorted(folds, key=lambda f: _rank(page, f)), strict=True):
        assert fold.has_attr("open") == ("no clear link" not in row[3]), row
        chart = fold.select_one(".scorecard-chart")
        assert isinstance(chart, Tag) and chart["aria-label"] and chart["role"] == "img"
        pairs = int(row[4].split()[0].replace(",", ""))
        assert len(fold.select(".scorecard-chart-data tbody tr")) == pairs
        spec = chart_spec(str(chart["data-spec"]))
        assert sum(1 for v in spec["data"]["values"] if v["k"] == "p") == pairs


def _rank(page: BeautifulSoup, fold: Tag) -> int:
    """The rank in the summary of the pair whose section holds ``fold``."""
    heading = fold.find_previous("h3")
    assert isinstance(heading, Tag)
    links = [a["href"] for a in page.select("article table tbody td:first-child a")]
    return links.index(f"#{heading['id']}")


def test_each_audience_sees_its_own_institutions(example_site: ExampleSite) -> None:
    public = (example_site.out / "public" / "evidence" / "index.html").read_text("utf-8")
    internal = (example_site.out / "internal" / "evidence" / "index.html").read_text("utf-8")
    specs = "\n".join(json.dumps(chart_spec(v)) for v in re.findall(r'data-spec="([^"]*)"', public))
    for text in (public, specs):
        assert "Kestrelfold" not in text and "Morrowbrook" not in text
    assert "Peer A" in public and "Peer A" in specs
    assert "Morrowbrook" in internal and "Kestrelfold" in internal and "Peer A" not in internal
    public_rows = _summary(soup(example_site.out / "public" / "evidence" / "index.html"))
    internal_rows = _summary(soup(example_site.out / "internal" / "evidence" / "index.html"))
    assert {row[4] for row in public_rows} != {row[4] for row in internal_rows}  # 9 and 10


def test_the_methodology_says_how_the_evidence_is_made(example_site: ExampleSite) -> None:
    text = page_text(example_site.out / "public" / "methodology" / "index.html")
    assert "Evidence: what moves retention" in text
    assert "1,000 resamples" in text
    assert "at least 5 institutions and 20 pairs of periods" in text


def test_folded_charts_are_drawn_when_opened(example_site: ExampleSite) -> None:
    url = f"{example_site.url}public/evidence/"
    with browser_page(width=1280, height=900) as session:
        page = session.page
        page.goto(url)
        drawn = "() => [...document.querySelectorAll('details[open] .scorecard-chart')]"
        page.wait_for_function(f"{drawn}.every((el) => el.querySelector('svg'))")
        folded = page.locator("details.scorecard-evidence-chart:not([open])")
        assert folded.count() > 0
        assert folded.first.locator(".scorecard-chart svg").count() == 0
        assert (
            page.locator(".scorecard-chart svg").count()
            == page.locator("details.scorecard-evidence-chart[open]").count()
        )
        chart_id = folded.first.locator(".scorecard-chart").get_attribute("id")
        folded.first.locator(":scope > summary").click()
        chart = page.locator(f"#{chart_id}")
        page.wait_for_function(f"() => document.querySelector('#{chart_id} svg') !== null")
        width = page.evaluate(
            f"() => document.querySelector('#{chart_id} svg').getBoundingClientRect().width"
        )
        assert width > 600
        assert chart.get_attribute("data-rendered") == "light"
        assert session.problems() == []


def test_a_page_for_a_project_that_reports_no_outcome(make_project: MakeProject) -> None:
    root = make_project(default=True)
    page, text = _page(root)
    assert page.context.ranked == []
    assert b"No outcome has data yet" in text

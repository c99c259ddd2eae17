"""Stale audits: an institution whose latest audit ends more than the framework's `stale_after`
before the newest period is marked, on its page and in the tables of institutions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import browser_page, serve
from conftest import MakeProject, Runner, assert_clean_exit
from site_helpers import build, page_text, soup
from test_gate import audit, institution  # tests/ is on sys.path

from scorecard.cli import cli
from scorecard.facts import ScoreSet
from scorecard.model import Framework, parse_period, span_months
from scorecard.project import open_project
from scorecard.score import OverallResult, Result
from scorecard.staleness import stale_institutions
from scorecard.validate import builtin_framework_document, check_framework

FRAMEWORK_FILE = "content/framework.yml"


def _framework(stale_after: str = "") -> Framework:
    from scorecard.load import load_bytes

    override = load_bytes(stale_after.encode(), FRAMEWORK_FILE) if stale_after else None
    framework, findings = check_framework(builtin_framework_document(), override)
    assert framework is not None, findings
    return framework


def _result(institution: str, period: str) -> Result:
    p = parse_period(period)
    assert p is not None
    order = (p.year, p.start_month, p.months)
    return Result(institution, period, order, "peers", OverallResult(None, None, 0.0), {}, {})


def _stale(latest: dict[str, str], framework: Framework) -> dict[str, tuple[str, int]]:
    results = [_result(i, p) for i, p in sorted(latest.items())]
    scores = ScoreSet("public", framework, results, {})
    return {i: (s.behind, s.months) for i, s in stale_institutions(scores).items()}


@pytest.mark.parametrize(
    ("stale_after", "latest", "expected"),
    [
        ("", {"new": "2026-Q3", "a": "2025-Q3"}, {}),
        ("", {"new": "2026-Q3", "a": "2025-Q2"}, {"a": ("5 quarters", 15)}),
        ("", {"new": "2026-Q3", "a": "2026-H1", "b": "2025-H1"}, {"b": ("15 months", 15)}),
        ("", {"new": "2026-Q3", "a": "2025", "b": "2024"}, {"b": ("21 months", 21)}),
        ("", {"new": "2026", "a": "2025-Q4", "b": "2025-Q3"}, {"b": ("5 quarters", 15)}),
        ("stale_after: 2 halves\n", {"new": "2026-Q3", "a": "2025-Q2"}, {"a": ("5 quarters", 15)}),
        ("stale_after: 6 quarters\n", {"new": "2026-Q3", "a": "2025-Q2"}, {}),
        ("stale_after: 1 quarter\n", {"new": "2026-Q3", "a": "2026-Q1"}, {"a": ("2 quarters", 6)}),
        ("stale_after: 1 quarter\n", {"new": "2026-Q3", "a": "2025"}, {"a": ("9 months", 9)}),
    ],
    ids=[
        "four-quarters-is-not-stale",
        "five-quarters-is",
        "halves",
        "years-by-their-end",
        "newest-is-a-year",
        "two-halves-equal-four-quarters",
        "six-quarters",
        "one-quarter",
        "months-that-are-no-whole-period",
    ],
)
def test_stale_counts_from_period_end_to_the_newest_periods_end(
    stale_after: str, latest: dict[str, str], expected: dict[str, tuple[str, int]]
) -> None:
    assert _stale(latest, _framework(stale_after)) == expected


@pytest.mark.parametrize(
    ("text", "months"),
    [("4 quarters", 12), ("1 quarter", 3), ("2 halves", 12), ("1 half", 6), ("1 year", 12)],
)
def test_a_span_is_quarters_halves_or_years(text: str, months: int) -> None:
    assert span_months(text) == months


def test_a_wrong_stale_after_says_what_to_write(make_project: MakeProject) -> None:
    root = make_project({FRAMEWORK_FILE: "stale_after: 4 weeks\n"}, default=True)
    project, findings = open_project(root)
    assert project is None
    assert [(f.code, f.file, f.path, f.line, f.col) for f in findings] == [
        ("SC012", FRAMEWORK_FILE, "stale_after", 1, 14)
    ]
    assert findings[0].hint == "for example `4 quarters`, `2 halves` or `1 year`"


def test_stale_after_leaves_the_framework_hash_and_version() -> None:
    builtin, changed = _framework(), _framework("stale_after: 2 years\n")
    assert changed.stale_after_months == 24 and builtin.stale_after_months == 12
    assert (changed.sha256, changed.version) == (builtin.sha256, builtin.version)


# --- a built site ------------------------------------------------------------------------------

PROJECT = {
    "content/institutions/north-valley.yml": institution("North Valley Hospital"),
    "content/institutions/alder-park.yml": institution("Alder Park Hospital"),
    "content/audits/north-valley/2025-Q1.yml": audit(0.5, "2025-04-10"),
    "content/audits/north-valley/2026-Q3.yml": audit(0.6, "2026-10-15"),
    "content/audits/alder-park/2024-Q4.yml": audit(0.4, "2025-01-10"),
    "content/audits/alder-park/2025-Q1.yml": audit(0.5, "2025-04-12"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Alder Park's latest audit (2025-Q1) is six quarters behind North Valley's (2026-Q3)."""
    root = tmp_path_factory.mktemp("stale")
    for relative, text in PROJECT.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    result = build(root, root / "out", "public")
    assert_clean_exit(result, 0)
    return root / "out" / "public"


def test_a_stale_institutions_page_says_so(site: Path) -> None:
    notice = soup(site / "institutions" / "alder-park" / "index.html").select_one(
        "article .scorecard-stale-notice"
    )
    assert notice is not None
    assert " ".join(notice.get_text(" ").split()) == (
        "Stale audit Its latest audit, for 2025-Q1, ends 6 quarters before the newest period "
        "on this site, 2026-Q3: more than 4 quarters, after which an audit counts as stale. "
        "Its scores may no longer describe it."
    )
    fresh = soup(site / "institutions" / "north-valley" / "index.html")
    assert fresh.select("article .scorecard-stale-notice") == []


@pytest.mark.parametrize("page", ["index.html", "institutions/index.html", "compare/index.html"])
def test_tables_of_institutions_mark_stale_rows_and_explain_the_mark(site: Path, page: str) -> None:
    # the table of all institutions: the first whose rows link to them
    table = next(
        t for t in soup(site / page).select("article table") if t.select("tbody td:first-child a")
    )
    rows = {
        " ".join(row.select("td")[0].get_text(" ").split()): bool(row.select(".scorecard-stale"))
        for row in table.select("tbody tr")
    }
    marked = {name.split(" (")[0].removesuffix(" stale"): stale for name, stale in rows.items()}
    assert marked == {"Alder Park Hospital": True, "North Valley Hospital": False}
    assert (
        "stale : the institution's latest audit ends more than 4 quarters before the newest "
        "period on this site, 2026-Q3; its scores may no longer describe it (1 of 2)."
    ) in page_text(site / page)


def test_check_max_age_says_how_it_differs_from_the_stale_mark() -> None:
    result = Runner().invoke(cli, ["check", "--help"])
    assert_clean_exit(result, 0)
    flat = " ".join(result.output.split())
    assert "days from its `audited:` date to today" in flat
    assert "stale_after counts periods from the institution's latest to the project's newest" in (
        flat
    )


def test_compare_data_and_its_side_by_side_table_mark_the_stale_institution(site: Path) -> None:
    data = json.loads((site / "data" / "compare.json").read_text(encoding="utf-8"))
    stale = {inst["id"]: inst["stale"] for inst in data["institutions"]}
    assert stale == {
        "alder-park": {"behind": "6 quarters", "newest": "2026-Q3", "limit": "4 quarters"},
        "north-valley": None,
    }
    with serve(site) as url, browser_page(width=1280) as session:
        session.page.goto(f"{url}compare/?ids=alder-park,north-valley")
        session.page.wait_for_selector("[data-scorecard-compare][data-state='ready']")
        period = session.page.locator("[data-scorecard-compare-table] tbody tr").first
        cells = [" ".join(t.split()) for t in period.locator("td").all_text_contents()]
        assert cells == [
            "2025-Q1 stale 6 quarters before 2026-Q3 (stale after 4 quarters)",
            "2026-Q3",
        ]
        assert session.problems() == []

"""The example site in plain words: what the home page measures, peer groups by name, counts
and units that agree, the framework's version and hash in a footnote, and the charts that name
their institutions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ExampleSite
from site_helpers import chart_spec, html_pages, page_text, soup

CORE = [
    "Streamline administrative tasks",
    "Recenter the mission",
    "Restore autonomy",
    "Cultivate psychological safety",
    "Recognise and reward excellence",
]


@pytest.fixture(scope="module")
def public(example_site: ExampleSite) -> Path:
    return example_site.out / "public"


def _text(node: object) -> str:
    return " ".join(node.get_text(" ").split())  # type: ignore[attr-defined]


def test_the_home_page_opens_with_what_it_measures(public: Path) -> None:
    article = soup(public / "index.html").select_one("article")
    assert article is not None
    heading = article.select_one("h1")
    assert heading is not None
    first, second = heading.find_next_siblings("p")[:2]
    # What is measured: the five pillars, each named and linked to its page.
    assert _text(first).startswith("This scorecard compares 9 institutions on five pillars")
    assert [a.get_text() for a in first.select("a")][:5] == CORE
    assert [a["href"] for a in first.select("a")][:5] == [
        f"pillars/{p}/" for p in ("admin", "mission", "autonomy", "safety", "recognition")
    ]
    assert "reported beside them, not counted in the overall score" in _text(first)
    # What a grade and coverage mean, and where the method is.
    said = _text(second)
    assert "graded A (80 and above), B (65 and above), C (50 and above)" in said
    assert "F (below 35)" in said
    assert "coverage is the share of the measures behind it" in said
    assert [a["href"] for a in second.select("a")] == ["methodology/"]
    # The framework's version is not running text; the page's footnote holds it.
    scores = json.loads((public / "data" / "scores.json").read_text(encoding="utf-8"))
    version = scores["framework"]["version"]
    assert version not in _text(first) + said
    note = soup(public / "index.html").select_one("#scorecard-framework-note")
    assert note is not None and f"Framework {version}, sha256" in _text(note)


def test_peer_groups_go_by_their_names(public: Path) -> None:
    page = public / "peer-groups" / "academic" / "index.html"
    assert _text(soup(page).select_one("h1")).removesuffix(" ¶") == "Academic peer group"
    assert soup(page).title is not None and soup(page).title.get_text().startswith("Academic")
    heading = soup(public / "index.html").select_one("h2#all-institutions")
    assert heading is not None
    home = heading.find_next("table")
    groups = {_text(row.select("td")[1]) for row in home.select("tbody tr")}  # type: ignore[union-attr]
    assert groups == {"Academic", "Community"}
    tansyford = page_text(public / "institutions" / "tansyford" / "index.html")
    assert "Peer group: Community" in tansyford
    for path in html_pages(public):
        text = page_text(path)
        assert "Peer group academic" not in text and "Peer group community" not in text, path
        assert "peer group academic" not in text and "peer group community" not in text, path


def test_one_sign_off_is_one(public: Path) -> None:
    text = page_text(public / "institutions" / "everlythorpe" / "index.html")
    assert "1 sign-off" in text and "1 sign-offs" not in text
    every = " ".join(page_text(path) for path in html_pages(public))
    assert " 1 institutions" not in every and " 1 peer groups" not in every


def test_pillar_tables_head_their_metrics_in_short(public: Path) -> None:
    page = soup(public / "pillars" / "safety" / "index.html")
    table = page.select_one("h2#institutions").find_next("table")  # type: ignore[union-attr]
    abbrs = table.select("thead th abbr")
    assert [a.get_text() for a in abbrs][:2] == ["Speak up", "Response to error"]
    assert abbrs[0]["title"] == "Communication openness: staff speak up without fear"


def test_charts_name_every_dot_where_few(public: Path) -> None:
    for path, chart in [
        ("pillars/safety/index.html", "#chart-pillar-safety"),
        ("peer-groups/academic/index.html", "#chart-peer-group-academic"),
        ("institutions/tansyford/index.html", "#chart-peers"),
    ]:
        element = soup(public / path).select_one(chart)
        assert element is not None, path
        values = chart_spec(str(element["data-spec"]))["data"]["values"]
        assert values and all(v["named"] for v in values), path
        figure = element.find_parent("figure")
        heads = [_text(th) for th in figure.select("thead th")]  # type: ignore[union-attr]
        rows = figure.select("tbody tr")  # type: ignore[union-attr]
        # Every dot's institution is in the table; a focus column only where there is one.
        assert {_text(r.select_one("th")) for r in rows} >= {v["institution"] for v in values}
        focus = any(v["highlighted"] for v in values)
        assert heads == ["Institution", "Score"] + (["Highlighted"] if focus else []), path

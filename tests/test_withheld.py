"""Numbers a physician group can publish: withheld values shown as such, changes within their
uncertainty not called rising or falling, one statement of strongest and weakest, one word for
each kind of absent value."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ExampleSite
from site_helpers import build, write_tree

from scorecard.site import build_site


def _page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def _rows(page: BeautifulSoup) -> dict[str, list[str]]:
    """Each table row of a page's article by its first cell's text."""
    out = {}
    for tr in page.select("article tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
        if cells:
            out[cells[0]] = cells[1:]
    return out


# --- the example: Tansyford keeps two values back ----------------------------------------------


def test_a_withheld_metric_is_shown_as_withheld_and_scores_0_in_public(
    example_site: ExampleSite,
) -> None:
    rows = _rows(_page(example_site.out / "public", "institutions/tansyford/index.html"))
    withheld = rows["Prior-authorisation requests per physician per week"]
    assert withheld[0] == "withheld" and withheld[2] == "0.0"  # value, target, score
    scores = json.loads((example_site.out / "public" / "data" / "scores.json").read_text("utf-8"))
    latest = [r for r in scores["results"] if r["institution"] == "tansyford"][-1]
    assert latest["metrics"]["autonomy.prior_auth_requests_week"] == {
        "value": None,
        "score": 0.0,
        "status": "withheld",
    }
    assert latest["pillars"]["autonomy"]["withheld"] > 0


def test_the_internal_page_shows_the_public_score_beside_each_score(
    example_site: ExampleSite,
) -> None:
    page = _page(example_site.out / "internal", "institutions/tansyford/index.html")
    text = page.select_one("article").get_text(" ", strip=True)
    assert "Withheld from the public (2): EHR time outside scheduled hours" in text
    header = [th.get_text(strip=True) for th in page.select("article table")[0].select("th")]
    assert header[-1] == "Public site shows"
    public = json.loads((example_site.out / "public" / "data" / "scores.json").read_text("utf-8"))
    latest = [r for r in public["results"] if r["institution"] == "tansyford"][-1]
    table = next(
        t
        for t in page.select("article table")
        if t.find("th", string="Public site shows") and t.find("th", string="Pillar")
    )
    rows = {
        r[0]: r[1:]
        for r in (
            [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
            for tr in table.find_all("tr")
        )
    }
    assert rows["Restore autonomy"][-1].startswith(f"{latest['pillars']['autonomy']['score']:.1f}")
    assert rows["Restore autonomy"][0] != rows["Restore autonomy"][-1]  # kept back: lower


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_page_that_shows_an_absent_value_says_what_its_word_means(
    example_site: ExampleSite, audience: str
) -> None:
    site = example_site.out / audience
    words = ("not reported", "not applicable", "withheld", "suppressed", "insufficient data")
    for path in ["index.html", "institutions/tansyford/index.html", "pillars/admin/index.html"]:
        page = _page(site, path)
        legend = page.select_one(".scorecard-legend")
        assert legend is not None, path
        assert all(word in legend.get_text() for word in words), path
        cells = " | ".join(" | ".join(row) for row in _rows(page).values())
        for old in ("n/a", "insuff.", "missing"):
            assert not re.search(rf"(^|\W){re.escape(old)}(\W|$)", cells), (path, old)


def test_strongest_and_weakest_are_said_of_the_core_pillars_everywhere(
    example_site: ExampleSite,
) -> None:
    page = _page(example_site.out / "internal", "institutions/tansyford/index.html")
    text = page.select_one("article").get_text(" ", strip=True)
    summary = re.search(
        r"Of its core pillars, it is strongest on ([\w ]+) and weakest on (\w+)", text
    )
    caption = re.search(
        r"Of the core pillars, ([\w ]+) is the highest at .+? and ([\w ]+) the lowest", text
    )
    assert summary and caption
    assert summary.groups() == ("psychological safety", "recognition")
    assert caption.groups() == ("Cultivate psychological safety", "Recognise and reward excellence")
    assert "Beside them: Outcomes at 68.8" in text  # lower than every core pillar, named apart


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_movers_are_changes_larger_than_their_uncertainty(
    example_site: ExampleSite, audience: str
) -> None:
    page = _page(example_site.out / audience, "index.html")
    article = page.select_one("article")
    heading = next(h for h in article.find_all("h2") if "movers" in h.get_text())
    said = heading.find_next("p").get_text(" ", strip=True)
    assert "Only changes larger than their uncertainty are called rising or falling" in said
    listed = re.findall(r"([+−-]\d+\.\d) \(± (\d+\.\d)\)", article.get_text(" ", strip=True))
    assert all(abs(float(c.replace("−", "-"))) >= float(u) for c, u in listed)
    unclear = re.search(r"(\d+) institutions? changed by less", said)
    assert unclear is not None and int(unclear.group(1)) >= 1


def test_the_scores_csv_says_each_pillars_status_and_withheld_share(
    example_site: ExampleSite,
) -> None:
    text = (example_site.out / "public" / "data" / "scores.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    tansyford = [r for r in rows if r["institution"] == "tansyford"][-1]
    assert tansyford["autonomy_status"] == "scored" and float(tansyford["autonomy_withheld"]) > 0
    assert {r["complex_care_status"] for r in rows} >= {"not-reported"}


# --- an audit kept internal as a whole ---------------------------------------------------------

INSTITUTION = {"name": "Ashgrove Fictional Hospital", "kind": "community-hospital"}
INSTITUTION |= {"region": "US-VT", "peer_group": "community"}


def _audit(visibility: str) -> dict[str, object]:
    return {
        "audited": date(2026, 10, 9),
        "auditor": "Dr Quillon Wardhaven, Office of Review",
        "visibility": visibility,
        "sources": [{"id": "pulse", "kind": "survey", "instrument": "Wardhaven Pulse Survey"}],
        "metrics": {
            "admin.ehr_time_per_8h": {"value": 5.0},
            "safety.speak_up": {"positive": 150, "n": 200, "source": "pulse"},
            "recognition.non_revenue_recognition": {"value": True, "visibility": "public"},
        },
    }


def test_an_audit_kept_internal_tells_the_public_only_that_it_exists(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "p",
        {
            "content/institutions/ashgrove.yml": INSTITUTION,
            "content/audits/ashgrove/2026-Q2.yml": {
                **_audit("public"),
                "audited": date(2026, 7, 7),
            },
            "content/audits/ashgrove/2026-Q3.yml": _audit("internal"),
        },
    )
    result = build(root, tmp_path / "out")  # the build's own scan passes: nothing leaked
    assert result.exit_code == 0, result.output
    public = tmp_path / "out" / "public"
    page = _page(public, "institutions/ashgrove/index.html")
    text = page.select_one("article").get_text(" ", strip=True)
    assert "The audit for 2026-Q3 is kept internal" in text
    every = "\n".join(p.read_text("utf-8", "replace") for p in public.rglob("*") if p.is_file())
    for secret in ("Wardhaven", "2026-10-09", "Pulse Survey"):
        assert secret not in every, secret
    # the sitemap's date is the latest audit the public may know of: the one of 2026-Q2
    for audience, day in (("public", date(2026, 7, 7)), ("internal", date(2026, 10, 9))):
        head = (tmp_path / "out" / audience / "sitemap.xml.gz").read_bytes()[4:8]
        assert datetime.fromtimestamp(int.from_bytes(head, "little"), UTC).date() == day
    rows = _rows(page)
    marked_public = "A formal programme recognises advocacy, teaching, mentorship and innovation"
    assert rows[marked_public][0] == "yes"  # an item marked public stays public
    assert rows["EHR time per 8 hours of scheduled patient time"][0] == "withheld"
    internal = _page(tmp_path / "out" / "internal", "institutions/ashgrove/index.html")
    assert "carried out 2026-10-09 by Dr Quillon Wardhaven" in internal.get_text(" ")


@pytest.mark.parametrize("policy", ["zero", "missing"])
def test_the_methodology_page_states_the_policy_in_force(tmp_path: Path, policy: str) -> None:
    files: dict[str, object] = {
        "content/institutions/ashgrove.yml": INSTITUTION,
        "content/audits/ashgrove/2026-Q3.yml": _audit("public"),
    }
    if policy == "missing":
        files["content/framework.yml"] = "withheld: missing\n"
    root = write_tree(tmp_path / "p", files)  # type: ignore[arg-type]
    build_site(root, tmp_path / "out", ("public",))
    text = _page(tmp_path / "out" / "public", "methodology/index.html").get_text(" ", strip=True)
    if policy == "zero":
        assert "a withheld value scores 0 in the public scores" in text
    else:
        assert "keeping a weak value back can raise an institution's public scores" in text

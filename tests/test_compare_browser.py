"""The compare page in real Chromium, and an anonymous institution nowhere in the public site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from browser import Session, browser_page  # tests/ is on sys.path (no __init__.py)
from conftest import ExampleSite
from site_helpers import REPO, site_texts

ARTIFACTS = Path(__file__).parent / "artifacts"
READY = "[data-scorecard-compare][data-state='ready']"
CHOSEN = ["tansyford", "everlythorpe", "peer-a", "nettlevale"]
NAMES = [
    "Tansyford Community Hospital",
    "Everlythorpe Academic Medical Center",
    "Peer A",
    "Nettlevale General Hospital",
]


@pytest.fixture(scope="module")
def public_site(example_site: ExampleSite) -> tuple[str, Path]:
    """The example's public site, served, built with ``site_url`` at its address (so that
    Material's instant navigation takes over its links); (URL, folder)."""
    return f"{example_site.url}public/", example_site.out / "public"


def _header(session: Session) -> list[str]:
    cells = session.page.locator("[data-scorecard-compare-table] thead th")
    return [" ".join(t.split()) for t in cells.all_inner_texts()[1:]]


def _check(session: Session, name: str) -> None:
    session.page.get_by_role("checkbox", name=name, exact=True).check()


def test_four_institutions_chosen_in_the_page_come_back_from_its_address(
    public_site: tuple[str, Path],
) -> None:
    base, _ = public_site
    with browser_page(width=1280) as session:
        page = session.page
        page.goto(base)
        page.evaluate("window.__stillHere = true")
        page.locator(".md-nav--primary a.md-nav__link", has_text="Compare").first.click()
        page.wait_for_url(re.compile(r"/compare/$"))
        page.wait_for_selector(READY, timeout=15_000)
        assert page.evaluate("window.__stillHere === true"), "navigation was not instant"

        page.get_by_label("Search by name", exact=True).fill("tansy")
        assert page.locator(".scorecard-compare-choices input[type=checkbox]").count() == 1
        _check(session, NAMES[0])
        page.get_by_label("Search by name", exact=True).fill("")
        page.get_by_label("Peer group", exact=True).select_option("academic")
        _check(session, NAMES[1])
        _check(session, NAMES[2])
        page.get_by_label("Peer group", exact=True).select_option("")
        page.get_by_label("Region", exact=True).select_option("US-ME")
        assert NAMES[1] not in page.locator(".scorecard-compare-choices").inner_text()
        _check(session, NAMES[3])

        page.wait_for_url(re.compile(r"/compare/\?ids=" + ",".join(CHOSEN) + "$"))
        assert _header(session) == NAMES
        page.wait_for_selector("#scorecard-compare-chart[data-rendered='yes'] svg")
        alt = page.locator("#scorecard-compare-chart").get_attribute("aria-label") or ""
        assert alt.startswith("Overall score over time for " + ", ".join(NAMES[:3]))

        page.reload()
        page.wait_for_selector(READY, timeout=15_000)
        assert _header(session) == NAMES
        boxes = page.locator(".scorecard-compare-choices input[type=checkbox]:checked")
        assert sorted(boxes.evaluate_all("(els) => els.map((e) => e.value)")) == sorted(CHOSEN)
        page.wait_for_selector("#scorecard-compare-chart[data-rendered='yes'] svg")

        # one removed with its button: the address follows
        page.get_by_role("button", name="Remove Peer A").click()
        page.wait_for_url(re.compile(r"\?ids=tansyford,everlythorpe,nettlevale$"))
        assert _header(session) == [NAMES[0], NAMES[1], NAMES[3]]
        assert session.problems() == []


def test_an_institution_page_opens_compare_with_its_peers_chosen(
    public_site: tuple[str, Path],
) -> None:
    base, folder = public_site
    data = json.loads((folder / "data" / "compare.json").read_text(encoding="utf-8"))
    community = {i["name"] for i in data["institutions"] if i["peer_group"] == "community"}
    assert len(community) == 5  # all of them chosen: no more than the link chooses
    with browser_page(width=1280) as session:
        page = session.page
        page.goto(f"{base}institutions/lindenwick/")
        page.evaluate("window.__stillHere = true")
        page.get_by_role("link", name="Compare it with its peers").click()
        page.wait_for_url(re.compile(r"/compare/\?ids=lindenwick,"))
        page.wait_for_selector(READY, timeout=15_000)
        assert page.evaluate("window.__stillHere === true"), "navigation was not instant"
        header = _header(session)
        assert header[0] == "Lindenwick Regional Medical Center"
        assert sorted(header) == sorted(community)
        boxes = page.locator(".scorecard-compare-choices input[type=checkbox]:checked")
        assert boxes.count() == len(header)
        assert session.problems() == []


def test_the_compare_page_works_opened_from_files(public_site: tuple[str, Path]) -> None:
    _, folder = public_site
    with browser_page(width=1280) as session:
        url = (folder / "compare" / "index.html").as_uri() + "?ids=quillcrest,peer-a"
        session.page.goto(url)
        session.page.wait_for_selector(READY, timeout=15_000)
        assert _header(session) == ["Quillcrest University Medical Center", "Peer A"]
        assert session.page_errors == []


MISSING = ".scorecard-compare-missing"


@pytest.mark.parametrize(
    ("audience", "ids", "told"),
    [
        # In public a private institution (kestrelfold) and an anonymous one's own id
        # (morrowbrook, shown as peer-a) read exactly as an id that never existed.
        (
            "public",
            "tansyford,nosuch,kestrelfold,tansyford,morrowbrook",
            "Not shown: nosuch, kestrelfold and morrowbrook — no such institution in this site.",
        ),
        (
            "internal",
            "nosuch,kestrelfold,Tansy%20Ford!",
            "Not shown: nosuch — no such institution in this site; Tansy Ford! — "
            "not an institution id (ids are lower-case letters, digits and hyphens).",
        ),
    ],
    ids=["public", "internal"],
)
def test_compare_names_every_id_it_cannot_show_and_why(
    example_site: ExampleSite, audience: str, ids: str, told: str
) -> None:
    with browser_page(width=1280) as session:
        page = session.page
        page.goto(f"{example_site.url}{audience}/compare/?ids={ids}")
        page.wait_for_selector(READY, timeout=15_000)
        assert page.locator(MISSING).inner_text() == told
        shown = ["Tansyford Community Hospital"]
        if audience == "internal":
            shown = ["Kestrelfold Healthcare"]
        assert _header(session) == shown
        status = page.locator(".scorecard-compare-status").inner_text()
        assert status.startswith("1 institution chosen")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"compare-unknown-{audience}.png")
        # The address keeps what is shown; the notice stays until the choice changes.
        kept = "kestrelfold" if audience == "internal" else "tansyford"
        page.wait_for_url(re.compile(rf"\?ids={kept}$"))
        page.get_by_role("button", name="Clear the choice").click()
        assert page.locator(MISSING).is_hidden()
        assert session.problems() == []


def test_an_address_with_only_known_ids_has_no_notice(example_site: ExampleSite) -> None:
    with browser_page(width=1280) as session:
        session.page.goto(f"{example_site.url}public/compare/?ids=tansyford,peer-a")
        session.page.wait_for_selector(READY, timeout=15_000)
        assert session.page.locator(MISSING).is_hidden()
        assert _header(session) == ["Tansyford Community Hospital", "Peer A"]


def test_side_by_side_says_why_a_value_is_absent_in_the_sites_words(
    public_site: tuple[str, Path],
) -> None:
    """Sorreldale's autonomy has too little data, its peer group (4) gets no percentile, and
    Tansyford reports no complex-care metric: each cell says so in the legend's words."""
    base, _ = public_site
    with browser_page(width=1280) as session:
        session.page.goto(f"{base}compare/?ids=sorreldale,tansyford")
        session.page.wait_for_selector(READY, timeout=15_000)
        rows = session.page.locator("[data-scorecard-compare-table] tbody tr")
        cells = {
            " ".join(r.locator("th, td").first.inner_text().split()): [
                " ".join(t.split()) for t in r.locator("td").all_inner_texts()
            ]
            for r in rows.all()
        }
        assert cells["Restore autonomy"][0] == "insufficient data"
        assert cells["Peer percentile"] == ["not given", "90"]
        complex_care = next(v for k, v in cells.items() if k.startswith("Clinicians who treat"))
        assert complex_care[1] == "not reported"
        assert not [k for k, v in cells.items() if "\u2013" in v], "a dash stands for nothing"


# --- consent: an anonymous institution cannot be told ---------------------------------------------


def _content(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _texts(inst_id: str) -> set[str]:
    """What the content says of one institution: its facts and its audits' free texts."""
    facts = _content(REPO / "content" / "institutions" / f"{inst_id}.yml")
    texts = {inst_id, str(facts["name"]), str(facts["region"]), str(facts.get("website", ""))}
    for path in (REPO / "content" / "audits" / inst_id).glob("*.yml"):
        audit = _content(path)
        texts.add(str(audit.get("auditor", "")))
        texts |= {str(a["title"]) for a in audit.get("actions", [])}  # type: ignore[attr-defined]
        units = audit.get("units") or {}
        texts |= {str(u["name"]) for u in units.values()}  # type: ignore[attr-defined]
        texts |= {str(s.get("instrument", "")) for s in audit.get("sources", [])}  # type: ignore[attr-defined]
        metrics = audit.get("metrics") or {}
        texts |= {str(m.get("reason", "")) for m in metrics.values()}  # type: ignore[attr-defined]
    return {t for t in texts if len(t.strip()) >= 4}


def test_an_anonymous_institution_is_nowhere_in_the_public_site(
    public_site: tuple[str, Path],
) -> None:
    folder = REPO / "content" / "institutions"
    published = {p.stem: _content(p).get("publish", "named") for p in folder.glob("*.yml")}
    anonymous = [i for i, how in published.items() if how == "anonymous"]
    assert anonymous == ["morrowbrook"]
    named = set().union(*(_texts(i) for i, how in published.items() if how == "named"))
    secrets = _texts("morrowbrook") - named  # what only it says: its name, region, plans...
    assert {"morrowbrook", "Morrowbrook Academic Medical Center", "US-VA"} <= secrets

    _, site = public_site
    files = dict(site_texts(site))
    kinds = {"badges/peer-a.svg", "data/institutions/peer-a.json", "data/compare.json",
             "assets/scorecard-compare-data.js", "search/search_index.json",
             "institutions/peer-a/index.html", "peer-groups/academic/index.html"}  # fmt: skip
    assert kinds <= set(files)
    leaks = [(p, s) for p, text in files.items() for s in secrets if s.lower() in text.lower()]
    assert leaks == []
    peer = (site / "data" / "institutions" / "peer-a.json").read_text(encoding="utf-8")
    assert '"region"' not in peer and '"kind"' not in peer

"""Board packets: `scorecard build --pdf`, one PDF per institution printed by Chromium."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import MakeProject, Runner
from pdf_pages import PageImage, page_images
from site_helpers import copy_example, snapshot

from scorecard import pdf
from scorecard.audience import canaries
from scorecard.cli import cli
from scorecard.facts import facts_of
from scorecard.pages import Gatherer
from scorecard.project import open_project

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing")


def _pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="module")
def packets(example: Path) -> Path:
    """The example's internal packets, printed once; returns the output folder."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium")
    report = pdf.build_pdfs(example, example / "out", "internal")
    assert report.out == example / "out" / "pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(report.out / "tansyford.pdf", ARTIFACTS / "packet-tansyford.pdf")
    return example / "out"


def test_a_packet_for_every_institution(example: Path, packets: Path) -> None:
    ids = sorted(p.stem for p in (example / "content" / "institutions").glob("*.yml"))
    assert sorted(p.name for p in (packets / "pdf").iterdir()) == [f"{i}.pdf" for i in ids]
    for path in (packets / "pdf").iterdir():
        data = path.read_bytes()
        assert data.startswith(b"%PDF-") and b"/StructTreeRoot" in data  # a tagged PDF
        assert _pages(path) >= 4  # the page (charts, tables) and the methodology appendix
    assert not (packets / pdf.STAGING_PDF).exists()


def test_packet_html_is_the_page_with_static_charts_and_the_appendix(example: Path) -> None:
    project, _ = open_project(example)
    assert project is not None
    facts = facts_of(project, ("public",))
    packets = {i: text for i, _, text in pdf.gather_packets(facts, example, "public")}
    text = packets["tansyford"]
    assert "Tansyford Community Hospital scored" in text  # the plain-language summary
    assert "<script" not in text.lower()
    # Three charts, each an SVG hidden from assistive technology inside a named image.
    assert len(re.findall(r'<div class="scorecard-chart scorecard-chart-static"', text)) == 3
    assert text.count('<svg aria-hidden="true"') == 3
    assert 'role="img" aria-label="Bar chart of 5 core pillars and 1 section' in text
    # The pillar chart's own table is left out: the page's table of pillars follows it.
    assert text.count('<details class="scorecard-chart-data" open>') == 2
    assert '<details class="scorecard-chart-data" data-search-exclude' not in text
    chart_table = '<th scope="col">Pillar</th><th scope="col">Score</th><th scope="col">Grade</th>'
    assert chart_table not in text
    assert len(re.findall(r"<th>Pillar</th>\s*<th>Score</th>\s*<th>Coverage</th>", text)) == 1
    # The site's page keeps it, marked as shown again on the page, for readers of the chart.
    markdown = pdf.render_page(
        pdf.environment(), Gatherer(project, facts["public"]).institution("tansyford")
    )
    assert chart_table in markdown and "data-table-on-page" in markdown
    assert "Appendix: methodology" in text and "Public: holds only" in text
    assert 'href="../' not in text  # the site's own links are plain text on paper
    flat = " ".join(text.split())
    leaked = [
        s
        for s in canaries(facts.project, facts.texts)
        for t in packets.values()
        if s in " ".join(t.split())
    ]
    assert leaked == [] and "Internal scorecard" not in flat


def test_no_page_is_more_than_a_third_blank_but_the_last(packets: Path) -> None:
    """Tansyford's packet: a page ends where its content ends, never half way because a chart
    would not fit (it goes on the same page, its table may run over), and the appendix
    follows on; pages 1 and 2 are kept as pictures to look at."""
    pages = page_images(packets / "pdf" / "tansyford.pdf")
    blank = [round(page.blank_share(), 2) for page in pages]
    assert len(pages) >= 8
    assert max(blank[:-1]) <= 1 / 3, blank
    ARTIFACTS.mkdir(exist_ok=True)
    for number in (1, 2):
        (ARTIFACTS / f"packet-tansyford-page-{number}.png").write_bytes(pages[number - 1].png())
    # Every packet, whatever its length.
    for path in sorted((packets / "pdf").glob("*.pdf")):
        shares = [page.blank_share() for page in page_images(path, dpi=30)]
        assert max(shares[:-1]) <= 1 / 3, (path.name, [round(s, 2) for s in shares])


def test_blank_share_measures_the_longest_gap() -> None:
    width, height = 10, 297  # one pixel a millimetre of A4's height
    rows = [b"\xff" * width] * height
    for y in range(18, 60):  # ink from the top margin down to 60 mm, then nothing
        rows[y] = b"\x00" * width
    half = PageImage(width, height, b"".join(rows))
    assert round(half.blank_share(), 2) == round((297 - 16 - 60) / (297 - 16 - 18), 2)
    full = PageImage(width, height, b"\x00" * width * height)
    assert full.blank_share() == 0.0
    assert half.png().startswith(b"\x89PNG")


def test_a_failed_print_keeps_the_previous_packets(
    packets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(packets / "pdf")
    monkeypatch.setenv("SCORECARD_CHROMIUM", str(packets / "no-such-chromium"))
    monkeypatch.setattr(pdf, "gather_packets", lambda *args: [("x", "X", "<p>x</p>")])
    with pytest.raises(pdf.PdfError, match="set SCORECARD_CHROMIUM"):
        pdf.build_pdfs(packets.parent, packets, "internal")
    assert snapshot(packets / "pdf") == before
    assert not (packets / pdf.STAGING_PDF).exists()


def test_without_playwright_the_error_says_what_to_install(
    tmp_path: Path, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    monkeypatch.setattr(pdf, "gather_packets", lambda *args: [("x", "X", "<p>x</p>")])
    with pytest.raises(pdf.PdfError, match=r"pip install 'hospital-scorecard\[pdf\]'"):
        pdf.build_pdfs(example, tmp_path / "out", "internal")
    assert not (tmp_path / "out" / "pdf").exists()


@needs_chromium
def test_build_pdf_option(make_project: MakeProject) -> None:
    root = make_project(default=True)
    out = root / "out"
    args = ["build", "--project", str(root), "--out", str(out), "--audience", "public", "--pdf"]
    result = Runner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"wrote 1 public PDF packets in {out / 'pdf'}" in result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["pdf", "public"]
    assert (out / "pdf" / "north-valley.pdf").read_bytes().startswith(b"%PDF-")

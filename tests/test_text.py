"""Generated pages written in ASCII show the same text."""

from __future__ import annotations

import html
from pathlib import Path

import markdown
from bs4 import BeautifulSoup

from scorecard.text import ascii_page, inert

PAGE = (
    '---\ntitle: "Zoë ≤ Clinic"\n---\n\n# Zoë ≤ Clinic\n\n'
    "Target ≤ 4 hours · n = 48 – `café ≥` and “quoted”\n\n"
    "```\nkeep ≤ here\n```\n\n<table>\n<tr><td>≥ 80 %</td></tr>\n</table>\n"
)


def test_characters_beyond_ascii_become_references_but_in_code_headings_and_front_matter() -> None:
    written = ascii_page(PAGE)
    assert written == (
        '---\ntitle: "Zoë ≤ Clinic"\n---\n\n# Zoë ≤ Clinic\n\n'
        "Target &#8804; 4 hours &#183; n = 48 &#8211; `café ≥` and &#8220;quoted&#8221;\n\n"
        "```\nkeep ≤ here\n```\n\n<table>\n<tr><td>&#8805; 80 %</td></tr>\n</table>\n"
    )
    assert ascii_page("plain text only\n") == "plain text only\n"


def test_the_page_reads_the_same() -> None:
    def shown(page: str) -> str:
        body = page.split("---\n", 2)[2]
        converted = markdown.markdown(body, extensions=["tables", "toc", "fenced_code"])
        return BeautifulSoup(converted, "html.parser").get_text()

    assert shown(ascii_page(PAGE)) == shown(PAGE)
    assert "≥ 80 %" in shown(ascii_page(PAGE))


def test_the_built_example_pages_are_ascii_but_their_front_matter_and_headings(
    tmp_path: Path,
) -> None:
    from scorecard.site import build_site

    root = Path(__file__).resolve().parents[1]
    build_site(root, tmp_path / "site", ["public"], keep_docs=True)
    docs = tmp_path / "site" / ".last-docs" / "public" / "docs"
    page = (docs / "institutions" / "index.md").read_text(encoding="utf-8")
    body = [line for line in page.split("---\n", 2)[2].split("\n") if not line.startswith("#")]
    assert all(line.isascii() for line in body)
    institution = next(p for p in (docs / "institutions").glob("*.md") if p.name != "index.md")
    shown = BeautifulSoup(
        (tmp_path / "site" / "public" / "institutions" / institution.stem / "index.html").read_text(
            encoding="utf-8"
        ),
        "html.parser",
    ).get_text()
    assert "≥" in shown or "≤" in shown  # the targets show as themselves


def test_numbers_stay_plain_but_what_would_start_a_list_or_a_rule_is_escaped() -> None:
    # A national site's tables hold hundreds of thousands of numbers: each reference costs
    # Python-Markdown and MkDocs a step, so a number that cannot start a block stays as it is.
    assert [inert(t) for t in ("35.8", "-2.8", "7.7 hours", "100 %", "1)x")] == [
        "35.8",
        "-2.8",
        "7.7 hours",
        "100 %",
        "1)x",
    ]
    for text in ("1. first", "1.", "2)", "- item", "-", "---", "--x"):
        made = inert(text)
        assert made[0] == "&", text
        for source in (f"a line\n\n{made}\n\nlast", f"a line\n{made}\n"):
            out = markdown.markdown(source, extensions=["tables", "toc"])
            assert BeautifulSoup(out, "html.parser").find_all(["ol", "ul", "hr", "h2"]) == []
        assert html.unescape(made) == text

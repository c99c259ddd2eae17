"""Markdown pages from templates (scorecard.render): the search path of a project's own
templates and the built-in ones, loud failures, audit text that stays text, and the addresses
of the site's own links."""

from __future__ import annotations

import html
import itertools
import posixpath
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from markupsafe import Markup
from site_helpers import (
    HOSTILE_INTERNAL,
    HOSTILE_NAME,
    HOSTILE_PUBLIC,
    HOSTILE_WEBSITE,
    checked,
    hostile_files,
    institution,
    write_tree,
)

import scorecard
from scorecard.context import Page, Site
from scorecard.facts import facts_of
from scorecard.model import Audience
from scorecard.pages import Gatherer
from scorecard.render import built_address, environment, page_address, render_page
from scorecard.text import inert, plain

BUILTIN = Path(scorecard.__file__).parent / "templates"
#: The Markdown extensions of the example site, as MkDocs would run them.
EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "toc", "abbr", "def_list"]
AUDIT = {
    "audited": date(2026, 10, 15),
    "auditor": "Office of Wellbeing",
    "metrics": {
        "admin.ehr_time_per_8h": {"value": 6.0},
        "safety.speak_up": {"positive": 132, "n": 210},
        "recognition.non_revenue_recognition": {"value": True},
    },
}


def rendered(root: Path, audience: Audience = "public") -> dict[str, str]:
    """Every page of the gatherer of ``root``'s project, rendered with its templates: path ->
    Markdown."""
    project = checked(root)
    env = environment(root / "site_templates")
    pages = Gatherer(project, facts_of(project, (audience,))[audience]).pages()
    return {page.path: render_page(env, page) for page in pages}


def as_html(text: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.markdown(text, extensions=EXTENSIONS), "html.parser")


# --- the search path -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "names", "chosen"),
    [
        ({}, ["institution-a.md.j2", "institution.md.j2"], "built-in institution.md.j2"),
        (
            {"institution.md.j2": "x"},
            ["institution-a.md.j2", "institution.md.j2"],
            "institution.md.j2",
        ),
        (
            {"institution.md.j2": "x", "institution-a.md.j2": "x"},
            ["institution-a.md.j2", "institution.md.j2"],
            "institution-a.md.j2",
        ),
        (
            {"institution-a.md.j2": "x"},
            ["institution-b.md.j2", "institution.md.j2"],
            "built-in institution.md.j2",
        ),
        ({"home.md.j2": "x"}, ["home.md.j2"], "home.md.j2"),
        ({"home.md.j2": "x"}, ["default:home.md.j2"], "built-in home.md.j2"),
    ],
    ids=[
        "built-in",
        "project-first",
        "page-specific-first",
        "another-page-specific-one",
        "project-replaces",
        "default-prefix",
    ],
)
def test_templates_are_found_along_the_search_path(
    tmp_path: Path, files: dict[str, str], names: list[str], chosen: str
) -> None:
    write_tree(tmp_path, {f"site_templates/{name}": text for name, text in files.items()})
    template = environment(tmp_path / "site_templates").select_template(names)
    assert template.filename is not None
    found = Path(template.filename)
    where = "built-in " if found.parent == BUILTIN else ""
    assert f"{where}{found.name}" == chosen


def test_template_names_cannot_leave_the_template_folders(tmp_path: Path) -> None:
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "secret.md.j2").write_text("secret", encoding="utf-8")
    env = environment(tmp_path / "site_templates")
    for name in ["../secret.md.j2", "default:../secret.md.j2", "/etc/hostname", "a/../../x"]:
        with pytest.raises(jinja2.TemplateNotFound):
            env.get_template(name)


def test_template_overrides_extend_the_built_in_ones(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "project",
        {
            "content/institutions/north-valley.yml": institution("North Valley Hospital", "named"),
            "content/institutions/south-ridge.yml": institution("South Ridge Hospital", "named"),
            "content/audits/north-valley/2026-Q3.yml": AUDIT,
            "content/audits/south-ridge/2026-Q3.yml": AUDIT,
            "site_templates/institution.md.j2": (
                '{% extends "default:institution.md.j2" %}\n{% block extra %}\n\n'
                "Reviewed by the council of {{ name }} <i>{{ period }}</i>.\n{% endblock %}\n"
            ),
            "site_templates/institution-north-valley.md.j2": (
                '{% extends "default:institution.md.j2" %}\n{% block extra %}\n\n'
                "Only for North Valley.\n{% endblock %}\n"
            ),
            "site_templates/home.md.j2": (
                '{% extends "default:home.md.j2" %}\n{% block extra %}\n\n'
                "Network note: *{{ institutions | length }} members*.\n{% endblock %}\n"
            ),
        },
    )
    pages = rendered(root)

    south = pages["institutions/south-ridge.md"]
    assert "Reviewed by the council of South Ridge Hospital" in south
    italic = as_html(south).select_one("i")  # the template's own markup stays markup
    assert italic is not None and italic.get_text() == "2026-Q3"
    assert "scorecard-chart" in south  # the built-in page is still there
    assert "Only for North Valley" not in south

    north = pages["institutions/north-valley.md"]
    assert "Only for North Valley." in north
    assert "Reviewed by the council" not in north
    assert "scorecard-chart" in north

    home = pages["index.md"]
    assert "Network note:" in home
    assert [em.get_text() for em in as_html(home).select("p em")][-1] == "2 members"
    assert "scorecard-chart" in home


# --- a missing value fails loudly ------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    ["{{ undefined_variable }}", "{{ name.nope.deeper }}", "{% if nope %}x{% endif %}"],
    ids=["undefined-name", "undefined-attribute", "undefined-in-a-test"],
)
def test_an_undefined_value_fails_loudly(source: str) -> None:
    template = environment(None).from_string(source)
    with pytest.raises(jinja2.UndefinedError):
        template.render(name="North Valley")


@dataclass(frozen=True)
class OnlyASite:
    site: Site


def test_a_built_in_page_with_too_little_context_fails_loudly() -> None:
    site = Site("public", False, "Framework", "1", "0" * 64, "2026-Q3")
    page = Page("methodology.md", ["methodology.md.j2"], OnlyASite(site), "Methodology")
    with pytest.raises(jinja2.UndefinedError):
        render_page(environment(None), page)


# --- text from audits is text ---------------------------------------------------------------

TEXTS = {
    "name": HOSTILE_NAME,
    **HOSTILE_PUBLIC,
    **HOSTILE_INTERNAL,
    "website": HOSTILE_WEBSITE,
    "list": "- 1. # heading",
    "rule": "---",
    "lines": "one\n\n<script>x</script>\n    code",
    "entity": "&amp; &#60; &lt;",
    "controls": "a\x02- b\x7f c",
}


@pytest.mark.parametrize("value", list(TEXTS.values()), ids=list(TEXTS))
def test_every_value_is_inert_in_markdown_and_html(value: str) -> None:
    env = environment(None)
    shown = plain(value)

    text = env.from_string("{{ value }}").render(value=value)
    page = as_html(text)
    assert {tag.name for tag in page.find_all(True)} <= {"p"}
    assert page.get_text() == shown

    cell = as_html(env.from_string("| a |\n|---|\n| {{ value }} |\n").render(value=value))
    assert [td.get_text() for td in cell.select("td")] == [shown]

    attribute = env.from_string('<a title="{{ value }}">x</a>').render(value=value)
    link = BeautifulSoup(attribute, "html.parser").select("a")
    assert [a.attrs for a in link] == [{"title": shown}]


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (71.25, "71.25"), (0, "0"), (True, "True")],
    ids=["none", "float", "zero", "bool"],
)
def test_values_that_are_not_text(value: Any, text: str) -> None:
    assert environment(None).from_string("{{ value }}").render(value=value) == text


def test_a_chart_block_stays_markup() -> None:
    block = Markup('<figure class="scorecard-chart-figure"><div data-spec="e30="></div></figure>')
    out = (
        environment(None)
        .from_string("{{ chart }}\n\n{{ name }}")
        .render(chart=block, name="<b>x</b>")
    )
    assert out == f"{block}\n\n{inert('<b>x</b>')}"


@pytest.mark.parametrize(
    ("source", "value", "expected"),
    [
        ('{{ value | link("institutions/a.md") }}', "A *b*", "[A &#42;b&#42;](institutions/a.md)"),
        ('{{ "x" | link(value) }}', "javascript:alert(1)", "[x](javascriptalert1)"),
        ('{{ "Website" | weblink(value) }}', "javascript:alert(1)", "Website"),
        ('{{ "Website" | weblink(value) }}', "ftp://example.org/", "Website"),
        (
            '{{ "Web" | weblink(value) }}',
            "https://e.org/?q=<b>",
            '<a href="https&#58;//e.org/?q&#61;&#60;b&#62;" rel="nofollow noopener">Web</a>',
        ),
        ("{{ value | grade }}", "B", '<span class="scorecard-grade scorecard-grade-b" '),
        ("{{ value | grade }}", None, '<span class="scorecard-grade scorecard-grade-none">'),
    ],
    ids=[
        "link-text",
        "link-address",
        "weblink-script",
        "weblink-not-web",
        "weblink-web",
        "grade",
        "no-grade",
    ],
)
def test_filters_keep_audit_text_inert(source: str, value: Any, expected: str) -> None:
    assert environment(None).from_string(source).render(value=value).startswith(expected)


@pytest.mark.parametrize("value", list(TEXTS.values()), ids=list(TEXTS))
def test_a_title_in_front_matter_is_one_quoted_line(value: str) -> None:
    line = environment(None).from_string("title: {{ value | yamlstr }}").render(value=value)
    assert "\n" not in line
    assert yaml.safe_load(line) == {"title": html.escape(plain(value))}


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_audit_text_is_inert_on_an_institution_page(tmp_path: Path, audience: Audience) -> None:
    page = rendered(write_tree(tmp_path, hostile_files()), audience)["institutions/harrow.md"]
    front, body = page.removeprefix("---\n").split("\n---\n", 1)
    assert yaml.safe_load(front)["title"] == html.escape(HOSTILE_NAME)
    for tag in ("<script", "<img", "<b>", "javascript:", "{{", "{%"):
        assert tag not in body
    shown = {"name": HOSTILE_NAME, **HOSTILE_PUBLIC}
    if audience == "internal":
        shown |= HOSTILE_INTERNAL
    for field, value in shown.items():
        assert inert(value) in body, field
    assert body.count('<figure class="scorecard-chart-figure"') >= 2  # charts stay markup


# --- addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "directory_urls", "address"),
    [
        ("index.md", True, ""),
        ("index.md", False, "index.html"),
        ("compare.md", True, "compare/"),
        ("compare.md", False, "compare.html"),
        ("institutions/index.md", True, "institutions/"),
        ("institutions/index.md", False, "institutions/index.html"),
        ("institutions/north-valley.md", True, "institutions/north-valley/"),
        ("institutions/north-valley.md", False, "institutions/north-valley.html"),
        ("data/scores.json", True, "data/scores.json"),
        ("badges/x.svg", False, "badges/x.svg"),
    ],
    ids=lambda v: str(v),
)
def test_page_address(path: str, directory_urls: bool, address: str) -> None:
    assert page_address(path, directory_urls) == address


@pytest.mark.parametrize("directory_urls", [True, False])
def test_links_in_html_blocks_have_the_address_mkdocs_would_give(directory_urls: bool) -> None:
    from mkdocs.structure.files import File
    from mkdocs.utils import get_relative_url

    pages = ["index.md", "compare.md", "data.md", "institutions/index.md", "institutions/x.md"]
    pages += ["pillars/complex_care.md", "peer-groups/index.md", "peer-groups/a.md"]
    pages += ["pages/guide/index.md", "pages/guide/more/setup.md"]
    files = ["data/institutions/x.json", "badges/x.svg"]
    for page, target in itertools.product(pages, pages + files):
        here, there = (File(p, "docs", "site", directory_urls) for p in (page, target))
        link = posixpath.relpath(target, posixpath.dirname(page) or ".")
        mkdocs_gives = get_relative_url(there.url, here.url)
        assert built_address(link, page, directory_urls) == mkdocs_gives


@pytest.mark.parametrize(
    ("page", "url", "directory_urls", "href"),
    [
        ("index.md", "institutions/a.md", True, "institutions/a/"),
        ("index.md", "institutions/a.md", False, "institutions/a.html"),
        ("institutions/index.md", "../institutions/a.md", True, "a/"),
        ("institutions/index.md", "../institutions/a.md", False, "a.html"),
        ("pillars/admin.md", "../index.md", True, "../../"),
        ("index.md", "javascript:alert(1).md", True, "javascriptalert1/"),
    ],
    ids=lambda v: str(v),
)
def test_an_html_link_has_the_built_address(
    page: str, url: str, directory_urls: bool, href: str
) -> None:
    env = environment(None, directory_urls=directory_urls)
    out = env.from_string("{{ 'A <b>' | html_link(url) }}").render(url=url, page_path=page)
    assert out == f'<a href="{href}">A &#60;b&#62;</a>'

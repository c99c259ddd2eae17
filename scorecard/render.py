"""Markdown pages from Jinja2 templates.

Templates are found along a search path: the project's ``site_templates/`` first, then the
built-in templates inside the package. ``default:NAME`` always names the built-in one, so
an override can extend the page it replaces. Every ``{{ value }}`` is made inert text
(HTML and Markdown alike) unless it is already markup, such as a chart block.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from scorecard.context import Page, as_dict
from scorecard.text import inert, plain
from scorecard.wording import count_text, number_word


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(inert(str(value)))  # noqa: S704 - inert() escapes every special character


def _grade(grade: str | None, score: str | None = None) -> Markup:
    """A grade as a letter in a badge: never told by colour alone; ``score``, when given, is
    named in its title (where the letter stands for the score)."""
    if not grade:
        return Markup('<span class="scorecard-grade scorecard-grade-none">–</span>')
    letter = inert(grade)
    css = "".join(c for c in grade.lower() if c.isalnum())
    title = f"grade {letter}" if score is None else f"score {inert(str(score))}, grade {letter}"
    return Markup(  # noqa: S704 - letter and score are inert, css is alphanumeric
        f'<span class="scorecard-grade scorecard-grade-{css}" title="{title}">{letter}</span>'
    )


def _safe_url(url: str) -> str:
    """A link to one of the site's own files, with nothing in it but a path's characters and
    those of a query of plain values (``compare.md?ids=a,b``)."""
    return "".join(c for c in url if c.isalnum() or c in "-_./?=,")


def _link(text: str, url: str) -> Markup:
    """A Markdown link to one of the site's own pages."""
    return Markup(f"[{inert(text)}]({_safe_url(url)})")  # noqa: S704


def page_address(path: str, directory_urls: bool = True) -> str:
    """Where MkDocs puts a file of the docs folder, from the site's root: a page ``x.md`` is
    at ``x/`` with ``use_directory_urls`` (``index.md`` in its folder), else at ``x.html``;
    any other file keeps its path."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/"


def built_address(link: str, page: str, directory_urls: bool = True) -> str:
    """The address, relative to the built ``page``, of ``link``: a path relative to the
    Markdown file ``page`` in the docs folder, as MkDocs would rewrite it (a query kept)."""
    link, mark, query = link.partition("?")
    target = page_address(
        posixpath.normpath(posixpath.join(posixpath.dirname(page), link)), directory_urls
    )
    here = page_address(page, directory_urls)
    # Both are normal paths from the site's root: the way from one folder to the other is
    # up past what they do not share, then down (as posixpath.relpath, without its getcwd).
    folder = here.split("/")[:-1]
    into = target.split("/")
    shared = 0
    while shared < min(len(folder), len(into) - 1) and folder[shared] == into[shared]:
        shared += 1
    relative = "/".join([".."] * (len(folder) - shared) + into[shared:])
    return (relative or "./") + mark + query


@jinja2.pass_context
def _html_link(context: jinja2.runtime.Context, text: str, url: str) -> Markup:
    """An HTML link to one of the site's own pages or files, for a table written as an HTML
    block (which MkDocs passes through: the address is the built one, `built_address`)."""
    directory_urls = context.environment.globals["directory_urls"] is not False
    address = built_address(_safe_url(url), context["page_path"], directory_urls)
    return Markup(f'<a href="{address}">{inert(text)}</a>')  # noqa: S704


def _web_link(text: str, url: str) -> Markup:
    """A link to an outside address from an audit: http(s) only, shown as text otherwise."""
    if not url.lower().startswith(("https://", "http://")):
        return Markup(inert(text))  # noqa: S704
    return Markup(  # noqa: S704
        f'<a href="{inert(url)}" rel="nofollow noopener">{inert(text)}</a>'
    )


#: Characters PyYAML refuses in a file; the front matter writes them as \u escapes.
_YAML_UNSAFE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _yaml_string(value: Any) -> Markup:
    """A one-line text as a quoted YAML string, for a page's front matter.

    HTML-escaped too: MkDocs themes put a page's title into the page (``<title>``, the
    header, the search index) without escaping it.
    """
    text = html.escape(plain(value))
    quoted = json.dumps(text, ensure_ascii=False)
    # A character YAML may not carry (DEL, C1 controls, U+FFFE) would void the front matter.
    quoted = _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
    return Markup(quoted)  # noqa: S704


class ProjectTemplates(jinja2.FileSystemLoader):
    """A project's ``site_templates/``: a template that is a link to a place outside the project
    is refused, so that a build reads nothing from outside it."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.project = Path(os.path.abspath(folder)).parent.resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.project):
            raise jinja2.TemplateError(
                f"{filename} is a link to a place outside the project; it is not read"
            )
        return source, filename, uptodate


def environment(
    project_templates: Path | None = None, *, directory_urls: bool = True
) -> jinja2.Environment:
    """The templates' environment; ``directory_urls``: the project's use_directory_urls, for
    the addresses of links that MkDocs does not rewrite (`built_address`)."""
    builtin = jinja2.PackageLoader("scorecard", "templates")
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"default": builtin}, delimiter=":")]
    if project_templates is not None and project_templates.is_dir():
        loaders.append(ProjectTemplates(project_templates))
    loaders.append(builtin)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["grade"] = _grade
    env.filters["link"] = _link
    env.filters["html_link"] = _html_link
    env.globals["directory_urls"] = directory_urls
    env.filters["weblink"] = _web_link
    env.filters["yamlstr"] = _yaml_string
    env.filters["inert"] = lambda v: Markup(inert(str(v)))  # noqa: S704
    env.filters["count"] = count_text  # {{ n | count("institution") }}: "1 institution"
    env.filters["words"] = number_word  # {{ 5 | words }}: "five"
    return env


def render_page(env: jinja2.Environment, page: Page) -> str:
    template = env.select_template(page.templates)
    return template.render(**as_dict(page.context), page_title=page.title, page_path=page.path)

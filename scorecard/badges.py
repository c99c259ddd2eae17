"""Static SVG badges: an institution's grade for a period, to embed on other sites.

Hand-written SVG (no script, no outside font or image), every text escaped for XML. A badge
reads ``<label> <period> | <grade> <score>``; its colours are the site's grade colours, and
the grade is a letter, never told by colour alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from scorecard.text import inert

FONT = "Verdana,DejaVu Sans,Geneva,sans-serif"
HEIGHT = 20
LABEL_FILL, LABEL_INK = "#3d3d3d", "#ffffff"
#: Grade -> (fill, ink); the site's grade badge colours (colour-blind safe, Okabe & Ito).
GRADE_COLOURS = {
    "A": ("#0072B2", "#ffffff"),
    "B": ("#56B4E9", "#000000"),
    "C": ("#F0E442", "#000000"),
    "D": ("#E69F00", "#000000"),
    "F": ("#D55E00", "#000000"),
}
NO_GRADE = ("#9e9e9e", "#000000")
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NARROW = set("fijlrt.,:;|!'()[] ")
_WIDE = set("MWmw@%")


def xml_text(text: str) -> str:
    """Text for an XML element or attribute: one line, no character XML refuses, and every
    character that markup or Markdown (and its extensions) could read as syntax written as a
    character reference, so that a badge drawn inside a page stays text there too."""
    return inert(_NOT_XML.sub("\ufffd", str(text)))


def text_width(text: str) -> int:
    """An estimate of the width in pixels of ``text`` in 11 px Verdana."""
    width = 0.0
    for c in text:
        if c in _NARROW:
            width += 3.9
        elif c in _WIDE:
            width += 10.0
        elif c.isupper() or c.isdigit():
            width += 7.5
        else:
            width += 6.6
    return round(width)


def badge_svg(label: str, value: str, colours: tuple[str, str], title: str) -> str:
    """A two-part badge: ``label`` on grey, ``value`` on ``colours`` (fill, ink)."""
    left = text_width(label) + 12
    right = text_width(value) + 12
    fill, ink = colours
    name = xml_text(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + right}" height="{HEIGHT}" '
        f'viewBox="0 0 {left + right} {HEIGHT}" role="img" aria-label="{name}">'
        f"<title>{name}</title>"
        f'<rect width="{left}" height="{HEIGHT}" fill="{LABEL_FILL}"/>'
        f'<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{fill}"/>'
        f'<g font-family="{FONT}" font-size="11" text-anchor="middle">'
        f'<text x="{left / 2:g}" y="14" fill="{LABEL_INK}">{xml_text(label)}</text>'
        f'<text x="{left + right / 2:g}" y="14" fill="{ink}" font-weight="bold">'
        f"{xml_text(value)}</text>"
        "</g></svg>"
    )


def grade_badge(
    label: str, period: str, grade: str | None, score: float | None, subject: str
) -> str:
    """The badge of one grade: ``subject`` names who and what, for its text alternative."""
    if grade is None or score is None:
        value, colours = "no score", NO_GRADE
        said = f"{subject}: no score for {period}"
    else:
        value = f"{grade} {score:.1f}"
        colours = GRADE_COLOURS.get(grade.upper(), NO_GRADE)
        said = f"{subject}: grade {grade} ({score:.1f}) for {period}"
    return badge_svg(f"{label} {period}", value, colours, said)


def badge_paths(pillars_of: Mapping[str, list[str]]) -> dict[tuple[str, str | None], str]:
    """(institution id, pillar id or None for the overall grade) -> path in the site.

    ``badges/<id>.svg`` and ``badges/<id>-<pillar>.svg``; ids may hold dashes, so a pillar
    badge whose name another badge already has (institution ``a-b`` and institution ``a``'s
    pillar ``b``) is left out: overall badges first, then pillar badges in order.
    """
    out: dict[tuple[str, str | None], str] = {
        (inst_id, None): f"badges/{inst_id}.svg" for inst_id in sorted(pillars_of)
    }
    taken = set(out.values())
    for inst_id in sorted(pillars_of):
        for pid in pillars_of[inst_id]:
            path = f"badges/{inst_id}-{pid}.svg"
            if path not in taken:
                out[(inst_id, pid)] = path
                taken.add(path)
    return out


@dataclass(frozen=True)
class BadgeView:
    """An institution's badges as its page shows them; addresses are relative to the site."""

    preview: Markup  # the overall badge, drawn inline
    overall: str  # "badges/<id>.svg"
    page: str  # "institutions/<id>/"
    alt: str
    pillars: list[tuple[str, str]]  # (pillar name, "badges/<id>-<pillar>.svg")
    base: str = ""  # the site's address (its site_url), "" when unknown

    @property
    def snippet(self) -> str:
        """The Markdown that embeds the overall badge, linked to the page."""
        alt = self.alt.replace("[", "(").replace("]", ")")
        return f"[![{alt}]({self.base}{self.overall})]({self.base}{self.page})"


_ADDRESS = re.compile(r"https?://[^\s\"'<>`\\()\[\]]+")


def site_address(site_url: object) -> str:
    """A site's http(s) address ending with "/", from mkdocs.yml's ``site_url``; else ""."""
    text = str(site_url or "").strip()
    if not _ADDRESS.fullmatch(text):
        return ""
    return text if text.endswith("/") else text + "/"


def inline(svg: str) -> Markup:
    """A badge to draw inside a page: one HTML block that Markdown passes through."""
    return Markup(f'<div class="scorecard-badge-preview">{svg}</div>')  # noqa: S704 - escaped

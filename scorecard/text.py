"""Text from audits is data: make it inert in Markdown and HTML alike."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

# HTML's own characters, and every character Python-Markdown or its extensions may read as
# syntax (emphasis, code, links, tables, attribute lists, headings, lists, entities).
_SPECIAL = re.compile(r"[&<>\"'`*_\[\]{}|#+!~^\\:=]")
# At the start of a block, a dash or a number with a dot or bracket starts a list when a space
# or the end follows ("- a", "1. a", "2)"), and dashes alone underline a heading or make a rule;
# a number such as 35.8 or -2.8 is left as it is (they fill a national site's tables).
_LIST_START = re.compile(r"-(?= |-|$)|[0-9]+[.)](?= |$)")
# Control characters: invisible, and STX/ETX mark Python-Markdown's placeholders (it deletes
# them, so "\x02- x" would start a list). Those that are whitespace go with the line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def plain(text: str) -> str:
    """Text on one line: white space collapsed, invisible control characters dropped."""
    return " ".join(_CONTROL.sub("", str(text)).split())


def short_texts_once(escape: Callable[[str], str]) -> Callable[[str], str]:
    """``escape``, each short text (a name, a target, a period: they recur on page after page)
    escaped once and its result kept; long texts are escaped each time."""
    kept = functools.lru_cache(maxsize=1 << 16)(escape)

    @functools.wraps(escape)
    def once(text: str) -> str:
        return kept(text) if isinstance(text, str) and len(text) <= 200 else escape(text)

    return once


@short_texts_once
def inert(text: str) -> str:
    """Text that shows as itself in a Markdown page, in HTML content and in attribute values.

    Every character that could be markup becomes a numeric character reference (dashes and
    brackets only where they would start a list); line breaks become spaces, so text can
    never start a new Markdown block.
    """
    flat = plain(text)
    escaped = _SPECIAL.sub(lambda m: f"&#{ord(m.group())};", flat)
    if _LIST_START.match(escaped):
        escaped = f"&#{ord(escaped[0])};{escaped[1:]}"
    return escaped


def is_web_link(url: str) -> bool:
    return url.lower().startswith(("https://", "http://"))


_CODE_SPAN = re.compile(r"(`+).*?\1")


def _references(text: str) -> str:
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def ascii_page(page: str) -> str:
    """A generated Markdown page with every character beyond ASCII written as a numeric
    character reference, which shows as the same character.

    MkDocs holds every page's Markdown and HTML until its build ends, and Python keeps a text
    with one character such as ≤ at two bytes a character: a national site's pages then take
    twice the memory. Front matter, headings (their anchors are made from their text) and code
    (where a reference shows as itself) are left as they are.
    """
    if page.isascii():
        return page
    lines = page.split("\n")
    fenced = front = False
    for i, line in enumerate(lines):
        if i == 0 and line == "---":
            front = True
            continue
        if front:
            front = line != "---"
            continue
        if line.isascii():
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            continue
        if fenced or line.lstrip().startswith("#"):
            continue
        if "`" not in line:
            lines[i] = _references(line)
            continue
        parts, last = [], 0
        for code in _CODE_SPAN.finditer(line):
            parts += [_references(line[last : code.start()]), code.group()]
            last = code.end()
        lines[i] = "".join(parts) + _references(line[last:])
    return "\n".join(lines)

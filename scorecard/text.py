"""Text from audits is data: make it inert in Markdown and HTML alike."""

from __future__ import annotations

import re

# HTML's own characters, and every character Python-Markdown or its extensions may read as
# syntax (emphasis, code, links, tables, attribute lists, headings, lists, entities).
_SPECIAL = re.compile(r"[&<>\"'`*_\[\]{}|#+!~^\\:=]")
# At the start of a block, a dash or a number with a dot or bracket starts a list.
_LIST_START = re.compile(r"-|[0-9]+[.)]")
# Control characters: invisible, and STX/ETX mark Python-Markdown's placeholders (it deletes
# them, so "\x02- x" would start a list). Those that are whitespace go with the line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def plain(text: str) -> str:
    """Text on one line: white space collapsed, invisible control characters dropped."""
    return " ".join(_CONTROL.sub("", str(text)).split())


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

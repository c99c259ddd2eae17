"""Text from audits is data: make it inert in Markdown and HTML alike."""

from __future__ import annotations

import re

# HTML's own characters, and every character Python-Markdown or its extensions may read as
# syntax (emphasis, code, links, tables, attribute lists, headings, lists, entities).
_SPECIAL = re.compile(r"[&<>\"'`*_\[\]{}|#+!~^\\:=]")
# At the start of a block, a dash or a number with a dot or bracket starts a list.
_LIST_START = re.compile(r"-|[0-9]+[.)]")


def inert(text: str) -> str:
    """Text that shows as itself in a Markdown page, in HTML content and in attribute values.

    Every character that could be markup becomes a numeric character reference (dashes and
    brackets only where they would start a list); line breaks become spaces, so text can
    never start a new Markdown block.
    """
    flat = " ".join(str(text).split())
    escaped = _SPECIAL.sub(lambda m: f"&#{ord(m.group())};", flat)
    if _LIST_START.match(escaped):
        escaped = f"&#{ord(escaped[0])};{escaped[1:]}"
    return escaped


def is_web_link(url: str) -> bool:
    return url.lower().startswith(("https://", "http://"))

"""Text from audits is data: make it inert in Markdown and HTML alike."""

from __future__ import annotations

import re

# HTML's own characters, and every character Python-Markdown or its extensions may read as
# syntax (emphasis, code, links, tables, attribute lists, headings, lists, entities).
_SPECIAL = re.compile(r"[&<>\"'`*_\[\]{}()|#+!~\\:=-]")


def inert(text: str) -> str:
    """Text that shows as itself in a Markdown page, in HTML content and in attribute values.

    Every character that could be markup becomes a numeric character reference; line breaks
    become spaces, so text can never start a new Markdown block.
    """
    flat = " ".join(str(text).split())
    return _SPECIAL.sub(lambda m: f"&#{ord(m.group())};", flat)


def is_web_link(url: str) -> bool:
    return url.lower().startswith(("https://", "http://"))

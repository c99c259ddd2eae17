"""Finding internal text in a built site, fast enough for thousands of pages.

Every internal text is searched for in each form the build can write it in: as it is,
HTML-escaped, made inert for Markdown, and JSON-escaped (search index, data files), so one
pass of an Aho-Corasick automaton over each file's raw bytes finds any of them. Compressed
files are searched after decompressing them.
"""

from __future__ import annotations

import gzip
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from scorecard.text import inert

SKIPPED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf")


@dataclass(frozen=True)
class PublicScan:
    """What the public build's scan looks for: internal texts, and the ids of institutions
    that are not published by name (`scorecard.audience.public_scan` decides which)."""

    secrets: list[str]
    private_ids: list[str]


def encodings(text: str) -> set[str]:
    """The forms ``text`` can take in a built site's files."""
    forms = {
        text,
        html.escape(text, quote=True),
        html.escape(text, quote=False),
        inert(text),
        html.escape(inert(text), quote=True),
    }
    for form in list(forms):
        forms.add(json.dumps(form, ensure_ascii=True)[1:-1])
        forms.add(json.dumps(form, ensure_ascii=False)[1:-1])
    return {f for f in forms if f}


class LeakScanner:
    """Searches files for any of a set of secret texts, in any of their encodings."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.automaton = ahocorasick.Automaton()
        count = 0
        self.longest = 0  # characters of the longest form: how far apart two pieces overlap
        for secret in secrets:
            for form in encodings(secret):
                self.automaton.add_word(form, secret)
                self.longest = max(self.longest, len(form))
                count += 1
        self.empty = count == 0
        if not self.empty:
            self.automaton.make_automaton()

    def find(self, text: str) -> str | None:
        """The first secret in ``text``, or None."""
        if self.empty:
            return None
        for _end, secret in self.automaton.iter(text):
            return str(secret)
        return None

    def all_in(self, text: str) -> set[str]:
        """Every secret found in ``text``."""
        if self.empty:
            return set()
        return {str(secret) for _end, secret in self.automaton.iter(text)}

    def find_in_file(self, path: Path) -> str | None:
        if self.empty or path.suffix in SKIPPED_SUFFIXES:
            return None
        raw = path.read_bytes()
        if path.suffix == ".gz":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError):
                return None
        return self.find(raw.decode("utf-8", errors="replace"))

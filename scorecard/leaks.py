"""Finding what a public reader must not see in what a build wrote, fast enough for thousands
of pages: internal texts, and the ids of institutions that are not published by name.

Every internal text is searched for in each form the build can write it in: as it is,
HTML-escaped, made inert for Markdown, and JSON-escaped (search index, data files), so one
pass of an Aho-Corasick automaton over each file's text finds any of them. Compressed files
are searched after decompressing them, and a page's chart specs as text. An id is looked for
only where it could tell an institution: in what a page shows, in the values of data files.

Which texts are internal and which ids are private is not decided here: the caller says
(`scorecard.audience.public_scan`). `scan_site` scans a built site, on every core for a large
one; `scan_texts` scans texts a build holds (the board packets); each tells the first `Leak`.
"""

from __future__ import annotations

import codecs
import functools
import gzip
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import ahocorasick

from scorecard.chartspec import spec_text, with_plain_specs
from scorecard.parallel import map_shared, workers
from scorecard.text import inert

SKIPPED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf")
#: A data file larger than this is read in pieces of this size: the largest (scores.json of a
#: national site) is hundreds of megabytes, and held whole, as text, it would be the build's
#: peak of memory.
PIECE = 1 << 24
#: From this many files up, a site's scan runs on every core.
SCAN_APART_FROM = 2000


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
    """Searches texts for any of a set of secret texts, in any of their encodings."""

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


@dataclass(frozen=True)
class PublicScan:
    """What the public build's scan looks for: internal texts, and the ids of institutions
    that are not published by name (`scorecard.audience.public_scan` decides which)."""

    secrets: list[str]
    private_ids: list[str]


@dataclass(frozen=True)
class Leak:
    """What a scan found first: where (a file's path in the site, a packet's name), and
    either an internal text or the id of an institution not published by name."""

    where: str
    internal_text: str | None = None
    unpublished_id: str | None = None

    @property
    def found(self) -> str:
        """What it would publish, for a message: "contain internal text ('…')" or "name the
        unpublished institution `x`"."""
        if self.internal_text is not None:
            return f"contain internal text ({self.internal_text[:40]!r})"
        return f"name the unpublished institution `{self.unpublished_id}`"


class _Scanning:
    """What a scan looks for (`PublicScan`), made ready to search with."""

    def __init__(self, scan: PublicScan) -> None:
        self.secrets = LeakScanner(scan.secrets)
        # Most files name no unpublished institution at all: one pass of an automaton tells,
        # and only a file where an id occurs is taken apart (HTML parsed, JSON read). Ids are
        # slugs, which none of the encodings the build writes (HTML, JSON, base64 specs
        # decoded) changes.
        self.named_by = LeakScanner(scan.private_ids)
        self.id_pattern = (
            re.compile(
                r"(?<![a-z0-9-])(" + "|".join(map(re.escape, scan.private_ids)) + r")(?![a-z0-9-])"
            )
            if scan.private_ids
            else None
        )
        self.overlap = max(self.secrets.longest, self.named_by.longest)

    def leak(
        self, where: str, suffix: str, texts: Iterable[str], whole: Callable[[], str]
    ) -> Leak | None:
        """What one file (of type ``suffix``) holds that it must not, read as ``texts`` (the
        file in pieces, or in several forms); ``whole`` reads it again, whole."""
        named = False
        for text in texts:
            secret = self.secrets.find(text)
            if secret is not None:
                return Leak(where, internal_text=secret)
            named = named or self.named_by.find(text) is not None
        if not named:
            return None
        assert self.id_pattern is not None  # an id was found: there are ids
        # rare: read again, whole, to tell what names the id
        if match := self.id_pattern.search(_identifying(suffix, whole())):
            return Leak(where, unpublished_id=match.group(1))
        return None


def scan_site(site: Path, scan: PublicScan) -> Leak | None:
    """The first file of a built site (in order) that holds what ``scan`` looks for, and
    what; None if none does. A large site is scanned on every core: a worker that ended
    without a word is `scorecard.parallel.WorkerStopped`."""
    scanning = (site, _Scanning(scan))
    paths = list(_output_files(site))
    if len(paths) < SCAN_APART_FROM:
        found = _scan_files(scanning, paths)
    else:
        # Each core takes every n-th file, largest first, so that each gets about as much.
        paths.sort(key=lambda p: -p.stat().st_size)
        shares = [sorted(paths[k :: workers()]) for k in range(workers())]
        leaks = [p for p in map_shared(_scan_files, scanning, shares) if p is not None]
        # The leak a scan of one file after another would have told: the first file's.
        found = min(leaks, default=None, key=lambda leak: leak[0])
    return None if found is None else found[1]


def _scan_files(scanning: tuple[Path, _Scanning], paths: list[Path]) -> tuple[Path, Leak] | None:
    """The first of ``paths`` (in order) that holds what the public site must not, and what;
    None if none does."""
    site, scanner = scanning
    for path in paths:
        texts = _output_texts(path, scanner.overlap)
        whole = functools.partial(_whole_text, path)
        leak = scanner.leak(str(path.relative_to(site)), path.suffix, texts, whole)
        if leak is not None:
            return path, leak
    return None


def scan_texts(pages: Iterable[tuple[str, str]], scan: PublicScan) -> Leak | None:
    """The first of ``pages`` (name, HTML) that holds what ``scan`` looks for, and what; each
    is read as it is and as a reader sees it (character references decoded, each run of white
    space one space, as the internal texts are), so that a text the page breaks across lines
    is found too."""
    scanning = _Scanning(scan)
    for name, page in pages:
        seen = " ".join(html.unescape(page).split())
        leak = scanning.leak(name, ".html", [page, seen], functools.partial(str, page))
        if leak is not None:
            return leak
    return None


# --- reading a built site's files as text --------------------------------------------------


def _output_files(site: Path) -> Iterator[Path]:
    """Every file of a built site that the scan reads: all but images, fonts and vendor code."""
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix in SKIPPED_SUFFIXES:
            continue
        posix = path.as_posix()
        if path.name == "scorecard-vega.js" or "/assets/javascripts/" in posix:
            continue
        if "/assets/stylesheets/" in posix:  # the theme's own CSS: `overflow: hidden` is no leak
            continue
        yield path


def _output_texts(path: Path, overlap: int) -> Iterable[str]:
    """A file of a built site as text (decompressed); a page's chart specs written out as text
    (they are base64 in the page). A large file comes in pieces, each starting ``overlap``
    characters before the end of the one before, so that a text that long or shorter lies
    whole in one of them."""
    if path.suffix not in (".gz", ".html") and path.stat().st_size > PIECE:
        return _pieces(path, overlap)
    return [_whole_text(path)]


def _whole_text(path: Path) -> str:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            pass
    text = raw.decode("utf-8", errors="replace")
    return with_plain_specs(text) if path.suffix == ".html" else text


def _pieces(path: Path, overlap: int) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    tail = ""
    with path.open("rb") as handle:
        while block := handle.read(PIECE):
            text = tail + decoder.decode(block)
            yield text
            tail = text[len(text) - overlap :] if overlap else ""
    if rest := decoder.decode(b"", final=True):
        yield tail + rest


class _Shown(HTMLParser):
    """What an HTML page shows or links to: its text and the values of the attributes that hold
    text, addresses or chart data; not tag or attribute names, classes, ids, scripts or styles,
    where the theme's own words (`hidden`, `search`) would pass for an institution's id."""

    ATTRIBUTES = {"href", "src", "title", "alt", "aria-label", "content", "data-spec", "value"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts += [v for k, v in attrs if v and k in self.ATTRIBUTES and k != "data-spec"]
        self.parts += [spec_text(v) for k, v in attrs if v and k == "data-spec"]
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _identifying(suffix: str, text: str) -> str:
    """Where an institution's id could show in a file: what a page shows, the values of data
    files, and elsewhere (scripts, styles, the sitemap) only addresses of institution pages."""
    if suffix == ".html":
        parser = _Shown()
        parser.feed(text)
        parser.close()
        return "\n".join(parser.parts)
    if suffix == ".json":
        try:
            return "\n".join(_json_strings(json.loads(text)))
        except ValueError:
            return text
    if suffix == ".csv":
        return text
    return "\n".join(re.findall(r"institutions/[a-z0-9-]+", text))


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)

"""A large site built by several MkDocs builds at once, one on each core, and put together.

MkDocs renders one page after another in one process; on a national site that is 6,000
institution pages and most of the build. Institution pages are not in the navigation, so no
other page's output depends on their being built, nor theirs on another's, but for the search
index and the sitemap, which list them. Every part is therefore given the same docs folder and
``mkdocs.yml``, and its own ``exclude_docs``: the first part builds every other page and the
institution pages whose file names sort first; each further part builds only the next run of
institution pages. Links between pages come out the same, since MkDocs still knows excluded
pages (it only does not write them). Each part's pages, and its entries in the search index and
the sitemap, are then moved into the first part's site, where one build would have put them.

The docs folder and ``mkdocs.yml`` are unchanged by this: the same site builds in one go with
``mkdocs build``, or with MkDocs' successors.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Every character of an institution page's file name (an id, `model.SLUG`, and ``.md``), in
#: order: the names a part builds are a run of them in this order.
NAME_CHARACTERS = "-.0123456789abcdefghijklmnopqrstuvwxyz"
_NAME = re.compile(r"institutions/([a-z0-9][a-z0-9-]*\.md)")
#: MkDocs spends about this many times as long on a byte of the other pages (long tables, and
#: the search index) as on a byte of an institution page; measured at 1,000 institutions,
#: where the first part also copies the data files and badges (the parts took 19.8 and 18.8 s
#: at 2, 18.4 and 20.0 s at 3).
OTHER_PAGE_WEIGHT = 2.5
#: Fewer institution pages than this are built in one go: a part costs a second or so to start.
PARTS_FROM = 50


def names_below(bound: str) -> list[str]:
    """Glob patterns that together match exactly the file names (of `NAME_CHARACTERS`) that
    sort before ``bound``: for each position, the names that agree with it up to there and
    have a smaller character there."""
    patterns = []
    for at, char in enumerate(bound):
        smaller = NAME_CHARACTERS[: NAME_CHARACTERS.index(char)]
        if smaller:
            patterns.append(f"{bound[:at]}[{smaller}]*")
    return patterns


def plan(docs: Path, pages: Sequence[str], standalone: Sequence[str], count: int) -> list[str]:
    """The ``exclude_docs`` of each part, ``count`` at most, that share the ``pages`` of
    ``docs`` between them: the first builds every page but the ``standalone`` ones (institution
    pages, as ``institutions/<id>.md``) past its share. An empty list when the pages are built
    in one go: a single part, fewer than `PARTS_FROM`, or a page not named by an institution id."""
    names = []
    for path in standalone:
        match = _NAME.fullmatch(path)
        if match is None or path == "institutions/index.md":
            return []
        names.append(match.group(1))
    names.sort()
    if count < 2 or len(names) < max(count, PARTS_FROM):
        return []
    sizes = {name: (docs / "institutions" / name).stat().st_size for name in names}
    alone = {f"institutions/{name}" for name in names}
    others = sum((docs / p).stat().st_size for p in pages if p not in alone)
    total = OTHER_PAGE_WEIGHT * others + sum(sizes.values())
    # bounds[k]: the first name of part k + 1; each part takes names until it has its share.
    bounds: list[str] = []
    load = OTHER_PAGE_WEIGHT * others
    for name in names:
        if len(bounds) == count - 1:
            break
        if load >= total * (len(bounds) + 1) / count:
            bounds.append(name)
        load += sizes[name]
    if not bounds:
        return []

    def below(bound: str) -> list[str]:
        return [f"/institutions/{p}" for p in names_below(bound)]

    excludes = [
        "\n".join(
            ["/institutions/*.md", "!/institutions/index.md"] + [f"!{p}" for p in below(bounds[0])]
        )
    ]
    for at, bound in enumerate(bounds):
        upto = (
            [f"!{p}" for p in below(bounds[at + 1])]
            if at + 1 < len(bounds)
            else ["!/institutions/*.md"]
        )
        excludes.append("\n".join(["*", *upto, *below(bound), "/institutions/index.md"]))
    return excludes


@dataclass(frozen=True)
class Part:
    config: Path  # its mkdocs.yml, which inherits the site's
    site: Path  # where it builds


def write_configs(config_path: Path, excludes: Sequence[str]) -> list[Part]:
    """A config for each part beside ``config_path``, inheriting it: the first part builds into
    the site's folder, each other into a folder of its own."""
    site_dir = str(json.loads(config_path.read_text(encoding="utf-8")).get("site_dir", "site"))
    made = []
    for at, exclude in enumerate(excludes):
        folder = site_dir if at == 0 else f"{site_dir}-part-{at}"
        config = {"INHERIT": config_path.name, "exclude_docs": exclude, "site_dir": folder}
        path = config_path.with_name(f"mkdocs-part-{at}.yml")
        path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        made.append(Part(path, config_path.parent / folder))
    return made


_URL = re.compile(r"\s*<url>.*?</url>", re.DOTALL)


def put_together(site: Path, parts: Sequence[Path]) -> None:
    """Move the institution pages each of ``parts`` built into ``site``, and their entries into
    its sitemap and search index, after the institution pages it lists (where one build would
    have listed them); the parts' folders are then removed."""
    sitemap = site / "sitemap.xml"
    search = site / "search" / "search_index.json"
    urls = sitemap.read_text(encoding="utf-8") if sitemap.is_file() else None
    index = json.loads(search.read_text(encoding="utf-8")) if search.is_file() else None
    for part in parts:
        for entry in sorted((part / "institutions").iterdir()):
            entry.rename(site / "institutions" / entry.name)
        if urls is not None and (part / "sitemap.xml").is_file():
            urls = _sitemap_with(urls, (part / "sitemap.xml").read_text(encoding="utf-8"))
        if index is not None and (part / search.relative_to(site)).is_file():
            added = json.loads((part / search.relative_to(site)).read_text(encoding="utf-8"))
            docs = index["docs"]
            at = max(
                (
                    n + 1
                    for n, doc in enumerate(docs)
                    if doc["location"].startswith("institutions/")
                ),
                default=len(docs),
            )
            docs[at:at] = added["docs"]
        shutil.rmtree(part)
    if urls is not None and urls != sitemap.read_text(encoding="utf-8"):
        _write_sitemap(sitemap, urls)
    if index is not None:
        # As the theme's search writes it (material/plugins/search/plugin.py).
        search.write_text(json.dumps(index, separators=(",", ":"), default=str), encoding="utf-8")


def _sitemap_with(text: str, part: str) -> str:
    added = _URL.findall(part)
    if not added:
        return text
    folder = re.search(r"<loc>(.*?/institutions/)", added[0])
    assert folder is not None, "a part's sitemap lists institution pages"
    at = max(
        (m.end() for m in _URL.finditer(text) if f"<loc>{folder.group(1)}" in m.group(0)),
        default=None,
    )
    assert at is not None, "the first part's sitemap lists the institutions page"
    return text[:at] + "".join(added) + text[at:]


def _write_sitemap(sitemap: Path, text: str) -> None:
    """The sitemap and its gzipped copy, dated as MkDocs dated the one it wrote."""
    sitemap.write_text(text, encoding="utf-8")
    gz = sitemap.with_name(sitemap.name + ".gz")
    mtime = struct.unpack("<I", gz.read_bytes()[4:8])[0]
    with (
        open(gz, "wb") as f,
        gzip.GzipFile(fileobj=f, filename=str(gz), mode="wb", mtime=mtime) as out,
    ):
        out.write(text.encode("utf-8"))

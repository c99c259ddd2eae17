"""Reading YAML content: plain values, and where each value came from.

Every value keeps its file, line and column, so that any later stage can point a
user at the exact place. Loading judges only the YAML itself: anchors and aliases,
duplicate keys, oversized files, bytes that are not UTF-8 and YAML 1.1 surprises
become findings; the meaning of the values is the business of ``validate``.

Most files keep to a small subset of YAML (block mappings and lists, one-line flow mappings,
plain scalars, `|` text) that a fast path reads line by line; any other file, and any file
that needs a finding, is read by the full parser on LibYAML's events, with the same result.

The package: ``document`` holds what a reading gives (a Document, its source map and the limits
on a file), ``full`` the full parser, ``fast`` the fast path, and ``scalars`` the meaning of a
plain or tagged scalar that both readers share. Other modules import from here.
"""

from __future__ import annotations

import errno
import stat
from pathlib import Path
from typing import Any

from scorecard.findings import Finding
from scorecard.load.document import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_VALUES,
    Document,
    Key,
    KeyPath,
    Position,
    dotted,
    printable,
)
from scorecard.load.fast import _parse_simple
from scorecard.load.full import _parse_full

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_VALUES",
    "Document",
    "Key",
    "KeyPath",
    "Position",
    "dotted",
    "load_bytes",
    "load_file",
    "printable",
    "read_text_page",
]


def load_file(path: Path, display: str) -> Document:
    """Read one YAML file; problems become findings on the returned document."""
    doc = Document(display)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            doc.findings.append(
                Finding(
                    display,
                    1,
                    1,
                    "SC004",
                    "",
                    f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
                    "split it, or move large free text out of the audit",
                )
            )
            return doc
        if not stat.S_ISREG(path.stat().st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        with path.open("rb") as handle:  # a file may grow, or say it is empty (/proc)
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        doc.findings.append(
            Finding(display, 1, 1, "SC009", "", f"cannot read the file: {err.strerror}")
        )
        return doc
    return load_bytes(raw, display, doc)


def load_bytes(raw: bytes, display: str, doc: Document | None = None) -> Document:
    """Parse YAML bytes (UTF-8, an optional byte-order mark, LF or CRLF)."""
    doc = doc or Document(display)
    text = _decode(raw, display, doc)
    if text is not None:
        _parse(text, doc)
    return doc


def _load_slow(raw: bytes, display: str) -> Document:
    """``load_bytes`` without the fast path: the reference that the fast path must equal."""
    doc = Document(display)
    text = _decode(raw, display, doc)
    if text is not None:
        _parse_full(text, doc)
    return doc


def _decode(raw: bytes, display: str, doc: Document) -> str | None:
    """The text of ``raw``, or None with a finding when it is too large or not UTF-8."""
    if len(raw) > MAX_FILE_BYTES:
        doc.findings.append(
            Finding(display, 1, 1, "SC004", "", f"file is over {MAX_FILE_BYTES:,} bytes")
        )
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        col = err.start - (before.rfind(b"\n") + 1) + 1
        doc.findings.append(
            Finding(
                display,
                line,
                col,
                "SC005",
                "",
                f"byte 0x{raw[err.start]:02x} is not valid UTF-8",
                "save the file as UTF-8",
            )
        )
        return None


def _parse(text: str, doc: Document) -> None:
    simple = _parse_simple(text, positions=False)
    if simple is None:
        _parse_full(text, doc)
    else:  # the positions are read when first asked for
        doc.data = simple[0]
        doc.read_later(text, _positions)


def _positions(doc: Document, text: str) -> tuple[Any, Any]:
    """The positions of the values and keys of a text the fast path read."""
    simple = _parse_simple(text, positions=True)
    if simple is None:  # pragma: no cover - the fast path has read this text once already
        full = Document(doc.file)
        _parse_full(text, full)
        return full.value_at, full.key_at
    return simple[1], simple[2]


def read_text_page(path: Path) -> str:
    """A user's own Markdown page, as it is."""
    return path.read_text(encoding="utf-8-sig")

"""The letters of anonymous institutions in public: "Peer A", "Peer B", ...

A letter must be stable (the same institution keeps it from period to period and from build to
build, on any machine) and must tell nothing about which institution it stands for.

- **Order of first appearance.** Anonymous institutions take letters in the order of their
  first audited period, so an institution that joins later takes the next free letter and the
  letters already published never move. (The former order, by a hash of the id, re-lettered
  every institution whenever a new one sorted ahead of it.)
- **Ties by a keyed hash.** Institutions first audited in the same period are ordered by
  HMAC-SHA256 of their id under the project's anonymity key: the ``SCORECARD_ANONYMITY_KEY``
  environment variable (a CI secret), or else the first line of the file
  ``.scorecard-anonymity-key`` at the project's root. Without the key, someone holding a list
  of the network's ids cannot tell which tied institution is which letter. The key is not part
  of the framework, so it changes no framework hash, and it never reaches a site.
- **Without a key**, ties are ordered by a hash of each institution's id together with its
  full name as written in its file: a list of ids alone does not reverse it, but someone who
  also knows the exact names does. Set a key where that matters.

Limits, whatever the key: a letter's history (its first period, its peer group, its scores)
is public, so a reader who knows when each member joined, or which members are not named, can
narrow it down; with one anonymous institution in a peer group, its letter is that institution
to anyone who knows the group's membership. Changing the key re-letters institutions tied on
their first period; adding an anonymous institution whose first period is earlier than that of
existing ones (a back-filled history, a named institution turning anonymous) moves the later
letters.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import string
from pathlib import Path

from scorecard.model import Project

KEY_ENV = "SCORECARD_ANONYMITY_KEY"
KEY_FILE = ".scorecard-anonymity-key"


def anonymity_key(root: Path | None) -> bytes | None:
    """The project's anonymity key: the environment variable, else the key file, else None."""
    value = os.environ.get(KEY_ENV, "").strip()
    if value:
        return value.encode("utf-8")
    if root is None:
        return None
    path = root / KEY_FILE
    try:
        if path.is_file() and not path.is_symlink():
            lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            if lines and lines[0].strip():
                return lines[0].strip().encode("utf-8")
    except OSError:
        return None
    return None


def letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, ..."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = string.ascii_uppercase[rest] + out
    return out


def _tie_break(inst_id: str, name: str, key: bytes | None) -> str:
    if key is not None:
        return hmac.new(key, f"scorecard-peer:{inst_id}".encode(), hashlib.sha256).hexdigest()
    return hashlib.sha256(f"scorecard-peer\0{inst_id}\0{name}".encode()).hexdigest()


def letter_order(project: Project, key: bytes | None) -> list[str]:
    """The ids of the anonymous institutions, in the order they take letters."""
    first: dict[str, tuple[int, int, int]] = {}
    for audit in project.audits:
        p = audit.period
        order = (p.year, p.start_month, p.months)
        if audit.institution not in first or order < first[audit.institution]:
            first[audit.institution] = order
    never = (10**6, 0, 0)  # no audit yet: after every institution that has one
    anonymous = [i for i in project.institutions.values() if i.data.publish == "anonymous"]
    anonymous.sort(key=lambda i: (first.get(i.id, never), _tie_break(i.id, i.name, key)))
    return [i.id for i in anonymous]


def aliases(project: Project, key: bytes | None = None) -> dict[str, str]:
    """Anonymous institution id -> its letters ("A", "B", ...).

    A pseudonym never takes the id of a named institution (``peer-a`` may be a real id).
    """
    if key is None:
        key = anonymity_key(project.root)
    named = {i.id for i in project.institutions.values() if i.data.publish == "named"}
    out: dict[str, str] = {}
    n = 0
    for inst_id in letter_order(project, key):
        while f"peer-{letters(n).lower()}" in named:
            n += 1
        out[inst_id] = letters(n)
        n += 1
    return out

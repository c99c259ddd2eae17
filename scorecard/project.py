"""Opening a project: finding its files, reading and checking each, and the project they make.

``open_project(root)`` gives the project built from every file that passed its checks, and a
finding for each problem in any file. A national project holds a hundred thousand audit files:
they are read on every core (`scorecard.parallel`), and a file read cleanly before, unchanged
since, comes from the cache instead (`AuditCache`). Nothing is scored here: that is
``scorecard.facts``'s.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import stat
import zlib
from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from scorecard import __version__, cache
from scorecard.findings import Finding
from scorecard.load import load_file, printable
from scorecard.model import Audit, Framework, Institution, Project, parse_period
from scorecard.parallel import map_shared
from scorecard.validate import (
    AuditContext,
    across_audits,
    builtin_framework_document,
    check_audit,
    check_framework,
    check_institution,
    expired_responses,
)

YAML_SUFFIXES = (".yml", ".yaml")

#: Audit files read in one task of a worker: enough to make the cost of sending small.
CHUNK = 200


# --- finding content -----------------------------------------------------------------------


@dataclass
class ContentFiles:
    """Where a project's files are, by what they are."""

    framework: Path | None
    institutions: list[Path]
    audits: list[Path]
    pages: list[Path]
    stray: list[Path]
    #: files that are never read: (path, why)
    refused: list[tuple[Path, str]] = field(default_factory=list)


def _refusal(path: Path, inside: Path) -> str:
    """Why a content file must not be read, or "" when it may be."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return "is a link that leads nowhere (a loop of links); it is not read"
    if not real.is_relative_to(inside):
        return "is a link to a place outside the project; it is not read"
    if path.exists() and not path.is_dir() and not path.is_file():
        return "is not a regular file (a pipe, socket or device); it is not read"
    return ""


def find_content(root: Path) -> ContentFiles:
    content = root / "content"
    files = ContentFiles(None, [], [], [], [])
    if not content.is_dir():
        return files
    inside = root.resolve()
    # The search does not enter linked folders, so only a link, or a content folder that is
    # itself elsewhere, can lead outside: other files need one lstat, not a resolve each.
    content_inside = not _refusal(content, inside)
    for path in sorted(content.rglob("*")):
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue  # gone since the search saw it
        if stat.S_ISLNK(mode) or not content_inside:
            why = _refusal(path, inside)
        elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            why = "is not a regular file (a pipe, socket or device); it is not read"
        else:
            why = ""
        if why:
            files.refused.append((path, why))
            continue
        if stat.S_ISDIR(mode) or (stat.S_ISLNK(mode) and path.is_dir()):
            continue
        parts = path.relative_to(content).parts
        yaml_file = path.suffix in YAML_SUFFIXES
        if parts in (("framework.yml",), ("framework.yaml",)):
            files.framework = path
        elif len(parts) == 2 and parts[0] == "institutions" and yaml_file:
            files.institutions.append(path)
        elif len(parts) == 3 and parts[0] == "audits" and yaml_file:
            files.audits.append(path)
        elif len(parts) >= 2 and parts[0] == "pages" and path.suffix == ".md":
            files.pages.append(path)
        elif parts[0] == "instruments" or path.name.startswith("."):
            continue
        elif yaml_file or parts[0] in ("institutions", "audits"):
            files.stray.append(path)
    return files


def display(path: Path, root: Path) -> str:
    try:
        return printable(path.relative_to(root).as_posix())
    except ValueError:
        return printable(path.as_posix())


# --- the whole project ---------------------------------------------------------------------


def open_project(root: Path, *, cached: bool = True) -> tuple[Project | None, list[Finding]]:
    """Read and check every file of the project; the project holds the files that passed.
    ``cached``: keep what was read for the next run of the same folder (not for a folder that
    is there once, such as a git revision read into a temporary one)."""
    if not (root / "content").is_dir():
        return None, [
            Finding(
                "content",
                1,
                1,
                "SC045",
                "",
                f"no content/ folder in {root.resolve()}",
                "run in a scorecard project, pass --project DIR, or start one with scorecard init",
            )
        ]
    files = find_content(root)
    findings: list[Finding] = [
        Finding(display(path, root), 1, 1, "SC009", "", why, "replace it with the file itself")
        for path, why in files.refused
    ]
    for path in files.stray:
        findings.append(
            Finding(
                display(path, root),
                1,
                1,
                "SC033",
                "",
                "file in an unexpected place; it is not read",
                "institutions go in content/institutions/<id>.yml, "
                "audits in content/audits/<institution>/<period>.yml",
            )
        )
    override = (
        load_file(files.framework, display(files.framework, root)) if files.framework else None
    )
    framework, found = check_framework(builtin_framework_document(), override)
    findings += found
    if framework is None:
        return None, sorted(findings)

    institutions, known, found = _read_institutions(root, files.institutions)
    findings += found
    reading = Reading(framework, frozenset(known))
    audits: list[Audit] = []
    shown = [(path, display(path, root)) for path in files.audits]
    for audit, found in read_audits(shown, reading, root if cached else None):
        findings += found
        if audit is not None and audit.institution in institutions:
            audits.append(audit)
    audits, found = across_audits(audits)
    findings += found
    findings += expired_responses(audits, lambda audit: load_file(root / audit.file, audit.file))
    audits.sort(key=lambda a: (a.institution, a.period))
    project = Project(root, framework, institutions, audits, sorted(files.pages))
    return project, sorted(findings)


def _read_institutions(
    root: Path, paths: list[Path]
) -> tuple[dict[str, Institution], dict[str, Path], list[Finding]]:
    """The institutions that passed; every id with a file (-> its first file); findings."""
    institutions: dict[str, Institution] = {}
    known: dict[str, Path] = {}
    findings: list[Finding] = []
    for path in paths:
        doc = load_file(path, display(path, root))
        if path.stem in known:
            first = known[path.stem]
            findings.append(
                Finding(
                    doc.file,
                    1,
                    1,
                    "SC034",
                    "",
                    f"a second file for institution `{printable(path.stem)}`",
                    f"already in {display(first, root)}; keep one",
                )
            )
            continue
        known[path.stem] = path
        institution, found = check_institution(doc, path.stem)
        findings += found
        if institution is not None:
            institutions[institution.id] = institution
    return institutions, known, findings


# --- audits, on every core -----------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What checking an audit needs beyond the file itself."""

    framework: Framework
    known: frozenset[str]  # every institution id with a file, valid or not


def read_one(path: Path, shown: str, reading: Reading) -> tuple[list[Finding], Audit | None]:
    """Read and check one audit file."""
    doc = load_file(path, shown)
    checked, findings = check_audit(
        doc, path.parent.name, path.stem, AuditContext(reading.framework, reading.known)
    )
    if checked is None:
        return findings, None
    stored = zlib.compress(pickle.dumps(doc.data, protocol=pickle.HIGHEST_PROTOCOL), 1)
    audit = Audit(
        checked.institution,
        checked.period,
        checked.file,
        checked.audited,
        stored,
        checked.data.visibility,
        checked.response_expiries,
    )
    audit.__dict__["data"] = checked.data  # kept while in this process; rebuilt elsewhere
    return findings, audit


def _sent(audit: Audit) -> tuple[Any, ...]:
    """An audit as a worker sends it, and the cache keeps it: plain values, not the model."""
    return (
        audit.institution,
        audit.period.label,
        audit.file,
        audit.audited,
        audit.stored,
        audit.visibility,
        audit.response_expiries,
    )


def _received(sent: tuple[Any, ...]) -> Audit:
    institution, label, file, audited, stored, visibility, expiry = sent
    period = parse_period(label)
    assert period is not None and isinstance(audited, date)
    return Audit(institution, period, file, audited, stored, visibility, expiry)


def _read_chunk(reading: Reading, chunk: list[tuple[str, str]]) -> list[tuple[list[Finding], Any]]:
    out: list[tuple[list[Finding], Any]] = []
    for path, shown in chunk:
        findings, audit = read_one(Path(path), shown, reading)
        out.append((findings, _sent(audit) if audit else None))
    return out


def _read_all(
    files: Sequence[tuple[Path, str]], reading: Reading
) -> Generator[tuple[Audit | None, list[Finding]], None, None]:
    """Each file read and checked, in order; on every core when there is more than a task's
    worth of files."""
    if len(files) <= CHUNK:
        for path, shown in files:
            findings, audit = read_one(path, shown, reading)
            yield audit, findings
        return
    chunks = [
        [(str(path), shown) for path, shown in files[i : i + CHUNK]]
        for i in range(0, len(files), CHUNK)
    ]
    with closing(map_shared(_read_chunk, reading, chunks)) as outcomes:
        for outcome in outcomes:
            for findings, sent in outcome:
                yield (_received(sent) if sent else None), findings


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of this program's own files: a new version may check differently."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".yml", ".yaml") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


class AuditCache:
    """Audits that passed their checks, by file and content hash, from earlier runs.

    One file per project (named by a hash of its folder) holding every clean audit's compact
    form; a change of this program or of the framework starts anew. Files with findings are
    always read again, so their findings are always shown.
    """

    def __init__(self, root: Path, reading: Reading) -> None:
        name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
        self.name = f"audits-{name}.pickle"
        self.context = (code_fingerprint(), reading.framework.sha256)
        self.entries: dict[tuple[str, bytes, bool], tuple[Any, ...]] = {}
        self.fresh: dict[tuple[str, bytes, bool], tuple[Any, ...]] = {}
        context, entries = cache.fetch(self.name, pickle.load) or (None, None)
        if context == self.context and isinstance(entries, dict):
            self.entries = entries

    @staticmethod
    def key(path: Path, shown: str, reading: Reading) -> tuple[str, bytes, bool] | None:
        """The file's name, content hash and whether its institution has a file; None if
        the file cannot be read."""
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        except OSError:
            return None
        return (shown, digest, path.parent.name in reading.known)

    def save(self) -> None:
        """Keep what this run read (and only that: files since removed are dropped)."""
        if self.fresh.keys() == self.entries.keys():
            return
        kept = (self.context, self.fresh)
        cache.keep(self.name, lambda handle: pickle.dump(kept, handle, pickle.HIGHEST_PROTOCOL))


def read_audits(
    files: Sequence[tuple[Path, str]], reading: Reading, root: Path | None = None
) -> Iterator[tuple[Audit | None, list[Finding]]]:
    """Each audit file (path, name to show) read and checked, in the order given; with
    ``root``, files unchanged since an earlier run of the project come from the cache."""
    if root is None or cache.cache_folder() is None:
        yield from _read_all(files, reading)
        return
    kept = AuditCache(root, reading)
    keys = [AuditCache.key(path, shown, reading) for path, shown in files]
    missing = [i for i, key in enumerate(keys) if key is None or key not in kept.entries]
    read = _read_all([files[i] for i in missing], reading)
    pending = iter(missing)
    upcoming = next(pending, None)
    for i, key in enumerate(keys):
        if i == upcoming:
            audit, findings = next(read)
            upcoming = next(pending, None)
            if key is not None and audit is not None and not findings:
                kept.fresh[key] = _sent(audit)
            yield audit, findings
        else:
            assert key is not None
            sent = kept.entries[key]
            kept.fresh[key] = sent
            yield _received(sent), []
    read.close()  # the workers end now, not when the reading is collected: memory is free
    kept.save()

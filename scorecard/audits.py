"""Reading every audit of a project: checked and scored on all the machine's cores.

A national project holds a hundred thousand audit files. Each is read, checked and scored on
its own, so the files are shared out among worker processes; each worker sends back compact
results (the checked values pickled and compressed, the scores for the audiences asked for,
and the texts the public build's scan needs), never the models themselves, which cost more to
send than to rebuild. Small projects are read in this process: starting workers costs more
than it saves below a few hundred files.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import pickle
import zlib
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from scorecard import __version__, cache
from scorecard.apart import workers
from scorecard.audience import (
    audit_internal_texts,
    audit_public_texts,
    audit_scores,
    scored_key,
)
from scorecard.export import metrics_json
from scorecard.findings import Finding
from scorecard.load import load_file
from scorecard.model import Audience, Audit, Framework, Publish, parse_period
from scorecard.score import PackedMetrics
from scorecard.validate import AuditContext, check_audit

#: Below this many audit files, the files are read in this process.
PARALLEL_FROM = 400
#: Files per task sent to a worker: enough to make the cost of sending small.
CHUNK = 200


@dataclass(frozen=True)
class Reading:
    """What reading an audit needs beyond the file itself."""

    framework: Framework
    known: frozenset[str]  # every institution id with a file, valid or not
    publish: dict[str, Publish]  # the valid institutions' ids -> how each publishes
    audiences: tuple[Audience, ...]  # score for these audiences as the files are read


def read_one(path: Path, shown: str, reading: Reading) -> tuple[list[Finding], Audit | None]:
    """Read, check and score one audit file."""
    context = AuditContext(reading.framework, reading.known)
    doc = load_file(path, shown)
    checked, findings = check_audit(doc, path.parent.name, path.stem, context)
    if checked is None:
        return findings, None
    data = checked.data
    stored = zlib.compress(pickle.dumps(doc.data, protocol=pickle.HIGHEST_PROTOCOL), 1)
    publish = reading.publish.get(checked.institution, "named")
    scored = {}
    for audience in reading.audiences:
        if audience == "public" and publish == "private":
            continue
        anonymous = audience == "public" and publish == "anonymous"
        key = scored_key(audience, anonymous)
        metrics, pillars, overall = audit_scores(data, audience, anonymous, reading.framework)
        scored[key] = (PackedMetrics.pack(metrics, metrics_json(metrics)), pillars, overall)
    texts = (audit_internal_texts(data, publish), audit_public_texts(data, publish))
    audit = Audit(
        checked.institution, checked.period, checked.file, checked.audited, stored, scored, texts
    )
    audit.__dict__["data"] = data  # kept while in this process; rebuilt from `stored` elsewhere
    return findings, audit


def _sent(audit: Audit) -> tuple[Any, ...]:
    """An audit as a worker sends it: plain values, without the model."""
    return (
        audit.institution,
        audit.period.label,
        audit.file,
        audit.audited,
        audit.stored,
        audit.scored,
        audit.texts,
    )


def _received(sent: tuple[Any, ...]) -> Audit:
    institution, label, file, audited, stored, scored, texts = sent
    period = parse_period(label)
    assert period is not None and isinstance(audited, date)
    return Audit(institution, period, file, audited, stored, scored, texts)


# A worker's reading, set once when the worker starts rather than sent with every task.
_READING: Reading | None = None


def _start_worker(reading: Reading) -> None:
    global _READING
    _READING = reading


def _read_chunk(chunk: list[tuple[str, str]]) -> list[tuple[list[Finding], Any]]:
    assert _READING is not None
    out: list[tuple[list[Finding], Any]] = []
    for path, shown in chunk:
        findings, audit = read_one(Path(path), shown, _READING)
        out.append((findings, _sent(audit) if audit else None))
    return out


# --- the cache ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A hash of this program's own files: a new version may check or score differently."""
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
    form; a change of this program, of the framework or of the audiences scored starts anew.
    Files with findings are always read again, so their findings are always shown.
    """

    def __init__(self, root: Path, reading: Reading) -> None:
        name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
        scored = "-".join(reading.audiences) or "unscored"  # validate and build keep their own
        self.name = f"audits-{name}-{scored}.pickle"
        self.context = (_code_fingerprint(), reading.framework.sha256, reading.audiences)
        self.entries: dict[tuple[str, bytes, str], tuple[Any, ...]] = {}
        self.fresh: dict[tuple[str, bytes, str], tuple[Any, ...]] = {}
        context, entries = cache.fetch(self.name, pickle.load) or (None, None)
        if context == self.context and isinstance(entries, dict):
            self.entries = entries

    @staticmethod
    def key(path: Path, shown: str, reading: Reading) -> tuple[str, bytes, str] | None:
        """The file's name, content hash and its institution's standing; None if unreadable."""
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        except OSError:
            return None
        folder = path.parent.name
        standing = reading.publish.get(folder, "known" if folder in reading.known else "unknown")
        return (shown, digest, standing)

    def save(self) -> None:
        """Keep what this run read (and only that: files since removed are dropped)."""
        if self.fresh.keys() == self.entries.keys():
            return
        kept = (self.context, self.fresh)
        cache.keep(self.name, lambda handle: pickle.dump(kept, handle, pickle.HIGHEST_PROTOCOL))


def read_audits(
    files: Sequence[tuple[Path, str]], reading: Reading, root: Path | None = None
) -> Iterator[tuple[Audit | None, list[Finding]]]:
    """Each audit file (path, name to show) read, checked and scored, in the order given;
    with ``root``, files unchanged since an earlier run of the project come from the cache."""
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
    read.close()  # the workers end now, not when the reading is collected: their memory is free
    kept.save()


def _read_all(
    files: Sequence[tuple[Path, str]], reading: Reading
) -> Generator[tuple[Audit | None, list[Finding]], None, None]:
    if len(files) < PARALLEL_FROM or workers() == 1:
        for path, shown in files:
            findings, audit = read_one(path, shown, reading)
            yield audit, findings
        return
    chunks = [
        [(str(path), shown) for path, shown in files[i : i + CHUNK]]
        for i in range(0, len(files), CHUNK)
    ]
    # fork where there is one: workers start at once and inherit the framework
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(
        workers(), mp_context=context, initializer=_start_worker, initargs=(reading,)
    ) as pool:
        for outcomes in pool.map(_read_chunk, chunks):
            for findings, sent in outcomes:
                yield (_received(sent) if sent else None), findings

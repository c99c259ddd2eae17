"""Score changes between two content trees: folders, or git revisions read without a checkout.

``content_tree`` gives a folder for either: a folder as it is, or a revision's ``content/``
extracted with ``git archive`` into a temporary folder (the work tree is never touched).
``compare`` turns two score sets into rows that were added, removed or changed, per pillar
and overall; ``as_text``, ``as_markdown`` and ``as_json`` show them.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from scorecard.facts import ScoreSet
from scorecard.findings import Finding, summary
from scorecard.github import md
from scorecard.model import Framework
from scorecard.score import MetricResult, Result, r2
from scorecard.uncertainty import Ranked, apart, overall_uncertainty, pillar_uncertainty
from scorecard.wording import status_text

FORMAT = "scorecard-diff/1"
OVERALL = "overall"
#: Metric changes listed in the Markdown before it says how many more there are.
MARKDOWN_METRICS = 60

RowStatus = Literal["added", "removed", "changed"]


class DiffError(Exception):
    """BASE or HEAD is neither a folder nor a revision that git can read."""


# --- reading a content tree ----------------------------------------------------------------


def _git(project: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=project, capture_output=True, check=False)
    except OSError as err:
        raise DiffError(f"cannot run git: {err}") from err


@contextmanager
def content_tree(project: Path, spec: str) -> Iterator[Path]:
    """A folder holding the project's content as ``spec`` has it: a folder, or a git revision
    of the repository ``project`` is in (its ``content/`` read with ``git archive``)."""
    folder = Path(spec)
    if folder.is_dir():
        yield folder
        return
    commit = _git(project, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    if commit.returncode != 0 or spec.startswith("-"):
        inside = _git(project, "rev-parse", "--is-inside-work-tree")
        where = f"the git repository of {project}"
        if inside.returncode != 0:
            said = inside.stderr.decode(errors="replace").strip().splitlines()[-1:]
            why = said[0].removeprefix("fatal: ") if said else ""
            why = "" if "not a git repository" in why else f": {why}"
            where = f"{project} (not a git repository{why})"
        raise DiffError(
            f"`{spec}` is neither a folder nor a revision in {where}; in CI, fetch the history "
            "first (actions/checkout with fetch-depth: 0)"
        )
    sha = commit.stdout.decode().strip()
    with tempfile.TemporaryDirectory(prefix="scorecard-diff-") as tmp:
        root = Path(tmp) / "tree"
        root.mkdir()
        # Run in the project's folder, git takes paths from there and archives them so.
        listed = _git(project, "ls-tree", "-d", "--name-only", sha, "--", "content")
        if listed.stdout.strip():
            archive = _git(project, "archive", "--format=tar", sha, "--", "content")
            if archive.returncode != 0:
                raise DiffError(f"git archive {spec} failed: {archive.stderr.decode().strip()}")
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
                    tar.extractall(root, filter="data")
                else:  # pragma: no cover - git archive writes plain files and folders
                    tar.extractall(root)
        yield root


# --- comparing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """A score as one side has it."""

    score: float | None
    grade: str | None
    status: str  # scored, insufficient-data, not-reported
    uncertainty: float | None = None  # scorecard.uncertainty: half its 95 % interval

    def key(self) -> tuple[float | None, str | None, str]:
        return (r2(self.score), self.grade, self.status)


@dataclass(frozen=True)
class Change:
    target: str  # "overall" or a pillar id
    old: Point | None
    new: Point | None

    @property
    def delta(self) -> float | None:
        if self.old is None or self.new is None or None in (self.old.score, self.new.score):
            return None
        assert self.old.score is not None and self.new.score is not None
        return self.new.score - self.old.score

    @property
    def uncertainty(self) -> float | None:
        """The larger of the two scores' uncertainties."""
        if self.delta is None:
            return None
        assert self.old is not None and self.new is not None
        return max(self.old.uncertainty or 0.0, self.new.uncertainty or 0.0)

    @property
    def clear(self) -> bool:
        """Whether the change is larger than its uncertainty (`scorecard.uncertainty.apart`,
        the rule of the tiers and the movers); a smaller one is shown, marked as no clear
        change."""
        delta, u = self.delta, self.uncertainty
        if delta is None or u is None or self.new is None or self.new.score is None:
            return False
        now = Ranked(self.target, self.new.score, u)
        return apart(now, Ranked(self.target, self.new.score - delta, u))


@dataclass(frozen=True)
class MetricChange:
    metric: str
    old: MetricResult | None
    new: MetricResult | None


@dataclass(frozen=True)
class Row:
    """One institution's period that was added, removed or changed."""

    institution: str  # the institution's id in the content
    shown: str  # its id as the audience sees it
    name: str
    period: str
    status: RowStatus
    changes: list[Change]
    metrics: list[MetricChange] = field(default_factory=list)

    def overall(self) -> Change | None:
        return next((c for c in self.changes if c.target == OVERALL), None)


@dataclass
class ScoreDiff:
    base: str
    head: str
    audience: str
    base_findings: list[Finding]
    base_valid: bool
    rows: list[Row]
    institutions_added: list[str]
    institutions_removed: list[str]
    unchanged: int

    def changed_institutions(self) -> list[str]:
        return list(dict.fromkeys(r.name for r in self.rows if r.status == "changed"))

    def largest_move(self) -> tuple[Row, Change] | None:
        moves = [(r, c) for r in self.rows if r.status == "changed" for c in r.changes]
        moves = [(r, c) for r, c in moves if c.delta is not None and r2(c.delta) != 0]
        if not moves:
            return None
        overall = [(r, c) for r, c in moves if c.target == OVERALL]
        return max(overall or moves, key=lambda rc: abs(rc[1].delta or 0.0))

    def headline(self) -> str:
        parts = []
        if self.institutions_added:
            parts.append(_plural(len(self.institutions_added), "institution") + " added")
        if self.institutions_removed:
            parts.append(_plural(len(self.institutions_removed), "institution") + " removed")
        for status in ("added", "removed"):
            count = sum(1 for r in self.rows if r.status == status)
            if count:
                parts.append(f"{_plural(count, 'period')} {status}")
        changed = self.changed_institutions()
        if changed:
            parts.append(f"{_plural(len(changed), 'institution')} changed")
        move = self.largest_move()
        if move:
            row, change = move
            unclear = "" if change.clear else ", no clear change"
            parts.append(
                f"largest move: {row.name} {signed(change.delta)} {change.target} "
                f"({row.period}{unclear})"
            )
        return "; ".join(parts) if parts else "no score changes"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _points(framework: Framework, result: Result) -> dict[str, Point]:
    o = result.overall
    status = "scored" if o.score is not None else "insufficient-data"
    out = {OVERALL: Point(o.score, o.grade, status, overall_uncertainty(framework, result))}
    for pid, p in result.pillars.items():
        u = pillar_uncertainty(framework, pid, result)
        out[pid] = Point(p.score, p.grade, p.status, u)
    return out


def _metric_key(m: MetricResult | None) -> Any:
    if m is None:
        return None
    value = r2(m.value) if isinstance(m.value, float) else m.value
    return (m.status, value, m.n, r2(m.score))


def _keyed(scores: ScoreSet | None) -> tuple[dict[tuple[str, str], Result], dict[str, str]]:
    """Results by (institution id in the content, period), and institution names."""
    if scores is None:
        return {}, {}
    real = {ident.id: inst for inst, ident in scores.identities.items()}
    names = {inst: ident.name for inst, ident in scores.identities.items()}
    return {(real[r.institution], r.period): r for r in scores.results}, names


def compare(
    base: ScoreSet | None,
    head: ScoreSet,
    *,
    base_label: str = "BASE",
    head_label: str = "HEAD",
    base_findings: list[Finding] | None = None,
) -> ScoreDiff:
    """What changed from ``base`` to ``head`` (``None``: invalid or no content, all is new)."""
    old, old_names = _keyed(base)
    new, new_names = _keyed(head)
    order = list(head.framework.pillars)
    names = {**old_names, **new_names}
    rows: list[Row] = []
    unchanged = 0
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k[0], _period_order(old, new, k))):
        inst, period = key
        before, after = old.get(key), new.get(key)
        either = after if after is not None else before
        assert either is not None
        shown = either.institution
        a = _points(base.framework, before) if before and base else {}
        b = _points(head.framework, after) if after else {}
        targets = [OVERALL, *[t for t in order if t in a or t in b]]
        targets += sorted(t for t in a.keys() | b.keys() if t not in targets)
        changes = [Change(t, a.get(t), b.get(t)) for t in targets]
        if before is None or after is None:
            status: RowStatus = "added" if before is None else "removed"
            rows.append(Row(inst, shown, names[inst], period, status, changes))
            continue
        metrics = _metric_changes(before, after)
        changes = [c for c in changes if _key(c.old) != _key(c.new)]
        if not changes and not metrics:
            unchanged += 1
            continue
        rows.append(Row(inst, shown, names[inst], period, "changed", changes, metrics))
    return ScoreDiff(
        base=base_label,
        head=head_label,
        audience=head.audience,
        base_findings=base_findings or [],
        base_valid=base is not None,
        rows=rows,
        institutions_added=[new_names[i] for i in new_names if i not in old_names],
        institutions_removed=[old_names[i] for i in old_names if i not in new_names],
        unchanged=unchanged,
    )


def _key(point: Point | None) -> Any:
    return None if point is None else point.key()


def _period_order(
    old: dict[tuple[str, str], Result], new: dict[tuple[str, str], Result], key: tuple[str, str]
) -> tuple[int, int, int]:
    return (new.get(key) or old[key]).period_order


def _metric_changes(before: Result, after: Result) -> list[MetricChange]:
    a, b = before.metrics, after.metrics
    ids = list(dict.fromkeys([*b, *a]))
    return [
        MetricChange(m, a.get(m), b.get(m))
        for m in ids
        if _metric_key(a.get(m)) != _metric_key(b.get(m))
    ]


# --- showing -------------------------------------------------------------------------------


def signed(delta: float | None) -> str:
    """``−4.2``, ``+1.3``: a real minus sign, two decimals when one would show 0.0."""
    if delta is None:
        return ""
    text = f"{delta:+.1f}" if abs(delta) >= 0.05 else f"{delta:+.2f}"
    return text.replace("-", "−")


def _score(point: Point | None) -> str:
    if point is None:
        return "—"
    if point.score is None:
        return point.status.replace("-", " ")
    return f"{point.score:.1f}"


def _grade(change: Change) -> str:
    old = change.old.grade if change.old else None
    new = change.new.grade if change.new else None
    if old == new:
        return old or "—"
    return f"{old or '—'} → {new or '—'}"


def _change(row: Row, change: Change) -> str:
    if row.status != "changed":
        return row.status
    delta = change.delta
    if delta is None:
        return "—"
    if r2(delta) == 0:
        return "±0"
    if not change.clear:
        return f"{signed(delta)} (no clear change: ± {change.uncertainty or 0.0:.1f})"
    return signed(delta) + (" ▲" if delta > 0 else " ▼")


def _shown_changes(row: Row) -> list[Change]:
    """A row added or removed shows its overall score; a changed one every score that moved."""
    if row.status == "changed":
        return row.changes
    return [c for c in row.changes if c.target == OVERALL]


def _table(diff: ScoreDiff) -> list[list[str]]:
    cells = []
    for row in diff.rows:
        first = True
        for change in _shown_changes(row):
            cells.append(
                [
                    row.name if first else "",
                    row.period if first else "",
                    "Overall" if change.target == OVERALL else change.target,
                    _score(change.old),
                    _score(change.new),
                    _change(row, change),
                    _grade(change),
                ]
            )
            first = False
        if row.status == "changed" and not row.changes:
            cells.append([row.name, row.period, "metrics only", "", "", "—", ""])
    return cells


HEAD_CELLS = ["Institution", "Period", "Score", "Old", "New", "Change", "Grade"]


def _code(identifier: str) -> str:
    """A pillar or metric id as code in Markdown, when it is a plain id."""
    return f"`{identifier}`" if re.fullmatch(r"[A-Za-z0-9._-]+", identifier) else md(identifier)


def _base_note(diff: ScoreDiff) -> str:
    if diff.base_valid:
        return ""
    return (
        f"the content at {diff.base} is invalid ({summary(diff.base_findings)}); "
        f"every result at {diff.head} is shown as added"
    )


def as_text(diff: ScoreDiff) -> str:
    lines = [f"{diff.base} → {diff.head} ({diff.audience} scores): {diff.headline()}"]
    note = _base_note(diff)
    if note:
        lines.append(note)
    cells = _table(diff)
    if cells:
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(HEAD_CELLS)]
        lines.append("")
        lines.append(
            "  ".join(h.ljust(w) for h, w in zip(HEAD_CELLS, widths, strict=True)).rstrip()
        )
        lines.append("  ".join("-" * w for w in widths))
        for c in cells:
            lines.append("  ".join(x.ljust(w) for x, w in zip(c, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def _metric_value(m: MetricResult | None) -> str:
    if m is None:
        return "—"
    if m.status != "reported":
        return status_text(m)
    value = m.value
    shown = f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    if isinstance(value, bool):
        shown = "yes" if value else "no"
    score = "" if m.score is None else f" (score {m.score:.1f})"
    return shown + score


def as_markdown(diff: ScoreDiff) -> str:
    """For a pull request comment or job summary: a headline, then what changed."""
    out = [
        f"### Score changes: {md(diff.base)} → {md(diff.head)}",
        "",
        f"**{md(diff.headline())}** ({diff.audience} scores)",
    ]
    note = _base_note(diff)
    if note:
        out += ["", f"> ⚠️ {md(note)}"]
    cells = _table(diff)
    if cells:
        out += ["", "| " + " | ".join(HEAD_CELLS) + " |", "|---|---|---|--:|--:|--:|:-:|"]
        for line in cells:
            target = line[2] if line[2] in ("Overall", "metrics only") else _code(line[2])
            shown = [md(line[0]), md(line[1]), target, *(md(c) for c in line[3:])]
            out.append("| " + " | ".join(shown) + " |")
    if diff.institutions_added or diff.institutions_removed:
        out.append("")
        if diff.institutions_added:
            out.append("Added: " + ", ".join(md(n) for n in diff.institutions_added) + ".")
        if diff.institutions_removed:
            out.append("Removed: " + ", ".join(md(n) for n in diff.institutions_removed) + ".")
    metric_rows = [(row, m) for row in diff.rows if row.status == "changed" for m in row.metrics]
    if metric_rows:
        out += ["", f"<details><summary>{_plural(len(metric_rows), 'metric')} changed</summary>"]
        out += ["", "| Institution | Period | Metric | Old | New |", "|---|---|---|--:|--:|"]
        for row, m in metric_rows[:MARKDOWN_METRICS]:
            cells_ = [md(row.name), md(row.period), _code(m.metric)]
            cells_ += [md(_metric_value(m.old)), md(_metric_value(m.new))]
            out.append("| " + " | ".join(cells_) + " |")
        if len(metric_rows) > MARKDOWN_METRICS:
            out += ["", f"… and {len(metric_rows) - MARKDOWN_METRICS} more (`--format json`)."]
        out += ["", "</details>"]
    if diff.unchanged:
        out += ["", f"{_plural(diff.unchanged, 'period')} unchanged, not shown."]
    return "\n".join(out) + "\n"


def _point_dict(point: Point | None) -> dict[str, Any] | None:
    if point is None:
        return None
    return {"score": r2(point.score), "grade": point.grade, "status": point.status}


def _metric_dict(m: MetricResult | None) -> dict[str, Any] | None:
    if m is None:
        return None
    value = r2(m.value) if isinstance(m.value, float) else m.value
    return {"value": value, "n": m.n, "score": r2(m.score), "status": m.status}


def as_document(diff: ScoreDiff) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "base": {
            "spec": diff.base,
            "valid": diff.base_valid,
            "summary": summary(diff.base_findings),
        },
        "head": {"spec": diff.head, "valid": True},
        "audience": diff.audience,
        "headline": diff.headline(),
        "institutions": {
            "added": diff.institutions_added,
            "removed": diff.institutions_removed,
            "changed": diff.changed_institutions(),
        },
        "unchanged": diff.unchanged,
        "rows": [
            {
                "institution": row.shown,
                "name": row.name,
                "period": row.period,
                "status": row.status,
                "scores": {
                    c.target: {
                        "old": _point_dict(c.old),
                        "new": _point_dict(c.new),
                        "change": r2(c.delta),
                        "uncertainty": r2(c.uncertainty),
                        "clear": c.clear,
                    }
                    for c in row.changes
                },
                "metrics": {
                    m.metric: {"old": _metric_dict(m.old), "new": _metric_dict(m.new)}
                    for m in row.metrics
                },
            }
            for row in diff.rows
        ],
    }


def as_json(diff: ScoreDiff) -> str:
    return json.dumps(as_document(diff), indent=2, ensure_ascii=False) + "\n"

"""``scorecard import survey``: from a survey export to the metrics of one audit.

Read and check everything first (framework, instrument, audit, export), compute, render the
new audit and check it as ``scorecard validate`` would; write only when nothing is wrong.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from scorecard.findings import Finding, did_you_mean, has_errors
from scorecard.load import load_bytes, load_file
from scorecard.model import parse_period
from scorecard.project import display, find_content
from scorecard.survey.answers import read_export
from scorecard.survey.audit import AuditEditError, new_audit, plan, update_audit
from scorecard.survey.instrument import SurveyUsageError, load_instrument
from scorecard.survey.tabulate import Group, derivable, respondents, tabulate
from scorecard.validate import (
    AuditContext,
    builtin_framework_document,
    check_audit,
    check_framework,
)


@dataclass
class ImportReport:
    """What an import found, and what it wrote (or would write)."""

    audit_file: str
    audit_path: Path
    findings: list[Finding] = field(default_factory=list)
    before: str = ""
    after: str | None = None
    created: bool = False
    written: bool = False
    respondents: int = 0
    metrics: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    #: unit id (or "" for the institution) -> metrics written as suppressed
    suppressed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.after is not None and not has_errors(self.findings)

    def diff(self) -> str:
        """A unified diff of the audit, before and after."""
        if self.after is None:
            return ""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile="/dev/null" if self.created else self.audit_file,
                tofile=self.audit_file,
            )
        )


def import_survey(
    root: Path,
    export: Path,
    instrument_name: str,
    institution: str,
    period: str,
    *,
    audited: date | None = None,
    metrics: Sequence[str] = (),
    dry_run: bool = False,
    export_shown: str | None = None,
    today: date | None = None,
) -> ImportReport:
    """Turn the survey ``export`` into metrics of ``institution``'s audit for ``period``.

    Raises ``SurveyUsageError`` for names that do not exist; every problem with the content
    or the export is a finding on the report, and then nothing is written.
    """
    if parse_period(period) is None:
        raise SurveyUsageError(f"`{period}` is not a period; write 2026-Q3, 2026-H1 or 2026")
    files = find_content(root)
    known = [p.stem for p in files.institutions]
    if institution not in known:
        hint = did_you_mean(institution, known)
        raise SurveyUsageError(
            f"no institution `{institution}` in content/institutions/"
            + (f"; {hint}" if hint else "")
        )
    folder = root / "content" / "audits" / institution
    path = next(
        (p for p in (folder / f"{period}.yml", folder / f"{period}.yaml") if p.is_file()),
        folder / f"{period}.yml",
    )
    report = ImportReport(display(path, root), path)
    _run(
        report,
        root,
        export,
        instrument_name,
        institution,
        period,
        audited=audited,
        metrics=metrics,
        dry_run=dry_run,
        export_shown=export_shown,
        today=today,
    )
    report.findings.sort()
    return report


def _run(
    report: ImportReport,
    root: Path,
    export: Path,
    instrument_name: str,
    institution: str,
    period: str,
    *,
    audited: date | None,
    metrics: Sequence[str],
    dry_run: bool,
    export_shown: str | None,
    today: date | None,
) -> None:
    """Fill in ``report``: its findings, the new audit text, and write it when all is well."""
    files = find_content(root)
    known = [p.stem for p in files.institutions]
    path = report.audit_path
    override = (
        load_file(files.framework, display(files.framework, root)) if files.framework else None
    )
    framework, found = check_framework(builtin_framework_document(), override)
    report.findings += found
    if framework is None:
        return
    instrument, found = load_instrument(root, instrument_name, framework)
    report.findings += found
    if instrument is None:
        return
    unknown = [m for m in metrics if m not in instrument.metrics]
    if unknown:
        hint = did_you_mean(unknown[0], instrument.metrics)
        raise SurveyUsageError(
            f"instrument `{instrument.name}` has no metric `{unknown[0]}`; "
            + (hint or f"its metrics: {', '.join(instrument.metrics)}")
        )
    if metrics:
        instrument = instrument.only(list(metrics))

    context = AuditContext(framework, known)
    units: dict[str, str] = {}
    public_units: set[str] = set()
    visibility: dict[str, str] = {}
    default_visibility = "public"
    if path.is_file():
        doc = load_file(path, report.audit_file)
        audit, found = check_audit(doc, institution, period, context)
        report.findings += found
        if audit is None:
            return
        units = {unit_id: unit.name for unit_id, unit in audit.data.units.items()}
        public_units = {u for u, unit in audit.data.units.items() if unit.visibility == "public"}
        default_visibility = audit.data.visibility
        visibility = {m: e.visibility for m, e in audit.data.metrics.items() if e.visibility}
        report.before = path.read_bytes().decode("utf-8")
        before_findings = {(f.code, f.path, f.message) for f in found}
    else:
        report.created = True
        before_findings = set()

    shown = export_shown if export_shown is not None else str(export)
    responses, found = read_export(export, shown, instrument, units)
    report.findings += found
    if responses is None or has_errors(report.findings):
        return
    report.respondents = respondents(responses)
    if report.respondents == 0:
        report.findings.append(
            Finding(shown, responses.names_line, 1, "SC050", "", "no row answers any question")
        )
        return
    results = tabulate(instrument, responses, units)
    reported: set[Group] = set()
    report.findings += derivable(results, framework.min_n_internal, responses, already=reported)
    report.findings += derivable(
        results,
        framework.min_n_public,
        responses,
        shown_units=public_units,
        total_shown=lambda metric: visibility.get(metric, default_visibility) == "public",
        audience="in the public site, ",
        already=reported,
    )

    source = {
        "id": instrument.name,
        "kind": "survey",
        "instrument": instrument.title,
        "responded": report.respondents,
    }
    work = plan(results, framework, source, instrument.name)
    report.metrics = list(work.metrics)
    report.units = list(work.units)
    report.suppressed = dict(work.suppressed)
    total_hidden = [m for m, e in work.metrics.items() if "status" in e]
    if total_hidden:
        report.suppressed[""] = total_hidden
    try:
        if report.created:
            after = new_audit(work, audited or today or date.today())
        else:
            after = update_audit(report.before, work, audited)
    except AuditEditError as err:
        report.findings.append(
            Finding(report.audit_file, 1, 1, "SC001", "", f"cannot edit the audit: {err}")
        )
        return

    # The result must be as valid as the audit was: check it as `scorecard validate` would.
    checked = load_bytes(after.encode("utf-8"), report.audit_file)
    _, found = check_audit(checked, institution, period, context)
    report.findings += [f for f in found if (f.code, f.path, f.message) not in before_findings]
    if has_errors(report.findings):
        return
    report.after = after
    if not dry_run and after != report.before:
        _write(path, after)
        report.written = True


def _write(path: Path, text: str) -> None:
    """Replace the file in one step, so that a failure never leaves half an audit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

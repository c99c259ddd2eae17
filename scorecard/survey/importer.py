"""``scorecard import survey``: from a survey export to the metrics of one audit.

Read and check everything first (framework, instrument, audit, export), compute, render the
new audit and check it as ``scorecard validate`` would; write only when nothing is wrong.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from scorecard.audience import audit_scores
from scorecard.findings import Finding, did_you_mean, has_errors
from scorecard.load import load_bytes, load_file
from scorecard.model import Audit, Framework, Period, parse_period
from scorecard.project import ContentFiles, display, find_content
from scorecard.survey.answers import read_export
from scorecard.survey.audit import AuditEditError, new_audit, plan, update_audit
from scorecard.survey.instrument import Instrument, SurveyUsageError, load_instrument
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
    #: for a new audit: how its period stands to the institution's other audits
    relation: str = ""

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
) -> ImportReport:
    """Turn the survey ``export`` into metrics of ``institution``'s audit for ``period``.

    An audit that does not exist yet is created, dated ``audited``, which it then needs.
    Raises ``SurveyUsageError`` for names that do not exist and for a missing date; every
    problem with the content or the export is a finding on the report, and then nothing is
    written.
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
    if not path.is_file():  # a new audit: dated, and of the institution's cadence
        others = _periods(files.audits, institution)
        if audited is None:
            latest = f"; its latest audit is {others[-1].label}" if others else ""
            raise SurveyUsageError(
                f"{institution} has no audit for {period} yet{latest}. To create "
                f"{report.audit_file}, give --audited YYYY-MM-DD, the day the audit was "
                "carried out; to add to an audit, give its --period"
            )
        _same_cadence(institution, parse_period(period), others)
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
    )
    report.findings.sort()
    return report


def _same_cadence(institution: str, period: Period | None, others: list[Period]) -> None:
    """An audit of another cadence than the institution's others would make the project
    invalid (SC027): say so before anything is read."""
    if period is None or not others:
        return
    months = Counter(p.months for p in others).most_common(1)[0][0]
    if period.months != months:
        usual = next(p for p in reversed(others) if p.months == months)
        raise SurveyUsageError(
            f"{period.label} is {period.cadence}, but {institution}'s audits are "
            f"{usual.cadence}; name the period as they are, like {usual.label}"
        )


def _periods(audits: Sequence[Path], institution: str, leave_out: str = "") -> list[Period]:
    """The periods of the institution's audit files, in order (but ``leave_out``)."""
    found = [parse_period(p.stem) for p in audits if p.parent.name == institution]
    return sorted(p for p in found if p is not None and p.label != leave_out)


def _framework(root: Path, files: ContentFiles) -> tuple[Framework | None, list[Finding]]:
    override = (
        load_file(files.framework, display(files.framework, root)) if files.framework else None
    )
    return check_framework(builtin_framework_document(), override)


def open_instrument(root: Path, name: str) -> tuple[Instrument | None, list[Finding]]:
    """The instrument called ``name`` (the project's own, or a built-in one), checked against
    the project's framework; None and the findings when either has errors. Raises
    ``SurveyUsageError`` when there is no instrument of that name."""
    framework, findings = _framework(root, find_content(root))
    if framework is None:
        return None, findings
    instrument, found = load_instrument(root, name, framework)
    return instrument, findings + found


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
) -> None:
    """Fill in ``report``: its findings, the new audit text, and write it when all is well."""
    files = find_content(root)
    known = [p.stem for p in files.institutions]
    path = report.audit_path
    framework, found = _framework(root, files)
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
            assert audited is not None  # import_survey asks for it
            after = new_audit(work, audited)
        else:
            after = update_audit(report.before, work, audited)
    except AuditEditError as err:
        report.findings.append(
            Finding(report.audit_file, 1, 1, "SC001", "", f"cannot edit the audit: {err}")
        )
        return

    # The result must be as valid as the audit was: check it as `scorecard validate` would.
    checked = load_bytes(after.encode("utf-8"), report.audit_file)
    new, found = check_audit(checked, institution, period, context)
    report.findings += [f for f in found if (f.code, f.path, f.message) not in before_findings]
    if has_errors(report.findings):
        return
    if report.created and new is not None:
        others = _periods(files.audits, institution, leave_out=period)
        report.relation, found = _relation(report, new, others, root, context)
        report.findings += found
    report.after = after
    if not dry_run and after != report.before:
        _write(path, after)
        report.written = True


#: Below this share of the overall weight reported, a new latest audit is warned about: a
#: pillar with less than half its weight reported has no score.
LITTLE_COVERAGE = 0.5


def _relation(
    report: ImportReport, new: Audit, others: list[Period], root: Path, context: AuditContext
) -> tuple[str, list[Finding]]:
    """How a new audit's period stands to the institution's other audits, and a warning when
    it becomes the latest with little of the framework reported."""
    framework = context.framework
    coverage = audit_scores(new.data, "internal", False, framework)[2].coverage
    period, institution = new.period, new.institution
    if others and period < others[-1]:
        return (
            f"{period.label} comes before {institution}'s latest audit, {others[-1].label}, "
            "which stays the latest",
            [],
        )
    if not others:
        relation = f"{period.label} is {institution}'s first audit"
        compared = ""
    else:
        latest = others[-1]
        relation = f"{period.label} becomes {institution}'s latest audit (after {latest.label})"
        compared = _coverage_of(root, institution, latest, context)
    if coverage >= LITTLE_COVERAGE:
        return relation, []
    warning = Finding(
        report.audit_file,
        1,
        1,
        "SC067",
        "",
        f"{relation}, with {_percent(coverage)} of the overall weight reported"
        f"{compared}: the site shows it as the institution's current state",
        "import or write its other metrics before the site is built; answers that belong to "
        "an earlier audit go there, with its --period",
    )
    return relation, [warning]


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"  # as the site shows a coverage


def _coverage_of(root: Path, institution: str, period: Period, context: AuditContext) -> str:
    """`` (2026-Q3: 94 %)``: the overall coverage of the institution's audit for ``period``."""
    folder = root / "content" / "audits" / institution
    path = next((p for p in folder.glob(f"{period.label}.y*ml") if p.is_file()), None)
    if path is None:
        return ""
    audit, _ = check_audit(load_file(path, display(path, root)), institution, period.label, context)
    if audit is None:
        return ""
    coverage = audit_scores(audit.data, "internal", False, context.framework)[2].coverage
    return f" ({period.label}: {_percent(coverage)})"


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

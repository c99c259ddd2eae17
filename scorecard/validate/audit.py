"""Checking institutions and audits: each file on its own, then the audits of each institution
together (one cadence, one audit per period)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from scorecard.findings import Finding, did_you_mean
from scorecard.load import Document, KeyPath
from scorecard.model import (
    SLUG,
    Audit,
    AuditFile,
    Framework,
    Institution,
    InstitutionFile,
    MetricDef,
    parse_period,
    pillar_of,
)
from scorecard.validate.fields import check_model, long_texts, number_hint, shown
from scorecard.validate.responses import check_responses
from scorecard.values import ISO_DATE, has_visible_text


def check_institution(doc: Document, stem: str) -> tuple[Institution | None, list[Finding]]:
    findings = list(doc.findings)
    if not SLUG.fullmatch(stem):
        findings.append(
            doc.finding(
                "SC043",
                (),
                f"`{stem}` is not a valid institution id",
                "rename the file to lower-case letters, digits and dashes",
            )
        )
    elif stem == "index":  # institutions/index.md lists them all
        findings.append(
            doc.finding(
                "SC043", (), "`index` is reserved for the list of institutions", "rename it"
            )
        )
    if doc.data is None and findings:
        return None, findings
    file, found = check_model(doc, InstitutionFile, doc.data)
    findings += found
    if isinstance(doc.data, dict):
        raw = doc.data
        if isinstance(raw.get("id"), str) and raw["id"] != stem:
            findings.append(
                doc.finding(
                    "SC016",
                    ("id",),
                    f"id `{raw['id']}` disagrees with the file name `{stem}`",
                    "remove `id:` or rename the file",
                )
            )
        if _not_a_slug(raw.get("peer_group")):
            findings.append(
                doc.finding(
                    "SC014",
                    ("peer_group",),
                    f"peer group `{raw['peer_group']}` is not a lower-case slug",
                    "use letters, digits and dashes, like `academic`",
                )
            )
        findings += _link(doc, ("website",), raw.get("website"))
        findings += long_texts(doc, raw)
    if file is None or any(f.severity == "error" for f in findings):
        return None, findings
    return Institution(stem, doc.file, file), findings


def _not_a_slug(value: Any) -> bool:
    """Text with something visible in it that is not a slug (the model tells of blank text)."""
    return isinstance(value, str) and has_visible_text(value) and not SLUG.fullmatch(value)


def _link(doc: Document, path: KeyPath, value: Any) -> list[Finding]:
    if isinstance(value, str) and not value.lower().startswith(("https://", "http://")):
        return [
            doc.finding(
                "SC039",
                path,
                f"{shown(value)} is not a web address",
                "links must start with https:// or http://",
            )
        ]
    return []


# --- audits --------------------------------------------------------------------------------


@dataclass
class AuditContext:
    framework: Framework
    institutions: Collection[str]  # the known institution ids (a set or a mapping)


def check_audit(
    doc: Document, folder: str, stem: str, context: AuditContext
) -> tuple[Audit | None, list[Finding]]:
    findings = list(doc.findings)
    period = parse_period(stem)
    known = context.institutions
    if period is None:
        findings.append(
            doc.finding(
                "SC015",
                (),
                f"`{stem}` is not a period",
                "name audit files by period: 2026-Q3.yml, 2026-H1.yml or 2026.yml",
            )
        )
    if not SLUG.fullmatch(folder):
        findings.append(
            doc.finding("SC043", (), f"folder `{folder}` is not a valid institution id")
        )
    elif folder not in known:
        findings.append(
            doc.finding(
                "SC017",
                (),
                f"no institution `{folder}` in content/institutions/",
                did_you_mean(folder, list(known)) or f"add content/institutions/{folder}.yml",
            )
        )
    if doc.data is None and findings:
        return None, findings
    file, found = check_model(doc, AuditFile, doc.data)
    findings += found
    if isinstance(doc.data, dict):
        findings += _audit_meaning(doc, doc.data, folder, stem, context.framework)
        findings += long_texts(doc, doc.data)
    if file is None or period is None or any(f.severity == "error" for f in findings):
        return None, findings
    return Audit.of(folder, period, doc.file, file), findings


def _audit_meaning(
    doc: Document, raw: dict[str, Any], folder: str, stem: str, framework: Framework
) -> list[Finding]:
    out: list[Finding] = []
    for key, expected in (("institution", folder), ("period", stem)):
        given = raw.get(key)
        if given is not None and given != expected:
            out.append(
                doc.finding(
                    "SC016",
                    (key,),
                    f"{key} {shown(given)} disagrees with the file's path ({expected})",
                    f"remove `{key}:`; the path says which {key} this is",
                )
            )
    audited, period = _day(raw.get("audited")), parse_period(stem)
    if audited is not None:
        if audited > date.today():
            out.append(
                doc.finding(
                    "SC046",
                    ("audited",),
                    f"audited {audited.isoformat()} is after today",
                    "write the date the audit was carried out",
                )
            )
        elif period is not None and audited < date(period.year, period.start_month, 1):
            out.append(
                doc.finding(
                    "SC047",
                    ("audited",),
                    f"audited {audited.isoformat()} is before {period.label} began",
                    "check the date and the file name",
                )
            )
    source_ids: list[str] = []
    for index, source in enumerate(_items(raw.get("sources"))):
        out += _unique_id(doc, ("sources", index), source, source_ids)
        if isinstance(source, dict):
            invited, responded = _whole(source.get("invited")), _whole(source.get("responded"))
            if invited is not None and responded is not None and responded > invited:
                out.append(
                    doc.finding(
                        "SC042",
                        ("sources", index, "responded"),
                        f"{responded} responded but only {invited} were invited",
                    )
                )
    metrics = raw.get("metrics")
    if isinstance(metrics, dict):
        for metric_id, entry in metrics.items():
            out += _metric_entry(
                doc, ("metrics", metric_id), metric_id, entry, framework, source_ids
            )
    units = raw.get("units")
    if isinstance(units, dict):
        for unit_id, unit in units.items():
            if not SLUG.fullmatch(unit_id):
                out.append(
                    doc.finding(
                        "SC014",
                        ("units", unit_id),
                        f"unit id `{unit_id}` is not a lower-case slug",
                        "use letters, digits and dashes, like `emergency`",
                        key=True,
                    )
                )
            unit_metrics = unit.get("metrics") if isinstance(unit, dict) else None
            if isinstance(unit_metrics, dict):
                for metric_id, entry in unit_metrics.items():
                    out += _metric_entry(
                        doc,
                        ("units", unit_id, "metrics", metric_id),
                        metric_id,
                        entry,
                        framework,
                        source_ids,
                    )
    action_ids: list[str] = []
    for index, action in enumerate(_items(raw.get("actions"))):
        out += _unique_id(doc, ("actions", index), action, action_ids)
        pillar = action.get("pillar") if isinstance(action, dict) else None
        if isinstance(pillar, str) and pillar not in framework.pillars:
            out.append(
                doc.finding(
                    "SC019",
                    ("actions", index, "pillar"),
                    f"unknown pillar `{pillar}`",
                    did_you_mean(pillar, framework.pillars)
                    or f"one of: {', '.join(framework.pillars)}",
                )
            )
    out += check_responses(doc, raw.get("responses"), framework)
    return out


def _day(value: Any) -> date | None:
    """The date written plain (a date) or quoted (its text); None for anything else."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _whole(value: Any) -> int | None:
    """A whole number written 3 or 3.0 (as the model reads it); None for anything else."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _unique_id(doc: Document, path: KeyPath, item: Any, seen: list[str]) -> list[Finding]:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return []
    item_id: str = item["id"]
    out = []
    if _not_a_slug(item_id):
        out.append(
            doc.finding(
                "SC014",
                (*path, "id"),
                f"id `{item_id}` is not a lower-case slug",
                "use letters, digits and dashes",
            )
        )
    if item_id in seen:
        out.append(doc.finding("SC034", (*path, "id"), f"id `{item_id}` is used twice"))
    seen.append(item_id)
    return out


def _metric_entry(
    doc: Document,
    path: KeyPath,
    metric_id: str,
    entry: Any,
    framework: Framework,
    source_ids: list[str],
) -> list[Finding]:
    metric = framework.metrics.get(metric_id)
    if metric is None:
        pillar = pillar_of(metric_id)
        hint = did_you_mean(metric_id, framework.metrics)
        if not hint and pillar not in framework.pillars:
            hint = did_you_mean(pillar, framework.pillars)
        return [
            doc.finding(
                "SC018",
                path,
                f"unknown metric `{metric_id}`",
                hint or "see the methodology page for the metrics of each pillar",
                key=True,
            )
        ]
    if not isinstance(entry, dict):
        return []
    out: list[Finding] = []
    add: Callable[..., None] = lambda code, sub, msg, hint="": out.append(  # noqa: E731
        doc.finding(code, (*path, *sub), msg, hint)
    )
    # A value the loader rejected (a bad date, .nan) was written, and already reported.
    has_value = entry.get("value") is not None or (*path, "value") in doc.rejected
    has_positive = entry.get("positive") is not None or (*path, "positive") in doc.rejected
    status = entry.get("status")
    if status is not None and (has_value or has_positive):
        add(
            "SC020",
            ("status",),
            f"status {shown(status)} and a value are both given",
            "keep the value, or the status",
        )
    elif status is None and not has_value and not has_positive:
        add(
            "SC029",
            (),
            "no value and no status",
            "give `value`, or `positive` and `n`, or {status: not-reported}",
        )
    if has_positive:
        if not metric.survey_item:
            add(
                "SC041",
                ("positive",),
                f"`{metric_id}` is not a survey item, so it takes `value`, not `positive`",
            )
        if has_value:
            add("SC030", ("positive",), "give `positive` and `n`, or `value`, not both")
        if entry.get("n") is None and (*path, "n") not in doc.rejected:
            add("SC030", ("positive",), "`positive` needs `n`, the number of respondents")
    n, positive = _whole(entry.get("n")), _whole(entry.get("positive"))
    if n is not None and n < 1:
        add("SC022", ("n",), f"n is {n}; it must be at least 1")
    if positive is not None:
        if positive < 0:
            add("SC021", ("positive",), f"positive is {positive}; it cannot be negative")
        elif n is not None and positive > n:
            add(
                "SC021",
                ("positive",),
                f"positive ({positive}) is more than n ({n})",
                "positive counts favourable answers among the n respondents",
            )
    if entry.get("value") is not None:
        out += _value_kind(doc, (*path, "value"), metric, entry["value"])
    source = entry.get("source")
    if isinstance(source, str) and source not in source_ids:
        out.append(
            doc.finding(
                "SC028",
                (*path, "source"),
                f"source `{source}` is not listed under `sources`",
                did_you_mean(source, source_ids) or "add it to `sources`",
            )
        )
    if status == "not-applicable" and not entry.get("reason"):
        add("SC031", ("status",), "not-applicable without a reason", 'add reason: "…"')
    return out


def _value_kind(doc: Document, path: KeyPath, metric: MetricDef, value: Any) -> list[Finding]:
    if metric.kind == "boolean":
        if not isinstance(value, bool):
            return [
                doc.finding(
                    "SC025",
                    path,
                    f"this metric is a yes/no policy; expected true or false, got {shown(value)}",
                )
            ]
        return []
    if not _number(value):
        return [
            doc.finding(
                "SC025",
                path,
                f"expected a number, got {shown(value)}",
                number_hint(value) or f"this metric is measured in {metric.unit or 'numbers'}",
            )
        ]
    if metric.kind == "percent" and not 0 <= value <= 100:
        return [doc.finding("SC023", path, f"{value:g} is not a percent between 0 and 100")]
    if metric.kind == "level":
        top = metric.max or 0
        if not (float(value).is_integer() and 0 <= value <= top):
            return [
                doc.finding(
                    "SC024",
                    path,
                    f"level {value:g} is not a whole number from 0 to {top}",
                )
            ]
    return []


_CADENCES = {3: "quarterly", 6: "half-yearly", 12: "yearly"}


def across_audits(audits: list[Audit]) -> tuple[list[Audit], list[Finding]]:
    findings: list[Finding] = []
    by_institution: dict[str, list[Audit]] = {}
    for audit in audits:
        by_institution.setdefault(audit.institution, []).append(audit)
    kept: list[Audit] = []
    for group in by_institution.values():
        cadence = Counter(a.period.months for a in group).most_common(1)[0][0]
        seen: dict[str, Audit] = {}
        for audit in sorted(group, key=lambda a: a.file):
            if audit.period.months != cadence:
                findings.append(
                    Finding(
                        audit.file,
                        1,
                        1,
                        "SC027",
                        "",
                        f"{audit.period.label} is {audit.period.cadence}, but this "
                        f"institution's other audits are {_CADENCES[cadence]}",
                        "keep one cadence per institution: quarters, halves or years",
                    )
                )
                continue
            if audit.period.label in seen:
                findings.append(
                    Finding(
                        audit.file,
                        1,
                        1,
                        "SC034",
                        "",
                        f"a second audit for {audit.period.label}",
                        f"already in {seen[audit.period.label].file}",
                    )
                )
                continue
            seen[audit.period.label] = audit
            kept.append(audit)
    return kept, findings

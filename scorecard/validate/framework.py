"""Checking the framework: the built-in one, with the project's changes merged over it."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

from scorecard.findings import Finding, did_you_mean
from scorecard.load import Document, KeyPath, load_bytes
from scorecard.model import (
    METRIC_ID,
    SLUG,
    Framework,
    FrameworkFile,
    FrameworkOverrides,
    MetricChange,
    MetricDef,
    PillarChange,
    span_months,
)
from scorecard.validate.fields import check_model, long_texts, shown
from scorecard.values import has_visible_text

#: Sections of the framework that no score depends on. They are no part of its version or of
#: its hash, which say what the scores were computed with: a build compares the hash with the
#: one it published before to tell a change of the framework from a change of the data, and
#: keeps its scored audits while the hash stays the same.
UNSCORED = {"evidence", "stale_after"}


def builtin_framework_document() -> Document:
    raw = resources.files("scorecard").joinpath("builtin/framework.yml").read_bytes()
    return load_bytes(raw, "<built-in>/framework.yml")


def _merge(base: dict[str, Any], over: FrameworkOverrides) -> dict[str, Any]:
    merged = {} if over.extends == "none" else json.loads(json.dumps(base, default=str))
    merged.setdefault("pillars", {})
    merged.setdefault("metrics", {})
    merged.setdefault("references", {})
    for key in ("version", "name", "grades", "overall_min_pillars", "withheld", "stale_after"):
        value = getattr(over, key)
        if value is not None:
            merged[key] = value
    if over.suppression is not None:
        merged["suppression"] = over.suppression.model_dump()
    if over.evidence is not None:
        given = over.evidence.model_dump(exclude_unset=True)
        merged["evidence"] = {**merged.get("evidence", {}), **given}
    merged["references"].update(over.references)
    changes: dict[str, dict[str, PillarChange | MetricChange]] = {
        "pillars": dict(over.pillars),
        "metrics": dict(over.metrics),
    }
    for section, items in changes.items():
        for item_id, change in items.items():
            given = change.model_dump(exclude_none=True)  # a key written as null is not given
            merged[section][item_id] = {**merged[section].get(item_id, {}), **given}
    if over.version is None and over.extends == "builtin":
        changed = over.model_dump(exclude_defaults=True, exclude={"extends", *UNSCORED})
        if changed:
            merged["version"] = f"{base.get('version', '0')}+project"
    return merged


class _TwoDocs(Document):
    """Positions from the project's framework file where it speaks, else the built-in one."""

    def __init__(self, override: Document, builtin: Document) -> None:
        super().__init__(override.file)
        self.override = override
        self.builtin = builtin
        self.rejected = override.rejected | builtin.rejected

    def finding(
        self, code: str, path: KeyPath, message: str, hint: str = "", *, key: bool = False
    ) -> Finding:
        for doc in (self.override, self.builtin):
            if path in doc.value_at or path in doc.key_at:
                return doc.finding(code, path, message, hint, key=key)
        for cut in range(len(path), 0, -1):
            if path[:cut] in self.override.value_at:
                return self.override.finding(code, path, message, hint, key=key)
        return self.override.finding(code, path, message, hint, key=key)


def check_framework(
    builtin: Document, override: Document | None
) -> tuple[Framework | None, list[Finding]]:
    findings = list(builtin.findings)
    base = builtin.data if isinstance(builtin.data, dict) else {}
    doc: Document = builtin
    data: dict[str, Any] = base
    if override is not None:
        findings += override.findings
        if override.data is None and not override.findings:
            override.data = {}
        over, found = check_model(override, FrameworkOverrides, override.data)
        found += long_texts(override, override.data)
        findings += found
        if over is None:
            return None, findings
        data = _merge(base, over)
        doc = _TwoDocs(override, builtin)
    file, found = check_model(doc, FrameworkFile, data)
    findings += found
    if file is None:
        return None, findings
    findings += _framework_meaning(doc, file)
    if any(f.severity == "error" for f in findings):
        return None, findings
    canonical = json.dumps(
        file.model_dump(mode="json", exclude=UNSCORED), sort_keys=True, separators=(",", ":")
    )
    grades = tuple(file.grades.items())
    return (
        Framework(
            version=file.version,
            name=file.name,
            sha256=hashlib.sha256(canonical.encode()).hexdigest(),
            grades=grades,
            min_n_public=file.suppression.min_n_public,
            min_n_internal=file.suppression.min_n_internal,
            overall_min_pillars=file.overall_min_pillars,
            references=dict(file.references),
            pillars=dict(file.pillars),
            metrics=dict(file.metrics),
            withheld=file.withheld,
            evidence=file.evidence,
            stale_after=file.stale_after,
        ),
        findings,
    )


def _framework_meaning(doc: Document, file: FrameworkFile) -> list[Finding]:
    out: list[Finding] = []
    for pillar_id, pillar in file.pillars.items():
        if not SLUG.fullmatch(pillar_id.replace("_", "-")):
            out.append(
                doc.finding(
                    "SC014",
                    ("pillars", pillar_id),
                    f"pillar id `{pillar_id}` is not a slug",
                    key=True,
                )
            )
        if pillar.weight < 0:
            out.append(doc.finding("SC036", ("pillars", pillar_id, "weight"), "weight is negative"))
    core = [p for p in file.pillars.values() if p.role == "core"]
    if not 1 <= file.overall_min_pillars <= max(len(core), 1):
        out.append(
            doc.finding(
                "SC012",
                ("overall_min_pillars",),
                f"must be between 1 and the {len(core)} core pillars",
            )
        )
    for metric_id, metric in file.metrics.items():
        out += _metric_definition(doc, file, metric_id, metric)
    for grade in file.grades:
        if not has_visible_text(grade):
            out.append(
                doc.finding(
                    "SC012",
                    ("grades", grade),
                    f"grade {shown(grade)} must have visible text",
                    "name grades with letters or words, like A, B, C",
                    key=True,
                )
            )
    bands = list(file.grades.values())
    if not bands or any(a <= b for a, b in zip(bands, bands[1:], strict=False)):
        out.append(
            doc.finding(
                "SC037",
                ("grades",),
                "grade bands must go from the highest minimum to the lowest",
                "for example {A: 80, B: 65, C: 50, D: 35, F: 0}",
            )
        )
    if span_months(file.stale_after) in (None, 0):
        out.append(
            doc.finding(
                "SC012",
                ("stale_after",),
                f"stale_after {file.stale_after!r} is not a number of quarters, halves or years",
                "for example `4 quarters`, `2 halves` or `1 year`",
            )
        )
    s = file.suppression
    if s.min_n_internal < 1 or s.min_n_public < s.min_n_internal:
        out.append(
            doc.finding(
                "SC038",
                ("suppression",),
                f"min_n_internal ({s.min_n_internal}) must be at least 1 and not above "
                f"min_n_public ({s.min_n_public})",
            )
        )
    return out


def _metric_definition(
    doc: Document, file: FrameworkFile, metric_id: str, m: MetricDef
) -> list[Finding]:
    out: list[Finding] = []
    path: KeyPath = ("metrics", metric_id)
    match = METRIC_ID.fullmatch(metric_id)
    if not match or match.group(1) not in file.pillars:
        pillar = metric_id.split(".", 1)[0]
        out.append(
            doc.finding(
                "SC032",
                path,
                f"metric id `{metric_id}` must be `pillar.name` with a known pillar",
                did_you_mean(pillar, file.pillars) if match else "write it as pillar.name",
                key=True,
            )
        )
    if m.weight < 0:
        out.append(doc.finding("SC036", (*path, "weight"), "weight is negative"))
    if m.kind in ("number", "percent"):
        if m.target is None or m.floor is None:
            out.append(
                doc.finding(
                    "SC035",
                    path,
                    f"a {m.kind} metric needs both `target` and `floor`",
                    "target scores 100, floor scores 0",
                )
            )
        elif m.target == m.floor or (m.target > m.floor) != (m.better == "higher"):
            out.append(
                doc.finding(
                    "SC026",
                    (*path, "target"),
                    f"with better: {m.better}, the target ({m.target:g}) must be "
                    f"{'above' if m.better == 'higher' else 'below'} the floor ({m.floor:g})",
                    "swap them, or change `better`",
                )
            )
        if m.kind == "percent":
            for name in ("target", "floor"):
                value = getattr(m, name)
                if value is not None and not 0 <= value <= 100:
                    out.append(
                        doc.finding("SC023", (*path, name), f"{name} {value:g} is not in 0..100")
                    )
    if m.kind == "level" and (m.max is None or m.max < 1):
        out.append(doc.finding("SC035", path, "a level metric needs `max` of at least 1"))
    if m.survey_item and m.kind != "percent":
        out.append(
            doc.finding("SC035", (*path, "survey_item"), "only percent metrics can be survey items")
        )
    return out

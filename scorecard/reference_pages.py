"""The pages a reader consults to check the numbers: the methodology (how every number is made,
generated from the framework in use: its metrics, targets, sources, weights, grade bands,
thresholds and policies) and the data page (every file of open data, and its format)."""

from __future__ import annotations

from scorecard.context import (
    DataContext,
    MethodologyContext,
    MethodologyPillar,
    MetricDefRow,
    Page,
    Site,
    grade_bands,
)
from scorecard.evidence import RESAMPLES
from scorecard.model import Framework
from scorecard.wording import floor_text, number, target_text


def methodology_page(site: Site, fw: Framework) -> Page:
    pillars = [
        MethodologyPillar(
            id=pid,
            name=p.name,
            question=p.question,
            role=p.role,
            weight=number(p.weight),
            metrics=[
                MetricDefRow(
                    id=mid,
                    name=m.name,
                    description=m.description,
                    kind=m.kind,
                    unit=m.unit,
                    better=m.better,
                    target=target_text(m),
                    floor=floor_text(m),
                    weight=number(m.weight),
                    collected=m.collected,
                    basis=m.basis,
                )
                for mid in fw.metrics_by_pillar.get(pid, [])
                for m in [fw.metrics[mid]]
            ],
        )
        for pid, p in fw.pillars.items()
    ]
    context = MethodologyContext(
        site=site,
        pillars=pillars,
        grades=grade_bands(fw),
        min_n_public=fw.min_n_public,
        min_n_internal=fw.min_n_internal,
        overall_min_pillars=fw.overall_min_pillars,
        core_count=len(fw.core_pillars),
        references=sorted(fw.references.items()),
        evidence=fw.evidence,
        evidence_resamples=RESAMPLES,
        stale_after=fw.stale_after,
    )
    return Page("methodology.md", ["methodology.md.j2"], context, "Methodology")


def data_page(site: Site, results: int, per_institution: list[tuple[str, str, str]]) -> Page:
    """The data page; ``per_institution``: (name, data file, badge) of each institution."""
    files = [
        (
            "data/scores.json",
            "scores.json",
            "every score of every institution and period (format scorecard-scores/1)",
        ),
        ("data/scores.csv", "scores.csv", "one row per institution and period"),
        ("data/schemas/audit.schema.json", "audit.schema.json", "JSON Schema of an audit file"),
        (
            "data/schemas/institution.schema.json",
            "institution.schema.json",
            "JSON Schema of an institution file",
        ),
        (
            "data/schemas/framework.schema.json",
            "framework.schema.json",
            "JSON Schema of a framework file",
        ),
        ("data/compare.json", "compare.json", "the compact data of the compare page"),
        ("data-dictionary.md", "Data dictionary", "every field of these files, explained"),
    ]
    context = DataContext(site, files, results, per_institution)
    return Page("data.md", ["data.md.j2"], context, "Data")

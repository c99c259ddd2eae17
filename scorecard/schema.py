"""JSON Schemas of the content files, made from the same models that validate them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from scorecard.model import AuditFile, FrameworkOverrides, InstitutionFile

SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "audit.schema.json": AuditFile,
    "institution.schema.json": InstitutionFile,
    "framework.schema.json": FrameworkOverrides,
}

TITLES = {
    "audit.schema.json": "scorecard audit (content/audits/<institution>/<period>.yml)",
    "institution.schema.json": "scorecard institution (content/institutions/<id>.yml)",
    "framework.schema.json": "scorecard framework changes (content/framework.yml)",
}


def schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema (draft 2020-12)."""
    out = {}
    for name, model in SCHEMA_FILES.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = TITLES[name]
        if model is FrameworkOverrides:  # an empty file (or only comments) changes nothing
            schema["type"] = ["object", "null"]
        out[name] = schema
    return out

"""Open data: every field of the site's data files is in the data dictionary."""

from __future__ import annotations

import json
import re
from typing import Any

from conftest import AUDIT, MakeProject

from scorecard.facts import facts_of
from scorecard.project import open_project

# --- the comparison data of a built site ---------------------------------------------------------


def walk(value: Any, path: str = "") -> set[str]:
    """Every field path in a JSON value, with ids generalised as the dictionary names them."""
    out = set()
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}".lstrip(".")
            is_rows = isinstance(item, list) and item and isinstance(item[0], dict)
            out |= {f"{here}[]" if is_rows else here} | walk(item, here)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for item in value:
            out |= walk(item, f"{path}[]")
    return out


def generalise(path: str, pillars: set[str], metrics: set[str]) -> str:
    path = re.sub(r"\.pillars\.([a-z0-9_-]+)", lambda m: ".pillars.<pillar>", path)
    path = re.sub(r"\.metrics\.([a-z0-9_-]+\.[a-z0-9_]+)", ".metrics.<metric>", path)
    return re.sub(r"^badges\.(?!overall)[a-z0-9_-]+$", "badges.<pillar>", path)


def test_every_field_of_the_data_files_is_in_the_data_dictionary(
    make_project: MakeProject,
) -> None:
    from scorecard.dictionary import COMPARE_JSON, INSTITUTION_JSON, SCORES_CSV, SCORES_JSON
    from scorecard.export import csv_header, scores_document
    from scorecard.opendata import OpenData
    from scorecard.pages import Gatherer
    from scorecard.publications import Published

    responded = AUDIT + (
        "responses:\n"
        "  - {target: overall, kind: remediated, text: Scribes for all, date: 2026-10-20,\n"
        "     expires: 2027-10-20}\n"
    )
    root = make_project({"content/audits/north-valley/2026-Q3.yml": responded}, default=True)
    project, _ = open_project(root)
    assert project is not None
    scores = facts_of(project, ("internal",))["internal"]
    fw = project.framework
    published = {
        ("north-valley", "2026-Q3"): Published("0", "f" * 64, 1.0, "F", {"admin": (1.0, "F")})
    }
    docs = {
        "scores": (scores_document(scores, published), SCORES_JSON),
    }
    opendata = OpenData(Gatherer(project, scores, published))
    docs["institution"] = (opendata.institution_document("north-valley"), INSTITUTION_JSON)
    docs["compare"] = (opendata.compare_document(), COMPARE_JSON)
    for kind, (document, listed) in docs.items():
        found = {generalise(p, set(fw.pillars), set(fw.metrics)) for p in walk(document)}
        if kind == "compare":  # free-form maps: period -> scores, metric id -> cells
            found = {re.sub(r"^(institutions\[\]\.(scores|metrics))\..*", r"\1", p) for p in found}
        documented = {f.name for f in listed.fields}
        assert found - documented == set(), kind
    columns = {re.sub(rf"^({'|'.join(fw.pillars)})_", "<pillar>_", c) for c in csv_header(scores)}
    assert columns == {f.name for f in SCORES_CSV.fields}
    assert json.loads(json.dumps(docs["compare"][0]))["format"] == "scorecard-compare/1"

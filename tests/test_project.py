"""Opening a project: its files found and read once, the project they make, nothing scored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AUDIT, INSTITUTION, MakeProject

from scorecard.project import find_content, open_project

REPO = Path(__file__).resolve().parent.parent


def test_the_example_opens_without_a_finding() -> None:
    project, findings = open_project(REPO)
    assert findings == []
    assert project is not None
    assert len(project.institutions) == 10
    assert len(project.audits) == 80
    keys = [(a.institution, a.period) for a in project.audits]
    assert keys == sorted(keys)
    assert [p.name for p in project.pages] == ["about.md"]


def test_content_files_are_told_apart_by_their_place(make_project: MakeProject) -> None:
    root = make_project(
        {
            "content/framework.yml": "pillars: {}\n",
            "content/pages/about.md": "# About\n",
            "content/notes.yml": "stray: true\n",
            "content/audits/north-valley/extra/2026.yml": "x: 1\n",
            "content/instruments/mine.yml": "questions: []\n",
            "content/.hidden.yml": "x: 1\n",
        },
        default=True,
    )
    outside = root.parent / "outside.yml"
    outside.write_text(INSTITUTION, encoding="utf-8")
    (root / "content" / "institutions" / "linked.yml").symlink_to(outside)
    files = find_content(root)
    rel = lambda paths: [p.relative_to(root / "content").as_posix() for p in paths]  # noqa: E731
    assert files.framework == root / "content" / "framework.yml"
    assert rel(files.institutions) == ["institutions/north-valley.yml"]
    assert rel(files.audits) == ["audits/north-valley/2026-Q3.yml"]
    assert rel(files.pages) == ["pages/about.md"]
    assert sorted(rel(files.stray)) == ["audits/north-valley/extra/2026.yml", "notes.yml"]
    assert [(rel([p])[0], why.split(";")[0]) for p, why in files.refused] == [
        ("institutions/linked.yml", "is a link to a place outside the project")
    ]


def test_an_audit_of_an_institution_with_a_bad_file_is_checked_but_left_out(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {
            "content/institutions/south-hill.yml": INSTITUTION.replace(
                "peer_group: community", "peer_group: Not A Slug"
            ),
            "content/audits/south-hill/2026-Q3.yml": AUDIT,
        },
        default=True,
    )
    project, findings = open_project(root)
    assert project is not None
    assert [(f.code, f.file) for f in findings] == [
        ("SC014", "content/institutions/south-hill.yml")
    ]
    assert [a.institution for a in project.audits] == ["north-valley"]


_IMPORTED = """
import runpy, sys
sys.argv = ["scorecard", *sys.argv[1:]]
try:
    runpy.run_module("scorecard", run_name="__main__")
except SystemExit as end:
    loaded = sorted({m.split(".")[0] for m in sys.modules} & {"altair", "mkdocs", "vl_convert"})
    print("loaded:", ",".join(loaded), "exit:", end.code, file=sys.stderr)
"""


@pytest.mark.parametrize("command", [["validate"], ["score", "--format", "json"]])
def test_checking_and_scoring_need_neither_charts_nor_mkdocs(command: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *command, "--project", str(REPO)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        timeout=120,
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "loaded:  exit: 0", run.stderr

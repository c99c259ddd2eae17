"""A new project for ``scorecard init``: a small sample and a CI workflow."""

from __future__ import annotations

from pathlib import Path

from scorecard.sample import write_sample_project

WORKFLOW = """\
name: scorecard
on:
  pull_request:
  push:
    branches: [main]
jobs:
  scorecard:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install scorecard
      - run: scorecard validate --format github
      - run: scorecard score --format table
      - run: scorecard build --audience public
"""

GITIGNORE = "site/\n.scorecard/\n"


def write_starter(directory: Path) -> list[Path]:
    """Write the starter project; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    before = {p for p in directory.rglob("*") if p.is_file()}
    write_sample_project(directory, institutions=2, periods=2, rich=False, first_period="2026-Q2")
    workflow = directory / ".github" / "workflows" / "scorecard.yml"
    workflow.parent.mkdir(parents=True, exist_ok=True)
    workflow.write_text(WORKFLOW, encoding="utf-8")
    gitignore = directory / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(GITIGNORE, encoding="utf-8")
    return sorted(p for p in directory.rglob("*") if p.is_file() and p not in before)

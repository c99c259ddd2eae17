"""A new project for ``scorecard init``: a small sample and a CI workflow."""

from __future__ import annotations

from pathlib import Path

from scorecard.sample import write_sample_project

WORKFLOW = """\
# Checks every change to the content, shows reviewers how the scores move, and publishes
# the public site with GitHub Pages (Settings > Pages > Source: GitHub Actions).
name: scorecard
on:
  pull_request:
  push:
    branches: [main]
  workflow_dispatch:
permissions:
  contents: read
jobs:
  scorecard:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the base branch's history, for scorecard diff
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      # Checked audits from earlier runs: a large project then reads only the files that changed.
      - uses: actions/cache@v4
        with:
          path: ~/.cache/scorecard
          key: scorecard-${{ github.sha }}
          restore-keys: scorecard-
      - run: pip install scorecard
      - name: Validate (annotations on the files)
        run: scorecard validate --format github
      - name: Score changes (in the job summary)
        if: github.event_name == 'pull_request'
        env:
          BASE_REF: ${{ github.base_ref }}
        run: scorecard diff "origin/$BASE_REF" HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"
      - name: Gate
        # Add score rules as you need them, e.g. --fail-under 50 --fail-under safety=40
        # --max-drop 10 (points since the previous period).
        run: scorecard check --max-age 400d
      - name: Build both sites
        run: scorecard build --audience both --out site
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site/public
  deploy:
    if: github.event_name == 'push' && github.ref == 'refs/heads/main'
    needs: scorecard
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
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

"""A new project for ``scorecard init``: a small sample and a CI workflow."""

from __future__ import annotations

from pathlib import Path

from scorecard import DISTRIBUTION, installed_version
from scorecard.sample import write_sample_project

#: The workflow, with ``{install}`` for the one version of scorecard it installs.
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
  pages: read  # where the site is published, to fetch its previous scores
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
      # The version of scorecard that wrote this file (on the package index it is
      # hospital-scorecard: `scorecard` there is another project). Raise it to upgrade.
      - run: pip install "{install}"
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
      - name: Where the site is published
        # GitHub Pages' address for this repository: https://OWNER.github.io/REPO/ for a
        # project site, a sub-path that the site's 404 page, shown at any address, must link
        # from. Pages not set up yet: none, and the build keeps mkdocs.yml's site_url.
        id: pages
        env:
          GH_TOKEN: ${{ github.token }}
        run: |
          if url="$(gh api "repos/$GITHUB_REPOSITORY/pages" --jq .html_url)"; then
            echo "url=$url" >> "$GITHUB_OUTPUT"
          fi
      - name: Previous scores (for "why the grades changed")
        # Each institution page says why its grades changed since the previous build, read
        # from that build's data/scores.json; here site/ starts empty, so fetch the published
        # one. Nothing published yet (the first run), Pages not set up, or the site out of
        # reach: the step goes on without it, and the build explains changes by the data alone.
        env:
          PAGES_URL: ${{ steps.pages.outputs.url }}
        run: |
          if [ -n "$PAGES_URL" ]; then
            mkdir -p site/public/data
            published="${PAGES_URL%/}/data/scores.json"
            curl -fsSL --retry 2 -o site/public/data/scores.json "$published" || rm -rf site/public
          fi
      - name: Build both sites
        env:
          # Orders anonymous institutions that joined in the same period ("Peer A", "Peer B")
          # so that a list of ids cannot tell which is which. Set it once under Settings >
          # Secrets and variables > Actions > New repository secret, named
          # SCORECARD_ANONYMITY_KEY, with a long random value (e.g. from `openssl rand -hex 32`);
          # keep the same value from then on, as a new one re-letters those institutions.
          # Pull requests from forks do not get it; their builds are not published.
          SCORECARD_ANONYMITY_KEY: ${{ secrets.SCORECARD_ANONYMITY_KEY }}
          PAGES_URL: ${{ steps.pages.outputs.url }}
        run: scorecard build --audience both --out site --site-url "$PAGES_URL"
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


def workflow(version: str | None = None) -> str:
    """The CI workflow, installing scorecard at ``version`` (by default the one running)."""
    return WORKFLOW.replace("{install}", f"{DISTRIBUTION}=={version or installed_version()}")


def write_starter(directory: Path) -> list[Path]:
    """Write the starter project; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    before = {p for p in directory.rglob("*") if p.is_file()}
    write_sample_project(directory, institutions=2, periods=2, rich=False, first_period="2026-Q2")
    path = directory / ".github" / "workflows" / "scorecard.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(workflow(), encoding="utf-8")
    gitignore = directory / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(GITIGNORE, encoding="utf-8")
    return sorted(p for p in directory.rglob("*") if p.is_file() and p not in before)

"""The site: every audience's pages gathered into a docs folder, built by MkDocs, checked, and
swapped in whole, so that a failed build leaves the last good site as it was.

One module per job: `build` (the whole build, step by step), `docs` (the docs folder and the
generated ``mkdocs.yml``), `mkdocs` (running MkDocs; `parts`, a large site built in parts),
`verify` (checking a built site), `publish` (the lock, the staging folders and the swap),
`assets` (the scripts and styles a site ships) and `report` (what a build tells its caller).
"""

from __future__ import annotations

from scorecard.site.build import build_site
from scorecard.site.docs import DocsFiles, Options, gather_audience
from scorecard.site.publish import LAST_DOCS, build_lock, recover, swap_in
from scorecard.site.report import BuildError, BuildReport
from scorecard.site.verify import verify

__all__ = [
    "LAST_DOCS",
    "BuildError",
    "BuildReport",
    "DocsFiles",
    "Options",
    "build_lock",
    "build_site",
    "gather_audience",
    "recover",
    "swap_in",
    "verify",
]

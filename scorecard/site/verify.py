"""Checking a built site before it may replace the previous one: MkDocs wrote every page, each
internal page asks search engines not to index it, and the public site holds nothing internal
(`scorecard.leaks`)."""

from __future__ import annotations

from pathlib import Path

from scorecard.leaks import PublicScan, scan_site
from scorecard.parallel import WorkerStopped
from scorecard.render import page_address
from scorecard.site.docs import ROBOTS_META, AudienceBuild
from scorecard.site.report import KEPT, BuildError


def verify(site: Path, build: AudienceBuild, scan: PublicScan, directory_urls: bool = True) -> None:
    """Check a built site before it may replace the previous one; ``directory_urls``: the
    project's use_directory_urls (a page is page/index.html, else page.html)."""
    missing = [p for p in build.page_paths if not (site / _html_path(p, directory_urls)).is_file()]
    if missing:
        raise BuildError(f"MkDocs did not write {len(missing)} pages, such as {missing[0]}")
    if build.audience == "internal":
        for path in site.rglob("*.html"):
            if ROBOTS_META not in path.read_text(encoding="utf-8", errors="replace"):
                if path.name == "404.html":
                    continue
                raise BuildError(f"internal page {path.relative_to(site)} lacks noindex")
        return
    try:
        leak = scan_site(site, scan)
    except WorkerStopped as err:
        raise BuildError(f"checking the site stopped before its end ({err}); {KEPT}") from None
    if leak is not None:
        raise BuildError(
            f"the public site would {leak.found} in {leak.where}; the public build was "
            "stopped and the previous public site kept"
        )


def _html_path(md_path: str, directory_urls: bool = True) -> str:
    """The file MkDocs writes for a page."""
    address = page_address(md_path, directory_urls)
    return f"{address}index.html" if address.endswith("/") or not address else address

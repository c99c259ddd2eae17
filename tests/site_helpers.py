"""Helpers for the site tests: project trees, builds through the CLI, and reading a built site."""

from __future__ import annotations

import base64
import gzip
import html
import json
import posixpath
import re
import shutil
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup
from click.testing import Result
from conftest import Runner

from scorecard.cli import cli
from scorecard.model import Project
from scorecard.project import open_project

REPO = Path(__file__).resolve().parent.parent
#: Words of the internal banner (scorecard/templates/_banner.md.j2) and the robots meta tag.
BANNER = "This site is for internal use only"
NOINDEX = '<meta name="robots" content="noindex'
#: The default framework's pillars (SPEC.md, "The five pillars").
PILLARS = ["admin", "mission", "autonomy", "safety", "recognition", "outcomes", "complex_care"]


def copy_example(dest: Path, *, site_url: str | None = None) -> Path:
    """The example project at the repository root (mkdocs.yml, content/) copied into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "content", dest / "content")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if site_url is not None:
        config = f"site_url: {site_url}\n" + re.sub(r"(?m)^site_url:.*\n", "", config)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


def write_tree(root: Path, files: Mapping[str, str | Mapping[str, Any]]) -> Path:
    """Write files under ``root``; a mapping is written as YAML, so any text is quoted right."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not isinstance(content, str):
            content = yaml.safe_dump(dict(content), sort_keys=False, allow_unicode=True, width=1000)
        path.write_text(content, encoding="utf-8")
    return root


def checked(root: Path) -> Project:
    """The project at ``root``, which must open without a finding."""
    project, findings = open_project(root)
    assert [f.format() for f in findings] == []
    assert project is not None
    return project


def build(root: Path, out: Path, audience: str = "both") -> Result:
    """``scorecard build`` through Click, as a user runs it."""
    args = ["build", "--project", str(root), "--out", str(out), "--audience", audience]
    return Runner().invoke(cli, args)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) and its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page_text(path: Path) -> str:
    """The text a reader sees in a page's article, whitespace collapsed."""
    article = soup(path).select_one("article") or soup(path)
    return " ".join(article.get_text(" ").split())


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


_LINK = re.compile(r'(?:href|src)="([^"]*)"')


def broken_links(site: Path, *, directories: bool = True) -> list[str]:
    """Every link (``href``, ``src``) from a built page to a page or file of the site that is
    not there; with ``directories=False``, a link to a folder too (opened from files, a
    browser shows a folder's listing, not its index.html)."""
    broken = []
    for page in site.rglob("*.html"):
        here = page.relative_to(site).as_posix()
        for href in {html.unescape(h) for h in _LINK.findall(page.read_text(encoding="utf-8"))}:
            path = re.split("[#?]", href)[0]
            if not path or ":" in path or path.startswith("/"):
                continue  # the page itself, another site's address, the site's root
            target = site / posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
            if target.is_dir() and directories:
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{here} -> {href}")
    return sorted(broken)


def chart_spec(value: str) -> dict[str, Any]:
    """A chart's spec from its ``data-spec`` attribute: UTF-8 JSON in standard base64."""
    spec: dict[str, Any] = json.loads(base64.b64decode(value, validate=True).decode("utf-8"))
    return spec


def chart_specs(text: str) -> list[dict[str, Any]]:
    """Every chart spec of an HTML page."""
    return [chart_spec(value) for value in re.findall(r'data-spec="([^"]*)"', text)]


def site_texts(site: Path) -> Iterator[tuple[str, str]]:
    """(path, text) for every file of a built site, in every form a secret could hide in.

    The raw text, its HTML-unescaped form, JSON decoded (so ``\\u`` escapes count) and the
    chart specifications inside ``data-spec`` attributes; gzip files are opened.
    """
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8", errors="replace")
        forms = [text, html.unescape(text)]
        if path.suffix == ".json":
            forms.append(json.dumps(json.loads(text), ensure_ascii=False))
        if path.suffix == ".html":
            for element in BeautifulSoup(text, "html.parser").select("[data-spec]"):
                spec = chart_spec(str(element["data-spec"]))
                forms.append(json.dumps(spec, ensure_ascii=False))
        yield path.relative_to(site).as_posix(), "\n".join(forms)


# --- a hostile project: audit texts that look like markup, script, Markdown and Jinja ----------

HOSTILE_NAME = 'Harrow <script>alert(1)</script> & "Sons" | *bold* {{ 7*7 }} {: .x}'
#: Texts shown on both sites (field -> text).
HOSTILE_PUBLIC = {
    "auditor": "Audit <img src=x onerror=alert(1)> [click](javascript:alert(1)) | `tick` {{ 6*7 }}",
    "action": "Fix <img src=x onerror=alert(1)> [go](javascript:alert(1)) | `code` {% if 1 %}x",
    "reason": "Closed <script>alert(5)</script> ward | *none* {{ 5*5 }} {: #id}",
    "unit": "Unit <img src=x onerror=alert(1)> | `cell` {{ 8*8 }}",
    "instrument": "Survey <b>bold</b> {% raw %} {{ 2*2 }}",
}
#: Texts shown on the internal site only.
HOSTILE_INTERNAL = {
    "owner": "Owner <script>alert(3)</script> {{ 3*3 }}",
    "note": "Note <img src=x onerror=alert(1)> [n](javascript:alert(1)) {{ 4*4 }}",
    # notes keep their words; their lines are joined with spaces
    "notes": "Notes <img src=x onerror=alert(1)> [click](javascript:alert(1)) {{ 9*9 }} | pipe",
}
HOSTILE_WEBSITE = 'https://example.org/?q=<b>&x="y"'


def evaluated(text: str) -> str:
    """``text`` as it would read had its ``{{ a*b }}`` been run as Jinja."""
    return re.sub(r"\{\{ (\d+)\*(\d+) \}\}", lambda m: str(int(m[1]) * int(m[2])), text)


def hostile_files() -> dict[str, str | Mapping[str, Any]]:
    t, i = HOSTILE_PUBLIC, HOSTILE_INTERNAL
    notes_lines = i["notes"].replace(" [click]", "\n[click]", 1) + "\n"
    return {
        "content/institutions/harrow.yml": {
            "name": HOSTILE_NAME,
            "kind": "community-hospital",
            "region": "US-VT",
            "peer_group": "community",
            "website": HOSTILE_WEBSITE,
            "publish": "named",
        },
        "content/audits/harrow/2026-Q3.yml": {
            "audited": date(2026, 10, 15),
            "auditor": t["auditor"],
            "sources": [
                {"id": "wellbeing-survey", "kind": "survey", "instrument": t["instrument"]}
            ],
            "metrics": {
                "admin.ehr_time_per_8h": {"value": 6.0},
                "safety.speak_up": {"positive": 132, "n": 210, "source": "wellbeing-survey"},
                "recognition.non_revenue_recognition": {"value": True},
                "autonomy.approval_layers": {"value": 2, "note": i["note"]},
                "mission.wellbeing_executive": {"status": "not-applicable", "reason": t["reason"]},
            },
            "units": {
                "ward": {
                    "name": t["unit"],
                    "visibility": "public",
                    "metrics": {"safety.speak_up": {"positive": 20, "n": 30}},
                }
            },
            "actions": [
                {
                    "id": "fix",
                    "pillar": "admin",
                    "title": t["action"],
                    "owner": i["owner"],
                    "status": "in-progress",
                }
            ],
            "notes": notes_lines,
        },
    }


def institution(name: str, publish: str, **more: Any) -> dict[str, Any]:
    """An institution file's values: a community hospital in the peer group `community`."""
    return {
        "name": name,
        "kind": "community-hospital",
        "region": "US-VT",
        "peer_group": "community",
        "publish": publish,
        **more,
    }

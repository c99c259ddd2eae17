"""Hostile input: a corpus of bad files, path tricks, links out of the project, and script in
every text field, shown in real Chromium. Each ends in a clean finding or a clean site."""

from __future__ import annotations

import json
import os
import re
import time
import tracemalloc
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser import Session, browser_page, serve  # tests/ is on sys.path (no __init__.py)
from conftest import AUDIT, INSTITUTION, MakeProject, Runner, assert_clean_exit
from site_helpers import build, html_pages, snapshot, write_tree

from scorecard.cli import cli
from scorecard.findings import CATALOGUE, Finding
from scorecard.load import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES, load_bytes
from scorecard.project import open_project
from scorecard.site import BuildError, build_site
from scorecard.validate import MAX_NOTES, MAX_TEXT

CORPUS = Path(__file__).parent / "fixtures" / "hostile"
AUDIT_PATH = "content/audits/north-valley/2026-Q3.yml"
INSTITUTION_PATH = "content/institutions/north-valley.yml"
FRAMEWORK_PATH = "content/framework.yml"

#: corpus file -> a finding code it must give as an audit ("" for a valid file)
EXPECTED = {
    "bad-counts.yml": "SC021",
    "bad-dates.yml": "SC007",
    "billion-laughs.yml": "SC002",
    "binary-set-omap.yml": "SC012",
    "bom-crlf.yml": "",
    "cesu-surrogate.yml": "SC005",
    "comment-only.yml": "SC009",
    "complex-key.yml": "SC001",
    "control-escapes.yml": "",
    "cr-only.yml": "",
    "custom-tag.yml": "SC012",
    "deep-lists.yml": "SC040",
    "deep-mappings.yml": "SC040",
    "duplicate-ids.yml": "SC034",
    "duplicate-keys.yml": "SC003",
    "empty.yml": "SC009",
    "extreme-numbers.yml": "SC008",
    "far-future.yml": "SC046",
    "invisible-keys.yml": "SC010",
    "latin1.yml": "SC005",
    "list-root.yml": "SC009",
    "long-text.yml": "SC012",
    "merge-key.yml": "SC002",
    "multi-document.yml": "SC001",
    "newline-in-key.yml": "SC010",
    "no-final-newline.yml": "",
    "non-string-keys.yml": "SC018",
    "norway-booleans.yml": "SC006",
    "nul-byte.yml": "SC001",
    "null-root.yml": "SC009",
    "overlong-utf8.yml": "SC005",
    "path-ids.yml": "SC014",
    "python-name.yml": "SC012",
    "python-object.yml": "SC012",
    "scalar-root.yml": "SC009",
    "self-alias.yml": "SC002",
    "syntax-error.yml": "SC001",
    "tab-indent.yml": "SC001",
    "tag-directive.yml": "SC012",
    "tiny-and-odd-numbers.yml": "SC025",
    "unclosed-quote.yml": "SC001",
    "utf16-bom.yml": "SC005",
    "utf32.yml": "SC005",
    "wrong-entry-types.yml": "SC012",
    "wrong-types.yml": "SC012",
}
PLACES = {"audit": AUDIT_PATH, "institution": INSTITUTION_PATH, "framework": FRAMEWORK_PATH}


def well_formed(findings: list[Finding], root: Path) -> None:
    """Every finding has a known code, a file of the project, a position and one printable line."""
    for f in findings:
        assert f.code in CATALOGUE, f
        assert f.line >= 1 and f.col >= 1, f
        if f.file.isprintable() and "\\" not in f.file:  # else escaped: a\\nb for a new line
            assert (root / f.file).exists() or f.file.startswith("<built-in>"), f
        text = f.format()
        assert text.isprintable(), repr(text)


def test_the_corpus_is_the_table() -> None:
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_gives_clean_findings(
    make_project: MakeProject, name: str, place: str
) -> None:
    raw = (CORPUS / name).read_bytes()
    root = make_project({PLACES[place]: raw}, default=True)
    started = time.perf_counter()
    project, findings = open_project(root)
    assert time.perf_counter() - started < 5.0  # about 0.05 s
    well_formed(findings, root)
    codes = {f.code for f in findings}
    if place == "audit":
        expected = EXPECTED[name]
        assert expected in codes if expected else not any(f.severity == "error" for f in findings)
    assert not (Path("/tmp") / "scorecard-pwned").exists()  # python/object tags never run


#: Nested past the limit (MAX_DEPTH, 32): a text, and where the first level too many starts
DEEP = {
    # LibYAML reads up to 1,024 characters ahead in a flow list; from PyYAML 6.0.4 on it stops
    # at its own limit of 1,000 levels first
    "flow-lists-past-libyaml's-limit": (b"a: " + b"[" * 1001 + b"]" * 1001 + b"\n", (1, 35)),
    "flow-lists-within-it": (b"a: " + b"[" * 40 + b"]" * 40 + b"\n", (1, 35)),
    "lists-and-mappings": (b"a: " + b"[{b: " * 600 + b"\n", (1, 80)),
    "block-mappings": (
        b"".join(b" " * i + b"k%d:\n" % i for i in range(40)) + b" " * 40 + b"end: 1\n",
        (33, 33),
    ),
    "the-corpus-file": ((CORPUS / "deep-lists.yml").read_bytes(), (2, 41)),
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_one_finding_at_the_level_too_many(name: str) -> None:
    """The same finding and position under any PyYAML 6, whatever limit LibYAML has."""
    raw, position = DEEP[name]
    doc = load_bytes(raw, "deep.yml")
    assert [(f.code, (f.line, f.col)) for f in doc.findings] == [("SC040", position)]
    assert doc.findings[0].path.count(".") + doc.findings[0].path.count("[") == MAX_DEPTH - 1
    assert doc.data is None


@pytest.mark.parametrize("name", ["python-object.yml", "billion-laughs.yml", "control-escapes.yml"])
def test_hostile_file_through_the_command_line(make_project: MakeProject, name: str) -> None:
    root = make_project({AUDIT_PATH: (CORPUS / name).read_bytes()}, default=True)
    result = Runner().invoke(cli, ["validate", "--project", str(root), "--format", "json"])
    assert_clean_exit(result, 0 if not EXPECTED[name] else 1)
    findings = json.loads(result.stdout)["findings"]
    errors = {(f["code"], f["file"]) for f in findings if f["severity"] == "error"}
    if EXPECTED[name]:
        assert (EXPECTED[name], AUDIT_PATH) in errors
    else:
        assert errors == set()


def test_a_key_cannot_forge_a_line_of_output(make_project: MakeProject) -> None:
    root = make_project({AUDIT_PATH: (CORPUS / "newline-in-key.yml").read_bytes()}, default=True)
    result = Runner().invoke(cli, ["validate", "--project", str(root)])
    assert_clean_exit(result, 1)
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and "forged" in lines[0]
    assert not any(line.startswith("fake.yml") for line in lines)


def test_positions_count_lines_as_editors_do(make_project: MakeProject) -> None:
    """YAML 1.1 takes NEL, LS and PS (pasted from word processors) for line breaks; editors
    and GitHub do not, so findings count lines by \\n (and \\r) alone."""
    audit = 'audited: 2026-10-15\nauditor: "Office\u2028of\x85Well\u2029being"\nauditer: x\n'
    root = make_project({AUDIT_PATH: audit}, default=True)
    _project, findings = open_project(root)
    assert [(f.code, f.line, f.col) for f in findings] == [("SC010", 3, 1)]


# --- enormous input: bounded time and memory -------------------------------------------------


def _many(line: str, count: int) -> bytes:
    return b"audited: 2026-10-15\n" + "".join(line % i for i in range(count)).encode()


ENORMOUS = {
    "over-the-size-limit": (b"# " + b"x" * MAX_FILE_BYTES, "SC004"),
    "too-many-values": (_many("a%d: 1\n", MAX_VALUES + 1), "SC004"),
    "too-many-list-items": (b"audited: 2026-10-15\nactions: [" + b"[]," * 60_000 + b"]\n", "SC004"),
    "a-megabyte-of-text": (b"audited: 2026-10-15\nauditor: " + b"<*" * 500_000 + b"\n", "SC012"),
    "notes-over-the-limit": (
        b"audited: 2026-10-15\nnotes: " + b"n" * (MAX_NOTES + 1) + b"\n",
        "SC012",
    ),
    "six-thousand-unknown-metrics": (
        b"audited: 2026-10-15\nmetrics:\n" + _many("  admin.x%06d: 1\n", 6_000)[20:],
        "SC018",
    ),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(ENORMOUS))
def test_enormous_file_is_a_finding_in_bounded_time_and_memory(
    make_project: MakeProject, name: str
) -> None:
    raw, code = ENORMOUS[name]
    root = make_project({AUDIT_PATH: raw}, default=True)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        _project, findings = open_project(root)
        seconds = time.perf_counter() - started
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code in {f.code for f in findings}
    well_formed(findings, root)
    assert seconds < 20  # with tracemalloc on; about a tenth of that without
    assert peak < 300 * 2**20, f"{peak / 2**20:.0f} MiB"


def test_texts_at_their_limits_are_fine(make_project: MakeProject) -> None:
    audit = AUDIT + f"notes: {'n' * MAX_NOTES}\nactions:\n"
    audit += f"  - {{id: a, pillar: admin, title: {'t' * MAX_TEXT}}}\n"
    root = make_project({AUDIT_PATH: audit}, default=True)
    project, findings = open_project(root)
    assert findings == [] and project is not None


# --- paths: file names and ids never lead out of the project or the site ---------------------

BAD_STEMS = [
    "index",  # the list of institutions
    "North-Valley",
    "north valley",
    "-north",
    "north_valley",
    "nörth",
    "north\u2010valley",  # a Unicode hyphen
    "north..valley",
    "%2e%2e",
    "$(touch pwned)",
    "a\nb",
]


@pytest.mark.parametrize("stem", BAD_STEMS)
def test_an_institution_file_name_must_be_a_slug(make_project: MakeProject, stem: str) -> None:
    root = make_project({f"content/institutions/{stem}.yml": INSTITUTION}, default=True)
    project, findings = open_project(root)
    assert [f.code for f in findings] == ["SC043"]
    assert project is not None and sorted(project.institutions) == ["north-valley"]
    well_formed(findings, root)


@pytest.mark.parametrize(
    ("relative", "code"),
    [
        ("content/audits/North-Valley/2026-Q3.yml", "SC043"),
        ("content/audits/.hidden/2026-Q3.yml", "SC043"),
        ("content/audits/north-valley/2026-Q5.yml", "SC015"),
        ("content/audits/north-valley/2026-q3.yml", "SC015"),
        ("content/audits/north-valley/2026-Q3.yml.yml", "SC015"),
        ("content/audits/north-valley/ 2026-Q3.yml", "SC015"),
    ],
)
def test_an_audit_path_must_name_an_institution_and_a_period(
    make_project: MakeProject, relative: str, code: str
) -> None:
    root = make_project({relative: AUDIT}, default=True)
    _project, findings = open_project(root)
    assert code in {f.code for f in findings}


@pytest.mark.parametrize(
    "framework",
    [
        "pillars:\n  ../evil: {name: Evil}\n",
        "pillars:\n  Admin/x: {name: Evil}\n",
        "metrics:\n  ../admin.x: {name: X, kind: boolean}\n",
        "metrics:\n  admin.x/../../y: {name: X, kind: boolean}\n",
    ],
)
def test_framework_ids_must_be_slugs(make_project: MakeProject, framework: str) -> None:
    root = make_project({FRAMEWORK_PATH: framework}, default=True)
    project, findings = open_project(root)
    assert project is None
    assert {f.code for f in findings} & {"SC014", "SC032"}


@pytest.mark.parametrize("rel", ["../escape.md", "/tmp/abs.md", "a/../../b.md", "a/./../b.md"])
def test_the_site_refuses_a_page_path_outside_its_folder(tmp_path: Path, rel: str) -> None:
    from scorecard.site import DocsFiles

    for files in (DocsFiles(tmp_path / "staging" / "docs"), DocsFiles()):
        with pytest.raises(BuildError, match="inside the site"):
            files[rel] = b"# x\n"
        assert list(files) == []
    assert not (tmp_path / "escape.md").exists()


def test_odd_but_valid_ids_write_only_inside_the_output(tmp_path: Path) -> None:
    ids = ["0", "a-", "9-9-9", "a" * 80, "search", "assets", "data", "404", "peer-a"]
    files: dict[str, str | Mapping[str, Any]] = {}
    for inst_id in ids:
        files[f"content/institutions/{inst_id}.yml"] = INSTITUTION
        files[f"content/audits/{inst_id}/2026-Q3.yml"] = AUDIT
    files["content/institutions/hidden.yml"] = INSTITUTION.replace("named", "anonymous")
    files["content/audits/hidden/2026-Q3.yml"] = AUDIT
    root = write_tree(tmp_path / "project", files)
    out = tmp_path / "site" / "out"
    result = build(root, out, "both")
    assert result.exit_code == 0, result.output
    outside = sorted(p for p in tmp_path.rglob("*") if p.is_file() and out not in p.parents)
    assert [p for p in outside if root not in p.parents] == []
    for audience in ("public", "internal"):
        site = out / audience
        shown = {*ids, "peer-b" if audience == "public" else "hidden"}  # peer-a is taken
        assert {p.parent.name for p in site.glob("institutions/*/index.html")} == shown
        assert [p for p in site.rglob("*") if p.is_symlink()] == []
        assert (site / "search" / "search_index.json").is_file()  # not replaced by a page
        assert (site / "assets" / "javascripts").is_dir()
        assert (site / "data" / "scores.json").is_file()


# --- links that lead out of the project, and files that are not files ------------------------


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A secret beside the project, that no build may read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("OUTSIDE-SECRET-4b1d\n", encoding="utf-8")
    return secret


def _link(root: Path, relative: str, target: Path | str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


@pytest.mark.parametrize(
    "relative",
    [
        "content/pages/secret.md",
        "content/institutions/secret.yml",
        "content/audits/north-valley/2026-Q2.yml",
        "content/framework.yml",
    ],
)
def test_a_link_out_of_the_project_is_refused(
    make_project: MakeProject, outside: Path, tmp_path: Path, relative: str
) -> None:
    root = make_project(default=True)
    _link(root, relative, outside)
    project, findings = open_project(root)
    refused = [f for f in findings if f.file == relative]
    assert [(f.code, f.line) for f in refused] == [("SC009", 1)]
    assert "outside the project" in refused[0].message
    assert all("OUTSIDE-SECRET" not in f.format() for f in findings)
    result = build(root, tmp_path / "out", "public")
    assert_clean_exit(result, 1)
    assert not (tmp_path / "out" / "public").exists()


def test_a_linked_folder_out_of_the_project_is_refused(
    make_project: MakeProject, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2026-Q2.yml").write_text(AUDIT, encoding="utf-8")
    root = make_project(default=True)
    _link(root, "content/audits/other", elsewhere)
    _project, findings = open_project(root)
    assert [(f.file, f.code) for f in findings] == [("content/audits/other", "SC009")]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "/proc/self/environ"])
def test_a_link_to_a_device_is_refused_without_reading_it(
    make_project: MakeProject, target: str
) -> None:
    root = make_project(default=True)
    _link(root, "content/audits/north-valley/2026-Q2.yml", Path(target))
    _project, findings = open_project(root)
    assert [(f.file, f.code) for f in findings] == [
        ("content/audits/north-valley/2026-Q2.yml", "SC009")
    ]


@pytest.mark.timeout(30)
def test_a_pipe_is_not_read(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(default=True)
    (root / "content/pages").mkdir()
    os.mkfifo(root / "content/audits/north-valley/2026-Q2.yml")
    os.mkfifo(root / "content/pages/notes.md")
    _project, findings = open_project(root)
    assert sorted((f.file, f.code) for f in findings) == [
        ("content/audits/north-valley/2026-Q2.yml", "SC009"),
        ("content/pages/notes.md", "SC009"),
    ]
    assert all("not a regular file" in f.message for f in findings)


def test_links_that_loop_or_dangle_are_findings(make_project: MakeProject) -> None:
    root = make_project(default=True)
    _link(root, "content/audits/north-valley/2026-Q1.yml", "2026-Q1.yml")  # itself
    _link(root, "content/audits/north-valley/2026-Q2.yml", "missing.yml")
    _project, findings = open_project(root)
    assert sorted((f.file, f.code) for f in findings) == [
        ("content/audits/north-valley/2026-Q1.yml", "SC009"),
        ("content/audits/north-valley/2026-Q2.yml", "SC009"),
    ]


def test_a_link_inside_the_project_is_fine(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({"content/pages/about.md": "# About\n\nA network.\n"}, default=True)
    _link(root, "content/pages/about-us.md", Path("about.md"))
    project, findings = open_project(root)
    assert findings == [] and project is not None
    assert [p.name for p in project.pages] == ["about-us.md", "about.md"]


def test_a_template_linked_out_of_the_project_is_refused(
    make_project: MakeProject, outside: Path, tmp_path: Path
) -> None:
    root = make_project(default=True)
    _link(root, "site_templates/institution.md.j2", outside)
    result = build(root, tmp_path / "out", "public")
    assert_clean_exit(result, 1)
    assert "outside the project" in result.output
    assert "OUTSIDE-SECRET" not in result.output


# --- script in every text field, in real Chromium ---------------------------------------------

#: Each payload says "xss" when it runs: an alert, a console message, or a request.
PAYLOADS = [
    '<script>alert("xss-1")</script>',
    '<img src=x onerror=alert("xss-2")>',
    '"><svg onload=alert("xss-3")>',
    "'><iframe srcdoc=\"<script>parent.alert('xss-4')</script>\"></iframe>",
    '[click](javascript:alert("xss-5"))',
    '<javascript:alert("xss-6")>',
    "![x](x\" onerror=\"alert('xss-7'))",
    "{: onclick=\"alert('xss-8')\" }",
    '<div markdown="1" onmouseover="alert(\'xss-9\')">*md*</div>',
    '`code` <details open ontoggle=console.log("xss-10")>',
    '{{ 7*7 }} {% raw %} {# c #} ${alert("xss-11")}',
    '</script><script>console.log("xss-12")</script>',
    '<style>body{background:url("http://xss.invalid/13")}</style>',
    '&lt;script&gt;alert("xss-14")&lt;/script&gt; &#60;img src=x onerror=alert("xss-14")&#62;',
    "<a href=\"jav&#x09;ascript:alert('xss-15')\">x</a>",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("xss-16")>',
    '<!--<img src="--><img src=x onerror=alert("xss-17")//-->',
    "<object data=\"javascript:alert('xss-18')\"></object>",
    '[a]: javascript:alert("xss-19")\n[a] [b](<javascript:alert("xss-19")>)',
    '| cell | <img src=x onerror=alert("xss-20")> |\n|---|---|',
    "!!! danger \"<img src=x onerror=alert('xss-21')>\"\n    body",
    "^^ins^^ ==mark== ~~del~~ ++ctrl+alt++ {++add++} :smile: H~2~O $x$",
    '\x02wzxhzdk:0\x03 \x02klzzwxh:1\x03 <img src=x onerror=alert("xss-22")>',
    '" onmouseover="alert(\'xss-23\')" x="',
    "javascript:alert('xss-24')",
    '<base href="http://xss.invalid/25/"><meta http-equiv="refresh" content="0;url=x">',
    '\\u003cscript\\u003ealert("xss-27")\\u003c/script\\u003e',
    '<form><button formaction=javascript:alert("xss-28")>x</button></form>',
    "<svg><a xlink:href=\"javascript:alert('xss-29')\"><text>x</text></a></svg>",
    "# heading\n\n---\ntitle: x\n---\n<script>alert('xss-30')</script>",
]
WEB_PAYLOADS = [
    'https://example.org/"><script>alert("xss-w1")</script>',
    "https://example.org/#<img src=x onerror=alert('xss-w2')>",
    "https://example.org/?q=' onmouseover='alert(1)",
    "HTTPS://example.org/\" onclick=\"alert('xss-w4')",
    "http://example.org/a b\tc\njavascript:alert('xss-w5')",
    "https://example.org/{{ 7*7 }}",
]
GROUPS = 6
#: text fields of the institution and audit files: (field, shown on the internal page)
FIELDS = [
    ("name", True),
    ("region", True),
    ("auditor", True),
    ("instrument", True),
    ("source note", False),
    ("reason", True),
    ("metric note", True),
    ("unit name", True),
    ("unit note", False),
    ("unit metric note", False),
    ("action title", True),
    ("action owner", True),
    ("action note", False),
    ("notes", True),
]


def group(k: int, sep: str = " ¦ ") -> str:
    return sep.join(PAYLOADS[j] for j in range(k % GROUPS, len(PAYLOADS), GROUPS))


def xss_texts(i: int) -> dict[str, str]:
    """Institution ``i``'s field texts: across the institutions, every payload is in every field."""
    return {
        field: group(i + f, "\n" if field == "notes" else " ¦ ")
        for f, (field, _) in enumerate(FIELDS)
    }


def xss_files() -> dict[str, str | Mapping[str, Any]]:
    files: dict[str, str | Mapping[str, Any]] = {
        "mkdocs.yml": XSS_MKDOCS,
        FRAMEWORK_PATH: {
            "name": group(0),
            "grades": {
                "A": 80,
                "B": 65,
                "C": 50,
                "D": 35,
                "<b>F</b>\"onmouseover=alert('xss-g')": 0,
            },
            "references": {"xss-ref": group(1)},
            "pillars": {"admin": {"name": "Admin " + group(2), "question": group(3)}},
            "metrics": {
                "admin.xss_probe": {
                    "name": group(4),
                    "description": group(5),
                    "kind": "number",
                    "unit": group(0),
                    "target": 10,
                    "floor": 0,
                    "collected": group(1),
                    "basis": group(2),
                }
            },
        },
    }
    for i in range(GROUPS):
        t = xss_texts(i)
        inst = f"xss-{i}"
        files[f"content/institutions/{inst}.yml"] = {
            "name": t["name"],
            "kind": "community-hospital",
            "region": t["region"],
            "peer_group": "community",
            "website": WEB_PAYLOADS[i % len(WEB_PAYLOADS)],
            "publish": "named",
        }
        for period, value in (("2026-Q2", 7.5), ("2026-Q3", 6.0 - i / 2)):
            files[f"content/audits/{inst}/{period}.yml"] = {
                "audited": date(2026, 10, 15) if period == "2026-Q3" else date(2026, 7, 10),
                "auditor": t["auditor"],
                "sources": [
                    {
                        "id": "s",
                        "kind": "survey",
                        "instrument": t["instrument"],
                        "note": t["source note"],
                    }
                ],
                "metrics": {
                    "admin.ehr_time_per_8h": {
                        "value": value,
                        "note": t["metric note"],
                        "source": "s",
                    },
                    "admin.xss_probe": {"value": 5},
                    "safety.speak_up": {"positive": 132, "n": 210, "source": "s"},
                    "recognition.non_revenue_recognition": {"value": True},
                    "autonomy.approval_layers": {"value": 2},
                    "mission.wellbeing_executive": {
                        "status": "not-applicable",
                        "reason": t["reason"],
                    },
                    "mission.values_alignment": {"positive": 150, "n": 200},
                },
                "units": {
                    "ward": {
                        "name": t["unit name"],
                        "visibility": "public",
                        "note": t["unit note"],
                        "metrics": {
                            "safety.speak_up": {
                                "positive": 20,
                                "n": 30,
                                "note": t["unit metric note"],
                            }
                        },
                    }
                },
                "actions": [
                    {
                        "id": "fix",
                        "pillar": "admin",
                        "title": t["action title"],
                        "owner": t["action owner"],
                        "note": t["action note"],
                        "status": "in-progress",
                        "due": date(2027, 3, 31),
                    }
                ],
                "notes": t["notes"] + "\n",
            }
    return files


#: Material with the Markdown extensions its documentation recommends: more syntax to abuse.
XSS_MKDOCS = """\
site_name: Hostile
theme:
  name: material
  features: [navigation.instant, search.highlight, search.suggest]
plugins: [search]
markdown_extensions:
  - tables
  - attr_list
  - md_in_html
  - admonition
  - abbr
  - def_list
  - footnotes
  - toc: {permalink: true}
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.inlinehilite
  - pymdownx.caret
  - pymdownx.mark
  - pymdownx.tilde
  - pymdownx.keys
  - pymdownx.critic
  - pymdownx.smartsymbols
  - pymdownx.magiclink
  - pymdownx.betterem
  - pymdownx.tasklist
  - pymdownx.emoji
"""


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """Both sites built and each served at the root (404.html asks for /assets/...)."""
    root = write_tree(tmp_path_factory.mktemp("xss"), xss_files())
    report = build_site(root, root / "out", ("public", "internal"))
    assert set(report.audiences) == {"public", "internal"}
    with serve(root / "out" / "public") as public, serve(root / "out" / "internal") as internal:
        yield root / "out", {"public": public, "internal": internal}


_DOM_CHECK = """(article) => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase();
      if (attr.name.startsWith("on")) bad.push(el.tagName + " " + attr.name);
      if (["href", "src", "action", "formaction", "data", "xlink:href"].includes(attr.name)
          && value.replace(/[\\s\\x00-\\x1f]/g, "").startsWith("javascript:")) {
        bad.push(el.tagName + " " + attr.name + "=" + value);
      }
    }
  }
  const anywhere = ["iframe", "object", "embed", "base", "meta[http-equiv]", "img[src=x]"];
  // markup that audit text could only make by being read as Markdown or HTML
  const inArticle = ["form", "math", "svg a", "details", "ins", "mark", "del", "kbd", "sup",
                     "sub", "textarea", "style", "script", "div[markdown]"];
  for (const sel of [...anywhere, ...(article ? inArticle.map((s) => "article " + s) : [])]) {
    for (const el of document.querySelectorAll(sel)) {
      if (!el.closest(".scorecard-chart-figure, .scorecard-chart, .vega-embed")) {
        bad.push("element " + sel);
      }
    }
  }
  return bad;
}"""


def _visit(session: Session, url: str) -> None:
    session.page.goto(url)
    session.page.wait_for_function(
        """() => [...document.querySelectorAll(".scorecard-chart")]
                 .every((el) => el.querySelector("svg, canvas"))""",
        timeout=15_000,
    )


def _flat(text: str) -> str:
    """Text as a page shows it: control characters dropped, white space collapsed."""
    visible = "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(visible.split())


def _shows_as_text(session: Session, audience: str, i: int) -> None:
    """On institution ``i``'s page, every field it shows reads as the text that was written."""
    text = _flat(session.page.locator("article").inner_text())
    texts = xss_texts(i)
    for field, shown in FIELDS:
        internal_only = field in ("metric note", "action owner", "notes")
        if shown and (audience == "internal" or not internal_only):
            assert _flat(texts[field]) in text, (audience, i, field)
    assert "49" not in text.replace("2026", "")  # no {{ 7*7 }} was evaluated
    assert session.page.title() == f"{_flat(texts['name'])} - Hostile"
    # the navigation's title of the pillar, as text (the Pillars section is folded here)
    nav = session.page.locator("a.md-nav__link[href$='pillars/admin/']").first.text_content()
    assert _flat(nav or "") == _flat("Admin " + group(2))


@pytest.mark.timeout(240)
def test_no_payload_runs_in_chromium_and_every_text_shows_as_text(
    xss_site: tuple[Path, dict[str, str]],
) -> None:
    out, bases = xss_site
    # every public page; of the internal site, the pages with what only it shows
    pages = [
        (audience, rel)
        for audience in bases
        for rel in (p.relative_to(out / audience).as_posix() for p in html_pages(out / audience))
        if audience == "public" or rel == "index.html" or rel.startswith("institutions/")
    ]
    assert len(pages) > 25
    with browser_page() as session:
        messages: list[str] = []
        session.page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        suspicious: dict[str, list[str]] = {}
        for audience, rel in pages:
            _visit(session, bases[audience] + rel)
            bad = session.page.evaluate(_DOM_CHECK, True)
            if bad:
                suspicious[f"{audience}/{rel}"] = bad
            if match := re.fullmatch(r"institutions/xss-(\d)/index.html", rel):
                _shows_as_text(session, audience, int(match.group(1)))
        # Material's search renders results from the search index: search for the payloads.
        for audience, base in bases.items():
            _visit(session, base)
            session.page.keyboard.press("/")  # Material's shortcut focuses the search box
            session.page.keyboard.type("script alert img onerror")
            session.page.wait_for_selector(".md-search-result__item", timeout=15_000)
            session.page.wait_for_timeout(300)
            bad = session.page.evaluate(_DOM_CHECK, False)  # results <mark> the words
            if bad:
                suspicious[f"{audience} search"] = bad
        assert suspicious == {}
        assert session.dialogs == []
        assert [m for m in messages if "xss" in m.lower()] == []
        assert session.page_errors == []
        assert session.console_errors == []  # a 404 would be a payload's request, too
        assert session.external_requests == []


def test_payloads_never_reach_html_as_markup(xss_site: tuple[Path, dict[str, str]]) -> None:
    """Without a browser: no page (HTML, XML, SVG) holds a payload as markup. Data files
    (JSON, CSV) hold the texts as they are: they are data, served as such."""
    out, _base = xss_site
    raw_markup = ["<script>alert", "<img src=x", "<svg onload", "<iframe", "<object", "<base "]
    found = []
    for audience in ("public", "internal"):
        for rel, content in snapshot(out / audience).items():
            if not rel.endswith((".html", ".xml", ".svg")):
                continue
            text = content.decode("utf-8", "replace")
            found += [(audience, rel, m) for m in raw_markup if m in text]
    assert found == []


def test_the_xss_project_is_valid_and_complete() -> None:
    """The fixture itself: each payload lands in each field of some institution."""
    for field, _ in FIELDS:
        seen = {p for i in range(GROUPS) for p in PAYLOADS if p in xss_texts(i)[field]}
        assert seen == set(PAYLOADS), field
    assert all(len(group(k)) < MAX_TEXT for k in range(GROUPS))

"""Fuzzing: random and mutated YAML, random Unicode in every text field, extreme numbers.

Whatever the content, loading, validation, scoring and page rendering end in findings or in
pages, never in an exception, and in bounded time (each example has a deadline). The same
strategies run with many more examples in ``benchmarks/fuzz.py``.
"""

from __future__ import annotations

import html
import tempfile
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard.facts import facts_of
from scorecard.findings import CATALOGUE, Finding
from scorecard.load import load_bytes
from scorecard.project import open_project
from scorecard.render import environment
from scorecard.site import BuildError, build_site, gather_audience
from scorecard.text import inert
from scorecard.validate import builtin_framework_document, check_framework
from scorecard.values import has_visible_text

_framework, _found = check_framework(builtin_framework_document(), None)
assert _framework is not None
FW = _framework
METRIC_IDS = sorted(FW.metrics)
PILLAR_IDS = sorted(FW.pillars)

#: a few seconds per example at most, on a slow machine; a hang fails the test
QUICK = settings(max_examples=150, deadline=2_000, database=None)
PROJECTS = settings(
    max_examples=40, deadline=5_000, database=None, suppress_health_check=[HealthCheck.too_slow]
)
PAGES = settings(
    max_examples=12, deadline=15_000, database=None, suppress_health_check=[HealthCheck.too_slow]
)
BUILDS = settings(
    max_examples=2, deadline=60_000, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# --- strategies ----------------------------------------------------------------------------

#: any text a YAML file can hold: every code point but surrogates (not in UTF-8)
any_text = st.text(st.characters(codec="utf-8"), max_size=60)
#: texts with markup, YAML and Markdown syntax, control characters and invisible ones
tricky_text = st.one_of(
    any_text,
    st.lists(
        st.sampled_from(
            [
                "<script>alert(1)</script>",
                "<img src=x onerror=alert(1)>",
                "[x](javascript:alert(1))",
                "{{ 7*7 }}",
                "{% raw %}",
                "&amp;",
                "&#60;",
                "*",
                "_",
                "|",
                "`",
                "#",
                "- ",
                "1. ",
                "> ",
                "!!! note",
                "---",
                "\n",
                "\t",
                "\r\n",
                "\x00",
                "\x02",
                "\x03",
                "\x1b[31m",
                "\x7f",
                "\x85",
                "\u2028",
                "\u202e",
                "\u200b",
                "\ufeff",
                "\ufffe",
                "\uffff",
                "\U0001f600",
                "é",
                "\\",
                '"',
                "'",
                ":",
                "  ",
                "%",
                "$x$",
                "^^",
                "==",
                "~~",
            ]
        )
        | any_text,
        max_size=8,
    ).map("".join),
)
#: tricky texts that a reader can see something of: the rule names, titles and regions must meet
visible_text = tricky_text.filter(has_visible_text)
extreme_number = st.one_of(
    st.integers(-(10**30), 10**30),
    st.integers(-(10**400), 10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -0.0, 5e-324, 1e308, -1e308, 2**53 + 1, 10**4000]),
    st.booleans(),
    tricky_text,
)
any_date = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)
some_id = st.one_of(slug, tricky_text, st.sampled_from(["../x", "/abs", "a/b", "..", "index"]))


def maybe(strategy: st.SearchStrategy[Any], p_none: float = 0.3) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy) if p_none else strategy


@st.composite
def metric_entry(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    choice = draw(st.sampled_from(["value", "survey", "status", "anything"]))
    if choice == "value":
        entry["value"] = draw(extreme_number)
    elif choice == "survey":
        entry["positive"] = draw(extreme_number)
        entry["n"] = draw(extreme_number)
    elif choice == "status":
        entry["status"] = draw(st.sampled_from(["not-reported", "not-applicable"]) | tricky_text)
        entry["reason"] = draw(maybe(tricky_text))
    else:
        entry = draw(st.dictionaries(tricky_text, extreme_number, max_size=3))
    for key in ("note", "source", "visibility"):
        if draw(st.booleans()):
            entry[key] = draw(
                st.sampled_from(["public", "internal"]) | tricky_text
                if key == "visibility"
                else tricky_text
            )
    return entry


metric_id = st.one_of(st.sampled_from(METRIC_IDS), tricky_text)


@st.composite
def audit_data(draw: st.DrawFn) -> dict[str, Any]:
    """An audit shaped about right, with anything in its texts and numbers."""
    data: dict[str, Any] = {
        "audited": draw(st.one_of(any_date, tricky_text, extreme_number)),
        "auditor": draw(tricky_text),
        "visibility": draw(st.sampled_from(["public", "internal"]) | tricky_text),
        "sources": [
            {
                "id": draw(some_id),
                "kind": draw(st.sampled_from(["survey", "hr", "policy"]) | tricky_text),
                "instrument": draw(maybe(tricky_text)),
                "invited": draw(maybe(extreme_number)),
                "responded": draw(maybe(extreme_number)),
                "note": draw(maybe(tricky_text)),
            }
            for _ in range(draw(st.integers(0, 2)))
        ],
        "metrics": draw(st.dictionaries(metric_id, metric_entry(), max_size=8)),
        "units": {
            draw(some_id): {
                "name": draw(tricky_text),
                "visibility": draw(st.sampled_from(["public", "internal"])),
                "note": draw(maybe(tricky_text)),
                "metrics": draw(st.dictionaries(metric_id, metric_entry(), max_size=3)),
            }
            for _ in range(draw(st.integers(0, 2)))
        },
        "actions": [
            {
                "id": draw(some_id),
                "pillar": draw(st.sampled_from(PILLAR_IDS) | tricky_text),
                "title": draw(tricky_text),
                "owner": draw(maybe(tricky_text)),
                "due": draw(maybe(st.one_of(any_date, tricky_text))),
                "status": draw(st.sampled_from(["planned", "done"]) | tricky_text),
                "visibility": draw(maybe(st.sampled_from(["public", "internal"]))),
                "note": draw(maybe(tricky_text)),
            }
            for _ in range(draw(st.integers(0, 2)))
        ],
        "notes": draw(maybe(tricky_text)),
    }
    for key in draw(st.sets(st.sampled_from(sorted(data)), max_size=3)):
        del data[key]
    return data


@st.composite
def institution_data(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": draw(tricky_text),
        "kind": draw(st.sampled_from(["community-hospital", "other"]) | tricky_text),
        "region": draw(tricky_text),
        "peer_group": draw(st.sampled_from(["community", "academic"]) | some_id),
        "beds": draw(maybe(extreme_number)),
        "website": draw(maybe(st.sampled_from(["https://example.org/"]) | tricky_text)),
        "publish": draw(st.sampled_from(["named", "anonymous", "private"]) | tricky_text),
    }
    for key in draw(st.sets(st.sampled_from(sorted(data)), max_size=2)):
        del data[key]
    return data


@st.composite
def framework_data(draw: st.DrawFn) -> dict[str, Any]:
    """A project's framework.yml: weights, targets, bands and thresholds, anything at all."""
    data: dict[str, Any] = {}
    if draw(st.booleans()):
        data["grades"] = draw(st.dictionaries(tricky_text, extreme_number, max_size=5))
    if draw(st.booleans()):
        data["suppression"] = {
            "min_n_public": draw(extreme_number),
            "min_n_internal": draw(extreme_number),
        }
    if draw(st.booleans()):
        data["pillars"] = draw(
            st.dictionaries(
                st.sampled_from(PILLAR_IDS) | some_id,
                st.fixed_dictionaries({"name": tricky_text}, optional={"weight": extreme_number}),
                max_size=2,
            )
        )
    if draw(st.booleans()):
        data["metrics"] = draw(
            st.dictionaries(
                metric_id,
                st.fixed_dictionaries(
                    {},
                    optional={
                        "name": tricky_text,
                        "kind": st.sampled_from(["number", "percent", "boolean", "level"]),
                        "target": extreme_number,
                        "floor": extreme_number,
                        "weight": extreme_number,
                        "max": extreme_number,
                    },
                ),
                max_size=3,
            )
        )
    return data


def dump(data: Any) -> bytes:
    """YAML as a person or a tool might write it (safe_dump never writes tags or anchors)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=80).encode("utf-8")


#: bits of YAML syntax that mutations put in
TOKENS = [
    "&a ",
    "*a",
    "!!python/object/apply:os.system ['true'] ",
    "!!binary ",
    "<<: *a\n",
    "---\n",
    "? ",
    "%YAML 1.1\n",
    "\t",
    "{",
    "}",
    "[",
    "]",
    "'",
    '"',
    ": ",
    "- ",
    "#",
    "|\n",
    ">-\n",
    "\x00",
    "\ufeff",
    "\r",
    "\\x",
    "\n" + " " * 40,
    "9" * 400,
    "9" * 5000,
    ".nan",
    "1e400",
    "2026-02-30",
    "yes",
]


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[bytes]) -> bytes:
    """A document with a few random edits: bytes or syntax put in, taken out, lines moved."""
    raw = bytearray(draw(base))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw)))
        kind = draw(st.sampled_from(["token", "byte", "delete", "line"]))
        if kind == "token":
            raw[at:at] = draw(st.sampled_from(TOKENS)).encode("utf-8")
        elif kind == "byte":
            raw[at:at] = draw(st.binary(min_size=1, max_size=3))
        elif kind == "delete":
            del raw[at : at + draw(st.integers(1, 20))]
        else:
            lines = bytes(raw).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines.insert(j, lines[i])
            raw = bytearray(b"\n".join(lines))
    return bytes(raw)


VALID_AUDIT = (
    b"audited: 2026-10-15\nauditor: Office of Professional Wellbeing\n"
    b"sources:\n  - id: wellbeing-survey\n    kind: survey\nmetrics:\n"
    b"  admin.ehr_time_per_8h: {value: 6.0}\n"
    b"  safety.speak_up: {positive: 132, n: 210, source: wellbeing-survey}\n"
    b"  recognition.non_revenue_recognition: {value: true}\n"
    b"units:\n  ward: {name: Ward, metrics: {safety.speak_up: {positive: 9, n: 14}}}\n"
    b"actions:\n  - {id: a, pillar: admin, title: Scribes, owner: CMIO, due: 2027-03-31}\n"
    b"notes: |\n  Free text.\n"
)
VALID_INSTITUTION = (
    b"name: North Valley General Hospital\nkind: community-hospital\nregion: US-VT\n"
    b"peer_group: community\npublish: named\n"
)

yaml_documents = st.one_of(
    audit_data().map(dump),
    institution_data().map(dump),
    st.recursive(
        st.none() | st.booleans() | extreme_number | any_date,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky_text, inner, max_size=4),
        max_leaves=20,
    ).map(dump),
    mutated(st.sampled_from([VALID_AUDIT, VALID_INSTITUTION])),
    mutated(audit_data().map(dump)),
    st.binary(max_size=300),
    any_text.map(lambda t: t.encode("utf-8")),
)


# --- invariants ----------------------------------------------------------------------------


def well_formed(findings: list[Finding], lines: dict[str, int] | None = None) -> None:
    for f in findings:
        assert f.code in CATALOGUE, f
        assert f.line >= 1 and f.col >= 1, f
        if lines and f.file in lines:
            assert f.line <= lines[f.file] + 1, f
        assert f.format().isprintable(), f


def write_files(root: Path, files: dict[str, bytes]) -> dict[str, int]:
    """Write the files; their number of lines, by the name findings use."""
    lines = {}
    for relative, raw in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        lines[relative] = raw.count(b"\n") + raw.count(b"\r") + 1
    return lines


def check_project(root: Path, lines: dict[str, int]) -> Any:
    """Validate and score ``root``: findings or scores, never an exception. The project."""
    project, findings = open_project(root)
    well_formed(findings, lines)
    if project is None:
        return None
    for audience in ("public", "internal"):
        for result in facts_of(project, (audience,))[audience].results:
            scores = [result.overall.score, *(p.score for p in result.pillars.values())]
            scores += [m.score for m in result.metrics.values()]
            assert all(s is None or 0.0 <= s <= 100.0 for s in scores), result
    return project


def check_pages(project: Any) -> None:
    """Render every page of both audiences (Markdown, without MkDocs): no exception, and page
    paths inside the docs folder, made of the ids validation let through."""
    env = environment(None)
    facts = facts_of(project)
    for audience in ("public", "internal"):
        build = gather_audience(project, facts[audience], env, lambda *_: None)
        for rel in build.files:
            parts = PurePosixPath(rel).parts
            assert parts and parts[0] != "/" and ".." not in parts, rel
        for page in build.page_paths:
            assert page.endswith(".md") and "/../" not in f"/{page}", page


# --- tests ---------------------------------------------------------------------------------

#: name -> (body, strategies, suite settings, share of a long run's examples): the long run
#: (benchmarks/fuzz.py) makes its own tests from the same bodies and strategies
REGISTRY: dict[str, tuple[Callable[..., None], dict[str, Any], settings, float]] = {}


def fuzz(
    config: settings, share: float = 1.0, **strategies: st.SearchStrategy[Any]
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``@given(**strategies)`` with ``config``, and the test kept for the long run."""

    def decorate(body: Callable[..., None]) -> Callable[..., None]:
        REGISTRY[body.__name__] = (body, strategies, config, share)
        return config(given(**strategies)(body))  # type: ignore[no-any-return]

    return decorate


@fuzz(QUICK, raw=yaml_documents)
def test_loading_any_bytes_gives_values_or_findings(raw: bytes) -> None:
    doc = load_bytes(raw, "x.yml")
    well_formed(doc.findings, {"x.yml": raw.count(b"\n") + raw.count(b"\r") + 1})


@fuzz(
    PROJECTS,
    0.25,
    audit=st.one_of(audit_data().map(dump), yaml_documents),
    institution=st.one_of(institution_data().map(dump), st.just(VALID_INSTITUTION)),
    framework=st.one_of(st.none(), framework_data().map(dump), yaml_documents),
)
def test_any_project_validates_and_scores_without_an_exception(
    audit: bytes, institution: bytes, framework: bytes | None
) -> None:
    files = {
        "content/institutions/north-valley.yml": institution,
        "content/audits/north-valley/2026-Q3.yml": audit,
    }
    if framework is not None:
        files["content/framework.yml"] = framework
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = check_project(root, write_files(root, files))
        if project is not None:
            check_pages(project)


@st.composite
def valid_project(draw: st.DrawFn) -> dict[str, bytes]:
    """Projects that pass validation, random Unicode and markup in every text field."""
    files: dict[str, bytes] = {}
    count = draw(st.integers(1, 3))
    for i in range(count):
        inst = f"inst-{i}"
        publish = draw(st.sampled_from(["named", "anonymous", "private"]))
        files[f"content/institutions/{inst}.yml"] = dump(
            {
                "name": draw(visible_text),
                "kind": "community-hospital",
                "region": draw(visible_text),
                "peer_group": "community",
                "website": "https://example.org/" + draw(tricky_text),
                "beds": draw(st.integers(0, 10**15)),
                "publish": publish,
            }
        )
        metrics: dict[str, Any] = {
            "admin.ehr_time_per_8h": {
                "value": draw(st.floats(-1e300, 1e300)),
                "note": draw(tricky_text),
            },
            "safety.speak_up": draw(
                st.integers(1, 10**12).flatmap(
                    lambda n: st.fixed_dictionaries(
                        {"positive": st.integers(0, n), "n": st.just(n)}
                    )
                )
            ),
            "recognition.non_revenue_recognition": {"value": draw(st.booleans())},
            "autonomy.approval_layers": {"value": draw(st.integers(-(10**18), 10**18))},
            "mission.wellbeing_executive": {
                "status": "not-applicable",
                "reason": draw(visible_text),
            },
        }
        files[f"content/audits/{inst}/2026-Q3.yml"] = dump(
            {
                "audited": date(2026, 10, 15),
                "auditor": draw(tricky_text),
                "sources": [{"id": "s", "kind": "survey", "instrument": draw(tricky_text)}],
                "metrics": metrics,
                "units": {
                    "ward": {
                        "name": draw(visible_text),
                        "visibility": draw(st.sampled_from(["public", "internal"])),
                        "metrics": {"safety.speak_up": {"positive": 3, "n": 30}},
                    }
                },
                "actions": [
                    {
                        "id": "a",
                        "pillar": "admin",
                        "title": draw(visible_text),
                        "owner": draw(tricky_text),
                        "visibility": draw(st.sampled_from(["public", "internal"])),
                    }
                ],
                "notes": draw(tricky_text),
            }
        )
    return files


@fuzz(PAGES, 0.05, files=valid_project())
def test_random_text_in_every_field_renders_every_page(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = check_project(root, write_files(root, files))
        if project is not None:  # a text can still be refused (too long, a control character)
            check_pages(project)


@fuzz(BUILDS, 0.005, files=valid_project())
def test_random_text_builds_a_whole_site(files: dict[str, bytes]) -> None:
    """Through MkDocs: a clean build, or a clean BuildError (the public scan may find an
    internal text that equals a public one)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_files(root, files)
        try:
            report = build_site(root, root / "out", ("public", "internal"))
        except BuildError as err:  # only the public scan may stop it, and say why
            assert str(err).startswith("the public site would "), err
            return
        assert set(report.audiences) == {"public", "internal"}
        for audience in ("public", "internal"):
            assert (root / "out" / audience / "index.html").is_file()


#: the tags a paragraph or a table cell of inert text may produce: its own container
_ALLOWED_TAGS = {"p", "table", "thead", "tbody", "tr", "th", "td"}


@fuzz(QUICK, text=tricky_text)
def test_inert_text_is_text_in_markdown(text: str) -> None:
    """The one defence every text goes through: after Python-Markdown (with the extensions the
    example site uses), it is the same text, and no tag or attribute came from it."""
    visible = "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")
    flat = " ".join(visible.split())
    made = inert(text)
    assert html.unescape(made) == flat
    assert not any(c in made for c in "<>\"'`\n\r")
    extensions = ["tables", "attr_list", "md_in_html", "admonition", "toc", "abbr", "def_list"]
    for source in (made, f"| a |\n|---|\n| {made} |"):
        out = markdown.markdown(source, extensions=extensions)
        tags = _tags(out)
        assert tags <= _ALLOWED_TAGS, (text, out)


def _tags(markup: str) -> set[str]:
    from html.parser import HTMLParser

    found: set[str] = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.add(tag)
            assert not attrs or tag in ("th", "td") and all(k == "style" for k, _ in attrs)

    Tags().feed(markup)
    return found

"""The fast path of ``scorecard.load``: for every file it reads, exactly the Document of the full
parser, and it does read the files that scorecard itself writes.

A differential test: each file is read by ``load_bytes`` (fast path first) and by
``_load_slow`` (the full parser alone), and the two Documents must agree on the data, with the
same types and key order, on every position, finding and rejected path.
"""

from __future__ import annotations

import pickle
import random
from pathlib import Path
from typing import Any

import pytest
from conftest import AUDIT, INSTITUTION
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scorecard import load
from scorecard.load import Document, load_bytes, load_file
from scorecard.load.fast import _parse_simple
from scorecard.sample import write_sample_project
from scorecard.starter import write_starter

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BUILTIN = ROOT / "scorecard" / "builtin"
DIFFERENTIAL = settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

#: the audit of the task that asked for the fast path: the shape of most audit files
TYPICAL = """\
audited: 2025-01-18
auditor: Chief Wellness Officer
visibility: public
sources:
  - id: wellbeing-survey
    kind: survey
    instrument: Mini-Z 2.0
    invited: 810
  - id: ehr-signal
    kind: ehr-log
metrics:
  admin.documentation_time_ok: {positive: 357, n: 535, source: wellbeing-survey}
  admin.team_inbox_triage: {value: true}
  recognition.non_volume_incentives: {status: not-reported}
  safety.speak_up: {value: 72.1, n: 625, note: "vendor report, awaiting validation"}
actions:
  - {id: a1, pillar: admin, title: Scribe pilot, status: planned, due: 2026-12-01}
  - id: a2
    title: Protected time (pilot), O'Brien's team
    due: 2026-06-30
notes: |
  First line.

  Third line: with a colon, # and 'quotes'.
"""


def strict(value: Any) -> Any:
    """``value`` with its types and key order made part of what ``==`` compares."""
    if isinstance(value, dict):
        return ("dict", [(strict(k), strict(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [strict(v) for v in value])
    return (type(value).__name__, repr(value))


def same(raw: bytes, name: str = "content/audits/north/2026-Q3.yml") -> bool:
    """Both paths give the same Document for ``raw``; True when the fast path read it."""
    slow = load._load_slow(raw, name)
    fast = load_bytes(raw, name)
    took = fast._unread is not None  # its positions are read on first use, below
    assert strict(fast.data) == strict(slow.data)
    assert fast.value_at == slow.value_at
    assert fast.key_at == slow.key_at
    assert fast.findings == slow.findings
    assert fast.rejected == slow.rejected
    assert fast == slow
    if took:  # the fast path read the data, and reads the positions without the full parser
        assert not slow.findings
        simple = _parse_simple(raw.decode("utf-8-sig"), positions=True)
        assert simple is not None
        assert (strict(simple[0]), simple[1], simple[2]) == (
            strict(slow.data),
            slow.value_at,
            slow.key_at,
        )
    return took


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yml") if "node_modules" not in p.parts)


def content_files(root: Path) -> list[Path]:
    return sorted((root / "content").rglob("*.yml"))


# --- the files scorecard writes, and the ones in this repository -------------------------------


def test_the_bundled_example_project() -> None:
    files = [*yaml_files(ROOT / "content"), ROOT / "mkdocs.yml"]
    assert len(files) > 50
    assert all([same(path.read_bytes(), path.name) for path in files])


@pytest.mark.parametrize("rich", [True, False], ids=["rich", "lean"])
def test_sample_projects(tmp_path: Path, rich: bool) -> None:
    write_sample_project(tmp_path, institutions=6, periods=4, rich=rich)
    files = yaml_files(tmp_path)
    assert len(content_files(tmp_path)) >= 6 * 4 + 6
    assert all([same(path.read_bytes(), path.name) for path in files])
    if rich:  # the literal `notes: |` blocks of rich audits are in the subset too
        assert any(b"notes: |" in path.read_bytes() for path in files)


def test_the_starter_project(tmp_path: Path) -> None:
    files = write_starter(tmp_path)
    content = [path for path in files if "content" in path.parts and path.suffix == ".yml"]
    assert content
    assert all([same(path.read_bytes(), path.name) for path in content])
    for path in files:
        if path.suffix == ".yml":
            same(path.read_bytes(), path.name)


def test_the_test_suite_projects() -> None:
    assert same(AUDIT.encode()) and same(INSTITUTION.encode())
    assert same(TYPICAL.encode())


@pytest.mark.parametrize(
    "path",
    [*yaml_files(FIXTURES), *yaml_files(BUILTIN)],
    ids=lambda path: path.name,
)
def test_hostile_and_built_in_files(path: Path) -> None:
    same(path.read_bytes(), path.name)


def test_positions_are_read_when_first_asked_for(tmp_path: Path) -> None:
    raw = TYPICAL.encode()
    slow = load._load_slow(raw, "a.yml")
    doc = load_bytes(raw, "a.yml")
    assert doc._unread is not None  # the data alone so far
    assert doc.key_at == slow.key_at and doc._unread is None
    assert doc.value_at == slow.value_at
    doc = load_bytes(raw, "a.yml")
    assert doc.value_at == slow.value_at and doc.key_at == slow.key_at
    doc = load_bytes(raw, "a.yml")
    assert pickle.loads(pickle.dumps(doc)) == slow
    assert repr(doc) == repr(slow)
    assert doc.position(("metrics", "safety.speak_up", "note")) == (15, 48)  # the quote
    assert doc.position(("notes",)) == (21, 8)  # the |
    assert doc.position(("actions", 1, "title"), key=True) == (19, 5)
    path = tmp_path / "a.yml"
    path.write_bytes(raw)
    assert load_file(path, "a.yml") == slow


def test_a_document_can_still_be_made_by_hand() -> None:
    doc = Document("x.yml", {"a": 1}, {(): (1, 1), ("a",): (1, 4)}, {("a",): (1, 1)})
    assert doc == load_bytes(b"a: 1\n", "x.yml")
    doc.value_at = {}
    assert doc.position(("a",)) == (1, 1)
    assert doc != load_bytes(b"a: 1\n", "x.yml")


# --- what the fast path reads, and what it leaves to the full parser ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n",
        "a: 1",  # no final line break
        "a: 1\r\nb:\r\n  - x\r\n",
        "# comment\n\na: x  # comment\nb: {c: 1}  # comment\n",
        "a:\n- 1\n- {b: 2}\nc: 3\n",  # a list at the indentation of its key
        "a:\n  - b: 1\n    c:\n    - 2\n",
        "a: {}\nb: { c: 1 ,d: 'x, y' }\n",
        "a: [1, b, 'c, d', \"e\"]\nf: [ ]\ng:\n  - [x,y ]  # c\n",
        "a: 'it''s'\nb: \"#x\"\nc: a#b\nd: http://x.org/a?b=c\n",
        "a: ~\nb: null\nc:\nd: 1_000\ne: 0x1F\nf: .5\ng: +1\nh: -0\ni: 1:30\nj: 1e5\n",
        "a: 2026-02-28\nb: 2026-02-28 10:00:00\nc: 2026-2-8\n",
        "a: |\n  x\n\n    y\n\n\nb: 1\n",
        "a: é 日本 😀\nb: {c: ü, d: 1}\n",
    ],
)
def test_the_subset(text: str) -> None:
    assert same(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\n",
        "a: 2026-13-45\n",
        "a: .inf\n",
        "a: 1" + "0" * 400 + "\n",
        "a: 1\na: 2\n",
        "a: {b: 1, b: 2}\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: [1, [2]]\n",
        "a: {b: 1, b: 'x'}\n",
        "a: {b: 1} x\n",
        "a: [1] x\n",
        "".join(f"{' ' * i}k{i}:\n" for i in range(15)) + " " * 15 + "x: {a: 1}\n",  # deep
        "".join(f"k{i}: {i}\n" for i in range(6000)),  # many values, for the full parser
        "a: [b: 1]\n",
        "a: >\n  folded\n",
        "a: |-\n  x\n",
        'a: "tab\\t"\n',
        "a: b\n  c\n",
        "---\na: 1\n",
        "a:\tb\n",
        "a: b\u2028c\n",
        "- 1\n",
        "just text\n",
        "",
        "a: 1\n  b: 2\n",
        "? a\n: 1\n",
        "a: |\n  x",
    ],
)
def test_outside_the_subset(text: str) -> None:
    assert not same(text.encode())


# --- mutated files --------------------------------------------------------------------------

#: pieces of YAML syntax, YAML 1.1 surprises, odd numbers and dates, odd characters
# fmt: off
TOKENS = [
    '"', "'", ": ", ":", " #", "#", "# c", " # c", "yes", "No", "on", "y", "2026-13-45",
    "2026-02-30", "2026-1-5", "0000-01-01", "2026-01-01T10:00:00Z", "-", "- ", "{", "}", "[", "]",
    ",", ", ", "&a ", "*a", "!!str ", "!x ", "|", "|-", "|2", ">", "~", "null", "Null", "NULL",
    "1_000", "0x1F", "0o17", "017", "0b11", "1e5", "1.0e5", ".5", "+1", "-0", "-0.0", "0.0",
    ".inf", "-.inf", ".nan", "1:30", "190:20:30", "99999999999999999999", "1" * 40, "é", "日本",
    "😀", "\t", "\r", "\r\n", "\x85", "\u2028", "\ufeff", "\x00", "\xa0", "---", "...",
    "%YAML 1.1", "@", "`", "?", "? ", " ", "  ", "''", '""', '"a\\"b"', "'it''s'", "<<", "=",
    "true", "False", "TRUE", "key:", "a: b", "{a: 1}", "{a: 1, a: 2}", "{}", "[]", "{ a: 1 }",
    "{a: 1,b: 2}", "\\", "\n", "\n  ", "\n- ", "\n\n", "x" * 300,
]
# fmt: on
BASES = [
    TYPICAL,
    AUDIT,
    INSTITUTION,
    "a:\n- 1\n- b: 2\n  c: [3]\nd: {e: f}\n",
    "notes: |\n  one\n\n  two\nnext: 1\n",
]


def mutate(text: str, rnd: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rnd.randint(1, 4)):
        i = rnd.randrange(len(lines))
        line = lines[i]
        kind = rnd.randrange(8)
        token = rnd.choice(TOKENS)
        if kind == 0:  # insert a token
            at = rnd.randint(0, len(line))
            lines[i] = line[:at] + token + line[at:]
        elif kind == 1:  # replace the value
            key, sep, _ = line.partition(": ")
            lines[i] = f"{key}{sep or ': '}{token}"
        elif kind == 2:  # indent or dedent
            change = rnd.choice([-2, -1, 1, 2])
            lines[i] = " " * change + line if change > 0 else line[-change:]
        elif kind == 3:  # duplicate
            lines.insert(i, line)
        elif kind == 4:
            del lines[i]
            lines = lines or [""]
        elif kind == 5:  # a value inside a flow mapping
            at = line.find(": ", line.find("{") + 1) if "{" in line else -1
            end = min((j for j in (line.find(",", at), line.find("}", at)) if j > 0), default=-1)
            if at > 0 and end > at:
                lines[i] = line[: at + 2] + token + line[end:]
        elif kind == 6:  # a blank, whitespace or comment line
            lines.insert(i, rnd.choice(["", " ", "   ", "# c", "  # c", "\t"]))
        else:  # cut the line
            lines[i] = line[: rnd.randint(0, len(line))]
    return "\n".join(lines)


@DIFFERENTIAL
@given(base=st.sampled_from(BASES), rnd=st.randoms(use_true_random=False))
@example(base=TYPICAL, rnd=random.Random(1))
def test_mutated_files(base: str, rnd: random.Random) -> None:
    same(mutate(base, rnd).encode())


# --- files written from random structures ---------------------------------------------------

#: plain scalars: mostly words, numbers and dates; now and then a YAML 1.1 surprise or any text
WORDS = st.one_of(
    st.from_regex(r"[A-Za-z][A-Za-z0-9 ._/()'-]{0,20}", fullmatch=True),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(-1e6, 1e6).map(lambda f: f"{f:.2f}"),
    st.dates().map(str),
    st.sampled_from(["true", "false", "x", "a b", "-1", "0.5", "2026-12-01", "O'Brien (acting)"]),
)
PLAIN = st.one_of(
    WORDS,
    WORDS,
    WORDS,
    st.sampled_from([t for t in TOKENS if "\n" not in t and t.strip()]),
    st.integers(-(10**25), 10**25).map(str),
    st.floats(allow_nan=False).map(repr),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
)
SIMPLE_KEYS = st.one_of(
    st.from_regex(r"[a-z_][a-z0-9_.]{0,8}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_./-]{0,8}", fullmatch=True),
    st.sampled_from(["a", "b", "id", "n", "value", "x.y", "a-b", "a/b", "_", "1", "yes"]),
)
KEYS = st.one_of(SIMPLE_KEYS, SIMPLE_KEYS, st.just("~"), PLAIN)
Tree = Any


def trees(
    scalars: st.SearchStrategy[str], keys: st.SearchStrategy[str], *, simple: bool = False
) -> st.SearchStrategy[Tree]:
    """Nested mappings and lists of ``scalars``: ("map", [(key, tree)]), ("seq", [tree]) and
    ("scalar", text). ``simple`` ones have no duplicate keys and no list directly in a list."""

    def extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
        unique = (lambda kv: kv[0]) if simple else (lambda kv: object())
        maps = st.lists(st.tuples(keys, children), max_size=5, unique_by=unique)
        items = children.filter(lambda tree: tree[0] != "seq") if simple else children
        return st.one_of(
            maps.map(lambda kv: ("map", kv)),
            st.lists(items, min_size=1, max_size=4).map(lambda items: ("seq", items)),
        )

    return st.recursive(scalars.map(lambda s: ("scalar", s)), extend, max_leaves=25)


def scalar(text: str, rnd: random.Random, flow: bool = False) -> str:
    style = rnd.randrange(6)
    if style == 0:
        return '"' + text + '"'
    if style == 1:
        return "'" + text.replace("'", "''") + "'"
    return text if not flow or style < 5 else f" {text} "


def render(tree: Tree, rnd: random.Random, indent: int, lines: list[str], head: str) -> None:
    """``tree`` as the value after ``head`` (`key:` or `-`) at column ``indent``."""
    pad = " " * indent
    step = rnd.choice([1, 2, 2, 2, 3, 4])
    kind = tree[0]
    comment = rnd.choice(["", "", "", "  # c", " #c"])
    if kind == "scalar":
        if rnd.random() < 0.1 and head.endswith(":"):
            lines.append(f"{pad}{head} |{comment if rnd.random() < 0.2 else ''}")
            for part in tree[1].split(" ") or [""]:
                lines.append(" " * (indent + step) + part if part else "")
            return
        lines.append(f"{pad}{head} {scalar(tree[1], rnd)}{comment}".rstrip(" "))
        return
    flat = all(child[0] == "scalar" for child in (tree[1] if kind == "seq" else []))
    if kind == "map" and all(value[0] == "scalar" for _, value in tree[1]) and rnd.random() < 0.6:
        sep = rnd.choice([", ", ", ", ",", " , "])
        inner = sep.join(f"{k}: {scalar(v[1], rnd, flow=True)}" for k, v in tree[1])
        lines.append(f"{pad}{head} {{{inner}}}{comment}")
        return
    if kind == "seq" and flat and rnd.random() < 0.2:
        lines.append(f"{pad}{head} [{', '.join(child[1] for child in tree[1])}]")
        return
    lines.append(f"{pad}{head}{comment}".rstrip(" "))
    child_indent = indent + step
    if kind == "seq" and head.endswith(":") and rnd.random() < 0.3:
        child_indent = indent  # a list at the indentation of its key
    if kind == "map":
        for key, value in tree[1]:
            render(value, rnd, child_indent, lines, f"{key}:")
            if rnd.random() < 0.1:
                lines.append(rnd.choice(["", "# c", " " * rnd.randrange(6)]))
    else:
        for item in tree[1]:
            if item[0] == "map" and item[1] and rnd.random() < 0.7:
                (key, value), *more = item[1]
                first: list[str] = []
                render(value, rnd, child_indent + 2, first, f"{key}:")
                first[0] = f"{' ' * child_indent}- {first[0].lstrip(' ')}"
                lines.extend(first)
                for key, value in more:
                    render(value, rnd, child_indent + 2, lines, f"{key}:")
            else:
                render(item, rnd, child_indent, lines, "-")


def document(pairs: list[tuple[str, Tree]], rnd: random.Random) -> str:
    lines: list[str] = []
    for key, value in pairs:
        render(value, rnd, 0, lines, f"{key}:")
    return "\n".join(lines) + rnd.choice(["\n", "\n", ""])


@DIFFERENTIAL
@given(
    pairs=st.lists(
        st.tuples(SIMPLE_KEYS, trees(WORDS, SIMPLE_KEYS, simple=True)),
        min_size=1,
        max_size=6,
        unique_by=lambda kv: kv[0],
    ),
    rnd=st.randoms(use_true_random=False),
)
def test_files_of_random_structure(pairs: list[tuple[str, Tree]], rnd: random.Random) -> None:
    """Mostly inside the subset: words, numbers and dates, laid out in every way it allows."""
    same(document(pairs, rnd).encode())


@DIFFERENTIAL
@given(
    pairs=st.lists(st.tuples(KEYS, trees(PLAIN, KEYS)), min_size=1, max_size=6),
    rnd=st.randoms(use_true_random=False),
)
def test_files_of_random_structure_and_values(
    pairs: list[tuple[str, Tree]], rnd: random.Random
) -> None:
    """Mostly outside the subset: any text as keys and values."""
    same(document(pairs, rnd).encode())


def test_random_structures_are_often_in_the_subset() -> None:
    """Else the differential test above would prove little."""
    words = ["alpha", "7", "2.5", "true", "2026-01-31", "a b", "x-y"]
    taken = 0
    for seed in range(200):
        rnd = random.Random(seed)
        pairs = [
            (f"k{i}", ("map", [(f"m{j}", ("scalar", rnd.choice(words))) for j in range(3)]))
            for i in range(rnd.randint(1, 4))
        ]
        taken += same(document(pairs, rnd).encode())
    assert taken > 100

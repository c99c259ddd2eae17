"""Reading YAML content: plain values, and where each value came from.

Every value keeps its file, line and column, so that any later stage can point a
user at the exact place. Loading judges only the YAML itself: anchors and aliases,
duplicate keys, oversized files, bytes that are not UTF-8 and YAML 1.1 surprises
become findings; the meaning of the values is the business of ``validate``.

Most files keep to a small subset of YAML (block mappings and lists, one-line flow mappings,
plain scalars, `|` text) that a fast path reads line by line; any other file, and any file
that needs a finding, is read by the full parser on LibYAML's events, with the same result.
"""

from __future__ import annotations

import bisect
import datetime
import errno
import math
import re
import stat
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import yaml

from scorecard.findings import Finding

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32
#: keys and values in one file; a real audit has a few thousand
MAX_VALUES = 20_000

Key = str | int
KeyPath = tuple[Key, ...]
Position = tuple[int, int]

_BOOL_WORDS = {"true", "false"}
_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class Document:
    """One YAML file as plain Python values, with the position of every value.

    A file read by the fast path keeps its text rather than its positions until they are first
    asked for: most files are never reported on, so their positions are never needed.
    """

    def __init__(
        self,
        file: str,
        data: Any = None,
        value_at: dict[KeyPath, Position] | None = None,
        key_at: dict[KeyPath, Position] | None = None,
        findings: list[Finding] | None = None,
        rejected: set[KeyPath] | None = None,
    ) -> None:
        self.file = file
        self.data = data
        self._value_at: dict[KeyPath, Position] = {} if value_at is None else value_at
        self._key_at: dict[KeyPath, Position] = {} if key_at is None else key_at
        self.findings: list[Finding] = [] if findings is None else findings
        #: paths whose value was already reported here and dropped, so later stages stay quiet
        self.rejected: set[KeyPath] = set() if rejected is None else rejected
        #: the text read by the fast path, while its positions are not yet read
        self._unread: str | None = None

    @property
    def value_at(self) -> dict[KeyPath, Position]:
        """Line and column of every value, by its path."""
        if self._unread is not None:
            self._read_positions()
        return self._value_at

    @value_at.setter
    def value_at(self, table: dict[KeyPath, Position]) -> None:
        if self._unread is not None:
            self._read_positions()
        self._value_at = table

    @property
    def key_at(self) -> dict[KeyPath, Position]:
        """Line and column of every key of a mapping, by the path of its value."""
        if self._unread is not None:
            self._read_positions()
        return self._key_at

    @key_at.setter
    def key_at(self, table: dict[KeyPath, Position]) -> None:
        if self._unread is not None:
            self._read_positions()
        self._key_at = table

    def _read_positions(self) -> None:
        text, self._unread = self._unread, None
        assert text is not None
        simple = _parse_simple(text, positions=True)
        if simple is None:  # pragma: no cover - the fast path has read this text once already
            full = Document(self.file)
            _parse_full(text, full)
            simple = (full.data, full.value_at, full.key_at)
        self._value_at.update(simple[1])
        self._key_at.update(simple[2])

    def _fields(self) -> tuple[Any, ...]:
        return (self.file, self.data, self.value_at, self.key_at, self.findings, self.rejected)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Document)
        return self._fields() == other._fields()

    def __repr__(self) -> str:
        names = ("file", "data", "value_at", "key_at", "findings", "rejected")
        shown = ", ".join(
            f"{name}={value!r}" for name, value in zip(names, self._fields(), strict=True)
        )
        return f"{type(self).__qualname__}({shown})"

    def position(self, path: KeyPath, *, key: bool = False) -> Position:
        """Line and column of the value at ``path`` (or of its key), else its nearest parent."""
        table = self.key_at if key else self.value_at
        if path in table:
            return table[path]
        while path:
            path = path[:-1]
            if path in self.value_at:
                return self.value_at[path]
        return (1, 1)

    def finding(
        self, code: str, path: KeyPath, message: str, hint: str = "", *, key: bool = False
    ) -> Finding:
        line, col = self.position(path, key=key)
        return Finding(
            self.file, line, col, code, printable(dotted(path)), printable(message), printable(hint)
        )


def printable(text: str) -> str:
    """Text for a one-line message: line breaks and other invisible characters as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def dotted(path: KeyPath) -> str:
    """``("metrics", "safety.speak_up", "n")`` -> ``metrics.safety.speak_up.n``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


class _Abort(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _abort(doc: Document, event: Any, code: str, path: str, message: str, hint: str) -> _Abort:
    """Stop reading a file: a finding at the position of ``event``."""
    line, col = _pos(event)
    return _Abort(Finding(doc.file, line, col, code, path, message, hint))


class _Frame:
    __slots__ = ("value", "path", "is_map", "key", "seen")

    def __init__(self, value: Any, path: KeyPath, is_map: bool) -> None:
        self.value = value
        self.path = path
        self.is_map = is_map
        self.key: str | None = None
        self.seen: dict[str, int] = {}


def load_file(path: Path, display: str) -> Document:
    """Read one YAML file; problems become findings on the returned document."""
    doc = Document(display)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            doc.findings.append(
                Finding(
                    display,
                    1,
                    1,
                    "SC004",
                    "",
                    f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
                    "split it, or move large free text out of the audit",
                )
            )
            return doc
        if not stat.S_ISREG(path.stat().st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        with path.open("rb") as handle:  # a file may grow, or say it is empty (/proc)
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        doc.findings.append(
            Finding(display, 1, 1, "SC009", "", f"cannot read the file: {err.strerror}")
        )
        return doc
    return load_bytes(raw, display, doc)


def load_bytes(raw: bytes, display: str, doc: Document | None = None) -> Document:
    """Parse YAML bytes (UTF-8, an optional byte-order mark, LF or CRLF)."""
    doc = doc or Document(display)
    text = _decode(raw, display, doc)
    if text is not None:
        _parse(text, doc)
    return doc


def _load_slow(raw: bytes, display: str) -> Document:
    """``load_bytes`` without the fast path: the reference that the fast path must equal."""
    doc = Document(display)
    text = _decode(raw, display, doc)
    if text is not None:
        _parse_full(text, doc)
    return doc


def _decode(raw: bytes, display: str, doc: Document) -> str | None:
    """The text of ``raw``, or None with a finding when it is too large or not UTF-8."""
    if len(raw) > MAX_FILE_BYTES:
        doc.findings.append(
            Finding(display, 1, 1, "SC004", "", f"file is over {MAX_FILE_BYTES:,} bytes")
        )
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        col = err.start - (before.rfind(b"\n") + 1) + 1
        doc.findings.append(
            Finding(
                display,
                line,
                col,
                "SC005",
                "",
                f"byte 0x{raw[err.start]:02x} is not valid UTF-8",
                "save the file as UTF-8",
            )
        )
        return None


#: Where each line of the text being read starts, when it holds characters that YAML 1.1 takes
#: for line breaks and editors do not (NEL, LS, PS): lines are then counted by \n and \r alone.
_LINE_STARTS: ContextVar[list[int] | None] = ContextVar("line_starts", default=None)


def _parse(text: str, doc: Document) -> None:
    simple = _parse_simple(text, positions=False)
    if simple is None:
        _parse_full(text, doc)
    else:  # the positions are read when first asked for
        doc.data = simple[0]
        doc._unread = text


def _parse_full(text: str, doc: Document) -> None:
    starts = None
    if any(c in text for c in "\x85\u2028\u2029"):
        starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]
    reset = _LINE_STARTS.set(starts)
    try:
        _parse_text(text, doc)
    finally:
        _LINE_STARTS.reset(reset)


def _parse_text(text: str, doc: Document, loader_class: Any = yaml.CSafeLoader) -> None:
    loader = loader_class(text)
    found = len(doc.findings)
    try:
        doc.data = _build(loader, doc)
    except _Abort as abort:
        doc.data = None
        doc.findings.append(abort.finding)
    except yaml.MarkedYAMLError as err:
        if _too_deep_for_libyaml(err) and loader_class is not yaml.SafeLoader:
            _start_again(doc, found)
            _parse_text(text, doc, yaml.SafeLoader)
            return
        doc.data = None
        mark = err.problem_mark or err.context_mark
        line, col = _mark_position(mark) if mark else (1, 1)
        problem = err.problem or err.context or "the YAML cannot be read"
        if err.context and err.problem:
            problem = f"{err.context}, {err.problem}"
        doc.findings.append(
            Finding(doc.file, line, col, "SC001", "", problem, "check indentation and quoting")
        )
    except yaml.YAMLError as err:
        doc.data = None
        doc.findings.append(Finding(doc.file, 1, 1, "SC001", "", str(err).splitlines()[0]))
    finally:
        loader.dispose()


def _too_deep_for_libyaml(err: yaml.MarkedYAMLError) -> bool:
    """LibYAML's own limit on nesting (1,000 levels, from PyYAML 6.0.4 on).

    Its scanner reads up to 1,024 characters ahead in a flow collection, so `[[[[...` reaches
    that limit before the parser has handed over the 32 levels that make SC040. The same text
    is then read again by PyYAML's own parser (no such limit, the same events and positions),
    which stops at SC040 where LibYAML without the limit stops: the same finding under any
    PyYAML 6.
    """
    return "maximum nesting depth" in (err.problem or "")


def _start_again(doc: Document, found: int) -> None:
    """Forget what a parse that stopped part way read (the findings from ``found`` on)."""
    doc.data = None
    del doc.findings[found:]
    doc.rejected.clear()
    doc.value_at = {}
    doc.key_at = {}


def _mark_position(mark: Any) -> Position:
    starts = _LINE_STARTS.get()
    if starts is None:
        return (mark.line + 1, mark.column + 1)
    line = bisect.bisect_right(starts, mark.index)
    return (line, mark.index - starts[line - 1] + 1)


def _pos(event: Any) -> Position:
    return _mark_position(event.start_mark)


def _build(loader: yaml.CSafeLoader, doc: Document) -> Any:
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    scratch: dict[str, Any] = {}
    events = 0
    value_at = doc.value_at
    while True:
        event = loader.get_event()
        events += 1
        if events > 2 * MAX_VALUES:  # a start and an end event per mapping and list
            raise _abort(
                doc,
                event,
                "SC004",
                "",
                f"the file holds more than {MAX_VALUES:,} keys and values",
                "split it; an audit has a few thousand at most",
            )
        if isinstance(event, yaml.StreamEndEvent):
            return root
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _abort(
                    doc,
                    event,
                    "SC001",
                    "",
                    "more than one YAML document in the file",
                    "remove the `---` line",
                )
            continue
        if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue

        parent = stack[-1] if stack else None
        if parent is not None and parent.is_map and parent.key is None:
            parent.key = _take_key(event, parent, doc)
            continue

        # A value: find where it goes.
        if parent is None:
            path: KeyPath = ()
        elif parent.is_map:
            assert parent.key is not None
            path = (*parent.path, parent.key)
        else:
            path = (*parent.path, len(parent.value))
        discard = parent is not None and parent.is_map and parent.key == _DUPLICATE
        if not discard:
            value_at[path] = _pos(event)
        anchor = getattr(event, "anchor", None)
        if (anchor is not None or isinstance(event, yaml.AliasEvent)) and _first_alias(doc):
            doc.findings.append(
                doc.finding(
                    "SC002",
                    path,
                    f"YAML {'alias' if isinstance(event, yaml.AliasEvent) else 'anchor'} "
                    f"`{anchor}` is not allowed",
                    "write every value out in full; this file may have more anchors or aliases",
                )
            )

        value: Any
        container: _Frame | None = None
        if isinstance(event, yaml.ScalarEvent):
            value = _scalar(event, path, doc)
        elif isinstance(event, yaml.AliasEvent):
            value = None
            doc.rejected.add(path)
        elif isinstance(event, yaml.MappingStartEvent):
            value = {}
            container = _Frame(value, path, True)
        elif isinstance(event, yaml.SequenceStartEvent):
            value = []
            container = _Frame(value, path, False)
        else:  # pragma: no cover - no other events carry values
            value = None
        tag = getattr(event, "tag", None)
        if container is not None and tag not in _COLLECTION_TAGS:
            doc.findings.append(
                doc.finding("SC012", path, f"YAML tag `{tag}` is not allowed", "remove the tag")
            )
            doc.rejected.add(path)

        if parent is None:
            root = value
        elif parent.is_map:
            if discard:
                scratch["_"] = value
            else:
                parent.value[parent.key] = value
            parent.key = None
        else:
            parent.value.append(value)

        if container is not None:
            if len(stack) >= MAX_DEPTH:
                raise _abort(
                    doc,
                    event,
                    "SC040",
                    dotted(path),
                    f"values are nested more than {MAX_DEPTH} levels deep",
                    "scorecard files are at most a few levels deep",
                )
            stack.append(container)


_DUPLICATE = "\x00duplicate"


def _take_key(event: Any, frame: _Frame, doc: Document) -> str:
    if not isinstance(event, yaml.ScalarEvent):
        raise _abort(
            doc,
            event,
            "SC001",
            dotted(frame.path),
            "a key must be plain text, not a list or mapping",
            "write `key: value`",
        )
    key = str(event.value)
    line, col = _pos(event)
    if key in frame.seen:
        doc.findings.append(
            Finding(
                doc.file,
                line,
                col,
                "SC003",
                printable(dotted((*frame.path, key))),
                f"key `{printable(key)}` appears twice in the same mapping",
                f"the first is on line {frame.seen[key]}; keep one",
            )
        )
        return _DUPLICATE
    frame.seen[key] = line
    doc.key_at[(*frame.path, key)] = (line, col)
    return key


def _first_alias(doc: Document) -> bool:
    """Report the first anchor or alias of a file; one finding says what to do for all."""
    return not any(f.code == "SC002" for f in doc.findings)


def _scalar(event: Any, path: KeyPath, doc: Document) -> Any:
    text: str = event.value
    plain, _quoted = event.implicit
    tag = event.tag
    if tag is None and plain:
        fast = _fast_plain(text)
        if fast is not _SLOW:
            return fast
    if tag is None or tag == "!":
        if not plain:
            return text
        tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag not in _SAFE_TAGS:
        doc.findings.append(
            doc.finding("SC012", path, f"YAML tag `{tag}` is not allowed", "remove the tag")
        )
        doc.rejected.add(path)
        return text
    if tag == "tag:yaml.org,2002:str":
        return text
    if tag == "tag:yaml.org,2002:bool" and text.lower() not in _BOOL_WORDS:
        doc.findings.append(
            doc.finding(
                "SC006",
                path,
                f"`{text}` is read as a true/false value by many YAML tools",
                "write true or false, or put it in quotes if it is text",
            )
        )
        return text
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and ":" in text:
        return text  # YAML 1.1 base-60 numbers: 1:30 would become 90.
    node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark)
    try:
        value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
        if isinstance(value, int) and not isinstance(value, bool):
            float(value)  # a whole number too large to compute with raises OverflowError
    except (ValueError, OverflowError):
        doc.rejected.add(path)
        if tag == "tag:yaml.org,2002:timestamp":
            doc.findings.append(
                doc.finding(
                    "SC007",
                    path,
                    f"`{text}` is not a valid date",
                    "write a real date as YYYY-MM-DD",
                )
            )
        else:
            doc.findings.append(doc.finding("SC008", path, f"`{text[:40]}` is not a usable number"))
        return None
    if isinstance(value, float) and not math.isfinite(value):
        doc.rejected.add(path)
        doc.findings.append(
            doc.finding(
                "SC008",
                path,
                f"`{text}` is not a finite number",
                "write a number, or use {status: not-reported}",
            )
        )
        return None
    return value


_RESOLVER = yaml.resolver.Resolver()
_SLOW = object()
_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_PLAIN_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\.[0-9]{1,17}")
_PLAIN_WORDS: dict[str, Any] = {"true": True, "false": False, "True": True, "False": False}
_SPECIAL_WORDS = {"yes", "no", "on", "off", "null", "true", "false", "y", "n"}


def _fast_plain(text: str) -> Any:
    """The value of the commonest plain scalars without YAML's resolver; _SLOW otherwise.

    Only forms whose meaning is the same in YAML 1.1 and 1.2 and needs no finding: short
    decimal integers and decimals, true/false, and text starting with a letter that no YAML
    version reads as anything but text.
    """
    if not text:
        return _SLOW
    if text in _PLAIN_WORDS:
        return _PLAIN_WORDS[text]
    first = text[0]
    if first.isalpha():
        return _SLOW if text.lower() in _SPECIAL_WORDS else text
    if _PLAIN_INT.fullmatch(text):
        return int(text)
    if _PLAIN_FLOAT.fullmatch(text):
        return float(text)
    return _SLOW


# --------------------------------------------------------------------------------------------
# The fast path. Most files keep to a small, regular subset of YAML, read here line by line;
# anything outside it goes to the full parser above. So the subset only has to give the same
# Document as the full parser for the files it accepts, and to say no, cheaply, to the rest.


class _NotSimple(Exception):
    """The text leaves the simple subset: the full parser reads it."""


_SIMPLE_DEPTH = 16  # well inside MAX_DEPTH
_SIMPLE_VALUES = MAX_VALUES // 2  # keys and values: far fewer events than the full limit
_KEY = r"[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}"
_KEY_RE = re.compile(_KEY)
#: indentation, `key:`, then after spaces the rest of the line
_KEY_LINE = re.compile(rf"( *)({_KEY}):(?: +(.*))?")
#: the first character of a plain scalar: no YAML indicator, `-` only before a digit or letter
_FIRST = r"(?:[^-?:,\[\]{}#&*!|>'\"%@` ]|-(?=[0-9A-Za-z.]))"
#: a plain scalar in block context, without its comment: no `: `, no `:` at the end
_BLOCK_PLAIN = re.compile(rf"{_FIRST}(?:[^:]|:(?=[^ ]))*")
#: a plain scalar in a flow mapping: none of `,:#?[]{}`, no space at either end
_FLOW_PLAIN = re.compile(rf"{_FIRST}(?:[^,:#?\[\]{{}}]*[^ ,:#?\[\]{{}}])?")
_DOUBLE = r'"[^"\\]*"'  # no escapes
_SINGLE = r"'(?:[^']|'')*'"
_TAIL = r"(?: +#.*)? *"  # spaces, or a comment
_QUOTED_LINE = re.compile(rf"({_DOUBLE}|{_SINGLE}){_TAIL}")
#: one `key: value,` or `key: value}` of a flow mapping
_FLOW_ITEM = re.compile(rf" *({_KEY}): +({_FIRST}[^,:#?\[\]{{}}]*|{_DOUBLE}|{_SINGLE}) *([,}}])")
#: one `value,` or `value]` of a flow list
_FLOW_SEQ_ITEM = re.compile(rf" *({_FIRST}[^,:#?\[\]{{}}]*|{_DOUBLE}|{_SINGLE}) *([,\]])")
_FLOW_EMPTY = re.compile(r"\{ *\}|\[ *\]")
_TAIL_RE = re.compile(_TAIL)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_Positions = dict[KeyPath, Position]


def _parse_simple(
    text: str, *, positions: bool = True
) -> tuple[Any, _Positions, _Positions] | None:
    """Data, value positions and key positions of a text in the simple subset, else None.
    Without ``positions``, the data alone, faster, and two empty tables.

    The subset: a mapping at the root; block mappings and lists indented with spaces; flow
    mappings `{key: value, ...}` on one line; `|` text blocks; plain scalars, and quoted ones
    without escapes, on one line; comments and blank lines. No value may need a finding: no
    duplicate key, anchor, tag, YAML 1.1 boolean, impossible date or unusable number.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    # tabs, control characters, NEL, LS, PS, byte-order marks and odd spaces are not printable
    if not text.replace("\n", "").isprintable():
        return None
    try:
        reader = _Simple(text, positions)
        data = reader.read()
    except _NotSimple:
        return None
    if not positions:
        return data, {}, {}
    return data, reader.value_at, reader.key_at


class _Simple:
    """A reader of the simple subset: an open block mapping or list per indentation."""

    def __init__(self, text: str, positions: bool) -> None:
        self.lines = text.split("\n")
        self.final_newline = self.lines[-1] == ""
        if self.final_newline:
            self.lines.pop()
        self.i = 0  # the next line to read
        #: the open block collections, outermost first: (indentation, collection, path)
        self.stack: list[tuple[int, Any, KeyPath]] = []
        #: a `key:` whose value starts on a later line: its indentation, mapping, key, path
        #: and the position of its value if it is null
        self.pending: tuple[int, dict[str, Any], str, KeyPath, Position] | None = None
        self.positions = positions
        self.value_at: _Positions = {}
        self.key_at: _Positions = {}
        self.count = 0  # keys and values, when positions are not kept

    def read(self) -> Any:
        """The data; the positions are in ``value_at`` and ``key_at`` if asked for."""
        lines = self.lines
        stack = self.stack
        match_key = _KEY_LINE.fullmatch
        known_part = _FLOW_PARTS.get
        positions = self.positions
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            match = match_key(line)
            if match is not None and self.pending is None and stack:
                spaces, key, rest = match.groups()
                indent, mapping, path = stack[-1]
                if indent == len(spaces) and type(mapping) is dict and key not in mapping:
                    if not positions and rest and rest[0] == "{" and rest[-1] == "}":
                        # The commonest line, `key: {a: 1, b: c}`, of parts read before.
                        parts = list(map(known_part, rest[1:-1].split(", ")))
                        if None not in parts:
                            value = dict(parts)  # type: ignore[arg-type]
                            if len(value) == len(parts):
                                mapping[key] = value
                                self.count += 2 * len(parts) + 2
                                continue
                    self.i = i
                    self.entry(i, indent, key, rest, mapping, path)
                    i = self.i
                    continue
            self.i = i
            self.line(i, line)
            i = self.i
        if not stack:
            raise _NotSimple
        if self.pending is not None:
            self.value_at[self.pending[3]] = self.pending[4]
        if self.count + len(self.value_at) + len(self.key_at) > _SIMPLE_VALUES:
            raise _NotSimple
        return stack[0][1]

    def line(self, lineno: int, line: str) -> None:
        """Any line: blank, comment, list item, or a key where the indentation changes."""
        body = line.lstrip(" ")
        if not body or body[0] == "#":
            return
        indent = len(line) - len(body)
        dash = body[0] == "-" and (len(body) == 1 or body[1] == " ")
        stack = self.stack
        if not stack:
            if indent or dash:
                raise _NotSimple
            self.open({}, (), lineno, 0)
        elif self.pending is not None:
            self.close_pending(lineno, indent, dash)
        while stack[-1][0] > indent:
            stack.pop()
        if not dash and type(stack[-1][1]) is list:
            stack.pop()  # a key after a list at the indentation of its mapping
        top_indent, container, path = stack[-1]
        if top_indent != indent:
            raise _NotSimple
        if not dash:
            match = _KEY_LINE.fullmatch(body)
            if match is None or type(container) is not dict:
                raise _NotSimple
            self.entry(lineno, indent, match[2], match[3], container, path)
            return
        if type(container) is not list:
            raise _NotSimple
        rest = body[1:].lstrip(" ")
        if not rest or rest[0] == "#" or rest[0] == "|":
            raise _NotSimple
        col = indent + len(body) - len(rest)
        item_path = (*path, len(container))
        match = _KEY_LINE.fullmatch(rest)
        if match:
            item: dict[str, Any] = {}
            container.append(item)
            self.open(item, item_path, lineno, col)
            self.entry(lineno, col, match[2], match[3], item, item_path)
        else:
            container.append(self.value(lineno, col, rest, item_path, -1))

    def open(self, container: Any, path: KeyPath, lineno: int, indent: int) -> None:
        """A block collection starting at ``indent`` (from 0) on line ``lineno``."""
        if len(self.stack) >= _SIMPLE_DEPTH:
            raise _NotSimple
        self.stack.append((indent, container, path))
        self.value_at[path] = (lineno, indent + 1)

    def close_pending(self, lineno: int, indent: int, dash: bool) -> None:
        """The value of the last `key:`: a block collection starting here, or null."""
        assert self.pending is not None
        key_indent, mapping, key, path, empty_at = self.pending
        self.pending = None
        if indent > key_indent or (indent == key_indent and dash):
            value: Any = [] if dash else {}
            mapping[key] = value
            self.open(value, path, lineno, indent)
        else:
            self.value_at[path] = empty_at

    def entry(
        self,
        lineno: int,
        indent: int,
        key: str,
        rest: str | None,
        mapping: dict[str, Any],
        path: KeyPath,
    ) -> None:
        """`key: rest` in a block mapping, the key at ``indent`` (from 0)."""
        if key in mapping:
            raise _NotSimple
        key_path = (*path, key)
        self.key_at[key_path] = (lineno, indent + 1)
        if not rest or rest[0] == "#" or rest.isspace():
            mapping[key] = None
            self.pending = (indent, mapping, key, key_path, (lineno, indent + len(key) + 2))
            return
        col = len(self.lines[lineno - 1]) - len(rest)
        mapping[key] = self.value(lineno, col, rest, key_path, indent)

    def value(self, lineno: int, col: int, rest: str, path: KeyPath, key_indent: int) -> Any:
        """The value that starts at ``col`` (from 0) and ends the line."""
        self.value_at[path] = (lineno, col + 1)
        first = rest[0]
        if first == "{" or first == "[":
            if len(self.stack) >= _SIMPLE_DEPTH:
                raise _NotSimple
            if first == "[":
                return self.flow_list(lineno, col, rest, path)
            return self.flow(lineno, col, rest, path)
        if first == '"' or first == "'":
            match = _QUOTED_LINE.fullmatch(rest)
            if match is None:
                raise _NotSimple
            return _unquote(match[1])
        if first == "|" and key_indent >= 0 and rest.rstrip(" ") == "|":
            return self.literal(key_indent)
        text = rest.partition(" #")[0].rstrip(" ")
        value = _BLOCK_VALUES.get(text, _SLOW)
        if value is _SLOW:
            if not _BLOCK_PLAIN.fullmatch(text):
                raise _NotSimple
            value = _remember(_BLOCK_VALUES, text, _simple_plain(text))
        return value

    def flow(self, lineno: int, col: int, rest: str, path: KeyPath) -> dict[str, Any]:
        """A flow mapping on one line, of plain or quoted scalars."""
        if rest[-1] == "}" and '"' not in rest and "'" not in rest:
            mapping = self.plain_flow(lineno, col, rest, path)
            if mapping is not None:
                return mapping
        mapping = {}
        if _FLOW_EMPTY.match(rest):
            end = rest.index("}") + 1
        else:
            end = 1
            while True:
                match = _FLOW_ITEM.match(rest, end)
                if match is None:
                    raise _NotSimple
                key, text, stop = match.groups()
                if key in mapping:
                    raise _NotSimple
                key_path = (*path, key)
                self.key_at[key_path] = (lineno, col + match.start(1) + 1)
                self.value_at[key_path] = (lineno, col + match.start(2) + 1)
                if text[0] == '"' or text[0] == "'":
                    mapping[key] = _unquote(text)
                else:
                    mapping[key] = _simple_plain(text.rstrip(" "))
                end = match.end()
                if stop == "}":
                    break
        if not _TAIL_RE.fullmatch(rest, end):
            raise _NotSimple
        return mapping

    def flow_list(self, lineno: int, col: int, rest: str, path: KeyPath) -> list[Any]:
        """A flow list on one line, of plain or quoted scalars."""
        items: list[Any] = []
        if _FLOW_EMPTY.match(rest):
            end = rest.index("]") + 1
        else:
            end = 1
            while True:
                match = _FLOW_SEQ_ITEM.match(rest, end)
                if match is None:
                    raise _NotSimple
                text, stop = match.groups()
                self.value_at[(*path, len(items))] = (lineno, col + match.start(1) + 1)
                if text[0] == '"' or text[0] == "'":
                    items.append(_unquote(text))
                else:
                    items.append(_simple_plain(text.rstrip(" ")))
                end = match.end()
                if stop == "]":
                    break
        if not _TAIL_RE.fullmatch(rest, end):
            raise _NotSimple
        return items

    def plain_flow(self, lineno: int, col: int, rest: str, path: KeyPath) -> dict[str, Any] | None:
        """The commonest flow mapping, `{a: 1, b: c}`, without a regular expression for it."""
        parts = rest[1:-1].split(", ")
        mapping: dict[str, Any] = {}
        for part in parts:
            known = _FLOW_PARTS.get(part) or _flow_part(part)
            if known is None:
                return None
            key, value = known
            if key in mapping:
                raise _NotSimple
            mapping[key] = value
        if not self.positions:
            self.count += 2 * len(parts)
            return mapping
        at = col + 2  # the column of the first key, from 1
        for part in parts:
            key = part.partition(":")[0]
            key_path = (*path, key)
            self.key_at[key_path] = (lineno, at)
            self.value_at[key_path] = (lineno, at + len(key) + 2)
            at += len(part) + 2
        return mapping

    def literal(self, key_indent: int) -> str:
        """A `|` block of text: the lines indented like its first, one final line break kept."""
        lines = self.lines
        indent = 0
        content: list[str] = []
        i = self.i
        while i < len(lines):
            line = lines[i]
            body = line.lstrip(" ")
            spaces = len(line) - len(body)
            if not body:  # blank: a line break, unless it has more spaces than the indentation
                if not indent or spaces > indent:
                    raise _NotSimple
                content.append("")
            elif not indent:
                if spaces <= key_indent:
                    raise _NotSimple
                indent = spaces
                content.append(body)
            elif spaces < indent:
                break
            else:
                content.append(line[indent:])
            i += 1
        if not indent or (i == len(lines) and not self.final_newline):
            raise _NotSimple
        self.i = i
        while not content[-1]:
            content.pop()
        return "\n".join(content) + "\n"


def _unquote(text: str) -> str:
    if text[0] == '"':
        return text[1:-1]
    return text[1:-1].replace("''", "'")


def _flow_part(part: str) -> tuple[str, Any] | None:
    """`key: value` of a flow mapping, with a plain value, as a key and value; else None."""
    key, sep, text = part.partition(": ")
    if not sep or not _KEY_RE.fullmatch(key) or not _FLOW_PLAIN.fullmatch(text):
        return None
    known = (key, _simple_plain(text))
    _remember(_FLOW_PARTS, part, known)
    return known


#: plain scalars and flow mapping entries already read, by their text; their values are
#: immutable, so one can be shared by all the files that hold it
_BLOCK_VALUES: dict[str, Any] = {}
_FLOW_PARTS: dict[str, tuple[str, Any]] = {}
_REMEMBERED = 20_000


def _remember(table: dict[str, Any], text: str, value: Any) -> Any:
    if len(table) >= _REMEMBERED:
        table.clear()
    table[text] = value
    return value


class _PlainScalar:
    """What ``_scalar`` reads of a plain scalar's event."""

    __slots__ = ("value",)
    implicit = (True, False)
    tag = None
    start_mark = end_mark = None

    def __init__(self, value: str) -> None:
        self.value = value


def _simple_plain(text: str) -> Any:
    """The value of a plain scalar as the full parser gives it, if it needs no finding."""
    value = _fast_plain(text)
    if value is not _SLOW:
        return value
    if _DATE.fullmatch(text):
        try:
            return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            raise _NotSimple from None
    scratch = Document("")
    value = _scalar(_PlainScalar(text), (), scratch)
    if scratch.findings or scratch.rejected:
        raise _NotSimple
    return value


def read_text_page(path: Path) -> str:
    """A user's own Markdown page, as it is."""
    return path.read_text(encoding="utf-8-sig")

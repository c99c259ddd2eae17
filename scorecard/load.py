"""Reading YAML content: plain values, and where each value came from.

Every value keeps its file, line and column, so that any later stage can point a
user at the exact place. Loading judges only the YAML itself: anchors and aliases,
duplicate keys, oversized files, bytes that are not UTF-8 and YAML 1.1 surprises
become findings; the meaning of the values is the business of ``validate``.
"""

from __future__ import annotations

import bisect
import errno
import math
import re
import stat
from contextvars import ContextVar
from dataclasses import dataclass, field
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


@dataclass
class Document:
    """One YAML file as plain Python values, with the position of every value."""

    file: str
    data: Any = None
    value_at: dict[KeyPath, Position] = field(default_factory=dict)
    key_at: dict[KeyPath, Position] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    #: paths whose value was already reported here and dropped, so later stages stay quiet on them
    rejected: set[KeyPath] = field(default_factory=set)

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
    if len(raw) > MAX_FILE_BYTES:
        doc.findings.append(
            Finding(display, 1, 1, "SC004", "", f"file is over {MAX_FILE_BYTES:,} bytes")
        )
        return doc
    try:
        text = raw.decode("utf-8-sig")
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
        return doc
    _parse(text, doc)
    return doc


#: Where each line of the text being read starts, when it holds characters that YAML 1.1 takes
#: for line breaks and editors do not (NEL, LS, PS): lines are then counted by \n and \r alone.
_LINE_STARTS: ContextVar[list[int] | None] = ContextVar("line_starts", default=None)


def _parse(text: str, doc: Document) -> None:
    starts = None
    if any(c in text for c in "\x85\u2028\u2029"):
        starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]
    reset = _LINE_STARTS.set(starts)
    try:
        _parse_text(text, doc)
    finally:
        _LINE_STARTS.reset(reset)


def _parse_text(text: str, doc: Document) -> None:
    loader = yaml.CSafeLoader(text)
    try:
        doc.data = _build(loader, doc)
    except _Abort as abort:
        doc.data = None
        doc.findings.append(abort.finding)
    except yaml.MarkedYAMLError as err:
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
            doc.value_at[path] = _pos(event)
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


def read_text_page(path: Path) -> str:
    """A user's own Markdown page, as it is."""
    return path.read_text(encoding="utf-8-sig")

"""The fast path: the small, regular subset of YAML that most files keep to, read line by line.

Anything outside the subset goes to the full parser (``scorecard.load.full``). So the subset
only has to give the same Document as the full parser for the files it accepts, and to say no,
cheaply, to the rest.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from scorecard.load.document import MAX_VALUES, Document, KeyPath, Position
from scorecard.load.scalars import _SLOW, _fast_plain, _scalar


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

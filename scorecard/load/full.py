"""The full parser: any YAML file, read on LibYAML's events, with every problem a finding.

It builds the values and their positions event by event, and stops a file that goes over the
limits (more keys and values, or deeper nesting, than any scorecard file has).
"""

from __future__ import annotations

import bisect
import re
from contextvars import ContextVar
from typing import Any

import yaml

from scorecard.findings import Finding
from scorecard.load.document import (
    MAX_DEPTH,
    MAX_VALUES,
    Document,
    KeyPath,
    Position,
    dotted,
    printable,
)
from scorecard.load.scalars import _scalar

_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


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


#: Where each line of the text being read starts, when it holds characters that YAML 1.1 takes
#: for line breaks and editors do not (NEL, LS, PS): lines are then counted by \n and \r alone.
_LINE_STARTS: ContextVar[list[int] | None] = ContextVar("line_starts", default=None)


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

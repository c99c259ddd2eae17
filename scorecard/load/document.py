"""What reading a YAML file gives: its values as plain Python, the position of every value and
key (the source map), the findings of the reading, and the limits on a file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scorecard.findings import Finding

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32
#: keys and values in one file; a real audit has a few thousand
MAX_VALUES = 20_000

Key = str | int
KeyPath = tuple[Key, ...]
Position = tuple[int, int]


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
        #: the text read by the fast path, while its positions are not yet read, and the
        #: function that reads them
        self._unread: str | None = None
        self._reader: Callable[[Document, str], tuple[Any, Any]] | None = None

    def read_later(self, text: str, reader: Callable[[Document, str], tuple[Any, Any]]) -> None:
        """Keep ``text`` until positions are first asked for; ``reader`` then gives them."""
        self._unread, self._reader = text, reader

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
        text, reader = self._unread, self._reader
        self._unread = self._reader = None
        assert text is not None and reader is not None
        values, keys = reader(self, text)
        self._value_at.update(values)
        self._key_at.update(keys)

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

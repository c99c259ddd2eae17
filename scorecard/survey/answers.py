"""Reading a survey export: one row per respondent, one column per question.

Exports come as survey tools write them: UTF-8 with or without a byte-order mark, comma,
semicolon or tab separated (sniffed from the header), answers as labels or as their numeric
codes, and sometimes extra header rows (the instrument says how many). Problems become
findings at the export's line and column (the column is the field's number, 1 for the first).

Only the instrument's question columns and the unit column are read. Every other column
(free-text comments, respondent ids, time stamps) is skipped unread, and the answers read
here stay in memory: they are counted by ``tabulate`` and never written anywhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scorecard.findings import Finding, did_you_mean
from scorecard.survey.instrument import Instrument, normalise

MAX_EXPORT_BYTES = 64 * 1024 * 1024
SEPARATORS = (",", ";", "\t")
#: one finding per distinct unknown answer of a column, naming how many rows have it
_SHOWN = 40


@dataclass
class Respondent:
    line: int
    #: a unit id of the audit, or None (no unit, or one the audit does not have)
    unit: str | None
    #: question id -> answer code, None for a blank or "don't know"
    answers: dict[str, int | None]

    def answered(self) -> bool:
        return any(code is not None for code in self.answers.values())


@dataclass
class Responses:
    file: str
    names_line: int
    unit_col: int | None
    respondents: list[Respondent] = field(default_factory=list)


def read_export(
    path: Path, shown: str, instrument: Instrument, units: Mapping[str, str]
) -> tuple[Responses | None, list[Finding]]:
    """Read the export at ``path`` (shown to the user as ``shown``)."""
    try:
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            return None, [
                Finding(
                    shown,
                    1,
                    1,
                    "SC004",
                    "",
                    f"file is {size:,} bytes, over the limit of {MAX_EXPORT_BYTES:,}",
                    "split the export by unit or period",
                )
            ]
        raw = path.read_bytes()
    except OSError as err:
        return None, [Finding(shown, 1, 1, "SC050", "", f"cannot read the file: {err.strerror}")]
    return parse_export(raw, shown, instrument, units)


def parse_export(
    raw: bytes, shown: str, instrument: Instrument, units: Mapping[str, str]
) -> tuple[Responses | None, list[Finding]]:
    """``units`` maps each unit id of the audit to its name."""
    text, found = _decode(raw, shown)
    if text is None:
        return None, found
    if not text.strip():
        return None, [Finding(shown, 1, 1, "SC050", "", "the export is empty", _EXPORT_HINT)]
    separator = _sniff(text.lstrip("\r\n").splitlines()[0])
    try:
        rows = _rows(text, separator)
    except _Unreadable as err:
        return None, [Finding(shown, err.line, 1, "SC051", "", f"the row cannot be read: {err}")]
    if not rows:
        return None, [Finding(shown, 1, 1, "SC050", "", "the export is empty", _EXPORT_HINT)]
    if len(rows) < instrument.header_rows:
        return None, [
            Finding(
                shown,
                1,
                1,
                "SC050",
                "",
                f"the export has {len(rows)} rows, fewer than the instrument's "
                f"{instrument.header_rows} header rows",
                _EXPORT_HINT,
            )
        ]
    names_line, names = rows[instrument.names_row - 1]
    findings: list[Finding] = []
    columns, found = _columns(shown, names_line, names, instrument)
    findings += found
    data = rows[instrument.header_rows :]
    if not data:
        findings.append(
            Finding(shown, names_line, 1, "SC050", "", "the export has no answers", _EXPORT_HINT)
        )
    if any(f.severity == "error" for f in findings):
        return None, findings
    unit_col = columns.pop("\x00unit", None)
    responses = Responses(shown, names_line, None if unit_col is None else unit_col + 1)
    unknown_units: dict[str, list[int]] = {}
    unknown_answers: dict[tuple[int, str], list[int]] = {}
    by_name = {normalise(name): unit_id for unit_id, name in units.items()}
    by_name.update({normalise(unit_id): unit_id for unit_id in units})
    for line, cells in data:
        if len(cells) < len(names) or any(c.strip() for c in cells[len(names) :]):
            findings.append(
                Finding(
                    shown,
                    line,
                    min(len(cells), len(names)) + 1,
                    "SC051",
                    "",
                    f"the row has {len(cells)} fields, the header {len(names)}",
                    "a separator inside an answer needs quotes around the answer",
                )
            )
            continue
        unit: str | None = None
        if unit_col is not None:
            given = cells[unit_col].strip()
            unit = by_name.get(normalise(given)) if given else None
            if given and unit is None:
                unknown_units.setdefault(given, []).append(line)
        answers: dict[str, int | None] = {}
        for question_id, col in columns.items():
            scale = instrument.questions[question_id].scale
            known, code = scale.read(cells[col])
            if not known:
                unknown_answers.setdefault((col, cells[col].strip()), []).append(line)
            answers[question_id] = code
        responses.respondents.append(Respondent(line, unit, answers))
    for (col, given), lines in unknown_answers.items():
        question = next(q for q, c in columns.items() if c == col)
        scale = instrument.questions[question].scale
        others = len(lines) - 1
        more = f" (and {others} more row{'s' if others > 1 else ''})" if others else ""
        findings.append(
            Finding(
                shown,
                lines[0],
                col + 1,
                "SC053",
                names[col].strip(),
                f"`{printable(given)}` is not an answer of scale `{scale.id}`{more}",
                did_you_mean(given, scale.labels) or f"answers: {scale.describe()}",
            )
        )
    for given, lines in unknown_units.items():
        more = f"its {len(lines)} rows count" if len(lines) > 1 else "its row counts"
        findings.append(
            Finding(
                shown,
                lines[0],
                responses.unit_col or 1,
                "SC054",
                names[unit_col].strip() if unit_col is not None else "",
                f"unit `{printable(given)}` is not a unit of the audit; {more} only in the total",
                did_you_mean(given, units)
                or (
                    f"units: {', '.join(units)}"
                    if units
                    else "add it under `units:` in the audit, with a name, for its breakdown"
                ),
            )
        )
    return responses, sorted(findings)


_EXPORT_HINT = "export one row per respondent, with a header row of column names"


def _decode(raw: bytes, shown: str) -> tuple[str | None, list[Finding]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        start = before.rfind(b"\n") + 1
        prefix = raw[start : err.start].decode("utf-8", errors="replace")
        head = (raw.decode("utf-8", errors="replace").splitlines() or [""])[0]
        col = prefix.count(_sniff(head)) + 1
        return None, [
            Finding(
                shown,
                line,
                col,
                "SC005",
                "",
                f"byte 0x{raw[err.start]:02x} is not valid UTF-8",
                "export the answers as UTF-8 (in a spreadsheet: save as CSV UTF-8)",
            )
        ]


def _sniff(header: str) -> str:
    """The separator that splits the header into the most fields; a comma on a tie."""
    best, fields = ",", 1
    for separator in SEPARATORS:
        try:
            count = len(next(csv.reader(io.StringIO(header, newline=""), delimiter=separator)))
        except (csv.Error, StopIteration):
            continue
        if count > fields:
            best, fields = separator, count
    return best


class _Unreadable(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _rows(text: str, separator: str) -> list[tuple[int, list[str]]]:
    """Each non-blank record with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if cells and any(c.strip() for c in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as err:
        raise _Unreadable(start, str(err)) from err
    return rows


def printable(text: str) -> str:
    """An answer as a user can read it in a message: control characters escaped."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:_SHOWN])


def _columns(
    shown: str, line: int, names: list[str], instrument: Instrument
) -> tuple[dict[str, int], list[Finding]]:
    """question id -> 0-based field index; ``"\\x00unit"`` for the unit column if present."""
    findings: list[Finding] = []
    where: dict[str, int] = {}
    for index, name in enumerate(names):
        key = normalise(name)
        if key in where:
            wanted = {normalise(q.column) for q in instrument.questions.values()}
            if key in wanted or key == normalise(instrument.unit_column):
                findings.append(
                    Finding(
                        shown,
                        line,
                        index + 1,
                        "SC056",
                        name.strip(),
                        f"column `{name.strip()}` appears twice (also field {where[key] + 1})",
                        "rename or remove one of them",
                    )
                )
            continue
        where[key] = index
    wanted = {normalise(q.column) for q in instrument.questions.values()}
    wanted.add(normalise(instrument.unit_column))
    spare = [name.strip() for name in names if normalise(name) not in wanted]
    columns: dict[str, int] = {}
    for question in instrument.questions.values():
        found = where.get(normalise(question.column))
        if found is None:
            findings.append(
                Finding(
                    shown,
                    line,
                    1,
                    "SC052",
                    question.column,
                    f"no column `{question.column}` for question `{question.id}` "
                    f"of instrument `{instrument.name}`",
                    did_you_mean(question.column, spare)
                    or "rename the column, set `column:` in the instrument, "
                    "or import only some metrics with --metric",
                )
            )
        else:
            columns[question.id] = found
    unit = where.get(normalise(instrument.unit_column))
    if unit is not None:
        columns["\x00unit"] = unit
    return columns, findings

"""What a survey export must hold for an instrument: its columns, and the answers each takes.

``export_guide`` is what ``scorecard import survey --instrument NAME --columns`` prints: the
header row to write, then each column with its question, the answers of each scale (codes and
labels, which count as positive, which as no answer), and which metric each question feeds.
"""

from __future__ import annotations

import csv
import io
import textwrap

from scorecard.load import printable
from scorecard.survey.instrument import Instrument, Scale


def csv_header(instrument: Instrument) -> str:
    """The header row of an export: the unit column, then one column per question."""
    names = [instrument.unit_column, *(q.column for q in instrument.questions.values())]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(names)
    return out.getvalue()


def export_guide(instrument: Instrument) -> str:
    """The columns and answers an export needs, as text for a person."""
    rows, names_row = instrument.header_rows, instrument.names_row
    header = "a header row" if rows == 1 else f"{rows} header rows (names on row {names_row})"
    lines = [
        f"{instrument.name}: {instrument.title}",
        f"({instrument.file})",
        "",
        f"One row per respondent, after {header}; fields separated by commas, semicolons or",
        "tabs. Columns may come in any order; others (comments, ids, times) are skipped unread.",
        "The column names:",
        "",
        csv_header(instrument),
        "",
        "Columns:",
    ]
    width = max(
        len(instrument.unit_column), *(len(q.column) for q in instrument.questions.values())
    )
    indent = " " * (width + 4)
    lines.append(
        f"  {instrument.unit_column:<{width}}  optional: the respondent's unit, as a unit id or "
        "name of the audit"
    )
    for q in instrument.questions.values():
        how = q.scale.id + (", reverse-worded" if q.reverse else "")
        if q.positive:
            how += f" (positive: {_codes(q.positive)})"
        lines += [f"  {q.column:<{width}}  {how}", *_wrapped(q.text, indent)]
    lines += ["", "Answers, by scale (the code or its label; a blank is no answer):"]
    scales = {q.scale.id: q.scale for q in instrument.questions.values()}
    for scale in scales.values():
        lines += _scale(scale)
    lines += ["", "Metrics:"]
    for rule in instrument.metrics.values():
        columns = ", ".join(q.column for q in rule.questions)
        how = {
            "percent": f"percent positive of {columns}",
            "composite": f"mean of the percents positive of {columns}",
            "mean": f"mean score of {columns}",
            "sum": f"total score of {columns}",
        }[rule.method]
        if rule.method in ("mean", "sum") and rule.min_answered < len(rule.questions):
            how += f" (a respondent needs {rule.min_answered} of {len(rule.questions)} answers)"
        lines += [f"  {rule.metric}", *_wrapped(how, "    ")]
    return "".join(printable(line) + "\n" for line in lines)  # a project's own text, inert


def _codes(codes: frozenset[int]) -> str:
    return ", ".join(str(code) for code in sorted(codes))


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, 96, initial_indent=indent, subsequent_indent=indent)


def _scale(scale: Scale) -> list[str]:
    positive = f" (positive: {_codes(scale.positive)})" if scale.positive else ""
    out = [f"  {scale.id}{positive}"]
    for code, labels in scale.answers:
        out.append(f"    {code}  {' / '.join(labels)}")
    for text, labels in scale.missing:
        out.append(f"    {text}  {' / '.join(labels)} (no answer)")
    return out

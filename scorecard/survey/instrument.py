"""Survey instruments: which questions feed which metric, and how answers count.

An instrument is a YAML file, built in (``scorecard/builtin/instruments/<name>.yml``) or a
project's own (``content/instruments/<name>.yml``, which wins over a built-in one of the same
name). It is checked like any other content file, with positions::

    title: Team pulse
    export: {header_rows: 1, unit_column: unit}
    scales:
      agree5:
        answers: {"1": Strongly disagree, "2": Disagree, "3": Neutral, "4": Agree,
                  "5": Strongly agree}
        positive: [4, 5]              # favourable answers of a normally worded question
        missing: {"9": "Don't know"}  # answers that count as no answer, like a blank
    questions:
      speak_up:                       # the export's column is the question id unless `column`
        text: People here raise safety problems.
        scale: agree5
      afraid:
        text: People here are afraid to ask questions.
        scale: agree5
        reverse: true                 # positive = the mirror of the scale's (1, 2); score 6 - code
    metrics:
      safety.speak_up: {method: composite, questions: [speak_up, afraid]}

Methods: ``percent`` (percent positive of one question), ``composite`` (the mean of its
questions' percents positive, as AHRQ SOPS does), ``mean`` (each respondent's mean item score,
averaged over respondents, as the Edmondson scale) and ``sum`` (each respondent's item total,
averaged over respondents, as the Mini-Z joy score). A respondent counts towards a mean or a sum
when they answered at least ``min_answered`` of its questions (default: all); a sum with skipped
items is the mean of the answered items times the number of questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field

from scorecard.findings import Finding, did_you_mean
from scorecard.load import Document, KeyPath, load_bytes, load_file
from scorecard.model import SLUG, FileModel, Framework
from scorecard.project import display
from scorecard.validate import check_model
from scorecard.values import VisibleText

Method = Literal["percent", "composite", "mean", "sum"]
Labels = str | list[str]

PERCENT_METHODS = ("percent", "composite")
SCORE_METHODS = ("mean", "sum")


# --- the file format -----------------------------------------------------------------------


class ScaleDef(FileModel):
    answers: dict[str, Labels] = Field(
        description='code -> label (or a list of labels), e.g. {"1": Strongly disagree}; '
        "codes are consecutive whole numbers, higher is more favourable when the question "
        "is worded normally"
    )
    positive: list[int | str] = Field(
        default_factory=list, description="answers (codes or labels) that count as positive"
    )
    missing: dict[str, Labels] = Field(
        default_factory=dict,
        description='code -> label of answers that count as no answer, like "don\'t know"',
    )


class QuestionDef(FileModel):
    text: VisibleText = Field(description="the question, as respondents read it")
    column: VisibleText | None = Field(
        None, description="the export's column; default the question id"
    )
    scale: VisibleText
    reverse: bool = Field(
        False,
        description="reverse-worded: positive answers are the mirror of the scale's, "
        "and the score is (lowest + highest code) - code",
    )
    positive: list[int | str] | None = Field(
        None, description="positive answers of this question, taken as written (not mirrored)"
    )


class MetricRuleDef(FileModel):
    method: Method
    questions: list[str] = Field(min_length=1)
    min_answered: int | None = Field(
        None, ge=1, description="for mean and sum: answers a respondent needs; default all"
    )


class ExportDef(FileModel):
    header_rows: int = Field(1, ge=1, description="rows before the first respondent's row")
    names_row: int = Field(1, ge=1, description="the header row that holds the column names")
    unit_column: VisibleText = "unit"


class InstrumentFile(FileModel):
    title: VisibleText = Field(description="written as the source's `instrument`")
    description: str = ""
    basis: str = ""
    export: ExportDef = ExportDef()
    scales: dict[str, ScaleDef]
    questions: dict[str, QuestionDef]
    metrics: dict[str, MetricRuleDef]


# --- the checked instrument ----------------------------------------------------------------


def normalise(text: str) -> str:
    """How answers and column names are compared: case, spacing and quote marks do not count."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\ufeff", "")
    return re.sub(r"\s+", " ", text).strip().casefold()


def as_code(text: str) -> int | None:
    """``"4"``, ``" 4.0 "`` -> 4; anything else -> None."""
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


@dataclass(frozen=True)
class Scale:
    id: str
    low: int
    high: int
    #: normalised answer text (label or code) -> code, or None for a "don't know" answer
    lookup: dict[str, int | None]
    labels: tuple[str, ...]
    positive: frozenset[int]
    #: each code, lowest first, with its labels; and the answers that count as no answer
    answers: tuple[tuple[int, tuple[str, ...]], ...] = ()
    missing: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def read(self, text: str) -> tuple[bool, int | None]:
        """(known, code): code None is a missing answer."""
        key = normalise(text)
        if key == "":
            return True, None
        if key in self.lookup:
            return True, self.lookup[key]
        code = as_code(key)
        if code is not None and str(code) in self.lookup:
            return True, self.lookup[str(code)]
        return False, None

    def describe(self) -> str:
        return f"{self.low} to {self.high}, or " + ", ".join(repr(x) for x in self.labels[:8])


@dataclass(frozen=True)
class Question:
    id: str
    column: str
    text: str
    scale: Scale
    reverse: bool
    positive: frozenset[int]

    def score(self, code: int) -> int:
        return self.scale.low + self.scale.high - code if self.reverse else code


@dataclass(frozen=True)
class MetricRule:
    metric: str
    method: Method
    questions: tuple[Question, ...]
    min_answered: int


@dataclass(frozen=True)
class Instrument:
    name: str
    title: str
    file: str
    header_rows: int
    names_row: int
    unit_column: str
    questions: dict[str, Question]
    metrics: dict[str, MetricRule]

    def only(self, metric_ids: list[str]) -> Instrument:
        """The same instrument reduced to some of its metrics (and the questions they read)."""
        rules = {m: r for m, r in self.metrics.items() if m in metric_ids}
        used = {q.id for r in rules.values() for q in r.questions}
        questions = {q: v for q, v in self.questions.items() if q in used}
        return Instrument(
            self.name,
            self.title,
            self.file,
            self.header_rows,
            self.names_row,
            self.unit_column,
            questions,
            rules,
        )


class SurveyUsageError(Exception):
    """The command named something that does not exist: an instrument, institution, period."""


# --- finding and loading instruments -------------------------------------------------------


def instrument_files(root: Path) -> dict[str, tuple[str, Path | None]]:
    """name -> (display name, path); path None for a built-in one. The project's win."""
    found: dict[str, tuple[str, Path | None]] = {}
    builtin = resources.files("scorecard").joinpath("builtin/instruments")
    for entry in sorted(builtin.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yml"):
            name = entry.name.removesuffix(".yml")
            found[name] = (f"<built-in>/instruments/{entry.name}", None)
    folder = root / "content" / "instruments"
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yml", ".yaml") and path.is_file():
                found[path.stem] = (display(path, root), path)
    return found


def load_instrument(
    root: Path, name: str, framework: Framework
) -> tuple[Instrument | None, list[Finding]]:
    """The checked instrument called ``name``, or None and the findings that say why not."""
    files = instrument_files(root)
    if name not in files:
        hint = did_you_mean(name, files)
        raise SurveyUsageError(
            f"no instrument `{name}`; "
            + (hint or f"available: {', '.join(files)}; or add content/instruments/{name}.yml")
        )
    shown, path = files[name]
    if path is None:
        raw = resources.files("scorecard").joinpath(f"builtin/instruments/{name}.yml").read_bytes()
        doc = load_bytes(raw, shown)
    else:
        doc = load_file(path, shown)
    return check_instrument(doc, name, framework)


def check_instrument(
    doc: Document, name: str, framework: Framework
) -> tuple[Instrument | None, list[Finding]]:
    findings = list(doc.findings)
    if doc.data is None and findings:
        return None, findings
    if not SLUG.fullmatch(name):
        findings.append(
            doc.finding("SC043", (), f"instrument name `{name}` is not a lower-case slug")
        )
    file, found = check_model(doc, InstrumentFile, doc.data)
    findings += found
    if file is None:
        return None, findings
    scales: dict[str, Scale] = {}
    for scale_id, scale_def in file.scales.items():
        scale, found = _scale(doc, scale_id, scale_def)
        findings += found
        if scale is not None:
            scales[scale_id] = scale
    questions: dict[str, Question] = {}
    columns: dict[str, str] = {}
    for question_id, q in file.questions.items():
        question, found = _question(doc, question_id, q, file, scales)
        findings += found
        if question is None:
            continue
        key = normalise(question.column)
        if key in columns:
            findings.append(
                doc.finding(
                    "SC061",
                    ("questions", question_id),
                    f"questions `{columns[key]}` and `{question_id}` both read column "
                    f"`{question.column}`",
                    "give one of them its own `column`",
                    key=True,
                )
            )
        columns[key] = question_id
        questions[question_id] = question
    rules: dict[str, MetricRule] = {}
    for metric_id, rule_def in file.metrics.items():
        rule, found = _rule(doc, metric_id, rule_def, file, questions, framework)
        findings += found
        if rule is not None:
            rules[metric_id] = rule
    export = file.export
    if export.names_row > export.header_rows:
        findings.append(
            doc.finding(
                "SC012",
                ("export", "names_row"),
                f"names_row {export.names_row} is after the {export.header_rows} header rows",
            )
        )
    if any(f.severity == "error" for f in findings):
        return None, findings
    instrument = Instrument(
        name=name,
        title=file.title,
        file=doc.file,
        header_rows=export.header_rows,
        names_row=export.names_row,
        unit_column=export.unit_column,
        questions=questions,
        metrics=rules,
    )
    return instrument, findings


def _labels(value: Labels) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _scale(doc: Document, scale_id: str, s: ScaleDef) -> tuple[Scale | None, list[Finding]]:
    path: KeyPath = ("scales", scale_id)
    out: list[Finding] = []
    codes: dict[int, str] = {}
    for text in s.answers:
        code = as_code(text)
        if code is None or str(code) != text.strip():
            out.append(
                doc.finding(
                    "SC059",
                    (*path, "answers", text),
                    f"answer code `{text}` is not a whole number",
                    "write codes as the export writes them: 1, 2, 3 ...",
                    key=True,
                )
            )
        else:
            codes[code] = text
    if out:
        return None, out
    ordered = sorted(codes)
    if len(ordered) < 2 or ordered != list(range(ordered[0], ordered[-1] + 1)):
        out.append(
            doc.finding(
                "SC059",
                (*path, "answers"),
                f"answer codes {', '.join(map(str, ordered))} are not consecutive whole numbers",
                "number the answers 1, 2, 3 ... from the least to the most favourable",
            )
        )
        return None, out
    lookup: dict[str, int | None] = {}
    labels: list[str] = []

    def add(text: str, code: int | None, where: KeyPath) -> None:
        key = normalise(text)
        if key in lookup and lookup[key] != code:
            out.append(doc.finding("SC062", where, f"answer `{text}` is used twice in the scale"))
        lookup[key] = code

    for code in ordered:
        add(str(code), code, (*path, "answers", codes[code]))
        for label in _labels(s.answers[codes[code]]):
            add(label, code, (*path, "answers", codes[code]))
            labels.append(label)
    for text, value in s.missing.items():
        add(text, None, (*path, "missing", text))
        for label in _labels(value):
            add(label, None, (*path, "missing", text))
            labels.append(label)
    scale = Scale(scale_id, ordered[0], ordered[-1], lookup, tuple(labels), frozenset())
    positive, found = _positive(doc, (*path, "positive"), s.positive, scale)
    out += found
    scale = Scale(
        scale_id,
        ordered[0],
        ordered[-1],
        lookup,
        tuple(labels),
        positive,
        tuple((code, tuple(_labels(s.answers[codes[code]]))) for code in ordered),
        tuple((text, tuple(_labels(value))) for text, value in s.missing.items()),
    )
    return (None if out else scale), out


def _positive(
    doc: Document, path: KeyPath, given: list[int | str], scale: Scale
) -> tuple[frozenset[int], list[Finding]]:
    out: list[Finding] = []
    codes: set[int] = set()
    for index, item in enumerate(given):
        known, code = scale.read(str(item))
        if not known or code is None:
            out.append(
                doc.finding(
                    "SC060",
                    (*path, index),
                    f"positive answer `{item}` is not an answer of scale `{scale.id}`",
                    did_you_mean(str(item), scale.labels) or f"answers: {scale.describe()}",
                )
            )
        else:
            codes.add(code)
    return frozenset(codes), out


def _question(
    doc: Document, question_id: str, q: QuestionDef, file: InstrumentFile, scales: dict[str, Scale]
) -> tuple[Question | None, list[Finding]]:
    path: KeyPath = ("questions", question_id)
    scale = scales.get(q.scale)
    if scale is None:
        if q.scale in file.scales:
            return None, []  # the scale itself was reported
        return None, [
            doc.finding(
                "SC057",
                (*path, "scale"),
                f"unknown scale `{q.scale}`",
                did_you_mean(q.scale, file.scales) or f"scales: {', '.join(file.scales)}",
            )
        ]
    if q.positive is not None:
        positive, found = _positive(doc, (*path, "positive"), q.positive, scale)
        if found:
            return None, found
    elif q.reverse:
        positive = frozenset(scale.low + scale.high - code for code in scale.positive)
    else:
        positive = scale.positive
    column = q.column if q.column is not None else question_id
    return Question(question_id, column, q.text, scale, q.reverse, positive), []


def _rule(
    doc: Document,
    metric_id: str,
    r: MetricRuleDef,
    file: InstrumentFile,
    questions: dict[str, Question],
    framework: Framework,
) -> tuple[MetricRule | None, list[Finding]]:
    path: KeyPath = ("metrics", metric_id)
    out: list[Finding] = []
    metric = framework.metrics.get(metric_id)
    if metric is None:
        out.append(
            doc.finding(
                "SC018",
                path,
                f"unknown metric `{metric_id}`",
                did_you_mean(metric_id, framework.metrics) or "use a metric id of the framework",
                key=True,
            )
        )
    chosen: list[Question] = []
    for index, question_id in enumerate(r.questions):
        if question_id in questions:
            chosen.append(questions[question_id])
        elif question_id not in file.questions:
            out.append(
                doc.finding(
                    "SC057",
                    (*path, "questions", index),
                    f"unknown question `{question_id}`",
                    did_you_mean(question_id, file.questions)
                    or f"questions: {', '.join(file.questions)}",
                )
            )
    count = len(r.questions)
    if r.method == "percent" and count != 1:
        out.append(
            doc.finding(
                "SC058",
                (*path, "questions"),
                f"method percent reads one question, not {count}",
                "use method: composite for the mean of several questions' percents",
            )
        )
    if r.method == "composite" and count < 2:
        out.append(
            doc.finding(
                "SC058",
                (*path, "questions"),
                "a composite needs at least two questions",
                "use method: percent for one question",
            )
        )
    if r.min_answered is not None and (r.method not in SCORE_METHODS or r.min_answered > count):
        out.append(
            doc.finding(
                "SC058",
                (*path, "min_answered"),
                f"min_answered must be from 1 to {count}, for method mean or sum",
            )
        )
    if metric is not None:
        wanted = "percent" if r.method in PERCENT_METHODS else "number"
        if metric.kind != wanted:
            out.append(
                doc.finding(
                    "SC058",
                    (*path, "method"),
                    f"method {r.method} gives a {wanted}, but `{metric_id}` is a {metric.kind}",
                    "percent and composite feed percent metrics; mean and sum feed numbers",
                )
            )
    if r.method in PERCENT_METHODS:
        for question in chosen:
            if not question.positive:
                out.append(
                    doc.finding(
                        "SC060",
                        ("questions", question.id),
                        f"question `{question.id}` feeds a percent but has no positive answers",
                        f"give `positive` here or on scale `{question.scale.id}`",
                        key=True,
                    )
                )
    if out or len(chosen) != count:
        return None, out
    rule = MetricRule(metric_id, r.method, tuple(chosen), r.min_answered or count)
    return rule, []

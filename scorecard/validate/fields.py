"""Findings for values of the wrong shape: a file model's errors in plain words, long texts.

Pydantic's validation errors become findings at the value's file, line and column, with a hint
of what to write instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from scorecard.findings import Finding, did_you_mean
from scorecard.load import Document, KeyPath
from scorecard.values import MAX_NOTES, MAX_TEXT


def shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text)
    return str(value)


def number_hint(value: Any) -> str:
    if isinstance(value, str):
        if any(c in value for c in "oO") and any(c.isdigit() for c in value):
            return "letter O for zero?"
        try:
            float(value)
            return "remove the quotes around the number"
        except ValueError:
            return ""
    if isinstance(value, float):
        return "write a whole number, without decimals"
    return ""


def _annotation_step(tp: Any, part: str | int) -> Any:
    origin = get_origin(tp)
    if origin in (Union, UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        tp = options[0] if options else None
        origin = get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(str(part))
        return field.annotation if field else None
    if origin is dict:
        return get_args(tp)[1]
    if origin is list:
        return get_args(tp)[0]
    return None


def _allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    tp: Any = model
    for part in loc:
        tp = _annotation_step(tp, part)
        if tp is None:
            return []
    origin = get_origin(tp)
    if origin in (Union, UnionType):
        tp = next((a for a in get_args(tp) if a is not type(None)), None)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def _choices(ctx: dict[str, Any] | None) -> list[str]:
    expected = str((ctx or {}).get("expected", ""))
    return [part.strip(" '") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def model_findings(
    doc: Document, model: type[BaseModel], err: ValidationError, base: KeyPath = ()
) -> list[Finding]:
    """Plain-language findings for a model's validation errors, at their positions."""
    out: list[Finding] = []
    for e in err.errors():
        loc: KeyPath = (*base, *e["loc"])
        if loc in doc.rejected:
            continue  # the loader has already said what is wrong with this value
        kind, value = e["type"], e.get("input")
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(model, tuple(e["loc"][:-1]))
            hint = did_you_mean(key, allowed) or (
                f"allowed here: {', '.join(allowed)}" if allowed else ""
            )
            out.append(doc.finding("SC010", loc, f"unknown key `{key}`", hint, key=True))
        elif kind == "missing":
            out.append(doc.finding("SC011", loc, f"`{loc[-1]}` is required", "add it"))
        elif kind in ("literal_error", "enum"):
            choices = _choices(e.get("ctx"))
            hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
            out.append(
                doc.finding(
                    "SC013",
                    loc,
                    f"{shown(value)} is not allowed; use one of: {', '.join(choices)}",
                    hint,
                )
            )
        elif kind.startswith("int_"):
            out.append(
                doc.finding(
                    "SC012",
                    loc,
                    f"expected a whole number, got {shown(value)}",
                    number_hint(value),
                )
            )
        elif kind.startswith("float_"):
            out.append(
                doc.finding(
                    "SC012", loc, f"expected a number, got {shown(value)}", number_hint(value)
                )
            )
        elif kind.startswith("bool_"):
            out.append(doc.finding("SC012", loc, f"expected true or false, got {shown(value)}"))
        elif kind.startswith("string_too_short"):
            out.append(doc.finding("SC012", loc, "must not be empty"))
        elif kind == "string_pattern_mismatch":  # the one pattern a model checks: VisibleText
            out.append(
                doc.finding(
                    "SC012",
                    loc,
                    f"must have visible text, got {shown(value)}",
                    "spaces, control characters and zero-width characters show nothing",
                )
            )
        elif kind.startswith("string_"):
            out.append(
                doc.finding(
                    "SC012",
                    loc,
                    f"expected text, got {shown(value)}",
                    "put the text in quotes" if value is not None else "write the text",
                )
            )
        elif kind == "date_impossible":
            out.append(
                doc.finding(
                    "SC007",
                    loc,
                    f"`{value}` is not a valid date",
                    "write a real date as YYYY-MM-DD",
                )
            )
        elif kind.startswith("date_"):
            out.append(
                doc.finding(
                    "SC012",
                    loc,
                    f"expected a date, got {shown(value)}",
                    "write it as YYYY-MM-DD, like 2027-03-31",
                )
            )
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            out.append(
                doc.finding(
                    "SC012", loc, f"expected a mapping of keys to values, got {shown(value)}"
                )
            )
        elif kind == "list_type":
            out.append(doc.finding("SC012", loc, f"expected a list, got {shown(value)}"))
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            out.append(doc.finding("SC012", loc, f"{shown(value)}: {e['msg'].lower()}"))
        else:
            out.append(doc.finding("SC012", loc, f"{e['msg']}, got {shown(value)}"))
    return out


M = TypeVar("M", bound=BaseModel)


def check_model(
    doc: Document, model: type[M], data: Any, base: KeyPath = ()
) -> tuple[M | None, list[Finding]]:
    if not isinstance(data, dict):
        return None, [
            doc.finding(
                "SC009",
                base,
                f"expected a mapping of keys to values, got {shown(data)}",
                "the file must hold `key: value` lines",
            )
        ]
    try:
        return model.model_validate(data), []
    except ValidationError as err:
        return None, model_findings(doc, model, err, base)


def long_texts(doc: Document, data: Any, path: KeyPath = ()) -> list[Finding]:
    """A finding for each text longer than its field may be."""
    if not path and not _any_long_text(data):
        return []  # the common case, told without building a path for every value
    if isinstance(data, dict):
        items: Iterable[tuple[Any, Any]] = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        limit = MAX_NOTES if path == ("notes",) else MAX_TEXT
        if isinstance(data, str) and len(data) > limit:
            return [
                doc.finding(
                    "SC012",
                    path,
                    f"text of {len(data):,} characters; at most {limit:,} fit here",
                    "shorten it; a long explanation can be a page in content/pages/",
                )
            ]
        return []
    return [f for key, value in items for f in long_texts(doc, value, (*path, key))]


def _any_long_text(data: Any) -> bool:
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                return True
        elif isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False

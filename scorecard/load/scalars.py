"""The value of one scalar, as both readers give it: YAML's own resolution where it is safe,
and a finding where YAML 1.1 and 1.2 disagree or the value cannot be used."""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from scorecard.load.document import Document, KeyPath

_BOOL_WORDS = {"true", "false"}
_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


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

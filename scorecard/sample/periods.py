"""The periods of the sample: quarters, halves or years, each with its first and last day."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class _Period:
    label: str
    start: dt.date
    end: dt.date


_PERIOD_RE = re.compile(r"(\d{4})(?:-([QH])([1-4]))?")


def _periods(first: str, count: int) -> list[_Period]:
    match = _PERIOD_RE.fullmatch(first)
    if match is None:
        raise ValueError(f"period {first!r} is not like 2025-Q1, 2025-H1 or 2025")
    year = int(match.group(1))
    letter = match.group(2) or ""
    index = int(match.group(3) or 1)
    per_year = {"Q": 4, "H": 2, "": 1}[letter]
    if index > per_year:
        raise ValueError(f"period {first!r} does not exist")
    months = 12 // per_year
    out: list[_Period] = []
    for _ in range(count):
        label = f"{year}-{letter}{index}" if letter else str(year)
        end_month = index * months
        start = dt.date(year, end_month - months + 1, 1)
        end = dt.date(year, end_month, calendar.monthrange(year, end_month)[1])
        out.append(_Period(label, start, end))
        index += 1
        if index > per_year:
            index = 1
            year += 1
    return out

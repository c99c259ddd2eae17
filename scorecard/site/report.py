"""What a build tells its caller: its progress as it goes, its report when it ends, and the
error that stopped it (after which the previous site is still in place)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorecard.findings import Finding

#: A build's progress: (stage, done, total).
Progress = Callable[[str, int, int], None]

KEPT = "the previous site was kept"


class BuildError(Exception):
    """The site could not be built; the previous site is untouched."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []

    def __reduce__(self) -> tuple[Any, ...]:  # findings too, from the process of the steps
        return (BuildError, (str(self), self.findings))


@dataclass
class BuildReport:
    out: Path
    audiences: dict[str, Path] = field(default_factory=dict)
    pages: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

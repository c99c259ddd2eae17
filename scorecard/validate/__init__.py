"""From loaded documents to checked models and the list of everything wrong with them.

Validation only checks: it never prints, never raises for bad content, never reads a file and
never scores. Each check takes a loaded document (``scorecard.load``) and returns the model of
what passed and a finding for each problem, with its file, line and column. Opening a whole
project (finding its files, reading them) is ``scorecard.project``'s.
"""

from scorecard.validate.audit import (
    AuditContext,
    across_audits,
    check_audit,
    check_institution,
)
from scorecard.validate.fields import check_model, long_texts
from scorecard.validate.framework import builtin_framework_document, check_framework
from scorecard.validate.responses import expired_responses
from scorecard.values import MAX_NOTES, MAX_TEXT

__all__ = [
    "MAX_NOTES",
    "MAX_TEXT",
    "AuditContext",
    "across_audits",
    "builtin_framework_document",
    "check_audit",
    "check_framework",
    "check_institution",
    "check_model",
    "expired_responses",
    "long_texts",
]

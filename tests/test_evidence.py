"""Evidence: links between the pillars' scores and the outcomes, with their intervals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scorecard.model import EvidenceThresholds
from scorecard.project import open_project
from scorecard.validate import builtin_framework_document, check_framework

MakeProject = Callable[..., Path]
FRAMEWORK = "content/framework.yml"

# --- the framework's setting -------------------------------------------------------------------

#: The built-in framework's hash as builds published it before it had an `evidence` section: a
#: change of it marks every score a site published as made under another framework.
BUILTIN_SHA256 = "a420bf9a15051c8e239970670295317bd7e423fbcf3cf9cdfd2aee7af69ac661"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (5, 20)),
        ("evidence: {min_pairs: 30}\n", (5, 30)),
        ("evidence: {min_institutions: 2, min_pairs: 3}\n", (2, 3)),
        ("evidence:\n  min_institutions: 12\n", (12, 20)),
    ],
    ids=["default", "pairs-only", "lowest-allowed", "institutions-only"],
)
def test_framework_sets_how_much_data_evidence_needs(
    make_project: MakeProject, text: str, expected: tuple[int, int]
) -> None:
    project, findings = open_project(make_project({FRAMEWORK: text}, default=True))
    assert project is not None, [f.format() for f in findings]
    evidence = project.framework.evidence
    assert (evidence.min_institutions, evidence.min_pairs) == expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("evidence: {min_pairs: 1}\n", [("SC012", 1, "evidence.min_pairs")]),
        ("evidence: {min_pairs: 2}\n", [("SC012", 1, "evidence.min_pairs")]),
        (
            "evidence:\n  min_institutions: 1\n  min_pairs: 2.5\n",
            [("SC012", 2, "evidence.min_institutions"), ("SC012", 3, "evidence.min_pairs")],
        ),
        ('evidence: {min_institutions: "5"}\n', [("SC012", 1, "evidence.min_institutions")]),
        ("evidence: {min_pair: 20}\n", [("SC010", 1, "evidence.min_pair")]),
        ("evidence: 5\n", [("SC012", 1, "evidence")]),
    ],
    ids=["one-pair", "two-pairs", "one-institution-and-a-fraction", "quoted", "typo", "number"],
)
def test_framework_setting_is_checked(
    make_project: MakeProject, text: str, found: list[tuple[str, int, str]]
) -> None:
    project, findings = open_project(make_project({FRAMEWORK: text}, default=True))
    assert project is None
    assert [(f.code, f.line, f.path) for f in findings if f.file == FRAMEWORK] == found


def test_a_wrong_setting_says_what_is_allowed(make_project: MakeProject) -> None:
    _, findings = open_project(make_project({FRAMEWORK: "evidence: {min_pairs: 1}\n"}))
    assert [f.message for f in findings] == ["1: input should be greater than or equal to 3"]


@pytest.mark.parametrize(
    ("text", "same"),
    [
        (None, True),
        ("", True),
        ("evidence: {min_institutions: 8, min_pairs: 40}\n", True),
        ("evidence: {min_pairs: 20}\n", True),
        ("metrics:\n  safety.speak_up: {target: 70}\n", False),
    ],
    ids=["no-file", "empty-file", "evidence-set", "evidence-default", "a-target-changed"],
)
def test_evidence_setting_leaves_the_framework_hash_and_version(
    make_project: MakeProject, text: str | None, same: bool
) -> None:
    """No score depends on the setting: builds keep their published hash, so the site's "why
    grades changed" does not see a new framework, and the scored audits stay cached."""
    project, _ = open_project(make_project({} if text is None else {FRAMEWORK: text}, default=True))
    assert project is not None
    fw = project.framework
    assert (fw.sha256 == BUILTIN_SHA256, fw.version == "2026.11") == (same, same)


def test_builtin_framework_has_the_default_setting() -> None:
    framework, findings = check_framework(builtin_framework_document(), None)
    assert framework is not None and not findings
    assert framework.evidence == EvidenceThresholds(min_institutions=5, min_pairs=20)
    assert framework.sha256 == BUILTIN_SHA256

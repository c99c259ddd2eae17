"""Validation: every kind of bad input gives a finding with its code, file and line."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import pytest

from scorecard.findings import Finding, summary
from scorecard.project import open_project
from scorecard.validate import builtin_framework_document, check_framework

MakeProject = Callable[..., Path]

AUDIT = "content/audits/north-valley/2026-Q3.yml"
INST = "content/institutions/north-valley.yml"
INSTITUTION = """\
name: North Valley General Hospital
kind: community-hospital
region: US-VT
peer_group: community
"""


def audit(*lines: str) -> str:
    """An audit whose line 1 is ``audited:`` and whose line 3 is the first metric given."""
    return "audited: 2026-10-15\nmetrics:\n" + "".join(f"  {line}\n" for line in lines)


def check(make_project: MakeProject, files: Mapping[str, str | bytes]) -> list[Finding]:
    _project, findings = open_project(make_project(files, default=True))
    return findings


def where(findings: list[Finding]) -> list[tuple[str, str, int]]:
    return [(f.code, f.file, f.line) for f in findings]


# Each case: files written over a valid project, the findings, and a word of the first hint.
CASES: dict[str, tuple[dict[str, str | bytes], list[tuple[str, str, int]], str]] = {
    "yaml-syntax-error": (
        {AUDIT: audit("admin.ehr_time_per_8h: {value: 6.0")},
        [("SC001", AUDIT, 4)],
        "indentation",
    ),
    "anchor-and-alias": (
        {AUDIT: audit("admin.ehr_time_per_8h: &x {value: 6.0}", "admin.inbox_time_per_8h: *x")},
        [("SC002", AUDIT, 3)],
        "in full",
    ),
    "audit-date-in-the-future": (
        {AUDIT: "audited: 2999-01-01\nmetrics: {}\n"},
        [("SC046", AUDIT, 1)],
        "carried out",
    ),
    "audit-dated-before-its-period": (
        {AUDIT: "audited: 2026-05-01\nmetrics: {}\n"},
        [("SC047", AUDIT, 1)],
        "file name",
    ),
    "duplicate-key": (
        {AUDIT: audit("admin.ehr_time_per_8h: {value: 6.0}", "admin.ehr_time_per_8h: {value: 7}")},
        [("SC003", AUDIT, 4)],
        "line 3",
    ),
    "file-over-1-mib": (
        {AUDIT: "audited: 2026-10-15\nnotes: |\n" + ("  " + "x" * 99 + "\n") * 11_000},
        [("SC004", AUDIT, 1)],
        "split it",
    ),
    "not-utf-8": (
        {AUDIT: b"audited: 2026-10-15\nauditor: Caf\xe9 Office\n"},
        [("SC005", AUDIT, 2)],
        "UTF-8",
    ),
    "no-looks-like-a-boolean": (
        {AUDIT: "audited: 2026-10-15\nauditor: NO\n"},
        [("SC006", AUDIT, 2)],
        "quotes",
    ),
    "impossible-date": (
        {AUDIT: "audited: 2026-13-45\n"},
        [("SC007", AUDIT, 1)],
        "YYYY-MM-DD",
    ),
    "not-a-number": (
        {AUDIT: audit("admin.ehr_time_per_8h: {value: .nan}")},
        [("SC008", AUDIT, 3)],
        "not-reported",
    ),
    "number-too-large": (
        {AUDIT: audit("admin.ehr_time_per_8h: {value: 1" + "0" * 400 + "}")},
        [("SC008", AUDIT, 3)],
        "",
    ),
    "empty-file": ({AUDIT: ""}, [("SC009", AUDIT, 1)], "key: value"),
    "a-list-not-a-mapping": ({AUDIT: "- audited\n- 2026-10-15\n"}, [("SC009", AUDIT, 1)], ""),
    "unknown-key": (
        {AUDIT: "audited: 2026-10-15\nauditer: Office of Professional Wellbeing\n"},
        [("SC010", AUDIT, 2)],
        "did you mean `auditor`?",
    ),
    "unknown-key-in-a-metric": (
        {AUDIT: audit("admin.ehr_time_per_8h: {value: 6.0, sauce: ehr}")},
        [("SC010", AUDIT, 3)],
        "did you mean `source`?",
    ),
    "missing-required-key": (
        {AUDIT: "auditor: Office of Professional Wellbeing\n"},
        [("SC011", AUDIT, 1)],
        "add it",
    ),
    "letter-o-for-zero": (
        {AUDIT: audit('safety.speak_up: {positive: 20, n: "21O"}')},
        [("SC012", AUDIT, 3)],
        "letter O",
    ),
    "yaml-tag": (
        {AUDIT: "audited: !!python/object:os.system 2026-10-15\n"},
        [("SC012", AUDIT, 1)],
        "remove the tag",
    ),
    "bad-choice": (
        {INST: INSTITUTION.replace("community-hospital", "hospital")},
        [("SC013", INST, 2)],
        "did you mean `community-hospital`?",
    ),
    "bad-status": (
        {AUDIT: audit("admin.ehr_time_per_8h: {status: not_reported}")},
        [("SC013", AUDIT, 3)],
        "did you mean `not-reported`?",
    ),
    "bad-slug-file-name": (
        {"content/institutions/South_Ridge.yml": INSTITUTION},
        [("SC043", "content/institutions/South_Ridge.yml", 1)],
        "lower-case",
    ),
    "bad-slug-peer-group": (
        {INST: INSTITUTION.replace("community\n", "Community Hospitals\n")},
        [("SC014", INST, 4)],
        "like `academic`",
    ),
    "bad-slug-unit": (
        {AUDIT: "audited: 2026-10-15\nunits:\n  Emergency: {name: Emergency Department}\n"},
        [("SC014", AUDIT, 3)],
        "like `emergency`",
    ),
    "bad-period-file-name": (
        {"content/audits/north-valley/2026-Q5.yml": "audited: 2026-10-15\n"},
        [("SC015", "content/audits/north-valley/2026-Q5.yml", 1)],
        "2026-Q3.yml",
    ),
    "fields-disagree-with-path": (
        {AUDIT: "institution: south-ridge\nperiod: 2026-Q2\naudited: 2026-10-15\n"},
        [("SC016", AUDIT, 1), ("SC016", AUDIT, 2)],
        "remove `institution:`",
    ),
    "institution-id-disagrees-with-file-name": (
        {INST: "id: north-vale\n" + INSTITUTION},
        [("SC016", INST, 1)],
        "rename the file",
    ),
    "audit-of-unknown-institution": (
        {"content/audits/north-valy/2026-Q3.yml": "audited: 2026-10-15\n"},
        [("SC017", "content/audits/north-valy/2026-Q3.yml", 1)],
        "did you mean `north-valley`?",
    ),
    "unknown-metric": (
        {AUDIT: audit("safety.speakup: {value: 70}")},
        [("SC018", AUDIT, 3)],
        "did you mean `safety.speak_up`?",
    ),
    "unknown-metric-in-a-unit": (
        {
            AUDIT: "audited: 2026-10-15\nunits:\n  emergency:\n    name: Emergency Department\n"
            "    metrics:\n      safety.speakup: {positive: 9, n: 14}\n"
        },
        [("SC018", AUDIT, 6)],
        "did you mean `safety.speak_up`?",
    ),
    "unknown-action-pillar": (
        {
            AUDIT: "audited: 2026-10-15\nactions:\n"
            "  - {id: scribes, pillar: admn, title: Ambient scribes}\n"
        },
        [("SC019", AUDIT, 3)],
        "did you mean `admin`?",
    ),
    "status-and-value": (
        {AUDIT: audit("admin.ehr_time_per_8h: {value: 6.0, status: not-reported}")},
        [("SC020", AUDIT, 3)],
        "keep the value, or the status",
    ),
    "positive-more-than-n": (
        {AUDIT: audit("safety.speak_up: {positive: 30, n: 20}")},
        [("SC021", AUDIT, 3)],
        "favourable",
    ),
    "n-is-zero": (
        {AUDIT: audit("safety.speak_up: {positive: 0, n: 0}")},
        [("SC022", AUDIT, 3)],
        "",
    ),
    "percent-120": (
        {AUDIT: audit("admin.ambient_documentation: {value: 120}")},
        [("SC023", AUDIT, 3)],
        "",
    ),
    "level-5-of-3": (
        {AUDIT: audit("complex_care.message_policies: {value: 5}")},
        [("SC024", AUDIT, 3)],
        "",
    ),
    "boolean-given-3": (
        {AUDIT: audit("admin.team_inbox_triage: {value: 3}")},
        [("SC025", AUDIT, 3)],
        "",
    ),
    "quoted-number": (
        {AUDIT: audit('admin.ehr_time_per_8h: {value: "6.2"}')},
        [("SC025", AUDIT, 3)],
        "remove the quotes",
    ),
    "floor-and-target-disagree-with-better": (
        {
            "content/framework.yml": "metrics:\n  admin.ehr_time_per_8h:\n"
            "    target: 8\n    floor: 4\n"
        },
        [("SC026", "content/framework.yml", 3)],
        "swap them",
    ),
    "mixed-cadence": (
        {
            "content/audits/north-valley/2026-Q2.yml": "audited: 2026-07-15\n",
            "content/audits/north-valley/2026.yml": "audited: 2026-02-15\n",
        },
        [("SC027", "content/audits/north-valley/2026.yml", 1)],
        "one cadence",
    ),
    "unknown-source": (
        {
            AUDIT: "audited: 2026-10-15\nsources:\n  - {id: ehr-signal, kind: ehr-log}\nmetrics:\n"
            "  admin.ehr_time_per_8h: {value: 6.0, source: ehr-signl}\n"
        },
        [("SC028", AUDIT, 5)],
        "did you mean `ehr-signal`?",
    ),
    "no-value-no-status": (
        {AUDIT: audit("admin.ehr_time_per_8h: {note: asked the CMIO}")},
        [("SC029", AUDIT, 3)],
        "not-reported",
    ),
    "positive-without-n": (
        {AUDIT: audit("safety.speak_up: {positive: 132}")},
        [("SC030", AUDIT, 3)],
        "",
    ),
    "not-applicable-without-reason": (
        {AUDIT: audit("admin.ehr_time_per_8h: {status: not-applicable}")},
        [("SC031", AUDIT, 3)],
        "reason",
    ),
    "framework-metric-of-unknown-pillar": (
        {"content/framework.yml": "metrics:\n  admn.new_thing: {name: New, kind: boolean}\n"},
        [("SC032", "content/framework.yml", 2)],
        "did you mean `admin`?",
    ),
    "stray-file": (
        {"content/audit/north-valley.yml": "audited: 2026-10-15\n"},
        [("SC033", "content/audit/north-valley.yml", 1)],
        "content/audits/<institution>/<period>.yml",
    ),
    "duplicate-action-ids": (
        {
            AUDIT: "audited: 2026-10-15\nactions:\n  - {id: scribes, pillar: admin, title: A}\n"
            "  - {id: scribes, pillar: admin, title: B}\n"
        },
        [("SC034", AUDIT, 4)],
        "",
    ),
    "two-audits-of-one-period": (
        {"content/audits/north-valley/2026-Q3.yaml": "audited: 2026-10-15\n"},
        [("SC034", AUDIT, 1)],
        "already in content/audits/north-valley/2026-Q3.yaml",
    ),
    "two-files-of-one-institution": (
        {"content/institutions/north-valley.yaml": INSTITUTION},
        [("SC034", INST, 1)],
        "already in content/institutions/north-valley.yaml",
    ),
    "bad-grade-bands": (
        {"content/framework.yml": "grades: {A: 50, B: 65, F: 0}\n"},
        [("SC037", "content/framework.yml", 1)],
        "for example",
    ),
    "suppression-out-of-order": (
        {"content/framework.yml": "suppression: {min_n_public: 3, min_n_internal: 5}\n"},
        [("SC038", "content/framework.yml", 1)],
        "",
    ),
    "non-http-website": (
        {INST: INSTITUTION + "website: ftp://example.org/north-valley\n"},
        [("SC039", INST, 5)],
        "https://",
    ),
    "deep-nesting": (
        {AUDIT: "audited: 2026-10-15\nnotes: " + "[" * 40 + "]" * 40 + "\n"},
        [("SC040", AUDIT, 2)],
        "few levels",
    ),
    "survey-counts-for-a-non-survey-metric": (
        {AUDIT: audit("admin.ambient_documentation: {positive: 3, n: 10}")},
        [("SC041", AUDIT, 3)],
        "",
    ),
    "more-responded-than-invited": (
        {
            AUDIT: "audited: 2026-10-15\nsources:\n"
            "  - {id: wellbeing-survey, kind: survey, invited: 10, responded: 20}\n"
        },
        [("SC042", AUDIT, 3)],
        "",
    ),
    "multi-document-file": (
        {AUDIT: "audited: 2026-10-15\n---\naudited: 2026-10-16\n"},
        [("SC001", AUDIT, 2)],
        "remove the `---` line",
    ),
    "blank-institution-name": (
        {INST: INSTITUTION.replace("North Valley General Hospital", '" "')},
        [("SC012", INST, 1)],
        "show nothing",
    ),
    "zero-width-unit-name": (
        {AUDIT: 'audited: 2026-10-15\nunits:\n  icu: {name: "\\u200b"}\n'},
        [("SC012", AUDIT, 3)],
        "zero-width",
    ),
    "control-character-action-title": (
        {
            AUDIT: "audited: 2026-10-15\nactions:\n"
            '  - {id: scribes, pillar: admin, title: "\\x01\\t"}\n'
        },
        [("SC012", AUDIT, 3)],
        "control",
    ),
    "blank-slug-is-one-finding": (
        {INST: INSTITUTION.replace("peer_group: community", 'peer_group: "\\u00a0"')},
        [("SC012", INST, 4)],
        "spaces",
    ),
    "quoted-text-for-a-date": (
        {
            AUDIT: "audited: 2026-10-15\nactions:\n"
            '  - {id: scribes, pillar: admin, title: Scribes, due: "next spring"}\n'
        },
        [("SC012", AUDIT, 3)],
        "YYYY-MM-DD",
    ),
    "quoted-impossible-date": (
        {AUDIT: 'audited: "2026-10-32"\n'},
        [("SC007", AUDIT, 1)],
        "real date",
    ),
    "date-and-time": (
        {AUDIT: "audited: 2026-10-15 09:30:00\n"},
        [("SC012", AUDIT, 1)],
        "YYYY-MM-DD",
    ),
    "key-that-is-a-list": (
        {AUDIT: "audited: 2026-10-15\n? [a, b]\n: 1\n"},
        [("SC001", AUDIT, 2)],
        "key: value",
    ),
}


@pytest.mark.parametrize(("files", "expected", "hint"), CASES.values(), ids=CASES.keys())
def test_bad_input_gives_findings(
    make_project: MakeProject,
    files: dict[str, str | bytes],
    expected: list[tuple[str, str, int]],
    hint: str,
) -> None:
    findings = check(make_project, files)
    assert where(findings) == expected, [f.format() for f in findings]
    assert hint in findings[0].hint
    assert all(f.col >= 1 and f.message for f in findings)


def test_the_default_project_is_valid(make_project: MakeProject) -> None:
    project, findings = open_project(make_project(default=True))
    assert findings == []
    assert project is not None
    assert [(a.institution, a.period.label) for a in project.audits] == [
        ("north-valley", "2026-Q3")
    ]


def test_a_bad_file_leaves_the_others_in_the_project(make_project: MakeProject) -> None:
    root = make_project(
        {"content/audits/north-valley/2026-Q2.yml": "audited: 2026-13-45\n"}, default=True
    )
    project, findings = open_project(root)
    assert where(findings) == [("SC007", "content/audits/north-valley/2026-Q2.yml", 1)]
    assert project is not None
    assert [a.period.label for a in project.audits] == ["2026-Q3"]


def test_billion_laughs_finishes_fast_with_findings(make_project: MakeProject) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    findings = check(make_project, {AUDIT: "\n".join(lines) + "\n"})
    assert time.perf_counter() - start < 2
    assert {f.code for f in findings} == {"SC002", "SC010", "SC011"}
    assert [f for f in where(findings) if f[0] == "SC002"] == [("SC002", AUDIT, 1)]
    assert len(findings) < 20


def test_utf8_bom_and_crlf_are_fine(make_project: MakeProject) -> None:
    text = "\ufeffaudited: 2026-10-15\r\nauditor: Bureau de la qualité\r\nmetrics:\r\n"
    text += "  admin.ehr_time_per_8h: {value: 6.0}\r\n"
    project, findings = open_project(make_project({AUDIT: text.encode()}, default=True))
    assert findings == []
    assert project is not None
    assert project.audits[0].data.auditor == "Bureau de la qualité"
    assert project.audits[0].data.metrics["admin.ehr_time_per_8h"].value == 6.0


def test_positions_in_a_bom_and_crlf_file(make_project: MakeProject) -> None:
    text = (
        "\ufeffaudited: 2026-10-15\r\nmetrics:\r\n  admin.ehr_time_per_8h: {value: 6.0, x: 1}\r\n"
    )
    findings = check(make_project, {AUDIT: text.encode()})
    assert [(f.code, f.line, f.col) for f in findings] == [("SC010", 3, 39)]


def test_a_warning_does_not_stop_the_audit(make_project: MakeProject) -> None:
    project, findings = open_project(
        make_project({AUDIT: "audited: 2026-10-15\nauditor: NO\n"}, default=True)
    )
    assert [(f.code, f.severity) for f in findings] == [("SC006", "warning")]
    assert project is not None and len(project.audits) == 1


def test_findings_from_many_files_are_sorted_by_file_and_line(make_project: MakeProject) -> None:
    findings = check(
        make_project,
        {
            AUDIT: audit("safety.speak_up: {positive: 30, n: 20}", "admin.nope: {value: 1}"),
            INST: INSTITUTION.replace("community-hospital", "hospital"),
            "content/audits/north-valley/2026-Q2.yml": "audited: 2026-02-30\n",
        },
    )
    assert where(findings) == [
        ("SC007", "content/audits/north-valley/2026-Q2.yml", 1),
        ("SC021", AUDIT, 3),
        ("SC018", AUDIT, 4),
        ("SC013", INST, 2),
    ]


# --- the words a user reads ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "line"),
    [
        (
            {AUDIT: audit('safety.speak_up: {positive: 20, n: "21O"}')},
            f"{AUDIT}:3:38: error[SC012] metrics.safety.speak_up.n: expected a whole number, "
            "got '21O' (hint: letter O for zero?)",
        ),
        (
            {AUDIT: audit("safety.speakup: {value: 70}")},
            f"{AUDIT}:3:3: error[SC018] metrics.safety.speakup: unknown metric `safety.speakup` "
            "(hint: did you mean `safety.speak_up`?)",
        ),
        (
            {AUDIT: "audited: 2026-13-45\n"},
            f"{AUDIT}:1:10: error[SC007] audited: `2026-13-45` is not a valid date "
            "(hint: write a real date as YYYY-MM-DD)",
        ),
        (
            {AUDIT: "audited: 2026-10-15\nauditor: NO\n"},
            f"{AUDIT}:2:10: warning[SC006] auditor: `NO` is read as a true/false value by many "
            "YAML tools (hint: write true or false, or put it in quotes if it is text)",
        ),
        (
            {AUDIT: "institution: south-ridge\naudited: 2026-10-15\n"},
            f"{AUDIT}:1:14: error[SC016] institution: institution 'south-ridge' disagrees with "
            "the file's path (north-valley) (hint: remove `institution:`; the path says which "
            "institution this is)",
        ),
        (
            {
                "content/audits/north-valley/2026-Q2.yml": "audited: 2026-07-15\n",
                "content/audits/north-valley/2026.yml": "audited: 2026-02-15\n",
            },
            "content/audits/north-valley/2026.yml:1:1: error[SC027] 2026 is yearly, but this "
            "institution's other audits are quarterly (hint: keep one cadence per institution: "
            "quarters, halves or years)",
        ),
        (
            {AUDIT: audit("admin.ambient_documentation: {value: 120}")},
            f"{AUDIT}:3:40: error[SC023] metrics.admin.ambient_documentation.value: "
            "120 is not a percent between 0 and 100",
        ),
        (
            {INST: INSTITUTION.replace("North Valley General Hospital", '" "')},
            f"{INST}:1:7: error[SC012] name: must have visible text, got ' ' (hint: spaces, "
            "control characters and zero-width characters show nothing)",
        ),
        (
            {
                AUDIT: "audited: 2026-10-15\nactions:\n"
                '  - {id: scribes, pillar: admin, title: Scribes, due: "31/03/2027"}\n'
            },
            f"{AUDIT}:3:55: error[SC012] actions[0].due: expected a date, got '31/03/2027' "
            "(hint: write it as YYYY-MM-DD, like 2027-03-31)",
        ),
        (
            {AUDIT: 'audited: "2026-02-30"\n'},
            f"{AUDIT}:1:10: error[SC007] audited: `2026-02-30` is not a valid date "
            "(hint: write a real date as YYYY-MM-DD)",
        ),
    ],
    ids=[
        "letter-o",
        "did-you-mean-metric",
        "bad-date",
        "no",
        "path-disagrees",
        "cadence",
        "pct",
        "blank-name",
        "quoted-not-a-date",
        "quoted-impossible-date",
    ],
)
def test_exact_wording(make_project: MakeProject, files: dict[str, str], line: str) -> None:
    assert [f.format() for f in check(make_project, files)] == [line]


def test_dates_plain_or_quoted_are_the_same_date(make_project: MakeProject) -> None:
    text = (
        'audited: "2026-10-15"\nactions:\n'
        "  - {id: a, pillar: admin, title: Scribes, due: 2027-03-31}\n"
        '  - {id: b, pillar: admin, title: Huddles, due: "2027-03-31"}\n'
    )
    project, findings = open_project(make_project({AUDIT: text}, default=True))
    assert findings == []
    assert project is not None
    audit = project.audits[0]
    assert audit.audited == date(2026, 10, 15)
    assert [a.due for a in audit.data.actions] == [date(2027, 3, 31), date(2027, 3, 31)]


def test_a_quoted_date_is_checked_as_a_date(make_project: MakeProject) -> None:
    findings = check(make_project, {AUDIT: 'audited: "2999-01-01"\n'})
    assert where(findings) == [("SC046", AUDIT, 1)]  # after today, as the plain date would be


def test_a_whole_number_may_be_written_with_a_zero_decimal(make_project: MakeProject) -> None:
    text = audit("safety.speak_up: {positive: 132.0, n: 210.0}")
    project, findings = open_project(make_project({AUDIT: text}, default=True))
    assert findings == []
    assert project is not None
    entry = project.audits[0].data.metrics["safety.speak_up"]
    assert (entry.positive, entry.n) == (132, 210)
    assert type(entry.n) is int
    bad = check(make_project, {AUDIT: audit("safety.speak_up: {positive: 13.5, n: 0.0}")})
    assert where(bad) == [("SC012", AUDIT, 3), ("SC022", AUDIT, 3)]


def test_strict_makes_a_warning_an_error() -> None:
    finding = Finding(AUDIT, 2, 10, "SC006", "auditor", "`NO` is read as a true/false value")
    assert finding.format(strict=True).startswith(f"{AUDIT}:2:10: error[SC006] auditor:")
    assert finding.as_dict(strict=True)["severity"] == "error"


def test_summary_wording(make_project: MakeProject) -> None:
    findings = check(
        make_project,
        {
            AUDIT: audit("safety.speak_up: {positive: 30, n: 20}", "admin.nope: {value: 1}"),
            INST: INSTITUTION + "website: example.org\n",
            "content/audits/north-valley/2026-Q2.yml": "audited: 2026-07-15\nauditor: Off\n",
        },
    )
    assert summary(findings) == "3 errors, 1 warning in 3 files"
    assert summary([]) == "no problems found"
    one = Finding(AUDIT, 1, 1, "SC006", "", "x")
    assert summary([one]) == "0 errors, 1 warning in 1 file"
    assert summary([one], strict=True) == "1 error, 0 warnings in 1 file"


# --- the built-in framework ------------------------------------------------------------------

ALL_METRICS = """
admin.ehr_time_per_8h admin.work_outside_work admin.inbox_time_per_8h
admin.documentation_time_ok admin.ambient_documentation admin.team_inbox_triage
admin.orders_with_team
mission.values_alignment mission.meaningful_work mission.career_fit mission.volume_pay_share
mission.physicians_define_metrics mission.wellbeing_executive
autonomy.workload_control autonomy.prior_auth_requests_week autonomy.prior_auth_hours_week
autonomy.prior_auth_turnaround autonomy.approval_layers autonomy.protocol_deviation_allowed
safety.speak_up safety.response_to_error safety.management_support safety.staffing_work_pace
safety.team_psych_safety safety.nonpunitive_reporting safety.patient_aggression
recognition.feel_valued recognition.job_satisfaction recognition.non_revenue_recognition
recognition.protected_time recognition.mentorship_coverage recognition.non_volume_incentives
recognition.leader_behavior
outcomes.burnout outcomes.intent_to_leave outcomes.turnover outcomes.joy_score
outcomes.third_next_available
complex_care.new_patient_wait complex_care.accepting_new complex_care.departures
complex_care.prior_auth_hours complex_care.messages_per_8h complex_care.message_policies
complex_care.visit_minutes_new complex_care.complexity_adjusted_targets
complex_care.collegial_respect complex_care.diagnostic_delay
""".split()


def test_builtin_framework_has_no_findings_and_every_metric() -> None:
    framework, findings = check_framework(builtin_framework_document(), None)
    assert findings == []
    assert framework is not None
    assert len(ALL_METRICS) == 48
    assert sorted(framework.metrics) == sorted(ALL_METRICS)
    assert framework.core_pillars == ["admin", "mission", "autonomy", "safety", "recognition"]
    assert framework.beside_pillars == ["outcomes", "complex_care"]
    assert framework.grades == (("A", 80), ("B", 65), ("C", 50), ("D", 35), ("F", 0))
    assert (framework.min_n_public, framework.min_n_internal) == (10, 5)
    assert all(m.weight == 1 for m in framework.metrics.values())


# From METRICS.md: metric -> (kind, better, target, floor).
METRICS_MD = {
    "admin.ehr_time_per_8h": ("number", "lower", 4.0, 8.0),
    "admin.work_outside_work": ("number", "lower", 30, 120),
    "admin.documentation_time_ok": ("percent", "higher", 80, 40),
    "admin.team_inbox_triage": ("boolean", "higher", None, None),
    "mission.volume_pay_share": ("percent", "lower", 20, 80),
    "autonomy.prior_auth_requests_week": ("number", "lower", 10, 45),
    "autonomy.approval_layers": ("number", "lower", 0, 3),
    "safety.speak_up": ("percent", "higher", 85, 55),
    "safety.team_psych_safety": ("number", "higher", 5.5, 3.5),
    "recognition.leader_behavior": ("number", "higher", 50, 35),
    "outcomes.burnout": ("percent", "lower", 25, 60),
    "outcomes.joy_score": ("number", "higher", 40, 25),
    "complex_care.new_patient_wait": ("number", "lower", 30, 365),
    "complex_care.visit_minutes_new": ("number", "higher", 90, 30),
    "complex_care.departures": ("percent", "lower", 0, 25),
}


@pytest.mark.parametrize(("metric_id", "expected"), METRICS_MD.items(), ids=list(METRICS_MD))
def test_builtin_targets_and_floors_follow_metrics_md(
    metric_id: str, expected: tuple[str, str, float | None, float | None]
) -> None:
    framework, _findings = check_framework(builtin_framework_document(), None)
    assert framework is not None
    metric = framework.metrics[metric_id]
    assert (metric.kind, metric.better, metric.target, metric.floor) == expected


def test_builtin_level_metric_has_its_maximum() -> None:
    framework, _findings = check_framework(builtin_framework_document(), None)
    assert framework is not None
    assert framework.metrics["complex_care.message_policies"].max == 3

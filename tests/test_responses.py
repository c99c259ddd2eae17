"""An institution's right of reply: responses in its audit, checked, shown next to their target
as its own words (page, packet, data file), kept from readers who may not see them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import AUDIT, INSTITUTION, MakeProject, Runner, assert_clean_exit
from site_helpers import build, page_text, site_texts, soup, write_tree

from scorecard import pdf
from scorecard.audience import (
    audit_internal_texts,
    audit_public_texts,
    public_scan,
    shown_responses,
)
from scorecard.cli import cli
from scorecard.facts import facts_of
from scorecard.model import AuditFile, Response
from scorecard.project import open_project
from scorecard.schema import schemas

Q3 = "content/audits/north-valley/2026-Q3.yml"
Q2 = "content/audits/north-valley/2026-Q2.yml"

# --- checks ------------------------------------------------------------------------------------

CHECKED = (
    AUDIT
    + """\
responses:
  - {target: safety.speak_upp, kind: disputed, text: Not our number, date: 2026-10-20}
  - {target: overall, kind: disputd, text: Not our number, date: 2026-10-20}
  - {target: admin, kind: context, text: An upgrade, date: 2026-10-20, expires: 2026-10-01}
  - {target: admin, kind: context, text: An upgrade, date: 2099-01-01}
  - {target: admin, kind: context, date: 2026-10-20}
  - {target: mission, kind: remediated, text: Done since, date: 2026-10-20, expires: 2027-01-01}
"""
)


def _at(text: str, line: int, value: str) -> tuple[int, int]:
    """Line and column (1-based) of ``value`` on ``line`` of ``text``."""
    return line, text.splitlines()[line - 1].index(value) + 1


def test_validate_checks_targets_kinds_and_dates_at_the_value(make_project: MakeProject) -> None:
    root = make_project({Q3: CHECKED}, default=True)
    _, findings = open_project(root)
    got = [(f.code, f.path, f.line, f.col) for f in findings]
    assert got == [
        ("SC063", "responses[0].target", *_at(CHECKED, 11, "safety.speak_upp")),
        ("SC013", "responses[1].kind", *_at(CHECKED, 12, "disputd")),
        ("SC064", "responses[2].expires", *_at(CHECKED, 13, "2026-10-01")),
        ("SC066", "responses[3].date", *_at(CHECKED, 14, "2099-01-01")),
        ("SC011", "responses[4].text", *_at(CHECKED, 15, "{target")),
    ]
    by_code = {f.code: f for f in findings}
    assert by_code["SC063"].hint == "did you mean `safety.speak_up`?"
    assert by_code["SC013"].hint == "did you mean `disputed`?"
    assert [f.severity for f in findings] == ["error", "error", "error", "warning", "error"]


def test_validate_on_the_command_line_names_file_line_and_hint(make_project: MakeProject) -> None:
    root = make_project({Q3: CHECKED}, default=True)
    result = Runner().invoke(cli, ["validate", "--project", str(root)])
    assert_clean_exit(result, 1)
    line, col = _at(CHECKED, 11, "safety.speak_upp")
    assert (
        f"{Q3}:{line}:{col}: error[SC063] responses[0].target: response to unknown target "
        "`safety.speak_upp` (hint: did you mean `safety.speak_up`?)"
    ) in result.output


EXPIRING = """\
audited: 2026-07-10
metrics:
  admin.ehr_time_per_8h: {value: 6.0}
responses:
  - target: overall
    kind: context
    text: Expired before the newest audit
    date: 2026-07-20
    expires: 2026-09-30
  - {target: admin, kind: context, text: Lasts to the newest audit, date: 2026-07-20, expires: 2026-10-15}
  - {target: admin, kind: context, text: Past today but not the content, date: 2026-07-20, expires: 2026-11-01}
"""  # noqa: E501


def test_an_expired_response_warns_measured_to_the_newest_audit_not_the_clock(
    make_project: MakeProject,
) -> None:
    """The newest audit is dated 2026-10-15: what expired before it is warned about; what
    expires on that day, or after it (even before today), is not."""
    root = make_project({Q2: EXPIRING}, default=True)
    for _ in range(2):  # read, then from the cache: the same warning
        project, findings = open_project(root)
        assert project is not None and project.as_of == date(2026, 10, 15)
        got = [(f.code, f.file, f.path, f.line, f.col) for f in findings]
        assert got == [("SC065", Q2, "responses[0].expires", *_at(EXPIRING, 9, "2026-09-30"))]
        assert "expired 2026-09-30, before the project's newest audit (2026-10-15)" in (
            findings[0].message
        )
        assert findings[0].severity == "warning"


def test_the_audit_schema_describes_responses() -> None:
    schema = schemas()["audit.schema.json"]
    response = schema["$defs"]["Response"]
    assert set(response["required"]) == {"target", "kind", "text", "date"}
    assert response["properties"]["kind"]["enum"] == [
        "disputed",
        "corrected",
        "context",
        "remediated",
    ]
    assert schema["properties"]["responses"]["items"] == {"$ref": "#/$defs/Response"}


# --- who sees a response -----------------------------------------------------------------------


def _file(responses: list[dict[str, Any]], visibility: str = "public") -> AuditFile:
    return AuditFile.model_validate(
        {"audited": date(2026, 10, 15), "visibility": visibility, "responses": responses}
    )


def _response(text: str, **more: Any) -> dict[str, Any]:
    return {"target": "overall", "kind": "context", "text": text, "date": date(2026, 10, 20)} | more


def _texts(responses: list[Response]) -> list[str]:
    return [r.text for r in responses]


@pytest.mark.parametrize(
    ("audience", "anonymous", "file_visibility", "expected"),
    [
        ("public", False, "public", ["public", "lasting"]),
        ("internal", False, "public", ["public", "internal", "lasting"]),
        ("public", True, "public", []),
        ("public", False, "internal", ["public"]),
    ],
    ids=["public", "internal", "anonymous", "internal-file"],
)
def test_shown_responses_follow_visibility_expiry_and_anonymity(
    audience: Any, anonymous: bool, file_visibility: str, expected: list[str]
) -> None:
    data = _file(
        [
            _response("public", visibility="public"),
            _response("internal", visibility="internal"),
            _response("expired", expires=date(2026, 10, 1)),
            _response("lasting", expires=date(2026, 10, 15)),
        ],
        file_visibility,
    )
    shown = shown_responses(data, audience, date(2026, 10, 15), anonymous=anonymous)
    assert _texts(shown) == expected


def test_the_public_scan_knows_every_response_it_must_not_find() -> None:
    data = _file([_response("Said in public"), _response("Kept inside", visibility="internal")])
    assert audit_internal_texts(data, "named") == {"Kept inside"}
    assert audit_public_texts(data, "named") == {"Said in public"}
    # an unnamed institution's own words could name it: none may reach the public
    assert {"Said in public", "Kept inside"} <= audit_internal_texts(data, "anonymous")
    assert audit_public_texts(data, "anonymous") == set()


# --- a built site ------------------------------------------------------------------------------

HOSTILE = "Survey <script>alert(1)</script> ran in {{ 7*7 }} week | *bold* [x](javascript:1)"
RESPONSES = [
    {"target": "safety.speak_up", "kind": "disputed", "text": HOSTILE, "date": date(2026, 10, 20)},
    {
        "target": "admin",
        "kind": "context",
        "text": "An EHR upgrade added training time",
        "date": date(2026, 10, 21),
    },
    {
        "target": "overall",
        "kind": "remediated",
        "text": "Scribes now cover all of primary care",
        "date": date(2026, 10, 22),
        "expires": date(2027, 10, 22),
    },
    {
        "target": "outcomes.burnout",
        "kind": "context",
        "text": "Draft reply kept for the board",
        "date": date(2026, 10, 22),
        "visibility": "internal",
    },
    {
        "target": "overall",
        "kind": "corrected",
        "text": "A correction that has expired",
        "date": date(2026, 1, 10),
        "expires": date(2026, 2, 1),
    },
]
ANONYMOUS_WORDS = "Alder Park welcomed its new dean in July"


def _audit(responses: list[dict[str, Any]], audited: date) -> dict[str, Any]:
    return {
        "audited": audited,
        "auditor": "Office of Professional Wellbeing",
        "sources": [{"id": "wellbeing-survey", "kind": "survey"}],
        "metrics": {
            "admin.ehr_time_per_8h": {"value": 6.0},
            "safety.speak_up": {"positive": 132, "n": 210, "source": "wellbeing-survey"},
            "recognition.non_revenue_recognition": {"value": True},
            "outcomes.burnout": {"value": 41.5, "n": 210},
        },
        "responses": responses,
    }


@pytest.fixture(scope="module")
def replied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A named institution that responds (one response internal, one expired) and an
    anonymous one that does, built for both audiences; the output folder."""
    root = write_tree(
        tmp_path_factory.mktemp("responses"),
        {
            "content/institutions/north-valley.yml": INSTITUTION,
            "content/institutions/alder-park.yml": INSTITUTION.replace(
                "North Valley General Hospital", "Alder Park Hospital"
            ).replace("publish: named", "publish: anonymous"),
            Q3: _audit(RESPONSES, date(2026, 10, 15)),
            "content/audits/alder-park/2026-Q3.yml": _audit(
                [
                    {
                        "target": "overall",
                        "kind": "context",
                        "text": ANONYMOUS_WORDS,
                        "date": date(2026, 10, 5),
                    }
                ],
                date(2026, 10, 2),
            ),
        },
    )
    result = build(root, root / "out")
    assert_clean_exit(result, 0)
    assert "SC065" in result.output  # the expired response, warned about
    return root


def _responses(page: BeautifulSoup) -> list[tuple[str, str]]:
    """(the heading of the section it is in, its text) of every response on a page."""
    out = []
    for box in page.select("article .scorecard-response"):
        heading = box.find_previous(["h2", "h3"])
        assert isinstance(heading, Tag)
        quote = box.select_one("blockquote")
        assert quote is not None
        out.append((heading.get_text(" ", strip=True).rstrip("¶ "), quote.get_text(" ").strip()))
    return out


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_responses_show_next_to_their_target_as_the_institutions_words(
    replied: Path, audience: str
) -> None:
    page = soup(replied / "out" / audience / "institutions" / "north-valley" / "index.html")
    expected = [
        ("Overall", "Scribes now cover all of primary care"),
        ("Streamline administrative tasks", "An EHR upgrade added training time"),
        ("Cultivate psychological safety", HOSTILE),
    ]
    if audience == "internal":
        expected.append(("Outcomes", "Draft reply kept for the board"))
    assert _responses(page) == expected
    internal = [box for box in page.select(".scorecard-response") if "(internal:" in box.text]
    assert len(internal) == (1 if audience == "internal" else 0)
    # the disputed metric's response is the row right after the metric's own
    row = page.find("td", string="Communication openness: staff speak up without fear")
    assert isinstance(row, Tag) and row.parent is not None
    after = row.parent.find_next_sibling("tr")
    assert isinstance(after, Tag) and "scorecard-response-row" in (after.get("class") or [])
    head = after.select_one(".scorecard-response-head")
    assert head is not None
    assert " ".join(head.get_text(" ").split()) == (
        "Response from North Valley General Hospital , 2026-10-20: disputes this result"
    )
    assert "(shown until 2027-10-22)" in page_text(
        replied / "out" / audience / "institutions" / "north-valley" / "index.html"
    )
    # audit text is text: no element came from it
    assert page.select("article script") == []
    assert not page.select("article a[href^='javascript']")


def test_responses_that_expired_or_are_internal_or_anonymous_stay_out_of_public(
    replied: Path,
) -> None:
    public = "\n".join(text for _path, text in site_texts(replied / "out" / "public"))
    internal = "\n".join(text for _path, text in site_texts(replied / "out" / "internal"))
    assert "A correction that has expired" not in public + internal
    assert "Draft reply kept for the board" not in public
    assert "Draft reply kept for the board" in internal
    assert ANONYMOUS_WORDS not in public
    assert ANONYMOUS_WORDS in internal


def test_the_data_file_carries_the_responses_as_shown(replied: Path) -> None:
    def responses(audience: str, inst: str) -> list[dict[str, Any]]:
        path = replied / "out" / audience / "data" / "institutions" / f"{inst}.json"
        found: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["responses"]
        return found

    public = responses("public", "north-valley")
    assert [(r["target"], r["kind"], r["date"], r["expires"]) for r in public] == [
        ("safety.speak_up", "disputed", "2026-10-20", None),
        ("admin", "context", "2026-10-21", None),
        ("overall", "remediated", "2026-10-22", "2027-10-22"),
    ]
    assert public[0] == {
        "period": "2026-Q3",
        "target": "safety.speak_up",
        "kind": "disputed",
        "text": HOSTILE,
        "date": "2026-10-20",
        "expires": None,
        "by": "institution",
    }
    assert len(responses("internal", "north-valley")) == 4
    assert responses("public", "peer-a") == []
    assert [r["text"] for r in responses("internal", "alder-park")] == [ANONYMOUS_WORDS]


def test_the_public_scan_would_catch_an_anonymous_institutions_words(replied: Path) -> None:
    project, _ = open_project(replied)
    assert project is not None
    facts = facts_of(project, ("public",))
    scan = public_scan(project, facts.texts)
    assert ANONYMOUS_WORDS in scan.secrets
    assert "Draft reply kept for the board" in scan.secrets
    assert "An EHR upgrade added training time" not in scan.secrets


def test_the_packet_shows_the_responses_too(replied: Path) -> None:
    project, _ = open_project(replied)
    assert project is not None
    facts = facts_of(project, ("public",))
    packets = {i: text for i, _, text in pdf.gather_packets(facts, replied, "public")}
    packet = BeautifulSoup(packets["north-valley"], "html.parser")
    assert [q.get_text(" ").strip() for q in packet.select(".scorecard-response blockquote")] == [
        "Scribes now cover all of primary care",
        "An EHR upgrade added training time",
        HOSTILE,
    ]

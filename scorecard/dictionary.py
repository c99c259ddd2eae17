"""The data dictionary: every field of the site's data files, explained.

The data page and the dictionary page are generated from these lists; a test walks real files
and checks that every field they hold is listed here. ``<pillar>`` and ``<metric>`` stand for
the ids of the framework's pillars and metrics.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    meaning: str


@dataclass(frozen=True)
class DataFile:
    path: str  # in the site
    title: str
    summary: str
    fields: list[Field]


_RESULT = "results[]"
_SCORE = "number (0 to 100, two decimals) or null"
_GRADE = "string (a grade letter) or null"


def _result_fields(prefix: str) -> list[Field]:
    p = prefix
    return [
        Field(
            p,
            "array of objects",
            "one institution in one period; sorted by institution, then period",
        ),
        Field(
            f"{p}.institution",
            "string",
            "the institution's id; `peer-a`, `peer-b`… for an institution that takes part "
            "anonymously (public site)",
        ),
        Field(
            f"{p}.period",
            "string",
            "the period: `2026-Q3` (quarter), `2026-H1` (half-year) or `2026` (year)",
        ),
        Field(f"{p}.overall", "object", "the overall score: the weighted mean of the core pillars"),
        Field(
            f"{p}.overall.score",
            _SCORE,
            "null when fewer core pillars than the framework needs have a score",
        ),
        Field(f"{p}.overall.grade", _GRADE, "the grade band the score falls in"),
        Field(
            f"{p}.overall.coverage",
            "number (0 to 1)",
            "the share of the core pillars' weight that was reported",
        ),
        Field(
            f"{p}.overall.trend",
            "number or null",
            "the change since the institution's previous period with an overall score",
        ),
        Field(
            f"{p}.overall.peer_percentile",
            "number (0 to 100) or null",
            "100 × (B + E ÷ 2) ÷ N among the N institutions of the peer group with an overall "
            "score in the period (B lower, E equal, itself included); null when N < 5",
        ),
        Field(f"{p}.pillars", "object", "pillar id -> its score, in the framework's order"),
        Field(
            f"{p}.pillars.<pillar>",
            "object",
            "one pillar's score; `outcomes` and `complex_care` (beside the overall score) only "
            "where the audit reports them",
        ),
        Field(
            f"{p}.pillars.<pillar>.score",
            _SCORE,
            "the weighted mean of the pillar's metric scores; null with insufficient data",
        ),
        Field(f"{p}.pillars.<pillar>.grade", _GRADE, "the grade band of the pillar's score"),
        Field(
            f"{p}.pillars.<pillar>.coverage",
            "number (0 to 1)",
            "the share of the pillar's weight that was reported (not-applicable metrics leave "
            "the weight)",
        ),
        Field(
            f"{p}.pillars.<pillar>.status",
            "string, optional",
            "`insufficient-data` when less than half the pillar's weight was reported",
        ),
        Field(
            f"{p}.pillars.<pillar>.withheld",
            "number (0 to 1), optional",
            "public scores: the share of the pillar's weight the audit kept back (withheld), "
            "when there is any",
        ),
        Field(
            f"{p}.pillars.<pillar>.counted",
            "number (0 to 100), optional",
            "public scores, a pillar under the insufficient-data line only because of withheld "
            "values: the score the overall score counts for it, with those values at 0",
        ),
        Field(f"{p}.metrics", "object", "metric id -> its value and score, for every metric"),
        Field(f"{p}.metrics.<metric>", "object", "one metric of the framework"),
        Field(
            f"{p}.metrics.<metric>.value",
            "number, boolean or null",
            "the value as reported (a percent for a survey item); null unless reported",
        ),
        Field(f"{p}.metrics.<metric>.n", "integer, optional", "respondents, for a survey value"),
        Field(
            f"{p}.metrics.<metric>.ci95",
            "[number, number], optional",
            "the Wilson 95 % interval of a survey percent",
        ),
        Field(
            f"{p}.metrics.<metric>.score",
            _SCORE,
            "0 at the metric's floor, 100 at its target, linear between; 0 when withheld (under "
            "the framework's `withheld: zero`); null otherwise unless reported",
        ),
        Field(
            f"{p}.metrics.<metric>.status",
            "string",
            "`reported`, `suppressed`, `withheld` (public scores: reported, but kept back), "
            "`not-reported`, `not-applicable` or `missing`",
        ),
        Field(
            f"{p}.metrics.<metric>.reason",
            "string, optional",
            "why a value is suppressed (`n < 10`) or not applicable",
        ),
    ]


def _published_fields(p: str) -> list[Field]:
    return [
        Field(
            f"{p}.published",
            "object, optional",
            "present when this period was first published with another framework: its scores as "
            "published then (see the methodology, *Changes of framework*)",
        ),
        Field(f"{p}.published.framework", "object", "the framework it was published with"),
        Field(f"{p}.published.framework.version", "string", "the framework's version then"),
        Field(f"{p}.published.framework.sha256", "string", "the framework's SHA-256 then"),
        Field(f"{p}.published.overall", "object", "the overall score as published then"),
        Field(f"{p}.published.overall.score", _SCORE, "the overall score as published then"),
        Field(f"{p}.published.pillars", "object", "pillar id -> its score as published then"),
        Field(f"{p}.published.pillars.<pillar>", "object", "one pillar as published then"),
        Field(f"{p}.published.overall.grade", _GRADE, "the overall grade as published then"),
        Field(
            f"{p}.published.pillars.<pillar>.score",
            _SCORE,
            "a pillar's score as published then",
        ),
        Field(
            f"{p}.published.pillars.<pillar>.grade",
            _GRADE,
            "a pillar's grade as published then",
        ),
    ]


SCORES_JSON = DataFile(
    "data/scores.json",
    "scores.json",
    "every score of every institution and period: the computed truth each page shows",
    [
        Field("format", "string", "`scorecard-scores/1`"),
        Field("framework", "object", "the framework that made every score in the file"),
        Field("framework.version", "string", "its version, as its file says"),
        Field(
            "framework.sha256",
            "string",
            "the SHA-256 of the framework as used (after `content/framework.yml` is merged)",
        ),
        Field("audience", "string", "`public` or `internal`: whose view of the audits was scored"),
        *_result_fields(_RESULT),
        *_published_fields(_RESULT),
    ],
)

SCORES_CSV = DataFile(
    "data/scores.csv",
    "scores.csv",
    "one row per institution and period, the same numbers as scores.json; empty cells for null",
    [
        Field(
            "institution",
            "text",
            "the institution's id (`peer-a`… for an anonymous one, public site)",
        ),
        Field("period", "text", "the period"),
        Field("overall_score", "number", "the overall score, two decimals"),
        Field("overall_grade", "text", "the overall grade"),
        Field(
            "overall_coverage", "number (0 to 1)", "the share of the core pillars' weight reported"
        ),
        Field("trend", "number", "the change since the previous period with an overall score"),
        Field("peer_percentile", "number", "the peer percentile (peer groups of 5 or more)"),
        Field(
            "<pillar>_score",
            "number",
            "the pillar's score, one column for each pillar of the framework",
        ),
        Field("<pillar>_grade", "text", "the pillar's grade"),
        Field("<pillar>_coverage", "number (0 to 1)", "the share of the pillar's weight reported"),
        Field(
            "<pillar>_status",
            "text",
            "`scored`, `insufficient-data`, or `not-reported` for a section the audit leaves out",
        ),
        Field(
            "<pillar>_withheld",
            "number (0 to 1)",
            "public scores: the share of the pillar's weight withheld",
        ),
    ],
)

INSTITUTION_JSON = DataFile(
    "data/institutions/<id>.json",
    "institutions/<id>.json",
    "one institution: what the site may say about it, and all its results",
    [
        Field("format", "string", "`scorecard-institution/1`"),
        Field("framework", "object", "as in scores.json"),
        Field("framework.version", "string", "the framework's version"),
        Field("framework.sha256", "string", "the framework's SHA-256"),
        Field("audience", "string", "`public` or `internal`"),
        Field(
            "institution",
            "object",
            "the institution's facts; an anonymous one has only `id`, `name`, `anonymous` and "
            "`peer_group`",
        ),
        Field("institution.id", "string", "its id (or `peer-a`…)"),
        Field("institution.name", "string", "its name (or `Peer A`…)"),
        Field("institution.anonymous", "boolean", "whether it takes part anonymously"),
        Field("institution.peer_group", "string", "the group it is compared in"),
        Field(
            "institution.kind",
            "string, optional",
            "`academic-medical-center`, `community-hospital`, `health-system`, `group-practice` "
            "or `other`",
        ),
        Field("institution.region", "string, optional", "an ISO 3166-2 code or a region's name"),
        Field("institution.beds", "integer, optional", "beds"),
        Field("institution.physicians", "integer, optional", "physicians"),
        Field("institution.website", "string, optional", "its website"),
        Field("page", "string", "its page in the site, relative to the site's address"),
        Field(
            "badges",
            "object",
            "its SVG badges, relative to the site's address: `overall`, and one for each pillar",
        ),
        Field("badges.overall", "string", "the overall grade's badge"),
        Field("badges.<pillar>", "string", "a pillar's badge"),
        Field(
            "responses[]",
            "list",
            "the institution's own statements about the results of its latest audit, as its "
            "page shows them (none for an anonymous institution in public, none that expired "
            "before the project's newest audit date), oldest first",
        ),
        Field("responses[].period", "string", "the period of the audit it responds to"),
        Field(
            "responses[].target",
            "string",
            "what it responds to: `overall`, a pillar id or a metric id",
        ),
        Field(
            "responses[].kind",
            "string",
            "`disputed`, `corrected`, `context` or `remediated`",
        ),
        Field("responses[].text", "string", "the institution's words, as it wrote them"),
        Field("responses[].date", "string (date)", "when the institution made it"),
        Field(
            "responses[].expires",
            "string (date) or null",
            "the last day it is shown, if it expires",
        ),
        Field("responses[].by", "string", "`institution`: these are its words, not the audit's"),
        *_result_fields(_RESULT),
        *_published_fields(_RESULT),
    ],
)

COMPARE_JSON = DataFile(
    "data/compare.json",
    "compare.json",
    "the compact data the compare page works from (also shipped as "
    "assets/scorecard-compare-data.js)",
    [
        Field("format", "string", "`scorecard-compare/1`"),
        Field("audience", "string", "`public` or `internal`"),
        Field("framework", "object", "the framework's `version` and `sha256`"),
        Field("framework.version", "string", "the framework's version"),
        Field("framework.sha256", "string", "the framework's SHA-256"),
        Field("periods", "array of strings", "every period, oldest first"),
        Field(
            "pillars[]",
            "array of objects",
            "the pillars in order: `id`, `name`, `role` (`core` or `beside`)",
        ),
        Field("pillars[].id", "string", "the pillar's id"),
        Field("pillars[].name", "string", "the pillar's name"),
        Field("pillars[].role", "string", "`core` (in the overall score) or `beside` it"),
        Field("metrics[]", "array of objects", "the metrics in order"),
        Field("metrics[].id", "string", "the metric's id, `<pillar>.<name>`"),
        Field("metrics[].name", "string", "the metric's name"),
        Field("metrics[].pillar", "string", "its pillar's id"),
        Field("metrics[].target", "string", "its target, as text"),
        Field("institutions[]", "array of objects", "every institution the site shows"),
        Field("institutions[].id", "string", "its id (or `peer-a`…)"),
        Field("institutions[].name", "string", "its name (or `Peer A`…)"),
        Field("institutions[].peer_group", "string", "its peer group"),
        Field(
            "institutions[].region",
            "string or null",
            "its region; null for an anonymous institution",
        ),
        Field("institutions[].anonymous", "boolean", "whether it takes part anonymously"),
        Field("institutions[].period", "string", "its latest period"),
        Field(
            "institutions[].peer_percentile",
            "number or null",
            "its peer percentile in its latest period",
        ),
        Field(
            "institutions[].stale",
            "object or null",
            "when its latest audit is stale: `behind` (how far its latest period ends before "
            "the newest, as `6 quarters`), `newest` (the newest period) and `limit` (the "
            "framework's `stale_after`); null when it is not",
        ),
        Field(
            "institutions[].scores",
            "object",
            "period -> `overall` and each pillar id -> [score, grade] (score rounded to two "
            "decimals, or null)",
        ),
        Field(
            "institutions[].metrics",
            "object",
            "metric id -> [value as text, score or null, status], for its latest period",
        ),
    ],
)

FILES = [SCORES_JSON, SCORES_CSV, INSTITUTION_JSON, COMPARE_JSON]

"""The JSON Schemas that `scorecard schema` writes say what `scorecard validate` says.

Documents are made from the schemas themselves (a small generator over their types, enums,
formats, patterns and bounds, which now and then puts a value of another kind, a blank text, a
bad date or an unknown key in a place), written as YAML and judged twice: by `jsonschema`
(draft 2020-12, with format checking) on the document as JSON, as an editor judges it, and by
`validate` on the YAML file. Both must accept it, or both reject it.

Rules that only `validate` can know (a metric id must be one of the framework's, of the kind
the metric takes; an action's pillar must exist; values must agree with the file's path; ids are
unique in a list; positive is at most n; what a framework change needs once merged) are kept
out of the made documents by choosing keys and values that meet them; the schemas' descriptions
name these rules. Hand-picked forms of each field, valid and invalid, follow.
"""

from __future__ import annotations

import copy
import functools
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard.findings import Finding, has_errors
from scorecard.load import load_bytes
from scorecard.model import SPAN_PATTERN, Framework
from scorecard.schema import schemas
from scorecard.validate import (
    AuditContext,
    builtin_framework_document,
    check_audit,
    check_framework,
    check_institution,
)
from scorecard.values import (
    INVISIBLE_RANGES,
    MAX_NOTES,
    MAX_TEXT,
    SLUG_PATTERN,
    VISIBLE_PATTERN,
    WEB_LINK_PATTERN,
    has_visible_text,
)

Path = tuple[str | int, ...]
Draft = jsonschema.Draft202012Validator


@functools.cache
def framework() -> Framework:
    built, findings = check_framework(builtin_framework_document(), None)
    assert built is not None and findings == []
    return built


@functools.cache
def validators() -> dict[str, jsonschema.protocols.Validator]:
    return {
        name.removesuffix(".schema.json"): Draft(schema, format_checker=Draft.FORMAT_CHECKER)
        for name, schema in schemas().items()
    }


# --- judging a document twice ----------------------------------------------------------------


class _Dumper(yaml.CSafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same value twice is written twice, never as an alias


def _text(dumper: yaml.CSafeDumper, text: str) -> yaml.ScalarNode:
    # Text with invisible characters in double quotes, where they are escaped: PyYAML would
    # write a next-line or line-separator character as it is elsewhere, and read it as a break.
    style = None if text.isprintable() else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def as_yaml(document: Any) -> bytes:
    """The document as a file: a `date` is written plain (2026-10-15), text always as text
    (quoted where YAML would read it as something else, such as "2026-10-15")."""
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=200)
    return text.encode("utf-8")


def as_json(value: Any) -> Any:
    """What an editor reads: JSON has no dates, so a date is its text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value


def validate_findings(kind: str, raw: bytes) -> list[Finding]:
    if kind == "institution":
        doc = load_bytes(raw, "content/institutions/north-valley.yml")
        return check_institution(doc, "north-valley")[1]
    if kind == "audit":
        doc = load_bytes(raw, "content/audits/north-valley/2026-Q3.yml")
        context = AuditContext(framework(), {"north-valley"})
        return check_audit(doc, "north-valley", "2026-Q3", context)[1]
    doc = load_bytes(raw, "content/framework.yml")
    return check_framework(builtin_framework_document(), doc)[1]


def verdicts(kind: str, document: Any) -> tuple[bool, bool, list[Finding]]:
    """(the schema accepts it, validate accepts it, validate's findings)."""
    raw = as_yaml(document)
    try:
        read = yaml.load(raw, Loader=yaml.CSafeLoader)
    except ValueError:  # a plain date that is no real date, which PyYAML will not read
        read = document
    assert as_json(read) == as_json(document)  # the file says what the JSON says
    findings = validate_findings(kind, raw)
    return validators()[kind].is_valid(as_json(document)), not has_errors(findings), findings


def assert_agree(kind: str, document: Any) -> bool:
    by_schema, by_validate, findings = verdicts(kind, document)
    if by_schema != by_validate:
        errors = [e.message for e in validators()[kind].iter_errors(as_json(document))]
        raise AssertionError(
            f"the schema {'accepts' if by_schema else 'rejects'} and validate "
            f"{'accepts' if by_validate else 'rejects'}:\n{as_yaml(document).decode()}\n"
            f"schema: {errors}\nvalidate: {[f.format() for f in findings]}"
        )
    return by_schema


# --- making documents from a schema ------------------------------------------------------------

#: Values of every kind, to put where the schema expects another (or, by chance, the same).
ODD = [
    None,
    True,
    7,
    -1,
    2.5,
    3.0,
    "",
    " ",
    "\t",
    "\u00a0",
    "\x01",
    "\u200b",
    "text",
    "Text With Capitals",
    "2027-02-30",
    "2027-3-31",
    "next spring",
    "x" * (MAX_TEXT + 1),
    [],
    ["text"],
    {},
    {"key": "value"},
]
DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 10, 15))
VISIBLE_TEXT = st.one_of(
    st.sampled_from(["Emergency Department", "Oficina de Bienestar", "Ålesund", "医院", "Ü"]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=8),
    st.sampled_from([" x ", "\u200bx", "x\n"]),
)
PATTERNS: dict[str, st.SearchStrategy[str]] = {
    VISIBLE_PATTERN: VISIBLE_TEXT,
    SLUG_PATTERN: st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True),
    WEB_LINK_PATTERN: st.sampled_from(
        ["https://example.org", "http://example.org/a?b=c", "HTTPS://EXAMPLE.ORG"]
    ),
    SPAN_PATTERN: st.sampled_from(
        ["4 quarters", "1 quarter", " 2 halves ", "1 year", "0 quarters", "4quarters", "a year"]
    ),
}


class Maker:
    """Strategies for documents that fit a JSON Schema, now and then with a value that does not.

    ``fixed`` gives the strategy for the value at a path (``"*"`` for any key or index), for the
    places where only `validate` knows what fits; ``then`` changes a made value at a path, to
    meet such a rule without changing what the schema says of it.
    """

    def __init__(
        self,
        schema: dict[str, Any],
        fixed: dict[Path, st.SearchStrategy[Any]],
        then: dict[Path, Callable[[Any], Any]],
    ) -> None:
        self.root = schema
        self.fixed = fixed
        self.then = then

    def document(self) -> st.SearchStrategy[Any]:
        return self.value(self.root, ())

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.root["$defs"][schema["$ref"].removeprefix("#/$defs/")]
        return schema

    def _lookup(self, table: dict[Path, Any], path: Path) -> Any:
        for pattern, found in table.items():
            if len(pattern) == len(path) and all(
                p in ("*", q) for p, q in zip(pattern, path, strict=True)
            ):
                return found
        return None

    def value(self, schema: dict[str, Any], path: Path) -> st.SearchStrategy[Any]:
        fixed = self._lookup(self.fixed, path)
        made = fixed if fixed is not None else self._made(self._resolve(schema), path)
        then = self._lookup(self.then, path)
        return made.map(then) if then is not None else made

    def _made(self, schema: dict[str, Any], path: Path) -> st.SearchStrategy[Any]:
        fitting = self._fitting(schema, path)
        odd = st.sampled_from(ODD).map(copy.deepcopy)
        if schema.get("type") == "object" and schema.get("properties"):
            odd = st.one_of(odd, fitting.map(_with_unknown_key), fitting.map(_without_required))
        # about one value in 30 is odd, so that many documents are valid and many are not
        return st.integers(0, 29).flatmap(lambda k: odd if k == 0 else fitting)

    def _fitting(self, schema: dict[str, Any], path: Path) -> st.SearchStrategy[Any]:
        if "anyOf" in schema:
            # the keywords beside anyOf (a pattern, a minimum) hold for each of its options
            beside = {k: v for k, v in schema.items() if k != "anyOf"}
            options = [{**beside, **self._resolve(option)} for option in schema["anyOf"]]
            return st.one_of([self._fitting(option, path) for option in options])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of([self._fitting({**schema, "type": k}, path) for k in kind])
        if kind == "string":
            return self._text(schema)
        if kind == "integer":  # often at a bound, just below it, or about 0
            low = schema.get("minimum", 0)
            bounds = sorted({low - 1, low, -1, 0, 1})
            whole = st.one_of(st.sampled_from(bounds), st.integers(low, low + 500))
            return st.one_of(whole, whole.map(float))  # 3.0 is a whole number too
        if kind == "number":
            low = schema.get("minimum", -1000)
            return st.one_of(
                st.sampled_from(sorted({low - 0.5, low, -1, 0})),
                st.integers(low, 1000),
                st.floats(low, 1000, allow_nan=False, width=32),
            )
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        if kind == "array":
            return st.lists(self.value(schema["items"], (*path, "*")), max_size=3)
        if kind == "object":
            return self._object(schema, path)
        raise AssertionError(f"no maker for {schema}")

    def _text(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        if schema.get("format") == "date":
            return st.one_of(DATES, DATES.map(date.isoformat))  # plain, and quoted
        longest = schema.get("maxLength", MAX_TEXT)
        at_most = st.sampled_from([longest, longest + 1, MAX_NOTES + 1]).map(lambda n: "x" * n)
        if "pattern" in schema:
            return st.one_of(PATTERNS[schema["pattern"]], at_most)
        return st.one_of(st.just(""), VISIBLE_TEXT, at_most)

    def _object(self, schema: dict[str, Any], path: Path) -> st.SearchStrategy[Any]:
        properties = schema.get("properties", {})
        if properties:
            required = set(schema.get("required", []))
            return st.fixed_dictionaries(
                {k: self.value(v, (*path, k)) for k, v in properties.items() if k in required},
                optional={
                    k: self.value(v, (*path, k)) for k, v in properties.items() if k not in required
                },
            )
        names = schema.get("propertyNames", {}).get("pattern")
        keys = PATTERNS.get(names, st.sampled_from(["A", "B", "key", "Key two"]))
        values = schema.get("additionalProperties", {})
        return st.dictionaries(keys, self.value(values, (*path, "*")), max_size=3)


def _with_unknown_key(value: dict[str, Any]) -> dict[str, Any]:
    return {**value, "colour": "blue"}


def _without_required(value: dict[str, Any]) -> dict[str, Any]:
    return dict(list(value.items())[1:])


# --- what only validate knows, kept true ---------------------------------------------------------


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else None


def _metric_ids(entries: list[Any]) -> dict[str, Any]:
    """Entries under ids of the framework's metrics that take them: positive and n for a survey
    item, true/false for a policy, a number for a number; and positive never above n."""
    metrics = framework().metrics
    pools = {
        "survey": [m for m, d in metrics.items() if d.survey_item],
        "boolean": [m for m, d in metrics.items() if d.kind == "boolean"],
        "number": [m for m, d in metrics.items() if d.kind == "number"],
        "any": list(metrics),
    }
    out: dict[str, Any] = {}
    for entry in entries:
        pool = "any"
        if isinstance(entry, dict):
            value = entry.get("value")
            if entry.get("positive") is not None:
                pool = "survey"
            elif isinstance(value, bool):
                pool = "boolean"
            elif isinstance(value, int | float):
                pool = "number"
            positive, n = _whole(entry.get("positive")), _whole(entry.get("n"))
            if positive is not None and n is not None and n >= 1 and positive > n >= 0:
                entry = {**entry, "positive": entry["n"], "n": entry["positive"]}
        out[next(m for m in pools[pool] if m not in out)] = entry
    return out


def _unique_ids(items: Any) -> Any:
    """Each item's id made unique by a suffix (which leaves a slug a slug, and a non-slug not)."""
    if not isinstance(items, list):
        return items
    seen: set[str] = set()
    out = []
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            if item["id"] in seen:
                item = {**item, "id": f"{item['id']}-{index}"}
            seen.add(item["id"])
        out.append(item)
    return out


def _responses_in_order(items: Any) -> Any:
    """Each response's `expires`, when it is a date, after its `date` (a rule across two
    fields, which `validate` alone checks)."""
    if not isinstance(items, list):
        return items
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("date"), date):
            expires = item.get("expires")
            if isinstance(expires, date) and expires <= item["date"]:
                item = {**item, "expires": item["date"] + timedelta(days=1)}
        out.append(item)
    return out


def _shaped(kind: str) -> Callable[[Any], Any]:
    """An entry made into one that gives only a value, only positive and n, or only a status
    (its own values kept where it has them): most made entries would give two, or none."""
    defaults = {"value": {"value": 1.5}, "positive": {"positive": 3, "n": 10}}
    defaults["status"] = {"status": "not-reported"}

    def shape(entry: Any) -> Any:
        if not isinstance(entry, dict):
            return entry
        kept = {k: v for k, v in entry.items() if k not in ("value", "positive", "status")}
        for key, default in defaults[kind].items():
            kept[key] = entry[key] if entry.get(key) is not None else default
        return kept

    return shape


def _entries(maker: Maker, path: Path) -> st.SearchStrategy[Any]:
    made = maker.value(maker.root["$defs"]["MetricEntry"], (*path, "*"))
    entry = st.one_of(made, *(made.map(_shaped(k)) for k in ("value", "positive", "status")))
    return st.lists(entry, max_size=3).map(_metric_ids)


def _suppression() -> st.SearchStrategy[dict[str, int]]:
    return st.tuples(st.integers(1, 30), st.integers(0, 30)).map(
        lambda t: {"min_n_public": t[0] + t[1], "min_n_internal": t[0]}
    )


def _grades() -> st.SearchStrategy[dict[str, float]]:
    floors = st.lists(st.integers(0, 100), min_size=1, max_size=5, unique=True)
    return floors.map(lambda f: dict(zip("ABCDF", sorted(f, reverse=True), strict=False)))


def makers() -> dict[str, Maker]:
    """A maker per schema, with the rules only `validate` knows kept true."""
    found = schemas()
    audit = Maker(found["audit.schema.json"], {}, {})
    audit.fixed.update(
        {
            ("institution",): st.sampled_from([None, "north-valley"]),
            ("period",): st.sampled_from([None, "2026-Q3"]),
            ("metrics",): _entries(audit, ("metrics",)),
            ("units", "*", "metrics"): _entries(audit, ("units", "*", "metrics")),
            ("actions", "*", "pillar"): st.sampled_from(list(framework().pillars)),
            ("responses", "*", "target"): st.sampled_from(
                ["overall", *framework().pillars, *framework().metrics]
            ),
        }
    )
    audit.then.update(
        {
            ("sources",): _unique_ids,
            ("actions",): _unique_ids,
            ("responses",): _responses_in_order,
        }
    )
    institution = Maker(
        found["institution.schema.json"], {("id",): st.sampled_from([None, "north-valley"])}, {}
    )
    frame = found["framework.schema.json"]
    pillar = dict(frame["$defs"]["PillarChange"])
    pillar["properties"] = {k: v for k, v in pillar["properties"].items() if k != "role"}
    metric = dict(frame["$defs"]["MetricChange"])
    keep = {"name", "description", "unit", "weight", "collected", "basis"}
    metric["properties"] = {k: v for k, v in metric["properties"].items() if k in keep}
    changes = Maker(frame, {}, {})
    changes.fixed.update(
        {
            ("extends",): st.just("builtin"),
            ("grades",): st.one_of(_grades(), st.sampled_from([{}, {"A": "high"}, 7])),
            ("suppression",): st.one_of(_suppression(), st.sampled_from([None, {"x": 1}, 3])),
            ("overall_min_pillars",): st.sampled_from([None, 1, 3, 5, 0, -1, 2.5, "4"]),
            ("pillars",): st.dictionaries(
                st.sampled_from(list(framework().pillars)),
                changes.value(pillar, ("pillars", "*")),
                max_size=3,
            ),
            ("metrics",): st.dictionaries(
                st.sampled_from(list(framework().metrics)),
                changes.value(metric, ("metrics", "*")),
                max_size=3,
            ),
        }
    )
    return {"audit": audit, "institution": institution, "framework": changes}


#: A valid document of each kind, into which one part at a time is made.
BASES: dict[str, dict[str, Any]] = {
    "audit": {"audited": date(2026, 10, 15)},
    "institution": {
        "name": "North Valley General Hospital",
        "kind": "community-hospital",
        "region": "US-VT",
        "peer_group": "community",
    },
    "framework": {},
}
PARTS = [
    (kind, part)
    for kind, name in (
        ("audit", "audit.schema.json"),
        ("institution", "institution.schema.json"),
        ("framework", "framework.schema.json"),
    )
    for part in schemas()[name]["properties"]
]


def test_made_documents_try_both_sides() -> None:
    """Whole documents: the maker makes many valid and many invalid ones of each kind (one
    that made only valid, or only invalid, documents would prove nothing)."""
    for kind in BASES:
        tally: Counter[str] = Counter()

        @settings(
            max_examples=300,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(makers()[kind].document())
        def judged_alike(document: Any) -> None:
            tally["accepted" if assert_agree(kind, document) else "rejected"] += 1  # noqa: B023

        judged_alike()
        assert tally["accepted"] >= 60 and tally["rejected"] >= 60, (kind, tally)


@pytest.mark.parametrize(("kind", "part"), PARTS, ids=[f"{k}-{p}" for k, p in PARTS])
def test_made_parts_are_judged_alike(kind: str, part: str) -> None:
    """One part at a time in an otherwise valid document, so that each field's edges (a bound,
    a blank text, a date) are tried often."""
    maker = makers()[kind]
    made = maker.value(maker.root["properties"][part], (part,))

    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(made.map(lambda value: {**BASES[kind], part: value}))
    def judged_alike(document: Any) -> None:
        assert_agree(kind, document)

    judged_alike()


# --- hand-picked forms of each field ----------------------------------------------------------


class PlainDate(str):
    """Text written as a plain YAML date, even one that is no real date (2027-02-30)."""


def _plain_date(dumper: yaml.CSafeDumper, text: PlainDate) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", str(text))


_Dumper.add_representer(PlainDate, _plain_date)

AUDIT_BASE: dict[str, Any] = {
    "audited": date(2026, 10, 15),
    "sources": [{"id": "wellbeing-survey", "kind": "survey", "invited": 850, "responded": 412}],
    "metrics": {
        "safety.speak_up": {"positive": 132, "n": 210, "source": "wellbeing-survey"},
        "admin.ehr_time_per_8h": {"value": 6.2},
    },
    "units": {"emergency": {"name": "Emergency Department"}},
    "actions": [{"id": "scribes", "pillar": "admin", "title": "Ambient scribes"}],
}
FRAMEWORK_BASE: dict[str, Any] = {
    "pillars": {"admin": {"weight": 2}},
    "metrics": {"admin.ehr_time_per_8h": {"target": 4.5}},
}

BLANK = ["", " ", "\t", "\u00a0", "\x01", "\x7f", "\u200b", "\u200b\u200d", "\ufeff", " \u3000 "]
SHOWING = ["North Valley", " x ", "\u200bx", "Ü", "医"]
VISIBLE_FIELDS: list[tuple[str, Path]] = [
    ("institution", ("name",)),
    ("institution", ("region",)),
    ("audit", ("units", "emergency", "name")),
    ("audit", ("actions", 0, "title")),
    ("framework", ("pillars", "admin", "name")),
    ("framework", ("metrics", "admin.ehr_time_per_8h", "name")),
    ("framework", ("version",)),
]
SLUG_FIELDS: list[tuple[str, Path]] = [
    ("institution", ("peer_group",)),
    ("audit", ("sources", 0, "id")),
    ("audit", ("actions", 0, "id")),
]
SLUGS = [("academic", True), ("peer-2", True), ("Academic", False), ("a b", False)]
SLUGS += [("-a", False), ("a_b", False), ("a\n", False), ("", False), (" ", False)]
DATE_FORMS: list[tuple[Any, bool]] = [
    (date(2026, 10, 15), True),  # plain
    ("2026-10-15", True),  # quoted
    (PlainDate("2026-02-30"), False),
    ("2026-02-30", False),
    ("2026-1-5", False),
    ("15/10/2026", False),
    ("next spring", False),
    (20261015, False),
    (datetime(2026, 10, 15, 9, 30), False),  # plain 2026-10-15 09:30:00
    ("2026-10-15T09:30:00", False),
    ("2026-10-15\n", False),
    ("", False),
]
WHOLE_FORMS: list[tuple[Any, bool]] = [
    (412, True),
    (412.0, True),
    (0, True),
    (-1, False),
    (2.5, False),
    ("412", False),
    (True, False),
]
ENTRY_FORMS: list[tuple[str, dict[str, Any], bool]] = [
    ("admin.ehr_time_per_8h", {"value": 6.2}, True),
    ("admin.ehr_time_per_8h", {"value": 6.2, "n": 40}, True),
    ("admin.ehr_time_per_8h", {"status": "not-reported"}, True),
    ("admin.ehr_time_per_8h", {"status": "not-applicable", "reason": "no clinic"}, True),
    ("admin.ehr_time_per_8h", {"status": "not-applicable"}, True),  # a warning
    ("admin.ehr_time_per_8h", {"value": None, "status": "not-reported"}, True),
    ("admin.ehr_time_per_8h", {}, False),
    ("admin.ehr_time_per_8h", {"value": None}, False),
    ("admin.ehr_time_per_8h", {"note": "asked the CMIO"}, False),
    ("admin.ehr_time_per_8h", {"value": 6.2, "status": "not-reported"}, False),
    ("admin.ehr_time_per_8h", {"value": "6.2"}, False),
    ("admin.ehr_time_per_8h", {"value": [6.2]}, False),
    ("safety.speak_up", {"positive": 3, "n": 10}, True),
    ("safety.speak_up", {"positive": 0, "n": 1}, True),
    ("safety.speak_up", {"positive": 3.0, "n": 10.0}, True),
    ("safety.speak_up", {"positive": None, "n": 10, "value": 40}, True),
    ("safety.speak_up", {"positive": 3}, False),
    ("safety.speak_up", {"positive": 3, "n": None}, False),
    ("safety.speak_up", {"positive": 3, "n": 0}, False),
    ("safety.speak_up", {"positive": -1, "n": 10}, False),
    ("safety.speak_up", {"positive": 3, "n": 10, "value": 30}, False),
    ("safety.speak_up", {"positive": 3, "n": 10, "status": "not-reported"}, False),
    ("safety.speak_up", {"value": 62.5, "n": 2.5}, False),
]


def _placed(kind: str, path: Path, value: Any) -> Any:
    document = copy.deepcopy({"audit": AUDIT_BASE, "framework": FRAMEWORK_BASE}.get(kind))
    if kind == "institution":
        document = copy.deepcopy(BASES["institution"])
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return document


def _forms() -> list[tuple[str, Path, Any, bool]]:
    forms: list[tuple[str, Path, Any, bool]] = []
    for kind, path in VISIBLE_FIELDS:
        forms += [(kind, path, text, False) for text in BLANK]
        forms += [(kind, path, text, True) for text in SHOWING]
    for kind, path in SLUG_FIELDS:
        forms += [(kind, path, text, ok) for text, ok in SLUGS]
    for path in [("audited",), ("actions", 0, "due")]:
        forms += [("audit", path, value, ok) for value, ok in DATE_FORMS]
    forms += [("audit", ("actions", 0, "due"), None, True), ("audit", ("audited",), None, False)]
    for kind, path in [
        ("institution", ("beds",)),
        ("institution", ("physicians",)),
        ("audit", ("sources", 0, "invited")),
        ("audit", ("sources", 0, "responded")),
    ]:
        forms += [(kind, path, value, ok) for value, ok in WHOLE_FORMS]
    for metric, entry, ok in ENTRY_FORMS:
        forms.append(("audit", ("metrics", metric), entry, ok))
        forms.append(("audit", ("units", "emergency", "metrics"), {metric: entry}, ok))
    forms += [
        ("institution", ("website",), link, ok)
        for link, ok in [
            ("https://example.org", True),
            ("HTTP://EXAMPLE.ORG", True),
            (None, True),
            ("ftp://example.org", False),
            ("example.org", False),
            ("", False),
        ]
    ]
    forms += [
        ("audit", ("units",), {"icu": {"name": "ICU"}}, True),
        ("audit", ("units",), {"ICU": {"name": "ICU"}}, False),
        ("audit", ("units",), {"icu\n": {"name": "ICU"}}, False),
        ("audit", ("auditor",), "x" * MAX_TEXT, True),
        ("audit", ("auditor",), "x" * (MAX_TEXT + 1), False),
        ("audit", ("notes",), "x" * MAX_NOTES, True),
        ("audit", ("notes",), "x" * (MAX_NOTES + 1), False),
        ("audit", ("visibility",), "secret", False),
        ("audit", ("auditer",), "a typo", False),
        ("framework", ("pillars", "admin", "weight"), 0, True),
        ("framework", ("pillars", "admin", "weight"), -1, False),
        ("framework", ("pillars", "admin", "weight"), "2", False),
        ("framework", ("pillars", "admin", "name"), None, True),  # null: left as it was
        ("framework", ("grades",), {"A": 80, "F": 0}, True),
        ("framework", ("grades",), {}, False),
        ("framework", ("grades",), {" ": 80, "F": 0}, False),
        ("framework", ("suppression",), {"min_n_public": 10, "min_n_internal": 0}, False),
        ("framework", ("overall_min_pillars",), 0, False),
        ("framework", ("evidence",), {"min_institutions": 1}, False),
        ("framework", ("pillars",), {"Admin": {"weight": 1}}, False),
        ("framework", ("metrics",), {"admin ehr": {"weight": 1}}, False),
    ]
    return forms


FORMS = _forms()


@pytest.mark.parametrize(
    ("kind", "path", "value", "ok"),
    FORMS,
    ids=[f"{k}-{'.'.join(map(str, p))}-{v!r:.24}" for k, p, v, _ in FORMS],
)
def test_hand_picked_forms_are_judged_alike(kind: str, path: Path, value: Any, ok: bool) -> None:
    by_schema, by_validate, findings = verdicts(kind, _placed(kind, path, value))
    assert (by_schema, by_validate) == (ok, ok), [f.format() for f in findings]


def test_an_empty_framework_file_changes_nothing_for_both() -> None:
    assert verdicts("framework", None)[:2] == (True, True)
    assert verdicts("audit", None)[:2] == (False, False)


def test_jsonschema_checks_draft_2020_12_and_dates() -> None:
    for schema in schemas().values():
        assert jsonschema.validators.validator_for(schema) is Draft
        Draft.check_schema(schema)
    assert Draft.FORMAT_CHECKER.conforms("2027-03-31", "date")
    for text in ("2027-02-30", "2027-3-31", "20270331", "2027-03-31T10:00:00"):
        assert not Draft.FORMAT_CHECKER.conforms(text, "date"), text


def test_visible_text() -> None:
    """What shows nothing: white space, control characters, Unicode's default-ignorable ones
    (the zero-width space among them); letters, digits, marks of punctuation and symbols show,
    but for the Hangul fillers, which are letters that draw nothing."""
    fillers = {"\u115f", "\u1160", "\u3164", "\uffa0"}
    for code in range(0x10000):
        char = chr(code)
        category = unicodedata.category(char)
        if char.isspace() or category == "Cc" or char in fillers:
            assert not has_visible_text(char), f"U+{code:04X}"
        elif category[0] in "LNPS":
            assert has_visible_text(char), f"U+{code:04X}"
    assert not any(has_visible_text(chr(c)) for low, high in INVISIBLE_RANGES for c in (low, high))
    assert has_visible_text("\U0001f3e5")  # beyond the Basic Multilingual Plane: shows

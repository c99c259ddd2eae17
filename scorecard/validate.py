"""From loaded documents to a checked project and the list of everything wrong with it.

Validation never prints and never raises for bad content: it returns findings, each with
its file, line and column, and a project built from the files that passed.
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from types import UnionType
from typing import Any, TypeGuard, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from scorecard.findings import Finding, did_you_mean
from scorecard.load import Document, KeyPath, load_bytes, load_file, printable
from scorecard.model import (
    METRIC_ID,
    SLUG,
    Audience,
    Audit,
    AuditFile,
    Framework,
    FrameworkFile,
    FrameworkOverrides,
    Institution,
    InstitutionFile,
    MetricDef,
    Project,
    parse_period,
    pillar_of,
)

YAML_SUFFIXES = (".yml", ".yaml")


# --- finding content -----------------------------------------------------------------------


@dataclass
class ContentFiles:
    """Where a project's files are, by what they are."""

    framework: Path | None
    institutions: list[Path]
    audits: list[Path]
    pages: list[Path]
    stray: list[Path]
    #: files that are never read: (path, why)
    refused: list[tuple[Path, str]] = field(default_factory=list)


def _refusal(path: Path, inside: Path) -> str:
    """Why a content file must not be read, or "" when it may be."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return "is a link that leads nowhere (a loop of links); it is not read"
    if not real.is_relative_to(inside):
        return "is a link to a place outside the project; it is not read"
    if path.exists() and not path.is_dir() and not path.is_file():
        return "is not a regular file (a pipe, socket or device); it is not read"
    return ""


def find_content(root: Path) -> ContentFiles:
    content = root / "content"
    files = ContentFiles(None, [], [], [], [])
    if not content.is_dir():
        return files
    inside = root.resolve()
    # The search does not enter linked folders, so only a link, or a content folder that is
    # itself elsewhere, can lead outside: other files need one lstat, not a resolve each.
    content_inside = not _refusal(content, inside)
    for path in sorted(content.rglob("*")):
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue  # gone since the search saw it
        if stat.S_ISLNK(mode) or not content_inside:
            why = _refusal(path, inside)
        elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            why = "is not a regular file (a pipe, socket or device); it is not read"
        else:
            why = ""
        if why:
            files.refused.append((path, why))
            continue
        if stat.S_ISDIR(mode) or (stat.S_ISLNK(mode) and path.is_dir()):
            continue
        parts = path.relative_to(content).parts
        yaml_file = path.suffix in YAML_SUFFIXES
        if parts in (("framework.yml",), ("framework.yaml",)):
            files.framework = path
        elif len(parts) == 2 and parts[0] == "institutions" and yaml_file:
            files.institutions.append(path)
        elif len(parts) == 3 and parts[0] == "audits" and yaml_file:
            files.audits.append(path)
        elif len(parts) >= 2 and parts[0] == "pages" and path.suffix == ".md":
            files.pages.append(path)
        elif parts[0] == "instruments" or path.name.startswith("."):
            continue
        elif yaml_file or parts[0] in ("institutions", "audits"):
            files.stray.append(path)
    return files


def display(path: Path, root: Path) -> str:
    try:
        return printable(path.relative_to(root).as_posix())
    except ValueError:
        return printable(path.as_posix())


# --- turning model errors into findings -------------------------------------------------


def _shown(value: Any) -> str:
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


def _number_hint(value: Any) -> str:
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
                    f"{_shown(value)} is not allowed; use one of: {', '.join(choices)}",
                    hint,
                )
            )
        elif kind.startswith("int_"):
            out.append(
                doc.finding(
                    "SC012",
                    loc,
                    f"expected a whole number, got {_shown(value)}",
                    _number_hint(value),
                )
            )
        elif kind.startswith("float_"):
            out.append(
                doc.finding(
                    "SC012", loc, f"expected a number, got {_shown(value)}", _number_hint(value)
                )
            )
        elif kind.startswith("bool_"):
            out.append(doc.finding("SC012", loc, f"expected true or false, got {_shown(value)}"))
        elif kind.startswith("string_too_short"):
            out.append(doc.finding("SC012", loc, "must not be empty"))
        elif kind.startswith("string_"):
            out.append(
                doc.finding(
                    "SC012",
                    loc,
                    f"expected text, got {_shown(value)}",
                    "put the text in quotes" if value is not None else "write the text",
                )
            )
        elif kind.startswith("date_"):
            out.append(
                doc.finding(
                    "SC012",
                    loc,
                    f"expected a date, got {_shown(value)}",
                    "write it as YYYY-MM-DD, without quotes",
                )
            )
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            out.append(
                doc.finding(
                    "SC012", loc, f"expected a mapping of keys to values, got {_shown(value)}"
                )
            )
        elif kind == "list_type":
            out.append(doc.finding("SC012", loc, f"expected a list, got {_shown(value)}"))
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            out.append(doc.finding("SC012", loc, f"{_shown(value)}: {e['msg'].lower()}"))
        else:
            out.append(doc.finding("SC012", loc, f"{e['msg']}, got {_shown(value)}"))
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
                f"expected a mapping of keys to values, got {_shown(data)}",
                "the file must hold `key: value` lines",
            )
        ]
    try:
        return model.model_validate(data), []
    except ValidationError as err:
        return None, model_findings(doc, model, err, base)


#: The longest text a field may hold, and the audit's free-text `notes`. Longer ones are an
#: error: a site has no use for them, and Markdown takes time that grows faster than their length.
MAX_TEXT = 2_000
MAX_NOTES = 10_000


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


# --- the framework -------------------------------------------------------------------------


def builtin_framework_document() -> Document:
    raw = resources.files("scorecard").joinpath("builtin/framework.yml").read_bytes()
    return load_bytes(raw, "<built-in>/framework.yml")


def _merge(base: dict[str, Any], over: FrameworkOverrides) -> dict[str, Any]:
    merged = {} if over.extends == "none" else json.loads(json.dumps(base, default=str))
    merged.setdefault("pillars", {})
    merged.setdefault("metrics", {})
    merged.setdefault("references", {})
    for key in ("version", "name", "grades", "overall_min_pillars"):
        value = getattr(over, key)
        if value is not None:
            merged[key] = value
    if over.suppression is not None:
        merged["suppression"] = over.suppression.model_dump()
    merged["references"].update(over.references)
    for section in ("pillars", "metrics"):
        for item_id, fields in getattr(over, section).items():
            merged[section][item_id] = {**merged[section].get(item_id, {}), **fields}
    if over.version is None and over.extends == "builtin":
        changed = over.model_dump(exclude_defaults=True, exclude={"extends"})
        if changed:
            merged["version"] = f"{base.get('version', '0')}+project"
    return merged


class _TwoDocs(Document):
    """Positions from the project's framework file where it speaks, else the built-in one."""

    def __init__(self, override: Document, builtin: Document) -> None:
        super().__init__(override.file)
        self.override = override
        self.builtin = builtin
        self.rejected = override.rejected | builtin.rejected

    def finding(
        self, code: str, path: KeyPath, message: str, hint: str = "", *, key: bool = False
    ) -> Finding:
        for doc in (self.override, self.builtin):
            if path in doc.value_at or path in doc.key_at:
                return doc.finding(code, path, message, hint, key=key)
        for cut in range(len(path), 0, -1):
            if path[:cut] in self.override.value_at:
                return self.override.finding(code, path, message, hint, key=key)
        return self.override.finding(code, path, message, hint, key=key)


def check_framework(
    builtin: Document, override: Document | None
) -> tuple[Framework | None, list[Finding]]:
    findings = list(builtin.findings)
    base = builtin.data if isinstance(builtin.data, dict) else {}
    doc: Document = builtin
    data: dict[str, Any] = base
    if override is not None:
        findings += override.findings
        if override.data is None and not override.findings:
            override.data = {}
        over, found = check_model(override, FrameworkOverrides, override.data)
        found += long_texts(override, override.data)
        findings += found
        if over is None:
            return None, findings
        data = _merge(base, over)
        doc = _TwoDocs(override, builtin)
    file, found = check_model(doc, FrameworkFile, data)
    findings += found
    if file is None:
        return None, findings
    findings += _framework_meaning(doc, file)
    if any(f.severity == "error" for f in findings):
        return None, findings
    canonical = json.dumps(file.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    grades = tuple(file.grades.items())
    return (
        Framework(
            version=file.version,
            name=file.name,
            sha256=hashlib.sha256(canonical.encode()).hexdigest(),
            grades=grades,
            min_n_public=file.suppression.min_n_public,
            min_n_internal=file.suppression.min_n_internal,
            overall_min_pillars=file.overall_min_pillars,
            references=dict(file.references),
            pillars=dict(file.pillars),
            metrics=dict(file.metrics),
        ),
        findings,
    )


def _framework_meaning(doc: Document, file: FrameworkFile) -> list[Finding]:
    out: list[Finding] = []
    for pillar_id, pillar in file.pillars.items():
        if not SLUG.fullmatch(pillar_id.replace("_", "-")):
            out.append(
                doc.finding(
                    "SC014",
                    ("pillars", pillar_id),
                    f"pillar id `{pillar_id}` is not a slug",
                    key=True,
                )
            )
        if pillar.weight < 0:
            out.append(doc.finding("SC036", ("pillars", pillar_id, "weight"), "weight is negative"))
    core = [p for p in file.pillars.values() if p.role == "core"]
    if not 1 <= file.overall_min_pillars <= max(len(core), 1):
        out.append(
            doc.finding(
                "SC012",
                ("overall_min_pillars",),
                f"must be between 1 and the {len(core)} core pillars",
            )
        )
    for metric_id, metric in file.metrics.items():
        out += _metric_definition(doc, file, metric_id, metric)
    bands = list(file.grades.values())
    if not bands or any(a <= b for a, b in zip(bands, bands[1:], strict=False)):
        out.append(
            doc.finding(
                "SC037",
                ("grades",),
                "grade bands must go from the highest minimum to the lowest",
                "for example {A: 80, B: 65, C: 50, D: 35, F: 0}",
            )
        )
    s = file.suppression
    if s.min_n_internal < 1 or s.min_n_public < s.min_n_internal:
        out.append(
            doc.finding(
                "SC038",
                ("suppression",),
                f"min_n_internal ({s.min_n_internal}) must be at least 1 and not above "
                f"min_n_public ({s.min_n_public})",
            )
        )
    return out


def _metric_definition(
    doc: Document, file: FrameworkFile, metric_id: str, m: MetricDef
) -> list[Finding]:
    out: list[Finding] = []
    path: KeyPath = ("metrics", metric_id)
    match = METRIC_ID.fullmatch(metric_id)
    if not match or match.group(1) not in file.pillars:
        pillar = metric_id.split(".", 1)[0]
        out.append(
            doc.finding(
                "SC032",
                path,
                f"metric id `{metric_id}` must be `pillar.name` with a known pillar",
                did_you_mean(pillar, file.pillars) if match else "write it as pillar.name",
                key=True,
            )
        )
    if m.weight < 0:
        out.append(doc.finding("SC036", (*path, "weight"), "weight is negative"))
    if m.kind in ("number", "percent"):
        if m.target is None or m.floor is None:
            out.append(
                doc.finding(
                    "SC035",
                    path,
                    f"a {m.kind} metric needs both `target` and `floor`",
                    "target scores 100, floor scores 0",
                )
            )
        elif m.target == m.floor or (m.target > m.floor) != (m.better == "higher"):
            out.append(
                doc.finding(
                    "SC026",
                    (*path, "target"),
                    f"with better: {m.better}, the target ({m.target:g}) must be "
                    f"{'above' if m.better == 'higher' else 'below'} the floor ({m.floor:g})",
                    "swap them, or change `better`",
                )
            )
        if m.kind == "percent":
            for name in ("target", "floor"):
                value = getattr(m, name)
                if value is not None and not 0 <= value <= 100:
                    out.append(
                        doc.finding("SC023", (*path, name), f"{name} {value:g} is not in 0..100")
                    )
    if m.kind == "level" and (m.max is None or m.max < 1):
        out.append(doc.finding("SC035", path, "a level metric needs `max` of at least 1"))
    if m.survey_item and m.kind != "percent":
        out.append(
            doc.finding("SC035", (*path, "survey_item"), "only percent metrics can be survey items")
        )
    return out


# --- institutions --------------------------------------------------------------------------


def check_institution(doc: Document, stem: str) -> tuple[Institution | None, list[Finding]]:
    findings = list(doc.findings)
    if not SLUG.fullmatch(stem):
        findings.append(
            doc.finding(
                "SC043",
                (),
                f"`{stem}` is not a valid institution id",
                "rename the file to lower-case letters, digits and dashes",
            )
        )
    elif stem == "index":  # institutions/index.md lists them all
        findings.append(
            doc.finding(
                "SC043", (), "`index` is reserved for the list of institutions", "rename it"
            )
        )
    if doc.data is None and findings:
        return None, findings
    file, found = check_model(doc, InstitutionFile, doc.data)
    findings += found
    if isinstance(doc.data, dict):
        raw = doc.data
        if isinstance(raw.get("id"), str) and raw["id"] != stem:
            findings.append(
                doc.finding(
                    "SC016",
                    ("id",),
                    f"id `{raw['id']}` disagrees with the file name `{stem}`",
                    "remove `id:` or rename the file",
                )
            )
        if isinstance(raw.get("peer_group"), str) and not SLUG.fullmatch(raw["peer_group"]):
            findings.append(
                doc.finding(
                    "SC014",
                    ("peer_group",),
                    f"peer group `{raw['peer_group']}` is not a lower-case slug",
                    "use letters, digits and dashes, like `academic`",
                )
            )
        findings += _link(doc, ("website",), raw.get("website"))
        findings += long_texts(doc, raw)
    if file is None or any(f.severity == "error" for f in findings):
        return None, findings
    return Institution(stem, doc.file, file), findings


def _link(doc: Document, path: KeyPath, value: Any) -> list[Finding]:
    if isinstance(value, str) and not value.lower().startswith(("https://", "http://")):
        return [
            doc.finding(
                "SC039",
                path,
                f"{_shown(value)} is not a web address",
                "links must start with https:// or http://",
            )
        ]
    return []


# --- audits --------------------------------------------------------------------------------


@dataclass
class AuditContext:
    framework: Framework
    institutions: Collection[str]  # the known institution ids (a set or a mapping)


def check_audit(
    doc: Document, folder: str, stem: str, context: AuditContext
) -> tuple[Audit | None, list[Finding]]:
    findings = list(doc.findings)
    period = parse_period(stem)
    known = context.institutions
    if period is None:
        findings.append(
            doc.finding(
                "SC015",
                (),
                f"`{stem}` is not a period",
                "name audit files by period: 2026-Q3.yml, 2026-H1.yml or 2026.yml",
            )
        )
    if not SLUG.fullmatch(folder):
        findings.append(
            doc.finding("SC043", (), f"folder `{folder}` is not a valid institution id")
        )
    elif folder not in known:
        findings.append(
            doc.finding(
                "SC017",
                (),
                f"no institution `{folder}` in content/institutions/",
                did_you_mean(folder, list(known)) or f"add content/institutions/{folder}.yml",
            )
        )
    if doc.data is None and findings:
        return None, findings
    file, found = check_model(doc, AuditFile, doc.data)
    findings += found
    if isinstance(doc.data, dict):
        findings += _audit_meaning(doc, doc.data, folder, stem, context.framework)
        findings += long_texts(doc, doc.data)
    if file is None or period is None or any(f.severity == "error" for f in findings):
        return None, findings
    return Audit.of(folder, period, doc.file, file), findings


def _audit_meaning(
    doc: Document, raw: dict[str, Any], folder: str, stem: str, framework: Framework
) -> list[Finding]:
    out: list[Finding] = []
    for key, expected in (("institution", folder), ("period", stem)):
        given = raw.get(key)
        if given is not None and given != expected:
            out.append(
                doc.finding(
                    "SC016",
                    (key,),
                    f"{key} {_shown(given)} disagrees with the file's path ({expected})",
                    f"remove `{key}:`; the path says which {key} this is",
                )
            )
    audited, period = raw.get("audited"), parse_period(stem)
    if isinstance(audited, date) and not isinstance(audited, datetime):
        if audited > date.today():
            out.append(
                doc.finding(
                    "SC046",
                    ("audited",),
                    f"audited {audited.isoformat()} is after today",
                    "write the date the audit was carried out",
                )
            )
        elif period is not None and audited < date(period.year, period.start_month, 1):
            out.append(
                doc.finding(
                    "SC047",
                    ("audited",),
                    f"audited {audited.isoformat()} is before {period.label} began",
                    "check the date and the file name",
                )
            )
    source_ids: list[str] = []
    for index, source in enumerate(_items(raw.get("sources"))):
        out += _unique_id(doc, ("sources", index), source, source_ids)
        if isinstance(source, dict):
            invited, responded = source.get("invited"), source.get("responded")
            if _whole(invited) and _whole(responded) and responded > invited:
                out.append(
                    doc.finding(
                        "SC042",
                        ("sources", index, "responded"),
                        f"{responded} responded but only {invited} were invited",
                    )
                )
    metrics = raw.get("metrics")
    if isinstance(metrics, dict):
        for metric_id, entry in metrics.items():
            out += _metric_entry(
                doc, ("metrics", metric_id), metric_id, entry, framework, source_ids
            )
    units = raw.get("units")
    if isinstance(units, dict):
        for unit_id, unit in units.items():
            if not SLUG.fullmatch(unit_id):
                out.append(
                    doc.finding(
                        "SC014",
                        ("units", unit_id),
                        f"unit id `{unit_id}` is not a lower-case slug",
                        "use letters, digits and dashes, like `emergency`",
                        key=True,
                    )
                )
            unit_metrics = unit.get("metrics") if isinstance(unit, dict) else None
            if isinstance(unit_metrics, dict):
                for metric_id, entry in unit_metrics.items():
                    out += _metric_entry(
                        doc,
                        ("units", unit_id, "metrics", metric_id),
                        metric_id,
                        entry,
                        framework,
                        source_ids,
                    )
    action_ids: list[str] = []
    for index, action in enumerate(_items(raw.get("actions"))):
        out += _unique_id(doc, ("actions", index), action, action_ids)
        pillar = action.get("pillar") if isinstance(action, dict) else None
        if isinstance(pillar, str) and pillar not in framework.pillars:
            out.append(
                doc.finding(
                    "SC019",
                    ("actions", index, "pillar"),
                    f"unknown pillar `{pillar}`",
                    did_you_mean(pillar, framework.pillars)
                    or f"one of: {', '.join(framework.pillars)}",
                )
            )
    return out


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _unique_id(doc: Document, path: KeyPath, item: Any, seen: list[str]) -> list[Finding]:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return []
    item_id: str = item["id"]
    out = []
    if not SLUG.fullmatch(item_id):
        out.append(
            doc.finding(
                "SC014",
                (*path, "id"),
                f"id `{item_id}` is not a lower-case slug",
                "use letters, digits and dashes",
            )
        )
    if item_id in seen:
        out.append(doc.finding("SC034", (*path, "id"), f"id `{item_id}` is used twice"))
    seen.append(item_id)
    return out


def _metric_entry(
    doc: Document,
    path: KeyPath,
    metric_id: str,
    entry: Any,
    framework: Framework,
    source_ids: list[str],
) -> list[Finding]:
    metric = framework.metrics.get(metric_id)
    if metric is None:
        pillar = pillar_of(metric_id)
        hint = did_you_mean(metric_id, framework.metrics)
        if not hint and pillar not in framework.pillars:
            hint = did_you_mean(pillar, framework.pillars)
        return [
            doc.finding(
                "SC018",
                path,
                f"unknown metric `{metric_id}`",
                hint or "see the methodology page for the metrics of each pillar",
                key=True,
            )
        ]
    if not isinstance(entry, dict):
        return []
    out: list[Finding] = []
    add: Callable[..., None] = lambda code, sub, msg, hint="": out.append(  # noqa: E731
        doc.finding(code, (*path, *sub), msg, hint)
    )
    # A value the loader rejected (a bad date, .nan) was written, and already reported.
    has_value = entry.get("value") is not None or (*path, "value") in doc.rejected
    has_positive = "positive" in entry
    status = entry.get("status")
    if status is not None and (has_value or has_positive):
        add(
            "SC020",
            ("status",),
            f"status {_shown(status)} and a value are both given",
            "keep the value, or the status",
        )
    elif status is None and not has_value and not has_positive:
        add(
            "SC029",
            (),
            "no value and no status",
            "give `value`, or `positive` and `n`, or {status: not-reported}",
        )
    if has_positive:
        if not metric.survey_item:
            add(
                "SC041",
                ("positive",),
                f"`{metric_id}` is not a survey item, so it takes `value`, not `positive`",
            )
        if has_value:
            add("SC030", ("positive",), "give `positive` and `n`, or `value`, not both")
        if "n" not in entry:
            add("SC030", ("positive",), "`positive` needs `n`, the number of respondents")
    n, positive = entry.get("n"), entry.get("positive")
    if _whole(n) and n < 1:
        add("SC022", ("n",), f"n is {n}; it must be at least 1")
    if _whole(positive):
        if positive < 0:
            add("SC021", ("positive",), f"positive is {positive}; it cannot be negative")
        elif _whole(n) and positive > n:
            add(
                "SC021",
                ("positive",),
                f"positive ({positive}) is more than n ({n})",
                "positive counts favourable answers among the n respondents",
            )
    if entry.get("value") is not None:
        out += _value_kind(doc, (*path, "value"), metric, entry["value"])
    source = entry.get("source")
    if isinstance(source, str) and source not in source_ids:
        out.append(
            doc.finding(
                "SC028",
                (*path, "source"),
                f"source `{source}` is not listed under `sources`",
                did_you_mean(source, source_ids) or "add it to `sources`",
            )
        )
    if status == "not-applicable" and not entry.get("reason"):
        add("SC031", ("status",), "not-applicable without a reason", 'add reason: "…"')
    return out


def _value_kind(doc: Document, path: KeyPath, metric: MetricDef, value: Any) -> list[Finding]:
    if metric.kind == "boolean":
        if not isinstance(value, bool):
            return [
                doc.finding(
                    "SC025",
                    path,
                    f"this metric is a yes/no policy; expected true or false, got {_shown(value)}",
                )
            ]
        return []
    if not _number(value):
        return [
            doc.finding(
                "SC025",
                path,
                f"expected a number, got {_shown(value)}",
                _number_hint(value) or f"this metric is measured in {metric.unit or 'numbers'}",
            )
        ]
    if metric.kind == "percent" and not 0 <= value <= 100:
        return [doc.finding("SC023", path, f"{value:g} is not a percent between 0 and 100")]
    if metric.kind == "level":
        top = metric.max or 0
        if not (float(value).is_integer() and 0 <= value <= top):
            return [
                doc.finding(
                    "SC024",
                    path,
                    f"level {value:g} is not a whole number from 0 to {top}",
                )
            ]
    return []


# --- the whole project ---------------------------------------------------------------------


def validate_project(
    root: Path, audiences: Iterable[Audience] = ()
) -> tuple[Project | None, list[Finding]]:
    """Check every file of the project; the project holds the files that passed.

    ``audiences``: score each audit for these as it is read (on all cores, for large projects),
    so that ``scorecard.audience.score_project`` finds the scores ready.
    """
    if not (root / "content").is_dir():
        return None, [
            Finding(
                "content",
                1,
                1,
                "SC045",
                "",
                f"no content/ folder in {root.resolve()}",
                "run in a scorecard project, pass --project DIR, or start one with scorecard init",
            )
        ]
    files = find_content(root)
    findings: list[Finding] = [
        Finding(display(path, root), 1, 1, "SC009", "", why, "replace it with the file itself")
        for path, why in files.refused
    ]
    for path in files.stray:
        findings.append(
            Finding(
                display(path, root),
                1,
                1,
                "SC033",
                "",
                "file in an unexpected place; it is not read",
                "institutions go in content/institutions/<id>.yml, "
                "audits in content/audits/<institution>/<period>.yml",
            )
        )
    override = (
        load_file(files.framework, display(files.framework, root)) if files.framework else None
    )
    framework, found = check_framework(builtin_framework_document(), override)
    findings += found
    if framework is None:
        return None, sorted(findings)

    institutions: dict[str, Institution] = {}
    known: dict[str, Path] = {}  # each id with a file -> its first file
    for path in files.institutions:
        doc = load_file(path, display(path, root))
        if path.stem in known:
            first = known[path.stem]
            findings.append(
                Finding(
                    doc.file,
                    1,
                    1,
                    "SC034",
                    "",
                    f"a second file for institution `{printable(path.stem)}`",
                    f"already in {display(first, root)}; keep one",
                )
            )
            continue
        known[path.stem] = path
        institution, found = check_institution(doc, path.stem)
        findings += found
        if institution is not None:
            institutions[institution.id] = institution

    from scorecard.audits import Reading, read_audits  # it reads with this module's checks

    publish = {inst_id: inst.data.publish for inst_id, inst in institutions.items()}
    reading = Reading(framework, frozenset(known), publish, tuple(dict.fromkeys(audiences)))
    audits: list[Audit] = []
    shown = [(path, display(path, root)) for path in files.audits]
    for audit, found in read_audits(shown, reading, root):
        findings += found
        if audit is not None and audit.institution in institutions:
            audits.append(audit)
    audits, found = _across_audits(audits)
    findings += found
    audits.sort(key=lambda a: (a.institution, a.period))
    project = Project(root, framework, institutions, audits, sorted(files.pages))
    return project, sorted(findings)


_CADENCES = {3: "quarterly", 6: "half-yearly", 12: "yearly"}


def _across_audits(audits: list[Audit]) -> tuple[list[Audit], list[Finding]]:
    findings: list[Finding] = []
    by_institution: dict[str, list[Audit]] = {}
    for audit in audits:
        by_institution.setdefault(audit.institution, []).append(audit)
    kept: list[Audit] = []
    for group in by_institution.values():
        cadence = Counter(a.period.months for a in group).most_common(1)[0][0]
        seen: dict[str, Audit] = {}
        for audit in sorted(group, key=lambda a: a.file):
            if audit.period.months != cadence:
                findings.append(
                    Finding(
                        audit.file,
                        1,
                        1,
                        "SC027",
                        "",
                        f"{audit.period.label} is {audit.period.cadence}, but this "
                        f"institution's other audits are {_CADENCES[cadence]}",
                        "keep one cadence per institution: quarters, halves or years",
                    )
                )
                continue
            if audit.period.label in seen:
                findings.append(
                    Finding(
                        audit.file,
                        1,
                        1,
                        "SC034",
                        "",
                        f"a second audit for {audit.period.label}",
                        f"already in {seen[audit.period.label].file}",
                    )
                )
                continue
            seen[audit.period.label] = audit
            kept.append(audit)
    return kept, findings

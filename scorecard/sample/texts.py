"""The fixed texts of the sample, kept as data in ``data/``: the names of places, kinds,
regions and auditors, the notes, units and actions in ``texts.yml``, and the site's own files
(``mkdocs.yml`` and the about page, with ``{placeholders}`` for ``str.format``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_DATA = Path(__file__).parent / "data"


def _read_texts() -> dict[str, Any]:
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    texts: dict[str, Any] = yaml.load((_DATA / "texts.yml").read_text(encoding="utf-8"), loader)
    return texts


def _site_file(name: str) -> str:
    """The text of one of the site's own files, ``mkdocs.yml`` or ``about.md``."""
    return (_DATA / name).read_text(encoding="utf-8")


_TEXTS = _read_texts()

_STEMS: tuple[str, ...] = tuple(_TEXTS["place_stems"])
_SUFFIXES: tuple[str, ...] = tuple(_TEXTS["place_suffixes"])
_DENY_PLACES: frozenset[str] = frozenset(_TEXTS["denied_places"])
_MODIFIERS: tuple[str, ...] = tuple(_TEXTS["place_modifiers"])
_DESCRIPTORS: dict[str, tuple[str, ...]] = {
    kind: tuple(names) for kind, names in _TEXTS["descriptors"].items()
}
_REGIONS: tuple[str, ...] = tuple(_TEXTS["regions"])
_AUDITORS: tuple[str, ...] = tuple(_TEXTS["auditors"])
# metric -> (reason, the institution kinds for which it is believable)
_NA_REASONS: dict[str, tuple[str, tuple[str, ...]]] = {
    metric: (entry["reason"], tuple(entry["kinds"]))
    for metric, entry in _TEXTS["not_applicable"].items()
}
# internal notes on a metric, by how the metric is collected ("" for any)
_METRIC_NOTES: dict[str, tuple[str, ...]] = {
    collected: tuple(notes) for collected, notes in _TEXTS["metric_notes"].items()
}
_AUDIT_NOTES: tuple[str, ...] = tuple(_TEXTS["audit_notes"])
# responses to an audit's results, by kind: (target, text)
_RESPONSES: dict[str, tuple[tuple[str, str], ...]] = {
    kind: tuple((target, text) for target, text in items)
    for kind, items in _TEXTS["responses"].items()
}
_UNITS: tuple[tuple[str, str], ...] = tuple(_TEXTS["units"].items())
# who owns an action, by pillar
_OWNERS: dict[str, tuple[str, ...]] = {
    pillar: tuple(owners) for pillar, owners in _TEXTS["owners"].items()
}
_ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    pillar: tuple(actions.items()) for pillar, actions in _TEXTS["actions"].items()
}

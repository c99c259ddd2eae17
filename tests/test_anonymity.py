"""Anonymous institutions in public: stable letters that tell nothing, and nothing else that
tells them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import MakeProject

from scorecard import anonymity
from scorecard.audience import identities
from scorecard.project import open_project

# --- peer letters ------------------------------------------------------------------------------

INSTITUTION = (
    "name: {name}\nkind: community-hospital\nregion: US-VT\npeer_group: g\npublish: {publish}\n"
)
AUDIT = "audited: {date}\nmetrics:\n  admin.ehr_time_per_8h: {{value: 6.0}}\n"
PERIOD_DATES = {"2025-Q1": "2025-04-10", "2025-Q2": "2025-07-10", "2025-Q3": "2025-10-10"}


def peers(make_project: MakeProject, first: dict[str, str], root: str = "project") -> Path:
    files = {}
    for inst_id, period in first.items():
        name = inst_id.replace("-", " ").title()
        files[f"content/institutions/{inst_id}.yml"] = INSTITUTION.format(
            name=name, publish="anonymous"
        )
        files[f"content/audits/{inst_id}/{period}.yml"] = AUDIT.format(date=PERIOD_DATES[period])
        files[f"content/audits/{inst_id}/2025-Q3.yml"] = AUDIT.format(date="2025-10-10")
    return make_project(files, root=root)


def letters_of(root: Path) -> dict[str, str]:
    project, _ = open_project(root)
    assert project is not None
    return {real: ident.name for real, ident in identities(project, "public").items()}


def test_peer_letters_follow_the_first_audited_period(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(anonymity.KEY_ENV, raising=False)
    # ids chosen so that their hashes would put them the other way round
    first = {"zz-late": "2025-Q2", "aa-early": "2025-Q1"}
    root = peers(make_project, first)
    assert letters_of(root) == {"aa-early": "Peer A", "zz-late": "Peer B"}
    # one joining later takes the next letter; the others keep theirs
    root = peers(make_project, {**first, "mm-new": "2025-Q3"}, root="later")
    assert letters_of(root) == {"aa-early": "Peer A", "zz-late": "Peer B", "mm-new": "Peer C"}


def test_ties_are_ordered_by_the_project_key_not_by_the_id_alone(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = peers(make_project, {f"member-{n}": "2025-Q1" for n in range(4)})
    project, _ = open_project(root)
    assert project is not None
    orders = {tuple(anonymity.letter_order(project, f"key-{n}".encode())) for n in range(12)}
    assert len(orders) > 1  # the key decides
    monkeypatch.setenv(anonymity.KEY_ENV, "key-3")
    by_env = anonymity.letter_order(project, anonymity.anonymity_key(root))
    assert by_env == anonymity.letter_order(project, b"key-3")
    monkeypatch.delenv(anonymity.KEY_ENV)
    (root / anonymity.KEY_FILE).write_text("key-5\n", encoding="utf-8")
    assert anonymity.anonymity_key(root) == b"key-5"
    (root / anonymity.KEY_FILE).unlink()
    assert anonymity.anonymity_key(root) is None
    # without a key: reproducible, and not computable from the ids alone (the name counts)
    plain = anonymity.letter_order(project, None)
    assert plain == anonymity.letter_order(project, None)
    renamed = {
        i: type(inst)(inst.id, inst.file, inst.data.model_copy(update={"name": f"Other {i}"}))
        for i, inst in project.institutions.items()
    }
    others = {
        tuple(
            anonymity.letter_order(
                type(project)(
                    project.root,
                    project.framework,
                    {**renamed, i: project.institutions[i]},
                    project.audits,
                ),
                None,
            )
        )
        for i in project.institutions
    }
    assert len(others | {tuple(plain)}) > 1


def test_a_peer_letter_never_takes_a_named_id(make_project: MakeProject) -> None:
    root = peers(make_project, {"hidden": "2025-Q1"})
    (root / "content/institutions/peer-a.yml").write_text(
        INSTITUTION.format(name="Peer A Hospital", publish="named"), encoding="utf-8"
    )
    (root / "content/audits/peer-a").mkdir()
    (root / "content/audits/peer-a/2025-Q3.yml").write_text(
        AUDIT.format(date="2025-10-10"), encoding="utf-8"
    )
    project, _ = open_project(root)
    assert project is not None
    shown = identities(project, "public")
    assert (shown["hidden"].id, shown["peer-a"].id) == ("peer-b", "peer-a")


# --- consent, end to end -------------------------------------------------------------------------

#: Every free text of an anonymous institution, each unique to it.
ANONYMOUS = {
    "name": "Wrenfield Secret Infirmary",
    "website": "https://wrenfield.example.org/",
    "region": "Wrenfield Valley",
    "auditor": "Wrenfield Wellbeing Office",
    "instrument": "Wrenfield Staff Pulse",
    "reason": "Wrenfield has no wards",
    "action": "Wrenfield scribes for all",
    "unit": "Wrenfield Emergency Unit",
    "source": "wrenfield-pulse",
}


def test_nothing_in_the_public_site_tells_an_anonymous_institution(tmp_path: Path) -> None:
    from datetime import date

    from site_helpers import site_texts, write_tree

    from scorecard.site import build_site

    a = ANONYMOUS

    def audit(texts: dict[str, str]) -> dict[str, Any]:
        source = texts["source"]
        return {
            "audited": date(2026, 10, 1),
            "auditor": texts["auditor"],
            "sources": [{"id": source, "kind": "survey", "instrument": texts["instrument"]}],
            "metrics": {
                "admin.ehr_time_per_8h": {"value": 6.0},
                "safety.speak_up": {"positive": 120, "n": 200, "source": source},
                "mission.wellbeing_executive": {
                    "status": "not-applicable",
                    "reason": texts["reason"],
                },
            },
            "units": {"er": {"name": texts["unit"], "visibility": "public", "metrics": {}}},
            "actions": [
                {"id": "x", "pillar": "admin", "title": texts["action"], "status": "planned"}
            ],
        }

    named = {key: value.replace("Wrenfield", "Alderbank").replace("wrenfield", "alderbank")
             for key, value in a.items()}  # fmt: skip
    facts = {"kind": "community-hospital", "peer_group": "community"}
    root = write_tree(
        tmp_path / "project",
        {
            "content/institutions/wrenfield.yml": {
                "name": a["name"], "region": a["region"], "website": a["website"], "beds": 321,
                "publish": "anonymous", **facts,
            },
            "content/institutions/alderbank.yml": {
                "name": "Alderbank Hospital", "region": "US-VT", **facts,
            },
            "content/audits/wrenfield/2026-Q3.yml": audit(a),
            "content/audits/alderbank/2026-Q3.yml": audit(named),
        },
    )  # fmt: skip
    build_site(root, tmp_path / "out", ("public", "internal"))
    public = dict(site_texts(tmp_path / "out" / "public"))
    assert "badges/peer-a.svg" in public and "data/institutions/peer-a.json" in public
    secrets = [*ANONYMOUS.values(), "wrenfield"]
    leaks = [(p, s) for p, text in public.items() for s in secrets if s.lower() in text.lower()]
    assert leaks == []
    assert "321" not in public["data/institutions/peer-a.json"]  # beds
    internal = "\n".join(text for _, text in site_texts(tmp_path / "out" / "internal"))
    assert all(s in internal for s in ANONYMOUS.values() if s != a["source"])

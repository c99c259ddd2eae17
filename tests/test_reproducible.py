"""The same content builds to byte-identical sites: no clock, no random ids, no hash order."""

from __future__ import annotations

import calendar
import gzip
import os
import struct
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import Runner
from test_gate import audit, institution  # tests/ is on sys.path

from scorecard.cli import cli

MKDOCS = """\
site_name: Reproducible
site_url: https://scores.example.org/
theme:
  name: material
  features: [navigation.instant, search.highlight]
plugins:
  - search
"""

PROJECT = {
    "mkdocs.yml": MKDOCS,
    "content/pages/about.md": "# About\n\nA small network.\n",
    "content/institutions/north-valley.yml": institution("North Valley Hospital"),
    "content/institutions/alder-park.yml": institution("Alder Park Hospital", "anonymous"),
    "content/institutions/quarry-lane.yml": institution("Quarry Lane Hospital", "private"),
    "content/audits/north-valley/2025-Q2.yml": audit(0.6, "2025-07-10"),
    "content/audits/north-valley/2025-Q3.yml": audit(0.7, "2025-10-15"),
    "content/audits/alder-park/2025-Q2.yml": audit(0.4, "2025-07-01"),
    "content/audits/alder-park/2025-Q3.yml": audit(0.3, "2025-10-02"),
    "content/audits/quarry-lane/2025-Q3.yml": audit(0.5, "2025-11-20"),  # internal only
}


class _LaterClock(datetime):
    """MkDocs' clock, moved years ahead: a date in the site that came from it would show."""

    @classmethod
    def now(cls, tz: object = None) -> _LaterClock:  # type: ignore[override]
        return cls(2031, 6, 1, 12, 0, tzinfo=UTC)


def write_project(root: Path) -> Path:
    for relative, text in PROJECT.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def files_of(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def build(root: Path, out: Path) -> None:
    result = Runner().invoke(cli, ["build", "--project", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output


def epoch(day: date) -> int:
    return calendar.timegm(day.timetuple())


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The project built three times: here, here again with MkDocs' clock years ahead from a
    copy in another folder, and in a fresh process with another hash seed."""
    base = tmp_path_factory.mktemp("reproducible")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        first = write_project(base / "first")
        build(first, base / "one")
        assert "SOURCE_DATE_EPOCH" not in os.environ  # set for MkDocs only, then restored
        second = write_project(base / "elsewhere" / "second")
        mp.setattr("mkdocs.utils.datetime", _LaterClock)
        build(second, base / "two")
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env["PYTHONHASHSEED"] = "4242"
        subprocess.run(
            [sys.executable, "-m", "scorecard", "build", "--out", str(base / "three")],
            cwd=first, env=env, check=True, capture_output=True,
        )  # fmt: skip
    return base / "one", base / "two", base / "three"


def test_two_builds_are_byte_identical(builds: tuple[Path, Path, Path]) -> None:
    one, two, three = (files_of(site) for site in builds)
    assert {"public/sitemap.xml", "public/sitemap.xml.gz", "public/search/search_index.json",
            "public/data/scores.json", "internal/sitemap.xml"} <= set(one)  # fmt: skip
    assert any(b'class="scorecard-chart"' in content for content in one.values())
    assert "public/institutions/peer-a/index.html" in one  # the anonymous institution
    for other in (two, three):
        assert sorted(other) == sorted(one)
        assert [path for path in one if one[path] != other[path]] == []


def test_sitemap_dates_come_from_the_content(builds: tuple[Path, Path, Path]) -> None:
    one = builds[0]
    # public: the latest audit it shows; internal: the private institution's later one
    for audience, day in (("public", date(2025, 10, 15)), ("internal", date(2025, 11, 20))):
        sitemap = (one / audience / "sitemap.xml").read_text(encoding="utf-8")
        assert f"<lastmod>{day.isoformat()}</lastmod>" in sitemap
        assert "2031" not in sitemap
        raw = (one / audience / "sitemap.xml.gz").read_bytes()
        assert struct.unpack("<I", raw[4:8])[0] == epoch(day)  # the gzip header's time
        assert gzip.decompress(raw).decode("utf-8") == sitemap


def test_source_date_epoch_wins_and_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "project")
    stamp = str(epoch(date(2030, 1, 2)))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", stamp)
    result = Runner().invoke(
        cli, ["build", "--audience", "public", "--project", str(root), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "<lastmod>2030-01-02</lastmod>" in (tmp_path / "public" / "sitemap.xml").read_text()
    assert os.environ["SOURCE_DATE_EPOCH"] == stamp

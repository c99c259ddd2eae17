"""Shared fixtures: a Click runner and a helper that writes a small project tree."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

#: A valid institution, written as content/institutions/north-valley.yml by ``default=True``.
INSTITUTION = """\
name: North Valley General Hospital
kind: community-hospital
region: US-VT
peer_group: community
publish: named
"""

#: A valid audit, written as content/audits/north-valley/2026-Q3.yml by ``default=True``.
AUDIT = """\
audited: 2026-10-15
auditor: Office of Professional Wellbeing
sources:
  - id: wellbeing-survey
    kind: survey
metrics:
  admin.ehr_time_per_8h: {value: 6.0}
  safety.speak_up: {positive: 132, n: 210, source: wellbeing-survey}
  recognition.non_revenue_recognition: {value: true}
"""

MakeProject = Callable[..., Path]


def assert_no_escape(result: Result) -> None:
    """No exception escaped the command: it ended by itself, with an exit code.

    Click's test runner catches an exception that escapes a command, sets exit code 1 and
    leaves no traceback in the output: a crash looks like a clean failure there unless
    ``result.exception`` is checked.
    """
    escaped = result.exception
    if escaped is not None and not isinstance(escaped, SystemExit):
        shown = "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else ""
        raise AssertionError(f"{type(escaped).__name__} escaped the command:\n{shown}")


def assert_clean_exit(result: Result, code: int) -> None:
    """The command ended as it means to, with exit code ``code``, and no exception escaped."""
    assert_no_escape(result)
    assert result.exit_code == code, result.output


class Runner(CliRunner):
    """Click's test runner that fails the test when an exception escapes a command."""

    def invoke(self, *args: Any, **kwargs: Any) -> Result:
        result = super().invoke(*args, **kwargs)
        assert_no_escape(result)
        return result


@pytest.fixture
def runner() -> CliRunner:
    return Runner()


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """``make_project({"content/audits/x/2026.yml": "..."}, default=True)`` -> the project root.

    Text is written exactly as given (bytes too), so a test can put an error on a known line.
    With ``default=True`` a valid institution ``north-valley`` and its 2026-Q3 audit are written
    first; the given files may replace them. ``root`` names a sub-folder of ``tmp_path``, so one
    test can make several projects.
    """

    def make(
        files: Mapping[str, str | bytes] | None = None,
        *,
        default: bool = False,
        root: str = "project",
    ) -> Path:
        base = tmp_path / root
        base.mkdir(parents=True, exist_ok=True)
        tree: dict[str, str | bytes] = {}
        if default:
            tree["content/institutions/north-valley.yml"] = INSTITUTION
            tree["content/audits/north-valley/2026-Q3.yml"] = AUDIT
        tree.update(files or {})
        for relative, text in tree.items():
            path = base / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_bytes(text.encode("utf-8"))
        return base

    return make


@pytest.fixture(autouse=True, scope="session")
def _audit_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Checked audits are cached in a folder of this test session, not the user's own."""
    import os

    os.environ["SCORECARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("audit-cache"))


@dataclass(frozen=True)
class ExampleSite:
    """The example project's two sites, built once for the whole test session."""

    out: Path  # out/public and out/internal
    url: str  # where out/ is served: {url}public/..., {url}internal/...


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExampleSite]:
    """The example project at the repository root, built by `scorecard build` (both audiences)
    with ``site_url`` at the address its public site is served on (Material's instant
    navigation takes over only links of the site at that address), and served on 127.0.0.1.
    Tests that only read it share it; a test that changes it makes its own."""
    from browser import serve_apart
    from site_helpers import build, copy_example

    root = tmp_path_factory.mktemp("example-site")
    with serve_apart(root / "out") as url:
        copy_example(root, site_url=f"{url}public/")
        result = build(root, root / "out", "both")
        assert_clean_exit(result, 0)
        assert "built the public site" in result.output
        assert "built the internal site" in result.output
        yield ExampleSite(root / "out", url)

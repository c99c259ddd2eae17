"""What a newcomer installs: the distribution's name, its version, and the bounds of what it
depends on."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import scorecard

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
#: stubs for the type checker follow the library they describe; they break nothing at run time
UNBOUNDED = {"types-pyyaml"}


def requirements() -> list[Requirement]:
    listed = list(PROJECT["dependencies"])
    for extra in PROJECT["optional-dependencies"].values():
        listed += extra
    return [Requirement(text) for text in listed]


def test_the_distribution_is_hospital_scorecard() -> None:
    assert PROJECT["name"] == scorecard.DISTRIBUTION == "hospital-scorecard"
    assert PROJECT["scripts"] == {"scorecard": "scorecard.cli:main"}
    assert importlib.metadata.version("hospital-scorecard") == scorecard.__version__
    assert scorecard.installed_version() == scorecard.__version__


@pytest.mark.parametrize("requirement", requirements(), ids=str)
def test_every_dependency_stops_below_its_next_major_release(requirement: Requirement) -> None:
    if requirement.name.lower() in UNBOUNDED:
        return
    uppers = [s for s in requirement.specifier if s.operator in ("<", "<=")]
    assert uppers, f"{requirement} has no upper bound"
    (lower,) = [s for s in requirement.specifier if s.operator == ">="]
    assert requirement.specifier.contains(lower.version)


def test_the_bounds_admit_what_is_installed() -> None:
    """The versions this test run has (a fresh install's newest) lie inside the bounds."""
    for requirement in requirements():
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - an extra left out
            continue
        assert requirement.specifier.contains(installed, prereleases=True), (
            requirement,
            installed,
        )


def test_mkdocs_2_and_its_pre_releases_are_out() -> None:
    (mkdocs,) = [r for r in requirements() if r.name == "mkdocs"]
    assert not mkdocs.specifier.contains("2.0.dev6", prereleases=True)
    assert not mkdocs.specifier.contains("2.0", prereleases=True)
    assert mkdocs.specifier.contains("1.6.1")


def test_install_hints_name_the_distribution() -> None:
    """No message or page tells a user to install the unrelated `scorecard` of the index."""
    wrong = re.compile(r"pip install\s+(-U\s+)?['\"]?scorecard\b(?!-)|['\"]scorecard\[")
    texts = [REPO / "README.md", *sorted((REPO / "scorecard").rglob("*.py"))]
    texts += sorted((REPO / "scorecard" / "templates").rglob("*.j2"))
    found = [
        f"{path.relative_to(REPO)}:{n}"
        for path in texts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if wrong.search(line)
    ]
    assert found == []


def _commands(readme: str) -> list[str]:
    """The README's `sh` blocks, in order."""
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", readme, re.S)]


def test_the_readme_starts_in_a_virtual_environment_and_then_tests() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first, tests = _commands(readme)[:2]
    assert first == (
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && scorecard build"
    )
    assert tests == 'pip install -e ".[test]" && python -m pytest'
    assert "Python 3.11 or newer" in " ".join(readme.split())
    assert PROJECT["requires-python"] == ">=3.11"


def test_ci_runs_the_readme_commands_in_a_new_virtual_environment() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first, tests = _commands(readme)[:2]
    lines = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    assert tests in lines
    install = first.split(" && ", 2)[2]  # after making and entering .venv
    assert install in lines
    made = lines.index("python3 -m venv .ci-venv")
    assert lines.index("rm -rf .ci-venv") < made < lines.index(". .ci-venv/bin/activate")
    assert lines.index(". .ci-venv/bin/activate") < lines.index(install) < lines.index(tests)
    for check in ("ruff check .", "ruff format --check .", "mypy scorecard"):
        assert lines.index(check) < lines.index(tests)
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {".venv/", ".ci-venv/"} <= set(ignored)

"""`scorecard serve`: the preview rebuilds when content changes, and serves the new page."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner
from conftest import MakeProject, assert_clean_exit

from scorecard.cli import _preview_build, cli
from scorecard.preview import serve_preview

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return str(response.read().decode("utf-8"))


def _wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


@contextmanager
def _serving(root: Path, rebuild: Callable[[], bool]) -> Iterator[tuple[str, list[str]]]:
    """The preview of ``root`` in a thread: (its address, the messages it printed so far)."""
    port = _free_port()
    stop = threading.Event()
    messages: list[str] = []
    thread = threading.Thread(
        target=serve_preview,
        kwargs={
            "root": root,
            "audience": "public",
            "host": "127.0.0.1",
            "port": port,
            "rebuild": rebuild,
            "echo": messages.append,
            "poll": 0.05,
            "stop": stop,
        },
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/public/", messages
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def _copy_of_the_example(tmp_path: Path, institutions: int = 3) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "content", project / "content")
    for audits in sorted((project / "content" / "audits").iterdir())[institutions:]:
        shutil.rmtree(audits)
        (project / "content" / "institutions" / f"{audits.name}.yml").unlink()
    return project


def test_serve_rebuilds_when_an_institution_changes(tmp_path: Path) -> None:
    project = _copy_of_the_example(tmp_path)
    institution = sorted((project / "content" / "institutions").glob("*.yml"))[0]
    with _serving(project, lambda: _preview_build(project, "public")) as (base, messages):
        page = f"{base}institutions/{institution.stem}/"
        # Served only once the first build is done, and watched from before it started.
        assert _wait_for(lambda: "Overall" in _fetch(page), 120), messages
        assert messages == [f"serving the public site on {base}"]
        text = institution.read_text(encoding="utf-8")
        old_name = next(
            line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("name:")
        )
        institution.write_text(text.replace(old_name, "Renamed Fictional Infirmary"), "utf-8")
        assert _wait_for(lambda: "rebuilt" in messages, 120), messages
        assert "Renamed Fictional Infirmary" in _fetch(page)
        assert messages[1] == "change seen; rebuilding"


def _fake_site(root: Path, source: Path) -> Callable[[], bool]:
    """A build in a few milliseconds: the site's home page is ``source``'s text."""

    def rebuild() -> bool:
        site = root / "site" / ".preview" / "public"
        site.mkdir(parents=True, exist_ok=True)
        (site / "index.html").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        return True

    return rebuild


def test_a_file_saved_during_the_first_build_is_rebuilt(tmp_path: Path) -> None:
    """The first build takes a while; a file saved meanwhile, or before the site is first
    served, is seen: the sources are watched from before the first build."""
    (tmp_path / "content").mkdir()
    source = tmp_path / "content" / "page.yml"
    source.write_text("first", encoding="utf-8")
    build = _fake_site(tmp_path, source)
    builds = 0

    def rebuild() -> bool:
        nonlocal builds
        builds += 1
        done = build()
        if builds == 1:
            source.write_text("saved during the first build", encoding="utf-8")
        return done

    with _serving(tmp_path, rebuild) as (base, messages):
        assert _wait_for(lambda: _fetch(base) == "saved during the first build", 30), messages
        assert builds == 2


def test_every_save_is_served_in_turn(tmp_path: Path) -> None:
    """Quick saves of the same size, in the same second: each one is seen."""
    (tmp_path / "content").mkdir()
    source = tmp_path / "content" / "page.yml"
    source.write_text("version 0", encoding="utf-8")
    with _serving(tmp_path, _fake_site(tmp_path, source)) as (base, messages):
        assert _wait_for(lambda: _fetch(base) == "version 0", 30), messages
        for n in range(1, 4):
            source.write_text(f"version {n}", encoding="utf-8")
            assert _wait_for(lambda n=n: _fetch(base) == f"version {n}", 30), (n, messages)


def test_a_port_in_use_is_a_clean_error(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(default=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--project", str(root), "--port", str(port)])
    assert_clean_exit(result, 1)
    assert f"cannot serve on 127.0.0.1:{port}" in result.output
    assert not (root / "site").exists()  # it said so before building

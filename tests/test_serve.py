"""`scorecard serve`: the preview rebuilds when content changes, and serves the new page; the
browser reloads it, and shows why a rebuild failed."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from browser import browser_page  # tests/ is on sys.path (no __init__.py)
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import MakeProject, assert_clean_exit

from scorecard.cli import _preview_build, cli
from scorecard.preview import BUILD_COUNTER, BuildFailed, Rebuilt, serve_preview

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
def _serving(root: Path, rebuild: Callable[[], Rebuilt]) -> Iterator[tuple[str, list[str]]]:
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
        yield f"http://127.0.0.1:{port}/", messages
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


def _get(url: str) -> tuple[int, str]:
    """The status and text of ``url``, a page that says the build failed too."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return int(response.status), response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def _heading(text: str) -> str:
    found = BeautifulSoup(text, "html.parser").select_one("h1")
    return " ".join(found.get_text(" ").replace("\u00b6", "").split()) if found else ""


def test_the_root_is_the_site_and_a_failed_rebuild_shows_its_findings(tmp_path: Path) -> None:
    project = _copy_of_the_example(tmp_path)
    audit = sorted((project / "content" / "audits").glob("*/*.yml"))[-1]
    text = audit.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "  safety.speak_up:" in t)
    with _serving(project, lambda: _preview_build(project, "public")) as (base, messages):
        assert _wait_for(lambda: _get(base)[0] == 200, 120), messages
        status, home = _get(base)
        assert _heading(home) == "Overview"  # the site's home page, not a folder's listing
        assert BeautifulSoup(home, "html.parser").select_one(".md-header") is not None
        assert ".lock" not in home and "Directory listing" not in home
        assert _get(f"{base}public/institutions/")[1] == _get(f"{base}institutions/")[1]
        page = f"{base}institutions/{audit.parent.name}/"
        assert _get(page)[0] == 200

        # a typo in a metric id: every page says why the build failed, where, escaped
        audit.write_text(text.replace("  safety.speak_up:", "  safety.speak_upp:", 1), "utf-8")
        assert _wait_for(lambda: _get(page)[0] == 500, 120), messages
        assert messages[-1] == "rebuild failed; the browser shows why"
        for address in (base, page, f"{base}pillars/safety/"):
            status, shown = _get(address)
            assert status == 500
            failed = BeautifulSoup(shown, "html.parser")
            assert _heading(shown) == "The site could not be built"
            (finding,) = [li.get_text() for li in failed.select("main li")]
            where = f"content/audits/{audit.parent.name}/{audit.name}:{line}:"
            assert finding.startswith(where), finding
            assert "safety.speak_upp" in finding and "did you mean `safety.speak_up`" in finding
            assert failed.select_one(".md-header") is None  # the page, in place of the site
        assert _get(f"{base}assets/scorecard-site.css")[0] == 200  # files other than pages

        # fixed: the site is back
        audit.write_text(text, encoding="utf-8")
        assert _wait_for(lambda: _get(page)[0] == 200, 120), messages
        assert messages[-1] == "rebuilt"
        assert _heading(_get(page)[1]) != "The site could not be built"
        # the reload script is the server's: the built site has none
        built = project / "site" / ".preview" / "public"
        assert "scorecard serve" in _get(page)[1]
        assert [p for p in built.rglob("*.html") if "scorecard serve" in p.read_text("utf-8")] == []


def test_a_failure_page_holds_text_never_markup(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    hostile = 'content/x.yml:1:1: error[SC001] <script>alert(1)</script> & "<b>"'
    failed = BuildFailed("failed <img src=x onerror=alert(1)>", [hostile])
    with _serving(tmp_path, lambda: failed) as (base, messages):
        assert _wait_for(lambda: _get(base)[0] == 500, 30), messages
        shown = BeautifulSoup(_get(base)[1], "html.parser")
        assert shown.select("main script, main img, main b") == []
        assert [li.get_text() for li in shown.select("main li")] == [hostile]
        assert "failed <img src=x onerror=alert(1)>" in shown.select_one("main p").get_text()


def test_a_page_open_in_chromium_reloads_after_a_rebuild(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    source = tmp_path / "content" / "page.yml"
    source.write_text("version 0", encoding="utf-8")
    site = tmp_path / "site" / ".preview" / "public"

    def rebuild() -> Rebuilt:
        words = source.read_text(encoding="utf-8")
        if "broken" in words:
            return BuildFailed("1 error", [f"content/page.yml:1:1: error[SC001] {words}"])
        site.mkdir(parents=True, exist_ok=True)
        page = f"<!doctype html><html><body><p id=v>{words}</p></body></html>"
        (site / "index.html").write_text(page, encoding="utf-8")
        return True

    with _serving(tmp_path, rebuild) as (base, messages), browser_page() as session:
        page = session.page
        assert _wait_for(lambda: "version 0" in _fetch(base), 30), messages
        page.goto(base)
        assert page.locator("#v").inner_text() == "version 0"
        page.evaluate("window.__stillHere = true")
        source.write_text("version 1", encoding="utf-8")
        page.wait_for_function("document.getElementById('v')?.textContent === 'version 1'")
        assert page.evaluate("window.__stillHere === undefined")  # reloaded, by itself
        source.write_text("broken here", encoding="utf-8")
        page.get_by_text("The site could not be built").wait_for()
        assert page.locator("main li").inner_text().endswith("broken here")
        source.write_text("version 2", encoding="utf-8")
        page.wait_for_function("document.getElementById('v')?.textContent === 'version 2'")
        assert int(_fetch(base.rstrip("/") + BUILD_COUNTER)) == 4
        # (the console tells of the failure page's status, 500, and of a missing favicon)
        assert session.page_errors == [] and session.external_requests == []

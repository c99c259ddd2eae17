"""`scorecard serve`: the preview rebuilds when content changes, and serves the new page."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.request
from pathlib import Path

from scorecard.cli import _preview_build
from scorecard.preview import serve_preview

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return str(response.read().decode("utf-8"))


def _wait_for(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():  # type: ignore[operator]
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def test_serve_rebuilds_when_an_institution_changes(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "content", project / "content")
    for audits in sorted((project / "content" / "audits").iterdir())[3:]:
        shutil.rmtree(audits)
        (project / "content" / "institutions" / f"{audits.name}.yml").unlink()
    institution = sorted((project / "content" / "institutions").glob("*.yml"))[0]
    port = _free_port()
    stop = threading.Event()
    messages: list[str] = []
    thread = threading.Thread(
        target=serve_preview,
        kwargs={
            "root": project,
            "audience": "public",
            "host": "127.0.0.1",
            "port": port,
            "rebuild": lambda: _preview_build(project, "public"),
            "echo": messages.append,
            "poll": 0.2,
            "stop": stop,
        },
        daemon=True,
    )
    thread.start()
    try:
        page = f"http://127.0.0.1:{port}/public/institutions/{institution.stem}/"
        assert _wait_for(lambda: "Overall" in _fetch(page), 60), messages
        text = institution.read_text(encoding="utf-8")
        old_name = next(
            line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("name:")
        )
        institution.write_text(text.replace(old_name, "Renamed Fictional Infirmary"), "utf-8")
        assert _wait_for(lambda: "Renamed Fictional Infirmary" in _fetch(page), 60), messages
        assert any("rebuil" in m for m in messages)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()

"""``scorecard serve``: build, serve on a local address, rebuild when a source changes."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from scorecard.model import Audience

WATCHED = ("content", "site_templates", "mkdocs.yml", "mkdocs.yaml")


class _Changes(FileSystemEventHandler):
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.changed = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        path = Path(str(event.src_path)).resolve()
        try:
            first = path.relative_to(self.root).parts[0]
        except (ValueError, IndexError):
            return
        if first in WATCHED and event.event_type in ("created", "modified", "deleted", "moved"):
            self.changed.set()


class PreviewError(Exception):
    """The preview cannot start: its address cannot be served, or the project watched."""


def serve_preview(
    root: Path,
    audience: Audience,
    *,
    host: str,
    port: int,
    rebuild: Callable[[], bool],
    echo: Callable[[str], None],
    poll: float = 0.5,
    stop: threading.Event | None = None,
) -> None:
    """Serve ``site/.preview/<audience>`` and rebuild it on every change until interrupted.

    The sources are watched from before the first build: a file saved while it runs, or as
    the site is first served, is seen and rebuilt, never lost between the build and the watch.
    """
    site = root / "site" / ".preview" / audience
    handler = functools.partial(_QuietHandler, directory=str(site.parent))
    try:  # before the first build, which takes a while: a port in use says so at once
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as err:
        raise PreviewError(
            f"cannot serve on {host}:{port}: {err.strerror or err}; choose another --port"
        ) from err
    changes = _Changes(root)
    observer = Observer()
    observer.schedule(changes, str(root), recursive=False)  # mkdocs.yml
    for folder in ("content", "site_templates"):
        if (root / folder).is_dir():
            observer.schedule(changes, str(root / folder), recursive=True)
    stop = stop or threading.Event()
    serving: threading.Thread | None = None
    try:
        try:
            observer.start()
        except OSError as err:  # e.g. the system's limit on watched folders
            raise PreviewError(f"cannot watch the project for changes: {err}") from err
        rebuild()
        site.mkdir(parents=True, exist_ok=True)
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        echo(f"serving the {audience} site on http://{host}:{server.server_port}/{audience}/")
        while not stop.is_set():
            if changes.changed.wait(poll):
                time.sleep(0.2)  # let an editor finish writing
                changes.changed.clear()
                echo("change seen; rebuilding")
                if rebuild():
                    echo("rebuilt")
    except KeyboardInterrupt:
        pass
    finally:
        if observer.is_alive():
            observer.stop()
            observer.join()
        if serving is not None:
            server.shutdown()  # waits for serve_forever, so only once it runs
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

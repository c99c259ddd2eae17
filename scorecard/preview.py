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
    """Serve ``site/.preview/<audience>`` and rebuild it on every change until interrupted."""
    site = root / "site" / ".preview" / audience
    rebuild()
    site.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietHandler, directory=str(site.parent))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    echo(f"serving the {audience} site on http://{host}:{server.server_port}/{audience}/")
    changes = _Changes(root)
    observer = Observer()
    observer.schedule(changes, str(root), recursive=False)  # mkdocs.yml
    for folder in ("content", "site_templates"):
        if (root / folder).is_dir():
            observer.schedule(changes, str(root / folder), recursive=True)
    observer.start()
    stop = stop or threading.Event()
    try:
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
        observer.stop()
        observer.join()
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

"""``scorecard serve``: build, serve on a local address, rebuild when a source changes.

The site is served from the address's root. Each page served gets a small script (never
written into the built site) that asks `BUILD_COUNTER` how many builds have finished and
reloads the page when another one has; while the last build failed, every page is replaced
by one that lists its findings, until the next good build.
"""

from __future__ import annotations

import functools
import html
import http.server
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from scorecard.model import Audience

WATCHED = ("content", "site_templates", "mkdocs.yml", "mkdocs.yaml")
#: The address where a served page asks how many builds have finished (plain text).
BUILD_COUNTER = "/.scorecard/build"


@dataclass(frozen=True)
class BuildFailed:
    """A build that failed: what it says, and its findings, each a ``file:line:col: …`` line."""

    message: str
    findings: list[str] = field(default_factory=list)


#: What a rebuild gives: True when it built the site; else False, or why (`BuildFailed`).
Rebuilt = bool | BuildFailed


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


class _Builds:
    """How many builds have finished, and why the last one failed, if it did."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self.failed: BuildFailed | None = None

    def finished(self, rebuilt: Rebuilt) -> None:
        if rebuilt is False:
            rebuilt = BuildFailed(
                "The build failed; the terminal that runs scorecard serve says why."
            )
        with self._lock:
            self.count += 1
            self.failed = None if rebuilt is True else rebuilt

    def now(self) -> tuple[int, BuildFailed | None]:
        with self._lock:
            return self.count, self.failed


def serve_preview(
    root: Path,
    audience: Audience,
    *,
    host: str,
    port: int,
    rebuild: Callable[[], Rebuilt],
    echo: Callable[[str], None],
    poll: float = 0.5,
    stop: threading.Event | None = None,
) -> None:
    """Serve ``site/.preview/<audience>`` and rebuild it on every change until interrupted.

    The sources are watched from before the first build: a file saved while it runs, or as
    the site is first served, is seen and rebuilt, never lost between the build and the watch.
    """
    site = root / "site" / ".preview" / audience
    builds = _Builds()
    handler = functools.partial(
        _PreviewHandler, directory=str(site), builds=builds, audience=audience
    )
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
        builds.finished(rebuild())
        site.mkdir(parents=True, exist_ok=True)
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        echo(f"serving the {audience} site on http://{host}:{server.server_port}/")
        while not stop.is_set():
            if changes.changed.wait(poll):
                time.sleep(0.2)  # let an editor finish writing
                changes.changed.clear()
                echo("change seen; rebuilding")
                rebuilt = rebuild()
                builds.finished(rebuilt)
                echo("rebuilt" if rebuilt is True else "rebuild failed; the browser shows why")
    except KeyboardInterrupt:
        pass
    finally:
        if observer.is_alive():
            observer.stop()
            observer.join()
        if serving is not None:
            server.shutdown()  # waits for serve_forever, so only once it runs
        server.server_close()


def reload_script(build: int) -> str:
    """The script a served page gets: it reloads the page once a build after ``build`` has
    finished (instant navigation keeps the first page's script running)."""
    return (
        "<script>/* scorecard serve: reloads the page after each rebuild */"
        "(function () { if (window.scorecardPreview) return; window.scorecardPreview = true;"
        f" var built = {int(build)};"
        " function check() {"
        f' fetch("{BUILD_COUNTER}", {{cache: "no-store"}})'
        " .then(function (r) { return r.text(); })"
        " .then(function (t) { if (Number(t) !== built) location.reload();"
        " else setTimeout(check, 500); }, function () { setTimeout(check, 2000); }); }"
        " setTimeout(check, 500); })();</script>"
    )


def failure_page(failed: BuildFailed, build: int) -> str:
    """The page served in place of every page while the last build failed."""
    findings = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in failed.findings)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>The build failed - scorecard serve</title><style>"
        "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem;color:#1f2328;background:#fff}"
        "h1{color:#a40e26;font-size:1.6rem}ul{padding-left:1.2rem}"
        "li{margin:.5rem 0}code{white-space:pre-wrap;word-break:break-word}"
        "@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}"
        "h1{color:#ff8182}}</style></head><body><main>"
        "<h1>The site could not be built</h1>"
        f"<p>{html.escape(failed.message)}</p>"
        + (f"<ul>{findings}</ul>" if findings else "")
        + "<p>Fix what is named above and save: this page goes back to the site by itself "
        "after the next build that succeeds.</p></main>"
        f"{reload_script(build)}</body></html>\n"
    )


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """The built site, its pages with `reload_script`, or `failure_page` in their place."""

    def __init__(self, *args: Any, builds: _Builds, audience: Audience, **kwargs: Any) -> None:
        self.builds = builds
        self.audience = audience
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if not self._answered():
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if not self._answered(head=True):
            super().do_HEAD()

    def _answered(self, *, head: bool = False) -> bool:
        """Answer what the plain file server would not: the build counter, an address of
        before (``/<audience>/…``), and pages. False: the file server answers."""
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        count, failed = self.builds.now()
        if path == BUILD_COUNTER:
            self._send(200, "text/plain; charset=utf-8", str(count).encode(), head)
            return True
        old = f"/{self.audience}/"
        if (path + "/").startswith(old) and not Path(self.translate_path(old)).exists():
            self.send_response(301)
            moved = path.removeprefix(old[:-1]) or "/"
            self.send_header("Location", moved + (f"?{parts.query}" if parts.query else ""))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not path.endswith("/"):
                return False  # the file server sends the address with a "/"
            target = target / "index.html"
        if target.suffix != ".html" and (target.suffix or target.exists()):
            return False  # a file other than a page: as it is
        if failed is not None:
            self._send(500, "text/html; charset=utf-8", failure_page(failed, count).encode(), head)
            return True
        status = 200
        if not target.is_file():
            status, target = 404, Path(self.translate_path("/404.html"))
            if not target.is_file():
                return False
        page = target.read_text(encoding="utf-8", errors="replace")
        at = page.rfind("</body>")
        if at != -1:
            page = page[:at] + reload_script(count) + page[at:]
        self._send(status, "text/html; charset=utf-8", page.encode("utf-8"), head)
        return True

    def _send(self, status: int, kind: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

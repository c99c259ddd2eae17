"""Helpers for tests that look at a built site in a real browser (Debian's Chromium).

`serve(folder)` serves a folder over HTTP on 127.0.0.1; `browser_page()` gives a Playwright page
whose console errors, page errors, dialogs (alert, confirm) and requests that left 127.0.0.1 are
recorded.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Dialog, Page, Request

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextmanager
def serve(directory: Path | str) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 on a free port; yields the base URL, ending with "/"."""
    with serve_with(functools.partial(_QuietHandler, directory=str(directory))) as url:
        yield url


@contextmanager
def serve_with(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve with `handler` on 127.0.0.1 on a free port; yields the base URL, ending with "/"."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


_SERVER = """
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


@contextmanager
def serve_apart(directory: Path | str) -> Iterator[str]:
    """`serve`, from a process of its own: no thread runs in this one meanwhile, so that the
    builds the tests make here still work on every core (`scorecard.parallel.can_fork`)."""
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(directory)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()


@dataclass
class Session:
    """A browser page and what happened on it."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [*self.console_errors, *self.page_errors, *self.external_requests, *self.dialogs]


@contextmanager
def browser_page(*, width: int = 1280, height: int = 900) -> Iterator[Session]:
    """A fresh Chromium profile and page; skips the test when Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="scorecard-chromium-") as profile:
        with sync_playwright() as playwright:
            # launch() refuses --user-data-dir; a persistent context takes the fresh folder.
            context = playwright.chromium.launch_persistent_context(
                user_data_dir=profile,
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": width, "height": height},
                service_workers="block",
            )
            try:
                page = context.pages[0] if context.pages else context.new_page()
                session = Session(page)

                def on_console(message: ConsoleMessage) -> None:
                    if message.type == "error":
                        session.console_errors.append(f"console: {message.text}")

                def on_request(request: Request) -> None:
                    parts = urlsplit(request.url)
                    if parts.scheme in {"http", "https", "ws", "wss"}:
                        if parts.hostname not in LOCAL_HOSTS:
                            session.external_requests.append(request.url)

                def on_dialog(dialog: Dialog) -> None:
                    session.dialogs.append(f"dialog: {dialog.type} {dialog.message}")
                    dialog.dismiss()

                page.on("console", on_console)
                page.on("dialog", on_dialog)
                page.on("pageerror", lambda error: session.page_errors.append(f"page: {error}"))
                context.on("request", on_request)
                yield session
            finally:
                context.close()

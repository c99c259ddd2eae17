"""The files a site ships besides its pages, each once: the charts' runtime, the tables'
script and the site's style sheet. The scripts and style sheets are files of the package
(``scorecard/assets/``), at the same path there as in the site's docs folder (`asset`).

The runtime (`runtime_files()`) is the Vega bundle, the script that draws every
`.scorecard-chart` element (on load, after Material's instant navigation, and again when the
palette changes) and the charts' style sheet; `RUNTIME_JAVASCRIPT` and `RUNTIME_CSS` are the
matching `extra_javascript` and `extra_css` entries. The bundle is made by vl-convert, in a
forked process while the build validates (`start_runtime`), and kept in the cache folder.
"""

from __future__ import annotations

import functools
import zlib
from importlib import resources
from pathlib import PurePosixPath

import altair as alt
import vl_convert

from scorecard import cache
from scorecard.parallel import background_result, start_in_background

TABLES_JS = "assets/scorecard-tables.js"
SITE_CSS = "assets/scorecard-site.css"
COMPARE_JS = "assets/scorecard-compare.js"
COMPARE_CSS = "assets/scorecard-compare.css"
#: Runs the theme's search worker in pages opened from files; shipped by offline builds only.
WORKER_SHIM = "assets/iframe-worker-shim.js"
RUNTIME_VEGA = "assets/scorecard-vega.js"
RUNTIME_SCRIPT = "assets/scorecard-charts.js"
RUNTIME_STYLE = "assets/scorecard.css"
# Classic scripts, in this order, at the end of <body> (MkDocs' extra_javascript entries).
RUNTIME_JAVASCRIPT: list[dict[str, str]] = [
    {"path": RUNTIME_VEGA, "type": "text/javascript"},
    {"path": RUNTIME_SCRIPT, "type": "text/javascript"},
]
RUNTIME_CSS: list[str] = [RUNTIME_STYLE]
#: The script vl-convert bundles Vega, Vega-Lite and vega-embed for: it makes them globals.
VEGA_EXPORTS = "assets/vega-exports.js"


def asset(path: str) -> bytes:
    """A file of the package's ``assets`` folder, by its path in a site's docs folder
    (``assets/<name>``)."""
    return resources.files("scorecard").joinpath(*PurePosixPath(path).parts).read_bytes()


def asset_text(path: str) -> str:
    """The text of `asset`."""
    return asset(path).decode("utf-8")


def _vega_lite_version() -> str | None:
    """The bundle's Vega-Lite minor version, matching the schema Altair writes (v6.4.1 -> 6.4)."""
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vl_convert.get_vegalite_versions() else None


def _bundle_name(version: str | None) -> str:
    made_by = getattr(vl_convert, "__version__", "")
    return f"vega-{made_by}-{version}-{zlib.crc32(asset(VEGA_EXPORTS))}.js"


def _make_bundle(version: str | None) -> str:
    return vl_convert.javascript_bundle(asset_text(VEGA_EXPORTS), vl_version=version)


def start_runtime() -> None:
    """Begin making the Vega bundle in another process when the cache folder has none, so
    that pages render meanwhile on another core: making it takes a second or two (and holds
    Python's lock, so a thread would not do). Where processes cannot be forked, the bundle is
    made when asked for."""
    version = _vega_lite_version()
    if _made_runtime.cache_info().currsize:
        return
    if cache.fetch(_bundle_name(version), lambda handle: True):
        return
    start_in_background(_bundle_name(version), functools.partial(_bundle_made, version))


def _bundle_made(version: str | None) -> bytes | None:
    bundle = _make_bundle(version).encode("utf-8")  # on failure, nothing: the build makes it
    if cache.cache_folder() is not None:
        # Kept, and this process ends now rather than wait for the build to ask: a forked
        # process holds on to the memory it shares with the build as the build changes it.
        cache.keep(_bundle_name(version), lambda handle: handle.write(bundle))
        return None
    return bundle


def _bundle(version: str | None) -> str:
    """Vega, Vega-Lite and vega-embed as one script; made once per version of vl-convert and
    kept in the cache folder, since making it takes a second or two."""
    name = _bundle_name(version)
    sent = background_result(name)  # the process started while validating, if any
    if sent is not None:
        return sent.decode("utf-8")
    kept = cache.fetch(name, lambda handle: handle.read().decode("utf-8"))
    if kept is not None:
        return kept
    bundle = _make_bundle(version)
    cache.keep(name, lambda handle: handle.write(bundle.encode("utf-8")))
    return bundle


def _runtime() -> tuple[tuple[str, bytes], ...]:
    return _made_runtime()


@functools.lru_cache(maxsize=1)
def _made_runtime() -> tuple[tuple[str, bytes], ...]:
    version = _vega_lite_version()
    bundle = _bundle(version)
    header = (
        f"/*! Vega {vl_convert.get_vega_version()}, Vega-Lite {version or 'latest'}, vega-embed "
        f"{vl_convert.get_vega_embed_version()} (BSD-3-Clause, the Vega project), bundled by "
        f"vl-convert-python {getattr(vl_convert, '__version__', '')}. Wrapped as a classic "
        "script: module scripts do not load from file:// pages. */\n"
    )
    wrapped = f'{header}(function () {{\n"use strict";\n{bundle}\n}})();\n'
    return (
        (RUNTIME_VEGA, wrapped.encode()),
        (RUNTIME_SCRIPT, asset(RUNTIME_SCRIPT)),
        (RUNTIME_STYLE, asset(RUNTIME_STYLE)),
    )


def runtime_files() -> dict[str, bytes]:
    """The files every site with charts ships once, by path under the docs folder."""
    return dict(_runtime())


def site_files() -> dict[str, bytes]:
    """Every file a site ships from here, by path under the docs folder."""
    shipped = (TABLES_JS, SITE_CSS, COMPARE_JS, COMPARE_CSS)
    return {**runtime_files(), **{path: asset(path) for path in shipped}}

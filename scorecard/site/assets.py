"""The files a site ships besides its pages, each once: the charts' runtime, the tables'
script and the site's style sheet.

The runtime (`runtime_files()`) is the Vega bundle, the script that draws every
`.scorecard-chart` element (on load, after Material's instant navigation, and again when the
palette changes) and the charts' style sheet; `RUNTIME_JAVASCRIPT` and `RUNTIME_CSS` are the
matching `extra_javascript` and `extra_css` entries. The bundle is made by vl-convert, in a
forked process while the build validates (`start_runtime`), and kept in the cache folder.
"""

from __future__ import annotations

import functools
import multiprocessing
import zlib
from multiprocessing.connection import Connection

import altair as alt
import vl_convert

from scorecard import cache
from scorecard.apart import can_fork

TABLES_JS = "assets/scorecard-tables.js"
SITE_CSS = "assets/scorecard-site.css"
RUNTIME_VEGA = "assets/scorecard-vega.js"
RUNTIME_SCRIPT = "assets/scorecard-charts.js"
RUNTIME_STYLE = "assets/scorecard.css"
# Classic scripts, in this order, at the end of <body> (MkDocs' extra_javascript entries).
RUNTIME_JAVASCRIPT: list[dict[str, str]] = [
    {"path": RUNTIME_VEGA, "type": "text/javascript"},
    {"path": RUNTIME_SCRIPT, "type": "text/javascript"},
]
RUNTIME_CSS: list[str] = [RUNTIME_STYLE]


_SCRIPT = r"""/* scorecard: draws every .scorecard-chart from its data-spec with vega-embed.
   Runs on page load and on each of Material's document$ emissions (instant navigation), and
   draws again with the other theme when Material's palette changes. */
(function () {
  "use strict";
  var SELECTOR = ".scorecard-chart";
  var drawn = [];
  var missingBundle = false;

  function scheme() {
    var body = document.body;
    return body && body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light";
  }

  function themeConfig(el, dark) {
    var style = window.getComputedStyle(el);
    var ink = style.color || (dark ? "#e2e4e9" : "#1f2328");
    var muted = dark ? "rgba(226, 228, 233, 0.5)" : "rgba(0, 0, 0, 0.45)";
    var grid = dark ? "rgba(255, 255, 255, 0.14)" : "rgba(0, 0, 0, 0.1)";
    return {
      background: "transparent",
      // The figure is one image named by its text alternative: no ARIA on the marks.
      aria: false,
      font: style.fontFamily || "sans-serif",
      axis: {
        labelColor: ink, titleColor: ink, domainColor: muted, tickColor: muted, gridColor: grid
      },
      legend: {labelColor: ink, titleColor: ink},
      title: {color: ink, subtitleColor: ink},
      header: {labelColor: ink, titleColor: ink},
      text: {color: ink},
      // An outline in the text colour lifts light points (orange, sky blue) off either page.
      point: {stroke: ink, strokeWidth: 0.75}
    };
  }

  function forget(el) {
    drawn = drawn.filter(function (entry) {
      if (entry.el !== el) return true;
      entry.result.finalize();
      return false;
    });
  }

  function prune() {
    drawn = drawn.filter(function (entry) {
      if (entry.el.isConnected) return true;
      entry.result.finalize();
      return false;
    });
  }

  // data-spec holds the spec's UTF-8 JSON in base64.
  function readSpec(el) {
    var binary = window.atob(el.getAttribute("data-spec") || "");
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return JSON.parse(new TextDecoder("utf-8").decode(bytes));
  }

  function embed(el, mode) {
    var spec;
    try {
      spec = readSpec(el);
    } catch (err) {
      el.setAttribute("data-rendered", "error");
      console.error("scorecard: chart " + el.id + " has no valid data-spec", err);
      return Promise.resolve();
    }
    var dark = mode === "dark";
    var options = {
      actions: false,
      renderer: "svg",
      config: themeConfig(el, dark),
      tooltip: {theme: dark ? "dark" : "light"}
    };
    forget(el);
    // Vega names the element it draws in ("Vega visualization") and gives it a role of its
    // own: it draws in a child hidden from assistive technology, so that the chart keeps its
    // role, its focus and its own text alternative.
    var target = el.querySelector(":scope > .scorecard-chart-canvas");
    if (!target) {
      target = document.createElement("div");
      target.className = "scorecard-chart-canvas";
      target.setAttribute("aria-hidden", "true");
      el.appendChild(target);
    }
    return window.vegaEmbed(target, spec, options).then(function (result) {
      var svg = el.querySelector("svg");
      if (svg) {
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
      }
      drawn.push({el: el, result: result});
    }, function (err) {
      el.setAttribute("data-rendered", "error");
      console.error("scorecard: chart " + el.id + " could not be drawn", err);
    });
  }

  function draw(el) {
    if (typeof window.vegaEmbed !== "function") {
      if (!missingBundle) console.error("scorecard: the Vega bundle is not loaded");
      missingBundle = true;
      return;
    }
    var mode = scheme();
    el.setAttribute("data-rendered", mode);
    // One drawing at a time per chart, so a quick change of palette cannot interleave two.
    el.__scorecardQueue = (el.__scorecardQueue || Promise.resolve()).then(function () {
      if (el.isConnected && el.getAttribute("data-rendered") === mode) return embed(el, mode);
    });
  }

  function renderAll() {
    prune();
    var charts = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < charts.length; i++) {
      if (!charts[i].hasAttribute("data-rendered")) draw(charts[i]);
    }
  }

  function rethemeAll() {
    var mode = scheme();
    var charts = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < charts.length; i++) {
      var state = charts[i].getAttribute("data-rendered");
      if (state !== mode && state !== "error") draw(charts[i]);
    }
  }

  // On paper every chart's data table is open; those opened for printing close afterwards.
  // Links that leave the site are marked, so that the print style sheet writes out their
  // address (Material makes the site's own links absolute too, so the address cannot tell).
  var openedForPrint = [];
  function openTables() {
    var closed = document.querySelectorAll("details.scorecard-chart-data:not([open])");
    for (var i = 0; i < closed.length; i++) {
      closed[i].setAttribute("open", "");
      openedForPrint.push(closed[i]);
    }
    var links = document.querySelectorAll(".md-typeset a[href^='http']");
    for (var j = 0; j < links.length; j++) {
      if (links[j].host !== window.location.host) {
        links[j].setAttribute("data-scorecard-outside", "");
      }
    }
  }
  function closeTables() {
    openedForPrint.forEach(function (el) { el.removeAttribute("open"); });
    openedForPrint = [];
  }

  function start() {
    window.addEventListener("beforeprint", openTables);
    window.addEventListener("afterprint", closeTables);
    renderAll();
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(renderAll);
    }
    new MutationObserver(rethemeAll).observe(document.body, {
      attributes: true,
      attributeFilter: ["data-md-color-scheme"]
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
"""

_STYLE = """/* scorecard charts */
.md-typeset figure.scorecard-chart-figure,
figure.scorecard-chart-figure {
  display: block;
  width: 100%;
  max-width: 100%;
  margin: 1.5em 0 2em;
}
div.scorecard-chart,
div.scorecard-chart-canvas,
div.scorecard-chart-canvas.vega-embed {
  display: block;
  width: 100%;
}
div.scorecard-chart {
  min-height: 10rem;
}
div.scorecard-chart[data-rendered] {
  min-height: 0;
}
div.scorecard-chart svg {
  display: block;
  max-width: 100%;
}
div.scorecard-chart[data-rendered="error"]::before {
  content: "This chart could not be drawn; its data is in the table below.";
  font-style: italic;
}
.md-typeset .scorecard-chart-figure figcaption,
.scorecard-chart-figure figcaption {
  max-width: none;
  margin: 0.6em 0 0;
  text-align: left;
  font-style: normal;
  font-size: 0.9em;
  color: var(--md-default-fg-color--light, inherit);
}
.scorecard-chart-figure details.scorecard-chart-data {
  margin: 0.8em 0 0;
}
/* Keyboard: the chart and its table's scroll box take focus with a ring that shows on both
   palettes (the text colour, with a gap). */
div.scorecard-chart:focus-visible,
.scorecard-table-scroll:focus-visible,
.scorecard-chart-data summary:focus-visible {
  outline: 3px solid currentColor;
  outline-offset: 3px;
}
.scorecard-chart-data summary {
  cursor: pointer;
}
/* A wide data table scrolls in its own box, never the page. */
.scorecard-table-scroll {
  max-width: 100%;
  overflow-x: auto;
}
.md-typeset .scorecard-table-scroll table {
  display: table;
  margin: 0.5em 0;
}
/* Material wraps each table in a scroll box of its own; here the focusable box scrolls. */
.md-typeset .scorecard-table-scroll .md-typeset__scrollwrap {
  overflow: visible;
  margin: 0;
}
@media print {
  /* On paper: charts full width and unbroken, their data tables open and whole. */
  figure.scorecard-chart-figure {
    break-inside: avoid;
    page-break-inside: avoid;
    margin: 1em 0;
  }
  div.scorecard-chart,
  div.scorecard-chart-canvas {
    min-height: 0 !important;
    height: auto !important;
  }
  div.scorecard-chart svg {
    width: 100% !important;
    height: auto !important;
  }
  .scorecard-chart-data summary {
    display: none;
  }
  .scorecard-table-scroll {
    overflow: visible;
  }
  * {
    -webkit-print-color-adjust: exact;
    print-color-adjust: exact;
  }
}
"""


_EXPORTS = "window.vegaEmbed = vegaEmbed;\nwindow.vega = vega;\nwindow.vegaLite = vegaLite;\n"


def _vega_lite_version() -> str | None:
    """The bundle's Vega-Lite minor version, matching the schema Altair writes (v6.4.1 -> 6.4)."""
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vl_convert.get_vegalite_versions() else None


def _bundle_name(version: str | None) -> str:
    made_by = getattr(vl_convert, "__version__", "")
    return f"vega-{made_by}-{version}-{zlib.crc32(_EXPORTS.encode())}.js"


def _make_bundle(version: str | None) -> str:
    return vl_convert.javascript_bundle(_EXPORTS, vl_version=version)


_making: dict[str | None, Connection] = {}  # bundles being made in another process, by version


def start_runtime() -> None:
    """Begin making the Vega bundle in another process when the cache folder has none, so
    that pages render meanwhile on another core: making it takes a second or two (and holds
    Python's lock, so a thread would not do). Where processes cannot be forked, the bundle is
    made when asked for."""
    version = _vega_lite_version()
    if version in _making or _made_runtime.cache_info().currsize or not can_fork():
        return
    if cache.fetch(_bundle_name(version), lambda handle: True):
        return
    receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
    maker = multiprocessing.get_context("fork").Process(
        target=_send_bundle, args=(sending, version), name="scorecard-vega-bundle", daemon=True
    )
    maker.start()
    sending.close()
    _making[version] = receiving


def _send_bundle(sending: Connection, version: str | None) -> None:
    bundle = _make_bundle(version)  # on failure, nothing: the build makes it itself
    if cache.cache_folder() is not None:
        # Kept, and this process ends now rather than wait for the build to ask: a forked
        # process holds on to the memory it shares with the build as the build changes it.
        cache.keep(_bundle_name(version), lambda handle: handle.write(bundle.encode("utf-8")))
        return
    sending.send(bundle)


def _bundle(version: str | None) -> str:
    """Vega, Vega-Lite and vega-embed as one script; made once per version of vl-convert and
    kept in the cache folder, since making it takes a second or two."""
    name = _bundle_name(version)
    kept = cache.fetch(name, lambda handle: handle.read().decode("utf-8"))
    if kept is not None:
        return kept
    making = _making.pop(version, None)
    if making is not None:
        try:
            return str(making.recv())
        except EOFError:  # the other process kept it, or failed (then it is made here)
            kept = cache.fetch(name, lambda handle: handle.read().decode("utf-8"))
            if kept is not None:
                return kept
        finally:
            making.close()
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
        (RUNTIME_SCRIPT, _SCRIPT.encode()),
        (RUNTIME_STYLE, _STYLE.encode()),
    )


def runtime_files() -> dict[str, bytes]:
    """The files every site with charts ships once, by path under the docs folder."""
    return dict(_runtime())


_TABLES_SCRIPT = r"""// Sortable tables: select a column heading to sort by it; again to reverse.
(function () {
  "use strict";
  function key(cell) {
    var text = (cell.textContent || "").trim();
    var number = parseFloat(text.replace(/[^0-9.+-]/g, ""));
    return /^[+-]?[0-9]/.test(text) && !isNaN(number) ? number : text.toLowerCase();
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = key(a.cells[index] || a), y = key(b.cells[index] || b);
      if (typeof x === typeof y) return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      return typeof x === "number" ? -1 : 1;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) {
      c.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function setup() {
    // Material's search is a dialog without a name; screen readers announce it as "Search".
    var search = document.querySelector(".md-search[role='dialog']:not([aria-label])");
    if (search) search.setAttribute("aria-label", "Search");
    document.querySelectorAll(".md-typeset table:not([data-sortable])").forEach(function (t) {
      if (!t.tHead || t.closest(".scorecard-chart-figure")) return;
      t.setAttribute("data-sortable", "");
      Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, i) {
        if (th.querySelector("a")) return;
        th.tabIndex = 0;
        th.style.cursor = "pointer";
        th.title = "Sort by this column";
        th.addEventListener("click", function () { sortBy(t, i, th); });
        th.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(t, i, th); }
        });
      });
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
"""

SITE_STYLE = """/* Grades: a letter in a badge, so a grade is never told by colour alone. */
.scorecard-grade {
  display: inline-block;
  min-width: 1.6em;
  padding: 0 .3em;
  border-radius: .25em;
  font-weight: 700;
  text-align: center;
  line-height: 1.5;
  border: 1px solid rgba(0, 0, 0, .25);
}
.scorecard-grade-a { background: #0072B2; color: #fff; }
.scorecard-grade-b { background: #56B4E9; color: #000; }
.scorecard-grade-c { background: #F0E442; color: #000; }
.scorecard-grade-d { background: #E69F00; color: #000; }
.scorecard-grade-f { background: #D55E00; color: #000; }
.scorecard-grade-none { background: transparent; color: inherit; }
.scorecard-noscore { font-style: italic; opacity: .8; }
.scorecard-score { white-space: nowrap; }
.md-typeset table:not([class]) th[aria-sort="ascending"]::after { content: " \\25B2"; }
.md-typeset table:not([class]) th[aria-sort="descending"]::after { content: " \\25BC"; }
.md-typeset table:not([class]) td small { opacity: .8; }
/* Compact data tables: many columns fit without hiding the first ones. */
.md-typeset table:not([class]) th,
.md-typeset table:not([class]) td { padding: .55em .7em; }
.md-typeset table:not([class]) th { min-width: 0; }
.md-typeset table:not([class]) td:first-child { min-width: 11em; }
.md-typeset .scorecard-internal { margin-top: 0; }
/* Accessibility (WCAG 2.1 AA): links in text are underlined, not told by colour alone; the
   footer's small print and the sort headings' focus are visible on both palettes. */
.md-typeset p a, .md-typeset li a, .md-typeset td a { text-decoration: underline; }
.md-copyright { color: var(--md-footer-fg-color--light); }
.md-typeset table:not([class]) th[tabindex]:focus-visible { outline: 3px solid currentColor; }
.md-typeset .scorecard-summary { font-size: 1.05em; }
@media print {
  .md-header, .md-tabs, .md-sidebar, .md-footer, .md-search, .md-top, .md-dialog,
  .md-content__button, .headerlink { display: none !important; }
  .md-main__inner, .md-content__inner { margin: 0 !important; padding: 0 !important; }
  .md-content { max-width: none !important; }
  .md-typeset__scrollwrap, .md-typeset__table { overflow: visible !important; }
  .md-typeset__scrollwrap { margin: 1em 0 !important; }
  .md-typeset table:not([class]) { display: table; font-size: .7rem; }
  .md-typeset tr, .md-typeset thead { break-inside: avoid; page-break-inside: avoid; }
  .md-typeset thead { display: table-header-group; }
  .md-typeset h1, .md-typeset h2, .md-typeset h3 { break-after: avoid; page-break-after: avoid; }
  .md-typeset a[rel~="noopener"]::after, .md-typeset a[data-scorecard-outside]::after {
    content: " (" attr(href) ")"; font-size: .85em; word-break: break-all;
  }
}
"""

"""The files a site ships besides its pages: the tables' script and the site's style sheet."""

from __future__ import annotations

TABLES_JS = "assets/scorecard-tables.js"
SITE_CSS = "assets/scorecard-site.css"


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

// Sortable tables: select a column heading to sort by it; again to reverse.
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

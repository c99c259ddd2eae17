/* scorecard: draws every .scorecard-chart from its data-spec with vega-embed.
   Runs on page load and on each of Material's document$ emissions (instant navigation), and
   draws again with the other theme when Material's palette changes. A chart inside a closed
   <details> is drawn when it opens: a page of many folded charts draws only those shown. */
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

  // A chart with a narrow layout (usermeta.narrow: {below, height}; the heat map) takes it
  // where its box is narrower than `below`: the spec's parameter `narrow` set, and that height.
  function layoutFor(el, below) {
    return el.getBoundingClientRect().width < below ? "narrow" : "wide";
  }

  function laidOut(el, spec) {
    var narrow = spec.usermeta && spec.usermeta.narrow;
    if (!narrow) return spec;
    var layout = layoutFor(el, narrow.below);
    el.setAttribute("data-layout", layout);
    el.__scorecardBelow = narrow.below;
    if (layout !== "narrow") return spec;
    spec.height = narrow.height;
    spec.params = (spec.params || []).map(function (param) {
      return param.name === "narrow" ? Object.assign({}, param, {value: true}) : param;
    });
    return spec;
  }

  function embed(el, mode) {
    var spec;
    try {
      spec = laidOut(el, readSpec(el));
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

  function folded(el) {
    var details = el.closest("details");
    return details !== null && !details.open;
  }

  function renderAll() {
    prune();
    var charts = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < charts.length; i++) {
      if (!charts[i].hasAttribute("data-rendered") && !folded(charts[i])) draw(charts[i]);
    }
  }

  // "toggle" does not bubble: heard while it goes down to the <details> that opened.
  function opened(event) {
    var target = event.target;
    if (target && target.tagName === "DETAILS" && target.open &&
        target.querySelector(SELECTOR)) {
      renderAll();
    }
  }

  // A window that grows or shrinks past a chart's narrow width draws it in its other layout.
  var relayoutPending = false;
  function relayoutAll() {
    if (relayoutPending) return;
    relayoutPending = true;
    window.requestAnimationFrame(function () {
      relayoutPending = false;
      drawn.forEach(function (entry) {
        var el = entry.el;
        var below = el.__scorecardBelow;
        if (!below || !el.isConnected) return;
        if (layoutFor(el, below) !== el.getAttribute("data-layout")) draw(el);
      });
    });
  }

  function rethemeAll() {
    var mode = scheme();
    var charts = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < charts.length; i++) {
      var state = charts[i].getAttribute("data-rendered");
      var due = state === null ? !folded(charts[i]) : state !== mode && state !== "error";
      if (due) draw(charts[i]);
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
    window.addEventListener("resize", relayoutAll);
    document.addEventListener("toggle", opened, true);
    renderAll();
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(renderAll);
    }
    new MutationObserver(rethemeAll).observe(document.body, {
      attributes: true,
      attributeFilter: ["data-md-color-scheme"]
    });
  }

  // The Compare page draws its own charts with the same look.
  window.scorecardChartConfig = function (el) { return themeConfig(el, scheme() === "dark"); };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

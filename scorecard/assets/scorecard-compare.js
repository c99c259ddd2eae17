/* scorecard: the compare page.

   The compare page's data is assets/scorecard-compare-data.js (window.scorecardCompareData, the
   same JSON as data/compare.json). It is loaded with a script element when a compare page is
   shown: that works from file:// pages, where fetch() does not, and keeps the data off every
   other page. The choice of institutions lives in the address (compare/?ids=a,b,c), updated
   with history.replaceState. Every text from the data goes into the page with textContent,
   never as markup. Runs on load and on each of Material's document$ emissions (instant
   navigation), and draws the chart again when the palette changes. */
(function () {
  "use strict";
  var SCRIPT_NAME = "scorecard-compare.js";
  var DATA_NAME = "scorecard-compare-data.js";
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"];
  var SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"];
  var loading = null;
  var current = null; // the mounted compare page: {root, redraw, finalize}

  var assetsBase = (function () {
    var script = document.currentScript;
    var src = script && script.src ? script.src : "";
    if (!src) {
      var found = document.querySelector("script[src*='" + SCRIPT_NAME + "']");
      src = found ? found.src : "";
    }
    return src.replace(/[^\/]*$/, "");
  })();

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function loadData() {
    if (window.scorecardCompareData) return Promise.resolve(window.scorecardCompareData);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = assetsBase + DATA_NAME;
        script.onload = function () {
          if (window.scorecardCompareData) resolve(window.scorecardCompareData);
          else reject(new Error("no comparison data in " + script.src));
        };
        script.onerror = function () { reject(new Error("could not load " + script.src)); };
        document.head.appendChild(script);
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  // --- the address ------------------------------------------------------------------------

  // The ids in the address: those the data knows, in order and once each, and what the page
  // says of the others. The data holds only what this site may show, so an id of an
  // institution kept out of it reads exactly as an id that never existed.
  var ID = /^[a-z0-9][a-z0-9-]*$/;
  var NO_SUCH = "no such institution in this site";
  var NOT_AN_ID = "not an institution id (ids are lower-case letters, digits and hyphens)";

  function readIds(known) {
    var raw = new URLSearchParams(window.location.search).get("ids") || "";
    var seen = {};
    var ids = [];
    var missing = [];
    raw.split(",").forEach(function (piece) {
      var id = piece.trim();
      if (!id || seen[id]) return;
      seen[id] = true;
      if (Object.prototype.hasOwnProperty.call(known, id)) ids.push(id);
      else missing.push({id: id, why: ID.test(id) ? NO_SUCH : NOT_AN_ID});
    });
    return {ids: ids, missing: missing};
  }

  // "Not shown: a and b — no such institution in this site; C! — not an institution id."
  function missingText(missing) {
    var order = [];
    var byWhy = {};
    missing.forEach(function (m) {
      if (!byWhy[m.why]) { byWhy[m.why] = []; order.push(m.why); }
      var shown = m.id.length > 60 ? m.id.slice(0, 59) + "\u2026" : m.id;
      byWhy[m.why].push(shown);
    });
    return "Not shown: " + order.map(function (why) {
      return joinWords(byWhy[why]) + " \u2014 " + why;
    }).join("; ") + ".";
  }

  function writeIds(ids) {
    var params = new URLSearchParams(window.location.search);
    if (ids.length) params.set("ids", ids.join(","));
    else params.delete("ids");
    var query = params.toString().replace(/%2C/gi, ",");
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(window.history.state, "", url);
  }

  // The institutions' pages, from the page's own list (MkDocs wrote their addresses).
  function pageLinks(root) {
    var links = {};
    var scope = root.closest("article") || document;
    scope.querySelectorAll("a[href]").forEach(function (a) {
      var match = /(?:^|\/)institutions\/([a-z0-9-]+)(?:\/(?:index\.html)?|\.html)?(?:#.*)?$/
        .exec(a.getAttribute("href") || "");
      if (match && !links[match[1]]) links[match[1]] = a.href;
    });
    return links;
  }

  // --- pieces -------------------------------------------------------------------------------

  function grade(letter) {
    if (!letter) return el("span", {"class": "scorecard-grade scorecard-grade-none"}, "\u2013");
    var css = String(letter).toLowerCase().replace(/[^a-z0-9]/g, "");
    return el("span", {
      "class": "scorecard-grade scorecard-grade-" + css, "title": "grade " + letter
    }, letter);
  }

  function scoreCell(cell, pair) {
    if (!pair || pair[0] === null || pair[0] === undefined) {
      cell.appendChild(el("span", {"class": "scorecard-noscore"}, pair ? "insufficient data" : "not reported"));
      return;
    }
    var wrap = el("span", {"class": "scorecard-score"}, Number(pair[0]).toFixed(1) + " ");
    wrap.appendChild(grade(pair[1]));
    cell.appendChild(wrap);
  }

  function labelled(labelText, control) {
    var wrap = el("div");
    wrap.appendChild(el("label", {"for": control.id}, labelText));
    wrap.appendChild(control);
    return wrap;
  }

  function select(id, allText, values, naming) {
    var node = el("select", {"id": id});
    node.appendChild(el("option", {"value": ""}, allText));
    values.forEach(function (value) {
      node.appendChild(el("option", {"value": value}, naming ? naming(value) : value));
    });
    return node;
  }

  // A peer group in words, as the site's pages name it (scorecard.wording.group_name):
  // "academic" -> "Academic", "large-teaching" -> "Large Teaching".
  function groupName(id) {
    var words = String(id).split(/[-_\s]+/).filter(function (w) { return w; });
    if (!words.length) return String(id);
    return words.map(function (w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join(" ");
  }

  function uniqueSorted(values) {
    var seen = {};
    return values.filter(function (v) {
      if (!v || seen[v]) return false;
      seen[v] = true;
      return true;
    }).sort(function (a, b) { return a.localeCompare(b); });
  }

  function joinWords(words) {
    if (words.length <= 1) return words.join("");
    return words.slice(0, -1).join(", ") + " and " + words[words.length - 1];
  }

  function theme(node) {
    // scorecard-charts.js (loaded on every page, before this script) owns the charts' look.
    return window.scorecardChartConfig ? window.scorecardChartConfig(node) : {};
  }

  // --- the page -----------------------------------------------------------------------------

  function mount(root, data) {
    var byId = {};
    data.institutions.forEach(function (inst) { byId[inst.id] = inst; });
    var links = pageLinks(root);
    var asked = readIds(byId);
    var state = {ids: asked.ids, query: "", group: "", region: "", series: "overall"};
    var view = null;

    // Series labels: names, made unique with the id where two institutions share one.
    var counts = {};
    data.institutions.forEach(function (i) { counts[i.name] = (counts[i.name] || 0) + 1; });
    function label(inst) { return counts[inst.name] > 1 ? inst.name + " (" + inst.id + ")" : inst.name; }

    root.textContent = "";
    var search = el("input", {"type": "search", "id": "scorecard-compare-search", "autocomplete": "off"});
    var groups = uniqueSorted(data.institutions.map(function (i) { return i.peer_group; }));
    var regions = uniqueSorted(data.institutions.map(function (i) { return i.region; }));
    var groupSelect = select("scorecard-compare-group", "All peer groups", groups, groupName);
    var regionSelect = select("scorecard-compare-region", "All regions", regions);
    var controls = el("div", {"class": "scorecard-compare-controls"});
    controls.appendChild(labelled("Search by name", search));
    controls.appendChild(labelled("Peer group", groupSelect));
    if (regions.length) controls.appendChild(labelled("Region", regionSelect));
    root.appendChild(controls);

    var choices = el("fieldset", {"class": "scorecard-compare-choices"});
    var legend = el("legend");
    choices.appendChild(legend);
    var list = el("ul");
    choices.appendChild(list);
    root.appendChild(choices);

    // What the address asked for and the page cannot show; it stays until the choice changes.
    var missing = el("p", {"class": "scorecard-compare-missing", "role": "note"});
    missing.hidden = !asked.missing.length;
    if (asked.missing.length) missing.textContent = missingText(asked.missing);
    root.appendChild(missing);
    var status = el("p", {"class": "scorecard-compare-status", "aria-live": "polite"});
    root.appendChild(status);
    var chosen = el("ul", {"class": "scorecard-compare-chosen", "aria-label": "Chosen institutions"});
    root.appendChild(chosen);
    var results = el("div", {"class": "scorecard-compare-results"});
    root.appendChild(results);

    function matches(inst) {
      if (state.group && inst.peer_group !== state.group) return false;
      if (state.region && inst.region !== state.region) return false;
      return !state.query || inst.name.toLowerCase().indexOf(state.query) !== -1;
    }

    function toggle(id, on) {
      missing.hidden = true;
      var at = state.ids.indexOf(id);
      if (on && at === -1) state.ids.push(id);
      if (!on && at !== -1) state.ids.splice(at, 1);
      writeIds(state.ids);
      renderChoices();
      renderResults();
    }

    function renderChoices() {
      list.textContent = "";
      var shown = data.institutions.filter(matches);
      legend.textContent = "Institutions (" + shown.length + " of " + data.institutions.length + ")";
      shown.forEach(function (inst) {
        var id = "scorecard-compare-" + inst.id;
        var item = el("li");
        var box = el("input", {"type": "checkbox", "id": id, "value": inst.id, "aria-describedby": id + "-about"});
        box.checked = state.ids.indexOf(inst.id) !== -1;
        box.addEventListener("change", function () { toggle(inst.id, box.checked); });
        item.appendChild(box);
        item.appendChild(el("label", {"for": id}, inst.name));
        var about = [groupName(inst.peer_group)];
        if (inst.region) about.push(inst.region);
        item.appendChild(el("small", {"id": id + "-about"}, about.join(" \u00b7 ")));
        list.appendChild(item);
      });
      if (!shown.length) list.appendChild(el("li", null, "No institution matches."));
      chosen.textContent = "";
      state.ids.forEach(function (id) {
        var inst = byId[id];
        var item = el("li");
        var remove = el("button", {"type": "button", "aria-label": "Remove " + inst.name}, inst.name + " \u2715");
        remove.addEventListener("click", function () { toggle(id, false); });
        item.appendChild(remove);
        chosen.appendChild(item);
      });
      if (state.ids.length) {
        var item = el("li");
        var clear = el("button", {"type": "button"}, "Clear the choice");
        clear.addEventListener("click", function () {
          missing.hidden = true;
          state.ids = [];
          writeIds(state.ids);
          renderChoices();
          renderResults();
        });
        item.appendChild(clear);
        chosen.appendChild(item);
      }
      var n = state.ids.length;
      status.textContent = n === 0
        ? "Choose institutions in the list to compare them."
        : n + " institution" + (n === 1 ? "" : "s") + " chosen; the address of this page keeps the choice.";
    }

    function headCell(inst) {
      var th = el("th", {"scope": "col"});
      if (links[inst.id]) th.appendChild(el("a", {"href": links[inst.id]}, inst.name));
      else th.textContent = inst.name;
      return th;
    }

    function table(insts) {
      var wrap = el("div", {"class": "scorecard-table-scroll", "tabindex": "0", "role": "region", "aria-label": "Side by side"});
      // data-sortable: the site's table script leaves it alone (its rows are not a list)
      var t = el("table", {"data-scorecard-compare-table": "", "data-sortable": "no"});
      t.appendChild(el("caption", null, "Side by side, each at its latest period"));
      var head = el("thead");
      var row = el("tr");
      row.appendChild(el("th", {"scope": "col"}, "Measure"));
      insts.forEach(function (inst) { row.appendChild(headCell(inst)); });
      head.appendChild(row);
      t.appendChild(head);
      var body = el("tbody");
      function line(name, fill, note) {
        var tr = el("tr");
        var th = el("th", {"scope": "row"}, name);
        if (note) {
          th.appendChild(document.createTextNode(" "));
          th.appendChild(el("small", null, note));
        }
        tr.appendChild(th);
        insts.forEach(function (inst) {
          var td = el("td");
          fill(td, inst);
          tr.appendChild(td);
        });
        body.appendChild(tr);
      }
      function group(name) {
        var tr = el("tr");
        tr.appendChild(el("th", {"scope": "rowgroup", "colspan": String(insts.length + 1)}, name));
        body.appendChild(tr);
      }
      line("Period", function (td, inst) {
        td.textContent = inst.period;
        if (!inst.stale) return;
        td.appendChild(document.createTextNode(" "));
        var s = inst.stale;
        td.appendChild(el("span", {"class": "scorecard-stale"}, "stale"));
        td.appendChild(document.createTextNode(" "));
        td.appendChild(el("small", null, s.behind + " before " + s.newest + " (stale after " +
          s.limit + ")"));
      });
      line("Peer group", function (td, inst) { td.textContent = groupName(inst.peer_group); });
      line("Overall", function (td, inst) { scoreCell(td, (inst.scores[inst.period] || {}).overall); });
      line("Peer percentile", function (td, inst) {
        td.textContent = inst.peer_percentile === null
          ? "not given" : Number(inst.peer_percentile).toFixed(0);
      });
      data.pillars.forEach(function (p) {
        line(p.name, function (td, inst) {
          var row = inst.scores[inst.period] || {};
          if (Object.prototype.hasOwnProperty.call(row, p.id)) scoreCell(td, row[p.id]);
          else scoreCell(td, undefined);
        }, p.role === "core" ? "" : "(beside the overall score)");
      });
      data.pillars.forEach(function (p) {
        var metrics = data.metrics.filter(function (m) { return m.pillar === p.id; });
        if (!metrics.length) return;
        group("Metrics: " + p.name);
        metrics.forEach(function (m) {
          line(m.name, function (td, inst) {
            var cell = inst.metrics[m.id];
            td.textContent = cell ? cell[0] : "not reported";
            if (!cell) return;
            if (cell[1] !== null) {
              td.appendChild(document.createTextNode(" "));
              td.appendChild(el("small", null, "score " + Number(cell[1]).toFixed(1)));
            }
          }, m.target ? "target " + m.target : "");
        });
      });
      t.appendChild(body);
      wrap.appendChild(t);
      return wrap;
    }

    function seriesName() {
      if (state.series === "overall") return "Overall";
      var found = data.pillars.filter(function (p) { return p.id === state.series; })[0];
      return found ? found.name : "Overall";
    }

    function chartValues(insts) {
      var values = [];
      insts.forEach(function (inst) {
        data.periods.forEach(function (period) {
          var pair = (inst.scores[period] || {})[state.series];
          if (pair && pair[0] !== null && pair[0] !== undefined) {
            values.push({period: period, institution: label(inst), score: pair[0]});
          }
        });
      });
      return values;
    }

    function altText(insts, values) {
      var what = seriesName() + " score over time for " + joinWords(insts.map(label)) + ".";
      if (!values.length) return what + " None has a score to show.";
      var last = data.periods.filter(function (p) {
        return values.some(function (v) { return v.period === p; });
      }).pop();
      var said = insts.map(function (inst) {
        var hit = values.filter(function (v) { return v.period === last && v.institution === label(inst); })[0];
        return label(inst) + " " + (hit ? Number(hit.score).toFixed(1) : "no score");
      });
      return what + " In " + last + ": " + said.join(", ") + ".";
    }

    function chartTable(insts, values) {
      var details = el("details", {"class": "scorecard-chart-data"});
      details.appendChild(el("summary", null, "Data for this chart"));
      var wrap = el("div", {"class": "scorecard-table-scroll", "tabindex": "0", "role": "region", "aria-label": "Data: scores over time"});
      var t = el("table", {"data-sortable": "no"});
      var head = el("tr");
      head.appendChild(el("th", {"scope": "col"}, "Period"));
      insts.forEach(function (inst) { head.appendChild(el("th", {"scope": "col"}, label(inst))); });
      var thead = el("thead");
      thead.appendChild(head);
      t.appendChild(thead);
      var body = el("tbody");
      data.periods.forEach(function (period) {
        var cells = insts.map(function (inst) {
          var hit = values.filter(function (v) { return v.period === period && v.institution === label(inst); })[0];
          return hit ? Number(hit.score).toFixed(1) : "";
        });
        if (cells.every(function (c) { return c === ""; })) return;
        var tr = el("tr");
        tr.appendChild(el("th", {"scope": "row"}, period));
        cells.forEach(function (c) { tr.appendChild(el("td", null, c || "no score")); });
        body.appendChild(tr);
      });
      t.appendChild(body);
      wrap.appendChild(t);
      details.appendChild(wrap);
      return details;
    }

    function draw(target, insts, values) {
      if (view) { view.finalize(); view = null; }
      if (typeof window.vegaEmbed !== "function") {
        target.textContent = "The chart could not be drawn; its data is in the table below.";
        return;
      }
      var names = insts.map(label);
      var periods = data.periods.filter(function (p) {
        return values.some(function (v) { return v.period === p; });
      });
      var spec = {
        width: "container",
        height: 260,
        autosize: {type: "fit-x", contains: "padding"},
        data: {values: values},
        mark: {type: "line", point: {filled: true, size: 60}},
        encoding: {
          x: {field: "period", type: "ordinal", sort: periods, scale: {domain: periods}, title: null,
              // closer than 56 pixels a period, the labels turn (as on the other charts)
              axis: {labelAngle: {expr: "width / " + Math.max(periods.length, 1) + " < 56 ? -45 : 0"},
                     labelAlign: {expr: "width / " + Math.max(periods.length, 1) + " < 56 ? 'right' : 'center'"}}},
          y: {field: "score", type: "quantitative", scale: {domain: [0, 100], nice: false},
              title: "Score (0 to 100)"},
          color: {field: "institution", type: "nominal", scale: {domain: names, range: PALETTE},
                  legend: {orient: "bottom", title: null, columns: 2, labelLimit: 260}},
          shape: {field: "institution", type: "nominal", scale: {domain: names, range: SHAPES},
                  legend: {orient: "bottom", title: null, columns: 2, labelLimit: 260}},
          tooltip: [
            {field: "institution", type: "nominal", title: "Institution"},
            {field: "period", type: "ordinal", title: "Period"},
            {field: "score", type: "quantitative", title: "Score", format: ".1f"}
          ]
        }
      };
      var canvas = el("div", {"class": "scorecard-chart-canvas", "aria-hidden": "true"});
      target.textContent = "";
      target.appendChild(canvas);
      window.vegaEmbed(canvas, spec, {actions: false, renderer: "svg", config: theme(target)})
        .then(function (result) {
          if (!target.isConnected) { result.finalize(); return; }
          view = result;
          var svg = target.querySelector("svg");
          if (svg) {
            svg.setAttribute("aria-hidden", "true");
            svg.setAttribute("focusable", "false");
          }
          target.setAttribute("data-rendered", "yes");
        }, function (err) {
          target.setAttribute("data-rendered", "error");
          target.textContent = "The chart could not be drawn; its data is in the table below.";
          console.error("scorecard: the comparison chart could not be drawn", err);
        });
    }

    function renderResults() {
      if (view) { view.finalize(); view = null; }
      results.textContent = "";
      var insts = state.ids.map(function (id) { return byId[id]; });
      if (!insts.length) return;
      results.appendChild(el("h2", {"id": "side-by-side"}, "Side by side"));
      results.appendChild(table(insts));
      results.appendChild(el("h2", {"id": "over-time"}, "Over time"));
      var choice = select("scorecard-compare-series", "Overall", []);
      choice.options[0].value = "overall";
      data.pillars.forEach(function (p) { choice.appendChild(el("option", {"value": p.id}, p.name)); });
      choice.value = state.series;
      choice.addEventListener("change", function () {
        state.series = choice.value;
        renderResults();
        var again = document.getElementById("scorecard-compare-series");
        if (again) again.focus();
      });
      var controls = el("div", {"class": "scorecard-compare-controls"});
      controls.appendChild(labelled("Score to show", choice));
      results.appendChild(controls);
      var values = chartValues(insts);
      var alt = altText(insts, values);
      var figure = el("figure", {"class": "scorecard-chart-figure"});
      var target = el("div", {"class": "scorecard-compare-chart", "id": "scorecard-compare-chart", "role": "img", "tabindex": "0", "aria-label": alt});
      figure.appendChild(target);
      figure.appendChild(el("figcaption", null, alt));
      figure.appendChild(chartTable(insts, values));
      results.appendChild(figure);
      draw(target, insts, values);
      current.redraw = function () { draw(target, insts, values); };
    }

    search.addEventListener("input", function () { state.query = search.value.trim().toLowerCase(); renderChoices(); });
    groupSelect.addEventListener("change", function () { state.group = groupSelect.value; renderChoices(); });
    regionSelect.addEventListener("change", function () { state.region = regionSelect.value; renderChoices(); });

    current = {root: root, redraw: null, finalize: function () { if (view) { view.finalize(); view = null; } }};
    writeIds(state.ids); // drop ids the data does not know: the page has named them
    renderChoices();
    renderResults();
  }

  // --- start ----------------------------------------------------------------------------------

  function setup() {
    if (current && !current.root.isConnected) {
      current.finalize();
      current = null;
    }
    var root = document.querySelector("[data-scorecard-compare]");
    if (!root || root.getAttribute("data-state")) return;
    root.setAttribute("data-state", "loading");
    loadData().then(function (data) {
      if (!root.isConnected) return;
      mount(root, data);
      root.setAttribute("data-state", "ready");
    }, function (err) {
      root.setAttribute("data-state", "error");
      root.textContent = "";
      root.appendChild(el("p", {"class": "scorecard-compare-status"},
        "The comparison could not be loaded; every institution is listed below."));
      console.error("scorecard: " + err.message);
    });
  }

  function start() {
    setup();
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(setup);
    }
    new MutationObserver(function () {
      if (current && current.root.isConnected && current.redraw) current.redraw();
    }).observe(document.body, {attributes: true, attributeFilter: ["data-md-color-scheme"]});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* mkdocs-journey: sorting and filtering of the KPI dashboard, without a server.
 *
 * The table is complete in the page; this script only shows the filter form (hidden without
 * scripts) and turns the column headings into sort buttons. Rows carry their values as data
 * attributes (data-map, data-status...) and their cells as data-value, so nothing is parsed
 * from the text a reader sees. Runs on every page load, and on every page Material's instant
 * navigation brings in (document$).
 */
(function () {
  "use strict";

  function setUp(root) {
    if (root.dataset.journeyReady) return;
    root.dataset.journeyReady = "true";
    var table = root.querySelector("table");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var form = root.querySelector("form");
    var shown = root.querySelector("[data-journey-shown]");

    function matches(row, key, value) {
      if (!value) return true;
      if (key === "status" && value === "stale") return row.dataset.stale === "true";
      return row.dataset[key] === value;
    }

    function filter() {
      var wanted = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.tagName === "SELECT") wanted[field.name] = field.value;
      });
      var count = 0;
      rows.forEach(function (row) {
        var keep = Object.keys(wanted).every(function (key) {
          return matches(row, key, wanted[key]);
        });
        row.hidden = !keep;
        if (keep) count += 1;
      });
      shown.textContent = count + " of " + rows.length + " KPIs shown";
    }

    function cellValue(row, column, kind) {
      var text = row.cells[column].getAttribute("data-value") || "";
      if (kind !== "number") return text.toLowerCase();
      return text === "" ? null : Number(text);
    }

    function sortBy(heading) {
      var kind = heading.dataset.sort;
      var column = Array.prototype.indexOf.call(heading.parentNode.children, heading);
      var ascending = heading.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heading.parentNode.children, function (other) {
        other.removeAttribute("aria-sort");
      });
      heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = cellValue(a, column, kind);
        var y = cellValue(b, column, kind);
        var order = 0;
        if (x === null || y === null) {
          // A KPI without a value goes last, whichever way the column is sorted.
          order = x === y ? 0 : x === null ? 1 : -1;
          return order || a.dataset.order - b.dataset.order;
        }
        order = x < y ? -1 : x > y ? 1 : 0;
        if (!ascending) order = -order;
        // Equal values keep the default order (the worst first).
        return order || a.dataset.order - b.dataset.order;
      });
      rows.forEach(function (row) {
        body.appendChild(row);
      });
    }

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (heading) {
      if (!heading.dataset.sort) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "journey-sort";
      while (heading.firstChild) button.appendChild(heading.firstChild);
      heading.appendChild(button);
      button.addEventListener("click", function () {
        sortBy(heading);
      });
    });
    form.addEventListener("change", filter);
    form.addEventListener("reset", function () {
      window.setTimeout(filter, 0);
    });
    form.hidden = false;
    filter();
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-journey-dashboard]"), setUp);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setUpAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();

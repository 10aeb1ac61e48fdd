// Small behaviours shared by every page. No framework: Bootstrap, htmx and Tom Select do the work.
(function () {
  "use strict";

  function enhanceSelects(root) {
    root.querySelectorAll("select[data-searchable]:not(.tomselected)").forEach(function (el) {
      // eslint-disable-next-line no-undef
      new TomSelect(el, {
        maxOptions: null,
        allowEmptyOption: true,
        // The list is filtered as each key is typed. Tom Select's default waits 300 ms and then
        // filters even if an option was picked meanwhile, which opens the list again over the
        // form (a person who types and clicks quickly saw it; so did a busy test machine).
        refreshThrottle: 0,
        plugins: el.multiple ? ["remove_button"] : [],
        render: { no_results: function () { return '<div class="no-results">Không tìm thấy</div>'; } },
      });
    });
  }

  // flatpickr's Vietnamese month names ("Tháng mười một") are so long that they cover the year
  // box; "Tháng 11" leaves the year visible and typeable beside the month.
  function dateLocale() {
    // eslint-disable-next-line no-undef
    var vn = flatpickr.l10ns.vn;
    var months = [];
    for (var i = 1; i <= 12; i += 1) { months.push("Tháng " + i); }
    return Object.assign({}, vn, { months: { shorthand: vn.months.shorthand, longhand: months } });
  }

  // Dates are shown and typed as dd/mm/yyyy whatever the browser's language; the field
  // still submits ISO dates, which the server accepts.
  function enhanceDates(root) {
    if (typeof flatpickr === "undefined") { return; }
    root.querySelectorAll('input[type="date"]:not(.flatpickr-input)').forEach(function (el) {
      // eslint-disable-next-line no-undef
      flatpickr(el, {
        locale: dateLocale(),
        dateFormat: "Y-m-d",
        altInput: true,
        altFormat: "d/m/Y",
        allowInput: true,
        disableMobile: true,
        parseDate: function (text, format) {
          var m = /^(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4})$/.exec(text.trim());
          if (m) { return new Date(+m[3], +m[2] - 1, +m[1]); }
          // eslint-disable-next-line no-undef
          return flatpickr.parseDate(text, format);
        },
      });
    });
  }

  function confirmDangerous(event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }

  // Exports take a while for large lists and a download never loads a page: show that the
  // file is being prepared until the server's cookie says it has been sent.
  function trackDownload(event) {
    var link = event.target.closest("a[data-download]");
    if (!link || link.classList.contains("disabled")) { return; }
    event.preventDefault();
    var token = Math.random().toString(36).slice(2) + Date.now().toString(36);
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("download_token", token);
    var label = link.innerHTML;
    link.classList.add("disabled");
    link.setAttribute("aria-disabled", "true");
    link.innerHTML = '<span class="spinner-border spinner-border-sm" aria-hidden="true"></span> Đang tạo tệp…';
    var started = Date.now();
    var timer = window.setInterval(function () {
      var done = document.cookie.indexOf("download_token=" + token) !== -1;
      if (done || Date.now() - started > 10 * 60 * 1000) {
        window.clearInterval(timer);
        link.classList.remove("disabled");
        link.removeAttribute("aria-disabled");
        link.innerHTML = label;
      }
    }, 500);
    window.location.href = url.toString();
  }

  // The unit tree: disclosure buttons open and close a unit's children; a search box filters
  // the tree as one types (accent-insensitive), opening the branches that hold a match.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().trim();
  }

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
  }

  function toggleTree(event) {
    var button = event.target.closest(".tree-toggle");
    if (button) { setOpen(button, button.getAttribute("aria-expanded") !== "true"); return; }
    var all = event.target.closest("[data-tree-expand], [data-tree-collapse]");
    if (!all) { return; }
    var tree = document.querySelector(all.dataset.treeExpand || all.dataset.treeCollapse);
    var open = "treeExpand" in all.dataset;
    tree.querySelectorAll(".tree-toggle").forEach(function (b) { setOpen(b, open); });
  }

  function filterTree(input) {
    var tree = document.querySelector(input.dataset.treeSearch);
    if (!tree) { return; }
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var nodes = Array.prototype.slice.call(tree.querySelectorAll(".tree-node"));
    if (!tree.dataset.initial) {
      tree.dataset.initial = "1";
      tree.querySelectorAll(".tree-toggle").forEach(function (b) { b.dataset.initialOpen = b.getAttribute("aria-expanded"); });
    }
    var found = 0;
    nodes.forEach(function (node) { node.hidden = words.length > 0; });
    nodes.forEach(function (node) {
      if (!words.length) { return; }
      // Every typed word starts a word of the unit's names or code (as the server's search).
      var key = node.dataset.search.split(" ");
      var hit = words.every(function (w) { return key.some(function (k) { return k.indexOf(w) === 0; }); });
      if (!hit) { return; }
      found += 1;
      // Show the match, its whole subtree, and the branches above it, opened.
      node.hidden = false;
      node.querySelectorAll(".tree-node").forEach(function (child) { child.hidden = false; });
      for (var up = node.parentElement.closest(".tree-node"); up; up = up.parentElement.closest(".tree-node")) {
        up.hidden = false;
        var button = up.querySelector(":scope > .tree-row > .tree-toggle");
        if (button) { setOpen(button, true); }
      }
    });
    if (!words.length) {
      tree.querySelectorAll(".tree-toggle").forEach(function (b) { setOpen(b, b.dataset.initialOpen === "true"); });
    }
    var empty = document.getElementById(tree.id + "-empty");
    if (empty) { empty.classList.toggle("d-none", !words.length || found > 0); }
  }

  // The Content-Security-Policy allows no inline code: buttons say what they do in data-*.
  function printPage(event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  }

  // A progress bar's width comes from data-percent: a style attribute in the markup is refused
  // by the Content-Security-Policy, a width set from script is not.
  function showProgress(root) {
    root.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
      bar.style.width = bar.dataset.percent + "%";
    });
  }

  // "Mark everyone completed" on a results grid: sets every row's status select of the form.
  function fillStatus(event) {
    var button = event.target.closest("[data-fill-status]");
    if (!button) { return; }
    button.form.querySelectorAll("select[name$='-status']").forEach(function (select) {
      if (select.value !== "withdrawn") { select.value = button.dataset.fillStatus; }
    });
  }

  document.addEventListener("click", fillStatus);
  document.addEventListener("click", printPage);
  document.addEventListener("click", toggleTree);
  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-tree-search]")) { filterTree(event.target); }
  });
  document.addEventListener("click", trackDownload);
  document.addEventListener("DOMContentLoaded", function () { enhanceSelects(document); enhanceDates(document); showProgress(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhanceSelects(event.target); enhanceDates(event.target); });
  // htmx:load fires for the page and for every element htmx swaps in (outerHTML swaps included).
  document.addEventListener("htmx:load", function (event) { showProgress(event.target); });
  document.addEventListener("submit", confirmDangerous, true);
})();

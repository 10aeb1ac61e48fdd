// Small behaviours shared by every page. No framework: Bootstrap, htmx and Tom Select do the work.
(function () {
  "use strict";

  function enhanceSelects(root) {
    root.querySelectorAll("select[data-searchable]:not(.tomselected)").forEach(function (el) {
      // eslint-disable-next-line no-undef
      new TomSelect(el, {
        maxOptions: null,
        allowEmptyOption: true,
        plugins: el.multiple ? ["remove_button"] : [],
        render: { no_results: function () { return '<div class="no-results">Không tìm thấy</div>'; } },
      });
    });
  }

  // Dates are shown and typed as dd/mm/yyyy whatever the browser's language; the field
  // still submits ISO dates, which the server accepts.
  function enhanceDates(root) {
    if (typeof flatpickr === "undefined") { return; }
    root.querySelectorAll('input[type="date"]:not(.flatpickr-input)').forEach(function (el) {
      // eslint-disable-next-line no-undef
      flatpickr(el, {
        locale: "vn",
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

  document.addEventListener("click", trackDownload);
  document.addEventListener("DOMContentLoaded", function () { enhanceSelects(document); enhanceDates(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhanceSelects(event.target); enhanceDates(event.target); });
  document.addEventListener("submit", confirmDangerous, true);
})();

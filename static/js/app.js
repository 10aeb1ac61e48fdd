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

  document.addEventListener("DOMContentLoaded", function () { enhanceSelects(document); enhanceDates(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhanceSelects(event.target); enhanceDates(event.target); });
  document.addEventListener("submit", confirmDangerous, true);
})();

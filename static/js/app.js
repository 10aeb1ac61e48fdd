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

  function confirmDangerous(event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceSelects(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhanceSelects(event.target); });
  document.addEventListener("submit", confirmDangerous, true);
})();

// The target form (templates/reports/target_form.html): only the chosen metric's parameters are
// shown. Without JavaScript every metric's parameters show, grouped, and the server reads only
// the chosen metric's.
(function () {
  "use strict";

  function update(select, groups, note) {
    var chosen = select.value;
    groups.forEach(function (group) {
      var shown = group.dataset.metricParams === chosen;
      group.classList.toggle("d-none", !shown);
      group.disabled = !shown;  // the hidden groups are not sent
    });
    if (note) { note.classList.toggle("d-none", true); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("target-form");
    if (!form) { return; }
    var select = form.querySelector("select[data-target-metric]");
    var groups = Array.prototype.slice.call(form.querySelectorAll("[data-metric-params]"));
    var note = form.querySelector("[data-params-note]");
    if (!select || !groups.length) { return; }
    select.addEventListener("change", function () { update(select, groups, note); });
    update(select, groups, note);
  });
})();

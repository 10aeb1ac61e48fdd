// The dashboard's charts (templates/reports/includes/_chart.html): each canvas names the JSON
// the page carries for it (Django's json_script; the CSP forbids inline scripts), drawn with
// the vendored Chart.js. The figures are also in the table under each chart. The charts come
// after the page (htmx swaps templates/reports/includes/_charts.html in place of the loading
// notice): every canvas not drawn yet is drawn when the page is ready and after each swap.
(function () {
  "use strict";

  var COLOURS = ["#0b4ea2", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997"];

  // 1234.5 → "1.234,5", as Vietnamese write numbers.
  function number(value) {
    return Math.abs(value).toLocaleString("vi-VN", { maximumFractionDigits: 1 });
  }

  function narrow(canvas) {
    return canvas.parentElement.clientWidth < 500;
  }

  // A long label on lines of at most ``width`` characters, broken between words: Chart.js
  // draws an array as lines, where a long string would be cut at the chart's edge.
  function wrap(label, width) {
    if (label.length <= width) { return label; }
    var lines = [];
    var line = "";
    label.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines;
  }

  // Wide charts on a desk, taller on a phone; a horizontal chart tall enough for its labels'
  // lines.
  function aspectRatio(canvas, labels, small) {
    var ratio = small ? 1.1 : 1.8;
    var lines = 0;
    labels.forEach(function (label) { lines += Array.isArray(label) ? label.length : 1; });
    var needed = lines * 16 + labels.length * 10 + 50;
    var width = canvas.parentElement.clientWidth || 300;
    return Math.min(ratio, width / needed);
  }

  function peak(datasets) {
    var most = 0;
    datasets.forEach(function (series) {
      series.data.forEach(function (value) { most = Math.max(most, Math.abs(value)); });
    });
    return most || 1;
  }

  function config(data, canvas) {
    var kind = data.kind;
    var horizontal = kind === "hbar" || kind === "pyramid";
    var stacked = kind === "stacked" || kind === "pyramid";
    var datasets = data.datasets.map(function (series, index) {
      var values = series.data;
      if (kind === "pyramid" && index === 0) {
        values = values.map(function (value) { return -value; }); // the left side
      }
      var colour = COLOURS[index % COLOURS.length];
      return {
        label: series.label,
        data: values,
        backgroundColor: colour,
        borderColor: colour,
        fill: false,
        tension: 0.2,
      };
    });
    var small = narrow(canvas);
    var valueAxis = {
      stacked: stacked,
      beginAtZero: true,
      ticks: { precision: 0, callback: function (value) { return number(value); } },
    };
    if (kind === "pyramid") {  // the same scale on both sides of zero
      valueAxis.min = -peak(data.datasets);
      valueAxis.max = peak(data.datasets);
    }
    var labelAxis = horizontal
      ? { stacked: stacked, ticks: { autoSkip: false } }
      : { stacked: stacked, ticks: { autoSkip: true, maxRotation: 0 } };
    var labels = horizontal
      ? data.labels.map(function (label) { return wrap(label, small ? 16 : 30); })
      : data.labels;
    return {
      type: kind === "line" ? "line" : "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: aspectRatio(canvas, horizontal ? labels : [], small),
        animation: false,
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: {
          legend: { display: data.datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                var unit = data.unit ? " " + data.unit : "";
                return context.dataset.label + ": " + number(context.raw) + unit;
              },
            },
          },
        },
      },
    };
  }

  function draw() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      // eslint-disable-next-line no-undef
      if (Chart.getChart(canvas)) { return; } // drawn already: each canvas once
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      // eslint-disable-next-line no-undef
      new Chart(canvas, config(JSON.parse(source.textContent), canvas));
    });
  }

  // The charts' request failed (the server or the network): say so, with the charts' page.
  function failed(event) {
    var section = event.target;
    if (!section || section.id !== "dashboard-charts") { return; }
    section.removeAttribute("aria-busy");
    section.querySelectorAll("[data-charts-loading]").forEach(function (notice) { notice.hidden = true; });
    section.querySelectorAll("[data-charts-failed]").forEach(function (notice) { notice.hidden = false; });
  }

  // htmx:load fires for every element htmx puts in the page, swapped or out of band.
  document.addEventListener("htmx:load", draw);
  document.addEventListener("htmx:afterSettle", draw);
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

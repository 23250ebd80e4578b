// Draws each sensor's day curve (level per minute) with its limit as a dashed line, with
// Chart.js (vendored). Data come from json_script elements named by data-*-from, so that
// no inline script is needed (CSP).
(function () {
  function read(canvas, name) {
    return JSON.parse(document.getElementById(canvas.dataset[name + "From"]).textContent);
  }
  document.querySelectorAll("canvas[data-noise-curve]").forEach(function (canvas) {
    new Chart(canvas, {
      type: "line",
      data: {
        labels: read(canvas, "labels"),
        datasets: [
          { label: canvas.dataset.levelLabel, data: read(canvas, "values"),
            borderColor: "rgba(13, 110, 253, 0.9)", pointRadius: 0, borderWidth: 1.5 },
          { label: canvas.dataset.limitLabel, data: read(canvas, "limits"),
            borderColor: "rgba(220, 53, 69, 0.9)", borderDash: [6, 4], pointRadius: 0,
            borderWidth: 1.5, stepped: true },
        ],
      },
      options: { responsive: true, animation: false,
                 scales: { y: { suggestedMin: 30, suggestedMax: 90 } } },
    });
  });
})();

// Draws every <canvas data-chart="bar|line"> with Chart.js (vendored). Labels and values
// come from json_script elements named by data-labels-from/data-values-from, so that no
// inline script is needed (CSP).
(function () {
  function read(canvas, name) {
    return JSON.parse(document.getElementById(canvas.dataset[name + "From"]).textContent);
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    new Chart(canvas, {
      type: canvas.dataset.chart,
      data: {
        labels: read(canvas, "labels"),
        datasets: [{ label: canvas.dataset.label || "", data: read(canvas, "values"),
                     backgroundColor: "rgba(13, 110, 253, 0.6)" }],
      },
      options: { responsive: true, plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  });
})();

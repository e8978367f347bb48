// Thin bridge from Blazor to Chart.js (vendored under lib/chart.js): one chart per canvas id, replaced on update.
window.movementCharts = {
  charts: {},
  render(canvasId, config) {
    const canvas = document.getElementById(canvasId);
    if (!canvas) return;
    if (this.charts[canvasId]) this.charts[canvasId].destroy();
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    this.charts[canvasId] = new Chart(canvas, config);
  }
};

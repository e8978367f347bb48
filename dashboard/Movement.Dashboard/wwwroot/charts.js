// Thin bridge from Blazor to Chart.js (vendored under lib/chart.js): one chart per canvas id, replaced on update.
// Text large enough to read on a phone, axis labels never rotated: Chart.js skips labels that do not fit instead.
Chart.defaults.font.size = 14;
window.movementCharts = {
  charts: {},
  // config.tickLabels (optional): short x-axis labels ("7 Dec") for the full labels ("Mon 7 Dec 2026") the tooltips show.
  render(canvasId, config) {
    const canvas = document.getElementById(canvasId);
    if (this.charts[canvasId]) {
      this.charts[canvasId].destroy();
      delete this.charts[canvasId];
    }
    if (!canvas) return;
    const tickLabels = config.tickLabels;
    delete config.tickLabels;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    const scales = config.options.scales = config.options.scales || {};
    scales.x = scales.x || {};
    scales.x.ticks = Object.assign({ maxRotation: 0, autoSkip: true, autoSkipPadding: 12 }, scales.x.ticks || {});
    if (tickLabels) scales.x.ticks.callback = (value, index) => tickLabels[index];
    this.charts[canvasId] = new Chart(canvas, config);
  }
};

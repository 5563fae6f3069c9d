// Chart.js, loaded once and only by the pages that draw charts (the funnel): its browser build defines window.Chart.

let loading = null;

/** Resolves to the Chart class; a second call reuses the first load. */
export function loadChart() {
  if (window.Chart) return Promise.resolve(window.Chart);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/console/vendor/chart.js';
    script.addEventListener('load', () => (window.Chart ? resolve(window.Chart) : reject(new Error('Chart.js did not load'))));
    script.addEventListener('error', () => {
      loading = null;
      script.remove();
      reject(new Error('Chart.js could not be loaded'));
    });
    document.head.append(script);
  });
  return loading;
}

/** The console's colours for outcomes, in the order the legend shows them. */
export const COLOURS = {
  verified: '#1d7a46',
  failed: '#b42318',
  expired: '#d08700',
  cancelled: '#8a94a6',
  open: '#1f5fbf',
  p50: '#4f86d9',
  p90: '#17315f',
};

/** A categorical palette for series that are not outcomes (one per method): hues the outcomes do not use. */
export const PALETTE = ['#0f8a94', '#7a3fb0', '#8d5524', '#c2185b', '#3949ab', '#827717', '#00695c', '#5b6475'];

/**
 * A bar chart with the console's defaults: no animation (what the reviewer sees is final at once), the legend
 * at the top, and the numbers in the tooltip. `horizontal` for categories with long names; `counts: false` for
 * values that are not whole numbers (durations).
 */
export function barChart(Chart, canvas, { labels, datasets, stacked = false, horizontal = false, valueTitle, counts = true }) {
  const valueAxis = { stacked, beginAtZero: true, title: { display: Boolean(valueTitle), text: valueTitle }, ticks: counts ? { precision: 0 } : {} };
  const categoryAxis = { stacked };
  return new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      indexAxis: horizontal ? 'y' : 'x',
      plugins: { legend: { position: 'top' } },
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
    },
  });
}

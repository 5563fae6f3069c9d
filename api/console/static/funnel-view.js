// The funnel's figures as charts and tables: every chart has a table with the same numbers beside it (a canvas says
// nothing to a screen reader, and a reviewer may want the exact count).
import { COLOURS, PALETTE, barChart } from './charts.js';
import { DASH, bi, h } from './dom.js';
import { stepLabel, stepWords, valueLabel, valueWords } from './labels.js';

const OUTCOMES = [
  ['verified', '已认证', 'Verified'],
  ['failed', '失败', 'Failed'],
  ['expired', '已过期', 'Expired'],
  ['cancelled', '已取消', 'Cancelled'],
  ['open', '进行中', 'Still open'],
];

const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

/** One method's outcomes; `open` is what has not ended yet (started minus every end). */
export function outcomesOf(item) {
  const failed = sum(item.failed);
  const open = Math.max(0, item.started - item.verified - failed - item.expired - item.cancelled);
  return { verified: item.verified, failed, expired: item.expired, cancelled: item.cancelled, open };
}

/** Seconds as a person reads a duration: 45 s, 12 min, 5.5 h, 3.2 d. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return DASH;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

const percent = (part, whole) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : DASH);
const methodCell = (method) => h('th', { scope: 'row', 'data-method': method }, valueLabel(method) ?? method);
const num = (n, key) => h('td', { class: 'num', 'data-key': key }, String(n));

function table(testid, caption, headings, rows) {
  return h(
    'table',
    { class: 'figures', 'data-testid': testid },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headings.map((cells) => h('th', { scope: 'col' }, bi(...cells))))),
    h('tbody', {}, rows),
  );
}

/** A chart's canvas in a box of fixed height (Chart.js fills its parent), described for assistive technology. */
const chartBox = (id, [zh, en]) => h('div', { class: 'chart' }, h('canvas', { id, role: 'img', 'aria-label': `${zh} ${en}` }));

function outcomeSection(items, charts) {
  const canvas = chartBox('chart-outcomes', ['各方式认证结果（图）', 'Outcomes by method (chart)']);
  charts.push((Chart) =>
    barChart(Chart, canvas.firstChild, {
      horizontal: true,
      stacked: true,
      labels: items.map((i) => valueWords(i.method)),
      datasets: OUTCOMES.map(([key, zh, en]) => ({ label: `${zh} ${en}`, data: items.map((i) => outcomesOf(i)[key]), backgroundColor: COLOURS[key] })),
    }),
  );
  const reasons = (failed) =>
    Object.keys(failed).length ? h('div', { class: 'reasons' }, Object.entries(failed).map(([code, n]) => h('span', { class: 'mono' }, `${code} ${n}`))) : null;
  const rows = items.map((item) => {
    const o = outcomesOf(item);
    return h(
      'tr',
      { 'data-method': item.method },
      methodCell(item.method),
      num(item.started, 'started'),
      num(item.verified, 'verified'),
      h('td', { class: 'num', 'data-key': 'conversion' }, percent(item.verified, item.started)),
      h('td', { class: 'num', 'data-key': 'failed' }, String(o.failed), reasons(item.failed)),
      num(item.expired, 'expired'),
      num(item.cancelled, 'cancelled'),
      num(o.open, 'open'),
      h('td', { class: 'num', 'data-key': 'p50' }, duration(item.timeToVerify.p50)),
      h('td', { class: 'num', 'data-key': 'p90' }, duration(item.timeToVerify.p90)),
    );
  });
  const headings = [['方式', 'Method'], ['开始', 'Started'], ['已认证', 'Verified'], ['转化率', 'Conversion'], ['失败', 'Failed'], ['已过期', 'Expired'], ['已取消', 'Cancelled'], ['进行中', 'Open'], ['用时 p50', 'Time p50'], ['用时 p90', 'Time p90']];
  return section(['结果', 'Outcomes'], canvas, table('funnel-outcomes', bi('按方式统计，开始于所选范围内的认证', 'Per method, the verifications started in the range'), headings, rows));
}

function stepSection(items, charts) {
  const steps = [...new Set(items.flatMap((i) => Object.keys(i.dropOffByStep)))];
  if (!steps.length) return section(['停留步骤', 'Where they stopped'], h('p', { class: 'muted' }, bi('没有未完成的认证。', 'Every verification finished.')));
  const canvas = chartBox('chart-steps', ['未完成的认证停在哪一步（图）', 'Where unfinished verifications stood (chart)']);
  const withSteps = items.filter((i) => Object.keys(i.dropOffByStep).length);
  charts.push((Chart) =>
    barChart(Chart, canvas.firstChild, {
      stacked: true,
      labels: steps.map(stepWords),
      datasets: withSteps.map((item, n) => ({ label: valueWords(item.method), data: steps.map((s) => item.dropOffByStep[s] ?? 0), backgroundColor: PALETTE[n % PALETTE.length] })),
    }),
  );
  const rows = withSteps.flatMap((item) =>
    Object.entries(item.dropOffByStep).map(([step, n]) => h('tr', { 'data-method': item.method, 'data-step': step }, methodCell(item.method), h('td', {}, stepLabel(step)), num(n, 'count'))),
  );
  return section(
    ['停留步骤', 'Where they stopped'],
    h('p', { class: 'help' }, bi('已过期、已取消和仍在进行的认证，按其最后所在步骤。', 'Expired, cancelled and still-open verifications, by the last step they reached.')),
    canvas,
    table('funnel-steps', bi('按方式和步骤', 'By method and step'), [['方式', 'Method'], ['步骤', 'Step'], ['数量', 'Count']], rows),
  );
}

/** The chart's unit for durations up to `max` seconds: seconds, minutes, hours or days. */
function unitFor(max) {
  if (max < 120) return [['秒', 'seconds'], 1];
  if (max < 120 * 60) return [['分钟', 'minutes'], 60];
  if (max < 72 * 3600) return [['小时', 'hours'], 3600];
  return [['天', 'days'], 86400];
}

function timeSection(items, charts) {
  const timed = items.filter((i) => i.timeToVerify.p50 !== null);
  if (!timed.length) return section(['认证用时', 'Time to verify'], h('p', { class: 'muted' }, bi('此范围内没有完成的认证。', 'No verification completed in this range.')));
  const [unit, per] = unitFor(Math.max(...timed.map((i) => i.timeToVerify.p90 ?? 0)));
  const canvas = chartBox('chart-times', [`认证用时（图，单位${unit[0]}，数字见结果表）`, `Time to verify in ${unit[1]} (chart; the figures are in the outcomes table)`]);
  const scaled = (s) => Math.round((s / per) * 10) / 10;
  charts.push((Chart) =>
    barChart(Chart, canvas.firstChild, {
      labels: timed.map((i) => valueWords(i.method)),
      valueTitle: unit.join(' '),
      counts: false,
      datasets: [
        { label: 'p50', data: timed.map((i) => scaled(i.timeToVerify.p50)), backgroundColor: COLOURS.p50 },
        { label: 'p90', data: timed.map((i) => scaled(i.timeToVerify.p90)), backgroundColor: COLOURS.p90 },
      ],
    }),
  );
  return section(['认证用时', 'Time to verify'], h('p', { class: 'help' }, bi('从开始到认证通过。', 'From start to verified.')), canvas);
}

function reviewSection(reviews) {
  return section(
    ['审核时效', 'Review SLA'],
    h(
      'dl',
      { class: 'facts', 'data-testid': 'funnel-reviews' },
      h('dt', {}, bi('已决定', 'Decided')),
      h('dd', { 'data-key': 'decided' }, String(reviews.decided)),
      h('dt', {}, bi('按时决定', 'Decided by their due time')),
      h('dd', { 'data-key': 'withinSla' }, `${reviews.withinSla} (${percent(reviews.withinSla, reviews.decided)})`),
    ),
  );
}

function section([zh, en], ...children) {
  return h('section', { class: 'card funnel-part' }, h('h2', {}, bi(zh, en)), children);
}

/**
 * The funnel as sections, and the charts to draw once they are in the document (Chart.js measures its parent):
 * `charts` holds functions of the Chart class that return the chart made.
 */
export function funnelSections(funnel) {
  const charts = [];
  if (!funnel.items.length) {
    return { sections: [h('p', { class: 'card muted', 'data-testid': 'funnel-empty' }, bi('此范围内没有开始的认证。', 'No verification started in this range.')), reviewSection(funnel.reviews)], charts };
  }
  const sections = [outcomeSection(funnel.items, charts), stepSection(funnel.items, charts), timeSection(funnel.items, charts), reviewSection(funnel.reviews)];
  return { sections, charts };
}

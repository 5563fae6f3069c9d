// The verification funnel (#/funnel?from=&to=&method=), for admins: the range is whole days in Beijing time.
import { ApiError, api, messageFor } from './api.js';
import { loadChart } from './charts.js';
import { bi, fill, h, notice } from './dom.js';
import { funnelSections } from './funnel-view.js';
import { valueWords } from './labels.js';

const METHODS = ['wechat_qr', 'qq_qr', 'face', 'wechat_official_account', 'legal_person_wechat', 'legal_person_face', 'recharge', 'public_remittance'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DEFAULT_DAYS = 30;

const beijingDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
const dayOf = (ms) => beijingDay.format(new Date(ms));
const startOf = (day) => `${day}T00:00:00+08:00`;
const addDays = (day, n) => dayOf(Date.parse(startOf(day)) + n * 86_400_000);

/** The range the hash names, or the last 30 days to today; `to` is a day included, so the API's end is the next midnight. */
export function rangeOf(params, now = Date.now()) {
  const today = dayOf(now);
  const to = DAY.test(params.get('to') ?? '') ? params.get('to') : today;
  const from = DAY.test(params.get('from') ?? '') ? params.get('from') : addDays(to, 1 - DEFAULT_DAYS);
  const method = METHODS.includes(params.get('method') ?? '') ? params.get('method') : '';
  return { from, to, method };
}

function query({ from, to, method }) {
  const q = new URLSearchParams({ from: startOf(from), to: startOf(addDays(to, 1)) });
  if (method) q.set('method', method);
  return q;
}

function rangeForm(range) {
  const input = (id, value) => h('input', { id, name: id, type: 'date', value, required: true });
  const select = h(
    'select',
    { id: 'method', name: 'method' },
    h('option', { value: '' }, '全部 All methods'),
    METHODS.map((m) => h('option', { value: m, selected: m === range.method }, valueWords(m))),
  );
  const form = h(
    'form',
    { class: 'range', novalidate: true },
    h('div', {}, h('label', { for: 'from' }, bi('从', 'From')), input('from', range.from)),
    h('div', {}, h('label', { for: 'to' }, bi('至', 'To')), input('to', range.to)),
    h('div', {}, h('label', { for: 'method' }, bi('方式', 'Method')), select),
    h('button', { type: 'submit', class: 'primary' }, bi('查看', 'Show')),
  );
  const status = h('div', { class: 'form-status' });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const [from, to, method] = ['from', 'to', 'method'].map((k) => String(data.get(k) ?? ''));
    if (!DAY.test(from) || !DAY.test(to)) return void fill(status, notice({ zh: '请选择开始和结束日期。', en: 'Choose the first and the last day.' }));
    if (from > to) return void fill(status, notice({ zh: '开始日期不能晚于结束日期。', en: 'The first day must not be after the last.' }));
    const next = `#/funnel?${new URLSearchParams({ from, to, ...(method ? { method } : {}) })}`;
    if (location.hash === next) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = next;
  });
  return [form, status];
}

/** Draws each chart; a chart that cannot be drawn (Chart.js did not load) leaves its table, which has every number. */
async function draw(charts, made, status, isLeft) {
  if (!charts.length) return;
  try {
    const Chart = await loadChart();
    if (isLeft()) return;
    for (const make of charts) made.push(make(Chart));
  } catch {
    status.append(notice({ zh: '图表无法加载，数字见下表。', en: 'The charts could not be loaded; the tables have every figure.' }, 'info'));
  }
}

export function renderFunnel(main, params) {
  const range = rangeOf(params);
  const status = h('div', { class: 'status-area' }, notice({ zh: '加载中…', en: 'Loading…' }, 'info'));
  const body = h('div', { class: 'funnel', 'aria-live': 'polite' });
  fill(
    main,
    h('div', { class: 'toolbar' }, h('h1', { tabindex: '-1' }, bi('认证漏斗', 'Verification funnel'))),
    h('p', { class: 'help' }, bi('统计所选日期（北京时间，含首尾两天）内开始的认证。', 'Counts the verifications started on the days chosen (Beijing time, both days included).')),
    rangeForm(range),
    status,
    body,
  );
  const made = [];
  let left = false;
  const ready = api('GET', `/v1/admin/analytics/funnel?${query(range)}`)
    .then(async (funnel) => {
      if (left) return;
      const { sections, charts } = funnelSections(funnel);
      fill(status);
      fill(body, sections);
      await draw(charts, made, status, () => left);
    })
    .catch((err) => {
      if (left) return;
      const error = err instanceof ApiError ? err : new ApiError(0, {});
      fill(status, notice(error.status === 403 ? { zh: '漏斗仅限管理员查看。', en: 'The funnel is for admins only.' } : messageFor(error)));
    });
  return {
    ready,
    leave: () => {
      left = true;
      for (const chart of made) chart.destroy();
    },
  };
}

// A case (#/reviews/<id>): the request and applicant, the materials, the process's steps, signals, earlier rounds, the history,
// and the actions. What the server does not (yet) answer is shown as —, never as an error.
import { actionsPanel } from './actions.js';
import { api, messageFor } from './api.js';
import { bi, businessDays, claimText, dueDate, DASH, fill, h, notice, time } from './dom.js';
import { actionLabel, decisionLabel, fieldLabel, kindLabel, signalLabel, statusLabel, stepLabel, stepStateLabel, valueLabel } from './labels.js';
import { renderMaterials } from './materials.js';

export function renderCase(main, id) {
  const heading = h('h1', { tabindex: '-1' }, bi('案件', 'Case'), ' ', h('span', { class: 'mono' }, id));
  const status = h('div', { class: 'status-area' });
  const facts = h('div', { class: 'card' });
  const applicant = h('section', { class: 'card', 'aria-labelledby': 'applicant-h' });
  const materials = h('section', { class: 'card', 'aria-labelledby': 'materials-h' });
  const process = h('section', { class: 'card', 'aria-labelledby': 'process-h' });
  const rounds = h('section', { class: 'card', 'aria-labelledby': 'rounds-h' });
  const signals = h('section', { class: 'card', 'aria-labelledby': 'signals-h', 'data-testid': 'case-signals' });
  const history = h('section', { class: 'card', 'aria-labelledby': 'history-h' });
  const actions = actionsPanel(id, () => reload());
  let releaseMaterials = () => {};

  fill(
    main,
    h('p', { class: 'back' }, h('a', { href: '#/queue' }, '← ', bi('返回队列', 'Back to the queue'))),
    heading,
    status,
    h('div', { class: 'case-grid' }, h('div', { class: 'col-main' }, facts, materials, applicant), h('div', { class: 'col-side' }, actions.section, process, signals, rounds, history)),
  );

  /** Everything but the materials: those stay loaded while the case changes around them. */
  function draw(review) {
    fill(heading, kindLabel(review.kind), ' ', h('span', { class: 'mono' }, review.id));
    fill(facts, factsOf(review));
    fill(applicant, h('h2', { id: 'applicant-h' }, bi('申请资料', 'Request and applicant')), fieldsOf(review.applicant));
    actions.render(review);
    fill(process, h('h2', { id: 'process-h' }, bi('流程', 'Process')), processOf(review.process));
    fill(signals, h('h2', { id: 'signals-h' }, bi('关联信号', 'Signals')), signalsOf(review.signals));
    fill(rounds, h('h2', { id: 'rounds-h' }, bi('往轮审核', 'Earlier rounds')), roundsOf(review));
    fill(history, h('h2', { id: 'history-h' }, bi('记录', 'History')), historyOf(review.history));
  }

  async function reload() {
    try {
      draw(await api('GET', `/v1/reviews/${encodeURIComponent(id)}`));
      fill(status);
    } catch (err) {
      fill(status, notice(messageFor(err)));
    }
  }

  const ready = api('GET', `/v1/reviews/${encodeURIComponent(id)}`)
    .then((review) => {
      draw(review);
      fill(materials, h('h2', { id: 'materials-h' }, bi('材料', 'Materials')));
      const list = h('div');
      materials.append(list);
      releaseMaterials = renderMaterials(list, review.materials);
    })
    .catch((err) => {
      // A 401 has already sent the reviewer to sign in (api.js); the page is no longer theirs to draw.
      if (err.status === 401) return;
      fill(main, h('p', { class: 'back' }, h('a', { href: '#/queue' }, '← ', bi('返回队列', 'Back to the queue'))), heading, notice(messageFor(err)));
    });

  return { ready, leave: () => releaseMaterials() };
}

function factsOf(review) {
  const row = (zh, en, value, testid) => [h('dt', {}, bi(zh, en)), h('dd', testid ? { 'data-testid': testid } : {}, value ?? DASH)];
  return h(
    'dl',
    { class: 'facts grid' },
    row('状态', 'Status', h('span', { class: `badge status-${review.status}`, 'data-testid': 'status' }, statusLabel(review.status))),
    row('账户', 'Account', h('span', { class: 'mono' }, review.accountId ?? DASH)),
    row('流程', 'Process', h('span', { class: 'mono' }, review.processId ?? DASH)),
    row('提交时间', 'Submitted', time(review.createdAt)),
    row('截止时间', 'Due', dueDate(review.dueAt)),
    row('剩余工作日', 'Business days', businessDays(review)),
    row('认领人', 'Claimed by', claimText(review.claimedBy ?? null), 'case-claimed-by'),
  );
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The applicant as the server answers it (masked for reviewers, in full for admins): scalars first, then each group. */
function fieldsOf(data) {
  if (!isPlainObject(data) || Object.keys(data).length === 0) return h('p', { class: 'muted' }, DASH);
  const entries = Object.entries(data);
  const scalars = entries.filter(([, v]) => !isPlainObject(v));
  const groups = entries.filter(([, v]) => isPlainObject(v));
  return h(
    'div',
    { class: 'fields' },
    scalars.length ? h('dl', { class: 'facts' }, scalars.map(([k, v]) => [h('dt', {}, fieldLabel(k)), h('dd', { 'data-field': k }, valueText(v))])) : null,
    groups.length ? h('div', { class: 'groups' }, groups.map(([k, v]) => h('div', { class: 'group', 'data-group': k }, h('h3', {}, fieldLabel(k)), fieldsOf(v)))) : null,
  );
}

function valueText(value) {
  if (value === null || value === undefined || value === '') return DASH;
  if (Array.isArray(value)) return value.map((v) => (isPlainObject(v) ? JSON.stringify(v) : String(v))).join(', ');
  if (typeof value === 'boolean') return value ? bi('是', 'yes') : bi('否', 'no');
  return valueLabel(value) ?? String(value);
}

/**
 * When each of the console's three steps began, from the process's timeline:
 * the basic information when it opened, the check at its first step, the end
 * when it closed.
 */
function stepTimes(timeline) {
  const first = (match) => timeline.find(match)?.at;
  const opened = first((e) => String(e.action).endsWith('.opened'));
  return new Map([
    ['basic_info', opened],
    ['verify', first((e) => typeof e.step === 'string') ?? opened],
    ['complete', first((e) => String(e.action).endsWith('.closed'))],
  ]);
}

function eventLabel(e) {
  const action = String(e.action);
  if (typeof e.step === 'string') return stepLabel(e.step);
  // The review's own events (opened, revoked): named as the history names them.
  if (action.startsWith('review.')) return [bi('审核', 'Review'), ' ', actionLabel(action.slice('review.'.length))];
  if (action.endsWith('.opened')) return bi('发起', 'Opened');
  if (action.endsWith('.closed')) return [bi('结束', 'Closed'), ' ', valueLabel(e.status) ?? e.status ?? ''];
  return action;
}

/** What the process's workflow recorded, when: opened, each step, closed. */
function timelineOf(timeline) {
  if (timeline.length === 0) return null;
  return h('ol', { class: 'timeline' }, timeline.map((e) => h('li', {}, time(e.at), ' ', eventLabel(e))));
}

function processOf(process) {
  if (!isPlainObject(process)) return h('p', { class: 'muted' }, DASH);
  const timeline = Array.isArray(process.timeline) ? process.timeline.filter(isPlainObject) : [];
  const at = stepTimes(timeline);
  const steps = (Array.isArray(process.steps) ? process.steps : []).map((s) => ({ ...s, at: s.at ?? at.get(s.name) }));
  return [
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, bi('编号', 'Id')),
      h('dd', { class: 'mono' }, process.id ?? DASH),
      h('dt', {}, bi('状态', 'Status')),
      h('dd', {}, valueLabel(process.status) ?? process.status ?? DASH),
      h('dt', {}, bi('当前步骤', 'Step')),
      h('dd', {}, process.step ? stepLabel(process.step) : DASH),
    ),
    steps.length
      ? h(
          'ol',
          { class: 'steps' },
          steps.map((s) => h('li', { class: `step ${s.state ?? ''}`, 'data-state': s.state }, h('span', { class: 'step-name' }, stepLabel(s.name)), ' ', h('span', { class: 'step-state' }, stepStateLabel(s.state)), s.at ? [' ', time(s.at)] : null)),
        )
      : null,
    timelineOf(timeline),
    steps.length || timeline.length ? null : h('p', { class: 'muted' }, DASH),
  ];
}

/** Other accounts' processes sharing this one's bank account, handler, legal person or contact mobile, by kind. */
function signalsOf(signals) {
  if (!Array.isArray(signals)) return h('p', { class: 'muted' }, DASH);
  if (signals.length === 0) return h('p', { class: 'muted' }, bi('无其他账户共用这些信息', 'No other account shares these facts'));
  return signals.map((s) =>
    h(
      'div',
      { class: 'signal', 'data-kind': s.kind },
      h('h3', {}, signalLabel(s.kind), ' (', String(s.processes.length), ')'),
      h(
        'table',
        { class: 'signals' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, bi('账户', 'Account')), h('th', { scope: 'col' }, bi('流程', 'Process')), h('th', { scope: 'col' }, bi('状态', 'Status')))),
        h(
          'tbody',
          {},
          s.processes.map((p) => h('tr', {}, h('td', { class: 'mono' }, p.accountId), h('td', { class: 'mono' }, p.processId), h('td', {}, valueLabel(p.status) ?? p.status))),
        ),
      ),
    ),
  );
}

function roundsOf(review) {
  const rounds = Array.isArray(review.rounds) ? review.rounds : null;
  if (!rounds) return h('p', { class: 'muted' }, DASH);
  if (rounds.length === 0) return h('p', { class: 'muted' }, bi('无往轮', 'None: this is the first round'));
  return h(
    'ol',
    { class: 'rounds' },
    rounds.map((r) =>
      h(
        'li',
        { class: r.reviewId === review.id ? 'current' : null, 'data-review-id': r.reviewId },
        r.reviewId && r.reviewId !== review.id ? h('a', { href: `#/reviews/${encodeURIComponent(r.reviewId)}` }, bi(`第 ${r.round ?? '?'} 轮`, `Round ${r.round ?? '?'}`)) : bi(`第 ${r.round ?? '?'} 轮`, `Round ${r.round ?? '?'}`),
        ' · ',
        h('strong', {}, r.decision ? decisionLabel(r.decision) : statusLabel(r.status)),
        ' · ',
        time(r.decidedAt),
        r.reason ? h('div', { class: 'reason' }, bi('原因', 'Reason'), ': ', r.reason) : null,
      ),
    ),
  );
}

function historyOf(history) {
  if (!Array.isArray(history)) return h('p', { class: 'muted' }, DASH);
  if (history.length === 0) return h('p', { class: 'muted' }, bi('暂无记录', 'Nothing yet'));
  return h(
    'ol',
    { class: 'history' },
    history.map((e) =>
      h(
        'li',
        { 'data-event': e.action },
        time(e.at),
        ' ',
        h('strong', {}, actionLabel(e.action)),
        e.by?.name ? [' · ', e.by.name] : null,
        e.reason ? h('div', { class: 'reason' }, bi('原因', 'Reason'), ': ', e.reason) : null,
      ),
    ),
  );
}

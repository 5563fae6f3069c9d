// The open queue: overdue first, then by due time (the server's order), filtered by kind.
import { api, messageFor } from './api.js';
import { bi, businessDays, claimText, dueDate, fill, h, notice, time } from './dom.js';
import { KINDS, kindLabel } from './labels.js';

const PAGE = 100;

export function renderQueue(main, params) {
  const kind = Object.hasOwn(KINDS, params.get('kind') ?? '') ? params.get('kind') : '';
  const status = h('div', { class: 'status-area' });
  const body = h('tbody');
  const caption = h('caption', {}, bi('加载中…', 'Loading…'));
  const more = h('div', { class: 'more' });
  const refresh = h('button', { type: 'button', onclick: () => void load() }, bi('刷新', 'Refresh'));

  const filterLink = (value, [zh, en]) =>
    h('a', { href: value ? `#/queue?kind=${value}` : '#/queue', 'aria-current': value === kind ? 'page' : null, 'data-kind': value || 'all' }, bi(zh, en));

  fill(
    main,
    h(
      'div',
      { class: 'toolbar' },
      h('h1', { tabindex: '-1' }, bi('待审核', 'Open queue')),
      refresh,
    ),
    h(
      'nav',
      { class: 'filters', 'aria-label': '类型 Kind' },
      filterLink('', ['全部', 'All']),
      Object.entries(KINDS).map(([value, words]) => filterLink(value, words)),
    ),
    status,
    h(
      'table',
      { class: 'queue' },
      caption,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, bi('案件', 'Case')),
          h('th', { scope: 'col' }, bi('类型', 'Kind')),
          h('th', { scope: 'col' }, bi('账户', 'Account')),
          h('th', { scope: 'col' }, bi('提交时间', 'Submitted')),
          h('th', { scope: 'col' }, bi('截止时间', 'Due')),
          h('th', { scope: 'col' }, bi('剩余工作日', 'Business days')),
          h('th', { scope: 'col' }, bi('认领人', 'Claimed by')),
        ),
      ),
      body,
    ),
    more,
  );

  const row = (review) =>
    h(
      'tr',
      { class: review.overdue ? 'overdue' : null, 'data-review-id': review.id },
      h(
        'td',
        {},
        h('a', { href: `#/reviews/${encodeURIComponent(review.id)}`, class: 'case-link' }, review.id),
        review.overdue ? [' ', h('span', { class: 'badge overdue' }, bi('逾期', 'Overdue'))] : null,
      ),
      h('td', {}, kindLabel(review.kind)),
      h('td', { class: 'mono' }, review.accountId ?? '—'),
      h('td', {}, time(review.createdAt)),
      h('td', {}, dueDate(review.dueAt)),
      h('td', {}, businessDays(review)),
      h('td', { 'data-testid': 'claimed-by' }, claimText(review.claimedBy)),
    );

  let shown = 0;
  async function load(cursor = null) {
    // aria-busy, not disabled: a disabled button would drop the keyboard focus.
    main.setAttribute('aria-busy', 'true');
    const query = new URLSearchParams({ status: 'open', limit: String(PAGE) });
    if (kind) query.set('kind', kind);
    if (cursor) query.set('cursor', cursor);
    try {
      const page = await api('GET', `/v1/reviews?${query}`);
      if (!cursor) {
        body.replaceChildren();
        shown = 0;
      }
      body.append(...page.items.map(row));
      shown += page.items.length;
      fill(status);
      fill(caption, shown === 0 ? bi('暂无待审核案件', 'No open cases') : bi(`${shown} 件待审核`, `${shown} open case${shown === 1 ? '' : 's'}`));
      fill(
        more,
        page.nextCursor ? h('button', { type: 'button', onclick: () => void load(page.nextCursor) }, bi('加载更多', 'Load more')) : null,
      );
    } catch (err) {
      fill(status, notice(messageFor(err)));
    } finally {
      main.removeAttribute('aria-busy');
    }
  }

  return { ready: load() };
}

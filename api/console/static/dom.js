// Building DOM without innerHTML: everything the API answers (names, reasons, applicant data) lands as text.

/**
 * h('button', { class: 'primary', onclick: fn, disabled: false }, 'text', child, [more])
 * Attributes that are null, undefined or false are left out; `true` sets an empty attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'value') el.value = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A label in Chinese with its English beside it. */
export const bi = (zh, en) => [h('span', { lang: 'zh-CN' }, zh), ' ', h('span', { class: 'en', lang: 'en' }, en)];

export const DASH = '—';

/** A message in Chinese and English; `kind` is error, ok or info. Errors are announced at once (role=alert). */
export function notice({ zh, en }, kind = 'error') {
  return h(
    'div',
    { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-kind': kind, tabindex: '-1' },
    h('p', { lang: 'zh-CN' }, zh),
    h('p', { lang: 'en', class: 'en' }, en),
  );
}

const beijing = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A time as reviewers read it: Beijing time, to the minute; the exact instant in the title. Missing → —. */
export function time(iso) {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return DASH;
  const parts = Object.fromEntries(beijing.formatToParts(date).map((p) => [p.type, p.value]));
  const text = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  return h('time', { datetime: date.toISOString(), title: `${date.toISOString()} (UTC)` }, text);
}

/**
 * A review's deadline as reviewers read it: the server's dueAt is the midnight
 * that ends the last business day (Beijing), so the day shown is the one before
 * that instant, "end of day"; the exact instant in the title.
 */
export function dueDate(iso) {
  if (!iso) return DASH;
  const end = new Date(iso);
  if (Number.isNaN(end.getTime())) return DASH;
  const parts = Object.fromEntries(beijing.formatToParts(new Date(end.getTime() - 1)).map((p) => [p.type, p.value]));
  return h('time', { datetime: end.toISOString(), title: `${end.toISOString()} (UTC)`, class: 'due' }, `${parts.year}-${parts.month}-${parts.day} `, bi('当日结束', 'end of day'));
}

/** Business days left (negative: overdue by that many), as the server counts them (mainland China calendar). */
export function businessDays(review) {
  const n = review.businessDaysLeft;
  if (typeof n !== 'number') return review.overdue ? h('span', { class: 'badge overdue' }, bi('逾期', 'Overdue')) : DASH;
  if (n < 0) return h('span', { class: 'badge overdue' }, bi(`逾期 ${-n} 个工作日`, `${-n} business day${n === -1 ? '' : 's'} overdue`));
  if (review.overdue) return h('span', { class: 'badge overdue' }, bi('今日到期，已逾期', 'Due today, overdue'));
  if (n === 0) return h('span', { class: 'badge due' }, bi('今日到期', 'Due today'));
  return h('span', { class: 'days' }, bi(`剩 ${n} 个工作日`, `${n} business day${n === 1 ? '' : 's'} left`));
}

/** Who holds a claim, and until when. */
export function claimText(claimedBy) {
  if (!claimedBy) return h('span', { class: 'muted' }, bi('未认领', 'Unclaimed'));
  return h('span', { class: 'claim' }, claimedBy.name ?? DASH, claimedBy.until ? [' · ', bi('至', 'until'), ' ', time(claimedBy.until)] : null);
}

// The hosted pages' door (SPEC §13): exchange the link's one-time token for a browser session, take the token out of
// the address bar (so it is not bookmarked, shared or kept in history), and show the account's state. The full pages
// come later; this file stays small and builds the page with textContent only (nothing the server sends is HTML).

const MESSAGES = {
  'zh-CN': {
    title: '实名认证',
    account: '账号',
    status: '认证状态',
    verified: '已认证',
    unverified: '未认证',
    subjectType: '认证类型',
    individual: '个人认证',
    enterprise: '企业认证',
    back: '返回',
    linkUsed: '此链接已使用过，每个链接只能打开一次。',
    linkExpired: '此链接已过期，链接在 1 小时内有效。',
    linkUnknown: '此链接无效。',
    sessionEnded: '会话已结束。',
    noLink: '请从控制台打开认证链接。',
    whatToDo: '请回到控制台重新获取认证链接。',
    failed: '暂时无法打开，请稍后重试。',
  },
  en: {
    title: 'Real-name verification',
    account: 'Account',
    status: 'Status',
    verified: 'Verified',
    unverified: 'Not verified',
    subjectType: 'Type',
    individual: 'Individual',
    enterprise: 'Enterprise',
    back: 'Back',
    linkUsed: 'This link was already used: each link opens the pages once.',
    linkExpired: 'This link has expired: a link works for 1 hour.',
    linkUnknown: 'This link is not valid.',
    sessionEnded: 'Your session has ended.',
    noLink: 'Open the verification link from the console.',
    whatToDo: 'Go back to the console and ask for a new link.',
    failed: 'The page cannot be opened right now; please try again later.',
  },
};

const SESSION_KEY = 'rnv-page-session';
const main = document.getElementById('main');

function show(locale, heading, rows, options = {}) {
  const m = MESSAGES[locale] ?? MESSAGES['zh-CN'];
  document.documentElement.lang = locale;
  document.title = m.title;
  const h1 = document.createElement('h1');
  h1.textContent = heading;
  const parts = [h1];
  for (const line of rows) {
    const p = document.createElement('p');
    p.textContent = line;
    parts.push(p);
  }
  if (options.list) parts.push(options.list);
  if (options.returnUrl) {
    const a = document.createElement('a');
    a.href = options.returnUrl;
    a.textContent = m.back;
    parts.push(a);
  }
  main.className = options.error ? 'error' : '';
  main.replaceChildren(...parts);
  main.removeAttribute('aria-busy');
}

function showError(locale, reason) {
  const m = MESSAGES[locale] ?? MESSAGES['zh-CN'];
  const what = { used: m.linkUsed, expired: m.linkExpired, unknown: m.linkUnknown, ended: m.sessionEnded, none: m.noLink }[reason] ?? m.failed;
  show(locale, m.title, [what, m.whatToDo], { error: true });
}

function accountList(locale, account) {
  const m = MESSAGES[locale] ?? MESSAGES['zh-CN'];
  const dl = document.createElement('dl');
  const rows = [
    [m.account, account.id],
    [m.status, account.verification.status === 'verified' ? m.verified : m.unverified],
  ];
  if (account.verification.subjectType) rows.push([m.subjectType, m[account.verification.subjectType] ?? account.verification.subjectType]);
  for (const [label, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
  return dl;
}

async function exchange(token) {
  const res = await fetch('/v1/sessions/exchange', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) return { refused: body.reason ?? 'failed', locale: body.locale };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(body));
  return { session: body };
}

async function showAccount(session) {
  const res = await fetch(`/v1/accounts/${encodeURIComponent(session.accountId)}`, { credentials: 'same-origin' });
  if (res.status === 401) return showError(session.locale, 'ended');
  if (!res.ok) return showError(session.locale, 'failed');
  const account = await res.json();
  show(session.locale, MESSAGES[session.locale].title, [], { list: accountList(session.locale, account), returnUrl: session.returnUrl });
}

async function open() {
  const token = new URLSearchParams(location.hash.slice(1)).get('t');
  // Out of the address bar before anything else happens: a used token is worthless, but it has no business in history.
  if (token) history.replaceState(null, '', location.pathname + location.search);
  const stored = sessionStorage.getItem(SESSION_KEY);
  let session = stored ? JSON.parse(stored) : undefined;
  if (token) {
    const result = await exchange(token);
    if (result.refused) return showError(result.locale ?? session?.locale ?? 'zh-CN', result.refused);
    session = result.session;
  }
  if (!session) return showError('zh-CN', 'none');
  await showAccount(session);
}

open().catch(() => showError('zh-CN', 'failed'));

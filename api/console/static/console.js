// The reviewer console: sign-in, the open queue (#/queue), a case (#/reviews/<id>) and, for admins, the verification
// funnel (#/funnel). Plain ES modules, no build step.
import { ApiError, checkToken, messageFor, session } from './api.js';
import { bi, fill, h, notice } from './dom.js';
import { renderQueue } from './queue.js';
import { renderCase } from './case.js';
import { renderFunnel } from './funnel.js';

const main = document.getElementById('main');
const who = document.getElementById('who');
const nav = document.getElementById('nav');
let signInNotice = null;
/** Whatever the current view must release when the reviewer leaves it (blob URLs of materials). */
let leaveView = () => {};

/** The places a signed-in reviewer can go; the current one is marked. */
function renderNav(path) {
  if (!session.who) return void fill(nav);
  const link = (href, here, zh, en) => h('a', { href, 'aria-current': here ? 'page' : null }, bi(zh, en));
  fill(nav, link('#/queue', !path.startsWith('/funnel'), '待审核', 'Queue'), link('#/funnel', path.startsWith('/funnel'), '认证漏斗', 'Funnel'));
}

function renderWho() {
  const me = session.who;
  if (!me) {
    fill(who);
    return;
  }
  const role = me.shared ? bi('共享密钥', 'shared key') : me.role === 'admin' ? bi('管理员', 'admin') : bi('审核员', 'reviewer');
  fill(
    who,
    h('span', { class: 'me' }, h('strong', { 'data-testid': 'me' }, me.name), ' · ', role),
    h('button', { type: 'button', class: 'link', onclick: () => session.signOut() }, bi('退出', 'Sign out')),
  );
}

function renderSignIn() {
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-help' });
  const status = h('div', { class: 'form-status' }, signInNotice ? notice(signInNotice) : null);
  const form = h(
    'form',
    { class: 'card signin', novalidate: true },
    h('h1', { tabindex: '-1' }, bi('审核台登录', 'Reviewer console sign-in')),
    status,
    h('label', { for: 'token' }, bi('令牌', 'Token')),
    input,
    h(
      'p',
      { id: 'token-help', class: 'help' },
      bi('管理员签发的员工令牌，或共享审核密钥。仅保存在本标签页中。', 'A staff token minted by an admin, or the shared reviewer key. Kept in this tab only.'),
    ),
    h('button', { type: 'submit', class: 'primary' }, bi('登录', 'Sign in')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      fill(status, notice({ zh: '请输入令牌。', en: 'Enter a token.' }));
      input.focus();
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    checkToken(token)
      .then(() => {
        session.signIn(token);
        signInNotice = null;
        route();
      })
      .catch((err) => {
        fill(status, notice(messageFor(err instanceof ApiError ? err : new ApiError(0, {}))));
        button.disabled = false;
        input.select();
        input.focus();
      });
  });
  fill(main, form);
  input.focus();
}

/** The view the hash names; the page's heading takes the focus so keyboard and screen-reader users start there. */
function route() {
  leaveView();
  leaveView = () => {};
  renderWho();
  const me = session.who;
  if (!me || (me.expiresAt && me.expiresAt <= Date.now())) {
    if (me) session.signOut({ zh: '登录已过期，请重新登录。', en: 'Your sign-in has expired; sign in again.' });
    else renderSignIn();
    return;
  }
  const hash = location.hash.replace(/^#/, '') || '/queue';
  const [path, search = ''] = hash.split('?');
  renderNav(path);
  const params = new URLSearchParams(search);
  const caseMatch = /^\/reviews\/([^/]+)$/.exec(path);
  const view = caseMatch ? renderCase(main, decodeURIComponent(caseMatch[1])) : path === '/funnel' ? renderFunnel(main, params) : renderQueue(main, params);
  leaveView = view.leave ?? leaveView;
  void view.ready?.then(() => main.querySelector('h1')?.focus({ preventScroll: true }));
}

session.onSignOut((reason) => {
  signInNotice = reason;
  leaveView();
  leaveView = () => {};
  renderWho();
  renderNav('');
  renderSignIn();
});

// The skip link would otherwise set the hash the router reads.
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', route);
route();

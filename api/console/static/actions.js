// Claim, release, approve, reject with a reason. The server decides who may: a claim held by someone else
// refuses claims, releases and decisions (REVIEW_CLAIMED), a case no longer open refuses decisions (REVIEW_NOT_OPEN).
import { api, messageFor, session } from './api.js';
import { bi, claimText, DASH, fill, h, notice, time } from './dom.js';
import { decisionLabel } from './labels.js';

/** The decision record, also from servers that answered it as flat fields (decision, reason, decidedAt). */
export function decisionOf(review) {
  const d = review.decision;
  if (d && typeof d === 'object') return d;
  if (typeof d === 'string') return { decision: d, reason: review.reason ?? null, by: null, at: review.decidedAt ?? null };
  return null;
}

/**
 * The actions panel: `messages` stays across re-renders (a refusal stays readable after the case reloads),
 * `body` is drawn anew from each answer. `reload()` fetches the case again and calls `render` with it.
 */
export function actionsPanel(reviewId, reload) {
  const messages = h('div', { class: 'messages' });
  const body = h('div');
  const section = h('section', { class: 'card actions', 'aria-labelledby': 'actions-h' }, h('h2', { id: 'actions-h' }, bi('审核操作', 'Actions')), messages, body);

  async function perform(request, done) {
    fill(messages);
    const focused = document.activeElement?.dataset?.action;
    section.setAttribute('aria-busy', 'true');
    try {
      const answer = await request();
      if (answer?.claimedBy?.name) session.learnName(answer.claimedBy.name);
      fill(messages, notice(done(answer), 'ok'));
    } catch (err) {
      fill(messages, notice(messageFor(err)));
    }
    await reload();
    section.removeAttribute('aria-busy');
    // The button pressed may be gone (a decided case has none): then the message takes the focus.
    const again = focused ? body.querySelector(`[data-action="${focused}"]`) : null;
    (again ?? messages.querySelector('.notice'))?.focus();
  }

  // What the reviewer typed survives a reload of the case (a refusal redraws the panel); a decision clears it.
  let draft = '';

  const post = (id, path, payload) => api('POST', `/v1/reviews/${encodeURIComponent(id)}/${path}`, payload);

  function render(review) {
    const me = session.who?.name;
    const claimedBy = review.claimedBy ?? null;
    const mine = Boolean(claimedBy && me && claimedBy.name === me);
    const decision = decisionOf(review);
    const open = review.status === 'open';

    const claimLine = h(
      'p',
      { class: 'claim-line', 'data-testid': 'claim-line' },
      bi('认领', 'Claim'),
      ': ',
      claimText(claimedBy),
      mine ? [' ', h('span', { class: 'badge mine' }, bi('我', 'you'))] : null,
    );

    if (!open) {
      fill(
        body,
        claimLine,
        h('p', { class: 'notice info' }, bi('此案件已不再待审核。', 'This case is no longer open.')),
        approvalsLine(review),
        decision ? decisionRecord(decision) : null,
      );
      return;
    }

    const reason = h('textarea', { id: 'reason', name: 'reason', rows: '4', maxlength: '500', 'aria-describedby': 'reason-help', value: draft });
    const reasonError = h('p', { id: 'reason-error', class: 'field-error', hidden: true }, bi('驳回必须填写原因。', 'A reason is required to reject.'));
    const decide = (choice) => () => {
      const text = reason.value.trim();
      if (choice === 'reject' && !text) {
        reasonError.hidden = false;
        reason.setAttribute('aria-invalid', 'true');
        reason.setAttribute('aria-describedby', 'reason-error reason-help');
        reason.focus();
        return;
      }
      void perform(() => post(review.id, 'decision', text ? { decision: choice, reason: text } : { decision: choice }), (answer) => {
        draft = '';
        return choice === 'reject'
          ? { zh: '已驳回，申请人将收到驳回原因。', en: 'Rejected: the applicant is told the reason.' }
          : answer?.status === 'open'
            ? { zh: '已批准，还需另一位审核员批准。', en: 'Approved: another reviewer must approve it too.' }
            : { zh: '已通过。', en: 'Approved.' };
      });
    };
    reason.addEventListener('input', () => {
      draft = reason.value;
      if (reason.value.trim()) {
        reasonError.hidden = true;
        reason.removeAttribute('aria-invalid');
      }
    });

    fill(
      body,
      claimLine,
      approvalsLine(review),
      h(
        'div',
        { class: 'buttons' },
        mine
          ? h('button', { type: 'button', 'data-action': 'release', onclick: () => void perform(() => post(review.id, 'release'), () => ({ zh: '已释放。', en: 'Released: anyone may claim it now.' })) }, bi('释放', 'Release'))
          : h(
              'button',
              {
                type: 'button',
                'data-action': 'claim',
                onclick: () =>
                  void perform(() => post(review.id, 'claim'), (answer) => {
                    const until = answer?.claimedBy?.until ? clock(answer.claimedBy.until) : null;
                    return until ? { zh: `已认领，${until}（北京时间）前有效。`, en: `Claimed until ${until} (Beijing time).` } : { zh: '已认领。', en: 'Claimed.' };
                  }),
              },
              bi('认领', 'Claim'),
            ),
      ),
      h(
        'form',
        { class: 'decision', novalidate: true, onsubmit: (e) => e.preventDefault() },
        h('label', { for: 'reason' }, bi('驳回原因', 'Reason')),
        h('p', { id: 'reason-help', class: 'help' }, bi('驳回必填，申请人会看到；通过时可留备注。', 'Required to reject; the applicant reads it. Optional note on approval.')),
        reason,
        reasonError,
        h(
          'div',
          { class: 'buttons' },
          h('button', { type: 'button', class: 'approve', 'data-action': 'approve', onclick: decide('approve') }, bi('通过', 'Approve')),
          h('button', { type: 'button', class: 'reject', 'data-action': 'reject', onclick: decide('reject') }, bi('驳回', 'Reject')),
        ),
      ),
    );
  }

  return { section, render };
}

const clock = (iso) => new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });

/** Four eyes: how many of the approvals a case needs it has, and whose (nothing for a case one approval decides). */
function approvalsLine(review) {
  const needed = review.requiredApprovals ?? 1;
  if (needed < 2) return null;
  const given = review.approvals ?? [];
  const names = given.map((a) => `${a.by?.name ?? DASH}（${time(a.at)}）`).join('、');
  return h(
    'p',
    { class: 'approvals-line', 'data-testid': 'approvals' },
    bi(`已有 ${given.length} / ${needed} 个批准`, `${given.length} of ${needed} approvals`),
    names ? [': ', names] : null,
  );
}

function decisionRecord(decision) {
  return h(
    'dl',
    { class: 'facts decision-record', 'data-testid': 'decision' },
    h('dt', {}, bi('决定', 'Decision')),
    h('dd', { class: `decision-${decision.decision}` }, decisionLabel(decision.decision)),
    h('dt', {}, bi('原因', 'Reason')),
    h('dd', {}, decision.reason || DASH),
    h('dt', {}, bi('审核人', 'By')),
    h('dd', {}, decision.by?.name ?? DASH),
    h('dt', {}, bi('时间', 'At')),
    h('dd', {}, time(decision.at)),
  );
}

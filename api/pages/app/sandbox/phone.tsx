import { useEffect, useState } from 'preact/hooks';
import type { ChangeNextAction } from '../../../../contracts/next-actions';
import { api } from '../api';
import { useI18n } from '../i18n';
import { TextField } from '../ui/fields';
import { Notice } from '../ui/layout';
import { useSubmit } from '../ui/problems';
import { phoneRecord, sandboxEnabled } from './known';

type Action = ChangeNextAction;

/** Actions done in the page itself (files, forms): nothing for a phone to play. */
const PAGE_ONLY = new Set<Action['type']>(['submit_materials', 'submit_new_subject', 'resubmit_materials']);

/**
 * The sandbox phone (outside production): beside each QR, what the person's phone would do — scan and authorise, pass
 * or fail the face check, link a card, remit, read the bank statement — played through the sandbox's own endpoints, so
 * the providers answer the service by their signed callbacks as real ones would.
 */
export function SandboxPhone(props: { processId: string; action: Action; onDone: () => void }) {
  const { t } = useI18n();
  if (!sandboxEnabled() || PAGE_ONLY.has(props.action.type)) return null;
  return (
    <aside class="phone" aria-label={t('phone.title')}>
      <h2>{t('phone.title')}</h2>
      <p class="hint">{t('phone.hint')}</p>
      {/* A new step, a new QR: the controls start afresh (no "sent" left from the step before). */}
      <PhoneControls key={props.action.type === 'scan_qr' ? props.action.ticket : props.action.type} {...props} />
    </aside>
  );
}

function PhoneControls({ processId, action, onDone }: { processId: string; action: Action; onDone: () => void }) {
  const { t } = useI18n();
  const known = phoneRecord(processId);
  const [realName, setRealName] = useState(known.realName ?? '');
  const [idNumber, setIdNumber] = useState(known.idNumber ?? '');
  const [cardLinked, setCardLinked] = useState(true);
  const [certifiedName, setCertifiedName] = useState(known.enterpriseName ?? '');
  const [certified, setCertified] = useState(true);
  const [fromAccount, setFromAccount] = useState(known.payerAccountNumber ?? '');
  const [amount, setAmount] = useState(action.type === 'remit' ? action.amount : '');
  const [sent, setSent] = useState(false);
  const submit = useSubmit();
  const play = async (path: string, body: unknown) => {
    setSent(false);
    const done = await submit.run(() => api.post(path, body));
    if (done !== undefined) {
      setSent(true);
      onDone();
    }
  };
  const person = (
    <>
      <TextField name="phoneRealName" label={t('phone.realName')} value={realName} onInput={setRealName} />
      <TextField name="phoneIdNumber" label={t('phone.idNumber')} value={idNumber} onInput={setIdNumber} />
    </>
  );
  const cardBox = (
    <label class="check">
      <input type="checkbox" checked={cardLinked} onChange={(e) => setCardLinked(e.currentTarget.checked)} /> {t('phone.bankCardLinked')}
    </label>
  );
  let controls;
  if (action.type === 'scan_qr' && action.provider === 'face') {
    controls = (
      <div class="row">
        <button type="button" disabled={submit.busy || action.expired} onClick={() => void play('/sandbox/face/results', { ticket: action.ticket, passed: true })}>
          {t('phone.facePass')}
        </button>
        <button type="button" class="secondary" disabled={submit.busy || action.expired} onClick={() => void play('/sandbox/face/results', { ticket: action.ticket, passed: false })}>
          {t('phone.faceFail')}
        </button>
      </div>
    );
  } else if (action.type === 'scan_qr' && action.purpose === 'official_account') {
    controls = (
      <>
        <TextField name="phoneCertifiedName" label={t('phone.certifiedName')} value={certifiedName} onInput={setCertifiedName} />
        <label class="check">
          <input type="checkbox" checked={certified} onChange={(e) => setCertified(e.currentTarget.checked)} /> {t('phone.certified')}
        </label>
        <button type="button" disabled={submit.busy || action.expired} onClick={() => void play('/sandbox/wechat/official-account-scans', { ticket: action.ticket, certified, enterpriseName: certifiedName })}>
          {t('phone.authorize')}
        </button>
      </>
    );
  } else if (action.type === 'scan_qr') {
    const qq = action.provider === 'qq';
    const body = { ticket: action.ticket, realName, idNumber, bankCardLinked: cardLinked, ...(qq ? {} : { idType: known.idType ?? 'mainland_id' }) };
    controls = (
      <>
        {person}
        {cardBox}
        <button type="button" disabled={submit.busy || action.expired} onClick={() => void play(qq ? '/sandbox/qq/scans' : '/sandbox/wechat/scans', body)}>
          {qq ? t('phone.scanQq') : t('phone.scanWechat')}
        </button>
      </>
    );
  } else if (action.type === 'link_bank_card') {
    controls = (
      <button type="button" disabled={submit.busy} onClick={() => void play('/sandbox/qq/bank-card-links', { ticket: action.ticket })}>
        {t('phone.linkCard')}
      </button>
    );
  } else if (action.type === 'remit') {
    const transfer = { fromAccountNumber: fromAccount, fromAccountName: known.payerAccountName ?? known.enterpriseName ?? '', toAccountNumber: action.payee.accountNumber, amount };
    controls = (
      <>
        <TextField name="phoneFromAccount" label={t('enterprise.payerNumber')} value={fromAccount} inputMode="numeric" onInput={setFromAccount} />
        <TextField name="phoneAmount" label={t('phone.remitAmount')} value={amount} inputMode="decimal" onInput={setAmount} />
        <button type="button" disabled={submit.busy} onClick={() => void play('/sandbox/bank/transfers', transfer)}>
          {t('phone.remit')}
        </button>
      </>
    );
  } else if (action.type === 'enter_amount' || action.type === 'await_payout') {
    controls = known.bankAccountNumber ? <Statement accountNumber={known.bankAccountNumber} /> : null;
  } else if (action.type === 'await_review') {
    controls = <p>{t('phone.review')}</p>;
  }
  return (
    <div class="phone-controls">
      {controls}
      {submit.notice}
      {sent && <Notice kind="success">{t('phone.sent')}</Notice>}
    </div>
  );
}

/** The receiving account's statement at the sandbox bank: where the person reads the payout's amount. */
function Statement({ accountNumber }: { accountNumber: string }) {
  const { t } = useI18n();
  const [items, setItems] = useState<{ amount: string; reference: string }[]>([]);
  useEffect(() => {
    const read = () => void api.get<{ items: { amount: string; reference: string }[] }>(`/sandbox/bank/accounts/${encodeURIComponent(accountNumber)}/statement`).then((s) => setItems(s.items), () => undefined);
    read();
    const timer = window.setInterval(read, 3000);
    return () => window.clearInterval(timer);
  }, [accountNumber]);
  return (
    <section>
      <h3>{t('phone.statement')}</h3>
      {items.length === 0 ? (
        <p>{t('phone.statementEmpty')}</p>
      ) : (
        <ul>
          {items.map((i) => (
            <li key={i.reference}>{t('phone.received', { amount: i.amount, reference: i.reference })}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

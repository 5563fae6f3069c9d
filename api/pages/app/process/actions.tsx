import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChangeNextAction } from '../../../../contracts/next-actions';
import { api } from '../api';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { SandboxPhone } from '../sandbox/phone';
import { CopyValue } from '../ui/copy';
import { TextField } from '../ui/fields';
import { Notice } from '../ui/layout';
import { useSubmit } from '../ui/problems';
import { QrImage } from '../ui/qr';

type Action = ChangeNextAction;
type ActionOf<T extends Action['type']> = Extract<Action, { type: T }>;

/** A process's place: its path in the API (`/v1/verifications/ver_…`, `/v1/changes/chg_…`) and its id. */
export interface ProcessRef {
  id: string;
  path: string;
}

/** What a plugged-in panel knows: the process it acts on, and how to have it read again (with a fresh answer, if any). */
export interface PanelContext {
  process: ProcessRef;
  onChanged: (fresh?: unknown) => void;
}

/** Panels that other pages plug in for the actions they own (materials, a new subject): by action type. */
export type ExtraPanels = Partial<{ [T in Action['type']]: (action: ActionOf<T>, context: PanelContext) => JSX.Element | null }>;

/** What the process asks of the person now, with the sandbox phone beside it; `onChanged` re-reads the process. */
export function NextActionPanel(props: { process: ProcessRef; action: Action; onChanged: (fresh?: unknown) => void; extra?: ExtraPanels }) {
  const { action } = props;
  const own = props.extra?.[action.type] as ((a: Action, context: PanelContext) => JSX.Element | null) | undefined;
  const panel = own ? own(action, { process: props.process, onChanged: props.onChanged }) : <OwnPanel {...props} />;
  return (
    <div class="action-layout">
      <section class="action">{panel}</section>
      <SandboxPhone processId={props.process.id} action={action} onDone={() => props.onChanged()} />
    </div>
  );
}

function OwnPanel({ process, action, onChanged }: { process: ProcessRef; action: Action; onChanged: (fresh?: unknown) => void }) {
  switch (action.type) {
    case 'scan_qr':
      return <ScanQr process={process} action={action} onChanged={onChanged} />;
    case 'link_bank_card':
      return <LinkBankCard />;
    case 'remit':
      return <Remit action={action} />;
    case 'await_review':
      return <AwaitReview action={action} />;
    case 'await_payout':
      return <AwaitPayout action={action} />;
    case 'enter_amount':
      return <EnterAmount process={process} action={action} onChanged={onChanged} />;
    default:
      return null;
  }
}

function Deadline(props: { at: string; children?: ComponentChildren }) {
  const { t, time } = useI18n();
  return (
    <p class="deadline">
      {t('process.deadline', { time: time(props.at) })}
      {props.children}
    </p>
  );
}

function ScanQr({ process, action, onChanged }: { process: ProcessRef; action: ActionOf<'scan_qr'>; onChanged: (fresh?: unknown) => void }) {
  const { t, tOr, time } = useI18n();
  const submit = useSubmit();
  // Whose QR and what it does: the purpose's sentence for that provider where one is said apart (a legal person's face).
  const general = (action.purpose ? `qr.${action.purpose}` : `qr.${action.provider}`) as MessageKey;
  const instruction = tOr(`${general}.${action.provider}`, general);
  const refresh = async () => {
    const fresh = await submit.run(() => api.post(`${process.path}/qr`));
    if (fresh !== undefined) onChanged(fresh);
  };
  useQrUpkeep(action, onChanged, refresh);
  return (
    <>
      <h2>{instruction}</h2>
      <div class={`qr-frame${action.expired ? ' expired' : ''}`}>
        <QrImage content={action.qrContent} label={t('qr.alt')} />
      </div>
      {action.expired ? <Notice kind="error">{t('qr.expired')}</Notice> : <p>{t('qr.expiresAt', { time: time(action.expiresAt) })}</p>}
      {action.attemptsLeft !== undefined && <p class="attempts">{t('qr.attemptsLeft', { n: action.attemptsLeft })}</p>}
      {action.refreshesLeft > 0 && (
        <p>
          <button type="button" class="secondary" disabled={submit.busy} onClick={() => void refresh()}>
            {t('qr.refresh')}
          </button>{' '}
          <span class="muted">{t('qr.refreshesLeft', { n: action.refreshesLeft })}</span>
        </p>
      )}
      {submit.notice}
    </>
  );
}

/**
 * A QR that expires is replaced without a click while the person is looking at the page (and refreshes are left): at
 * its expiry the process is read again, and an expired one is refreshed once per ticket.
 */
function useQrUpkeep(action: ActionOf<'scan_qr'>, onChanged: (fresh?: unknown) => void, refresh: () => Promise<void>) {
  const refreshed = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (action.expired) return;
    const timer = window.setTimeout(() => onChanged(), Math.max(0, new Date(action.expiresAt).getTime() - Date.now()) + 500);
    return () => window.clearTimeout(timer);
  }, [action.ticket, action.expiresAt, action.expired]);
  useEffect(() => {
    if (!action.expired || action.refreshesLeft <= 0 || refreshed.current === action.ticket || document.visibilityState !== 'visible') return;
    refreshed.current = action.ticket;
    void refresh();
  }, [action.ticket, action.expired]);
}

function LinkBankCard() {
  const { t } = useI18n();
  return (
    <>
      <h2>{t('bankCard.title')}</h2>
      <p>{t('bankCard.text')}</p>
    </>
  );
}

function Remit({ action }: { action: ActionOf<'remit'> }) {
  const { t } = useI18n();
  return (
    <>
      <h2>{t('remit.title')}</h2>
      <p>{t('remit.text', { amount: action.amount })}</p>
      <dl class="copy-list">
        <CopyValue label={t('remit.amount')} value={action.amount} />
        <CopyValue label={t('remit.payeeName')} value={action.payee.accountName} />
        <CopyValue label={t('remit.payeeAccount')} value={action.payee.accountNumber} />
        <CopyValue label={t('remit.payeeBank')} value={action.payee.bankName} />
      </dl>
      <p class="attempts">{t('remit.attemptsLeft', { n: action.attemptsLeft })}</p>
      <Deadline at={action.deadline} />
    </>
  );
}

function AwaitReview({ action }: { action: ActionOf<'await_review'> }) {
  const { t, time } = useI18n();
  return (
    <>
      <h2>{t('review.title')}</h2>
      <p>{t('review.text', { time: time(action.dueAt) })}</p>
    </>
  );
}

function AwaitPayout({ action }: { action: ActionOf<'await_payout'> }) {
  const { t, time } = useI18n();
  return (
    <>
      <h2>{t('payout.title')}</h2>
      <p>{t('payout.text', { time: time(action.expectedBy) })}</p>
      {action.payout && (
        <dl class="summary">
          <div>
            <dt>{t('payout.state')}</dt>
            <dd>{t(`payout.state.${action.payout.state}` as MessageKey)}</dd>
          </div>
          <div>
            <dt>{t('payout.reference')}</dt>
            <dd class="mono">{action.payout.reference ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('payout.confirmBy')}</dt>
            <dd>{time(action.payout.confirmBy)}</dd>
          </div>
        </dl>
      )}
    </>
  );
}

function EnterAmount({ process, action, onChanged }: { process: ProcessRef; action: ActionOf<'enter_amount'>; onChanged: (fresh?: unknown) => void }) {
  const { t } = useI18n();
  const [amount, setAmount] = useState('');
  const [result, setResult] = useState<string | undefined>(undefined);
  const submit = useSubmit();
  const send = async (e: Event) => {
    e.preventDefault();
    const answer = await submit.run(() => api.post<{ result: string; attemptsLeft: number; verification: unknown }>(`${process.path}/remittance-amount`, { amount: amount.trim() }));
    if (!answer) return;
    setResult(answer.result === 'matched' ? undefined : t('amount.mismatch', { n: answer.attemptsLeft }));
    setAmount('');
    onChanged(answer.verification);
  };
  return (
    <form onSubmit={(e) => void send(e)} noValidate>
      <h2>{t('amount.title')}</h2>
      <p>{t('amount.text')}</p>
      <TextField name="amount" label={t('amount.label')} hint={t('amount.hint')} value={amount} inputMode="decimal" onInput={setAmount} error={submit.fieldErrors.amount} />
      <p class="attempts">{t('qr.attemptsLeft', { n: action.attemptsLeft })}</p>
      <Deadline at={action.deadline} />
      {result && <Notice kind="error">{result}</Notice>}
      {submit.notice}
      <button type="submit" disabled={submit.busy}>
        {t('form.submit')}
      </button>
    </form>
  );
}

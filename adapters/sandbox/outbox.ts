import type { PiiCipher } from '../../platform/crypto';
import type { CallbackProvider } from '../../platform/config';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { leaseDueCallbacks, recordCallbackAttempt, storeCallback } from '../../store/sandbox/callbacks';
import { signedJsonHeaders } from '../signature';

export interface CallbackEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  /** Where the service routes it (a workflow id); bank transfers have none and are routed by the paying account. */
  reference?: string;
  [field: string]: unknown;
}

export interface DeliveryResult {
  eventId: string;
  delivered: boolean;
  status: number | null;
  error: string | null;
  /** The service's acknowledgement (it names the process an unreferenced event was routed to). */
  body?: unknown;
}

interface OutboxRow {
  event_id: string;
  provider: CallbackProvider;
  /** Sealed with the PII cipher: callbacks carry real-name records and account numbers. */
  payload: CallbackEvent | { sealed: string };
  attempts: number;
}

const LEASE_MS = 30_000;
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * How the sandbox providers answer: every event is stored first, then POSTed,
 * signed, to /v1/callbacks/{provider}; one not acknowledged with a 2xx is
 * retried with backoff, as a real provider retries its webhooks. Events may also
 * be scheduled for later (a bank settling a payout after a delay).
 */
export class SandboxCallbackOutbox {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      db: Db;
      callbackBaseUrl: string;
      secrets: Record<CallbackProvider, string>;
      logger: Logger;
      /** Seals stored payloads (a real provider keeps them on its side; here they are in our database). */
      cipher: Pick<PiiCipher, 'encrypt' | 'decrypt'>;
      fetch?: typeof fetch;
    },
  ) {}

  private unseal(payload: OutboxRow['payload']): CallbackEvent {
    return 'sealed' in payload && typeof payload.sealed === 'string' ? (JSON.parse(this.deps.cipher.decrypt(payload.sealed)) as CallbackEvent) : (payload as CallbackEvent);
  }

  /** Stores the event and, unless it is scheduled for later, delivers it now. */
  async emit(provider: CallbackProvider, event: CallbackEvent, notBefore?: Date): Promise<DeliveryResult> {
    const due = !notBefore || notBefore.getTime() <= Date.now();
    await storeCallback(this.deps.db, {
      eventId: event.eventId,
      provider,
      sealedPayload: JSON.stringify({ sealed: this.deps.cipher.encrypt(JSON.stringify(event)) }),
      nextAttemptAt: due ? null : notBefore,
    });
    if (!due) return { eventId: event.eventId, delivered: false, status: null, error: null };
    return this.deliver({ event_id: event.eventId, provider, payload: event, attempts: 0 });
  }

  /** Delivers every event that is due; each is leased first so two processes never send it at once. */
  async deliverDue(limit = 20): Promise<number> {
    const { db } = this.deps;
    // Leased in one transaction and sent in the order they fell due, as a provider reports (a payout sent, then settled):
    // an UPDATE … RETURNING gives its rows in no particular order.
    const rows = await leaseDueCallbacks<OutboxRow>(db, limit, LEASE_MS);
    for (const row of rows) {
      // One event that cannot be sent (sealed under another key) never holds up the others; it waits for its lease again.
      await this.deliver(row).catch((err: unknown) => this.deps.logger.warn({ err, eventId: row.event_id }, 'sandbox callback could not be prepared'));
    }
    return rows.length;
  }

  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.deliverDue()
        .then(() => undefined)
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'sandbox callback delivery round failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async deliver(row: OutboxRow): Promise<DeliveryResult> {
    const { db, logger } = this.deps;
    const body = JSON.stringify(this.unseal(row.payload));
    let status: number | null = null;
    let error: string | null = null;
    let answer: unknown;
    try {
      const response = await (this.deps.fetch ?? fetch)(`${this.deps.callbackBaseUrl}/v1/callbacks/${row.provider}`, {
        method: 'POST',
        headers: signedJsonHeaders(this.deps.secrets[row.provider], body),
        body,
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      if (!response.ok) error = `callback answered ${response.status}`;
      answer = await response.json().catch(() => undefined);
    } catch (err) {
      error = (err as Error).message;
    }
    const attempts = row.attempts + 1;
    const delivered = error === null;
    await recordCallbackAttempt(db, row.event_id, { attempts, status, error, delivered, nextAttemptAt: new Date(Date.now() + Math.min(1000 * 2 ** attempts, MAX_BACKOFF_MS)) });
    if (!delivered) {
      logger.warn({ provider: row.provider, eventId: row.event_id, status, attempts, error }, 'sandbox callback not acknowledged; will retry');
    }
    return { eventId: row.event_id, delivered, status, error, body: answer };
  }
}

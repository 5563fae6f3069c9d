import { log } from '@temporalio/activity';
import { MessageKind } from '../domain/constants';
import { bankAccountHash } from '../domain/keyed-hashes';
import { ProviderUnavailableError, type FileStorage, type OcrReading, type Providers } from '../adapters/types';
import { sameIndividual } from '../domain/identity-match';
import { maskedEnterprise, revealEnterprise, sealedFields, type EnterpriseApplication, type SealedEnterpriseFields } from '../domain/enterprise-subject';
import type { RegistryCheck } from '../domain/enterprise-rules';
import { sameEntityName } from '../domain/entity-name';

export type { RegistryCheck };
import type { PiiCipher } from '../platform/crypto';
import type { Db } from '../platform/db';
import { invalidRequest, recordMissing } from '../platform/failures';
import type { RefundStarter } from '../platform/refunds';
import { idFromSeed } from '../platform/ids';
import { postToInbox } from '../store/accounts';
import { dueRefunds, expectTransfer, mayRefund, recordRefundOutcome, refundHeld, type RefundReason } from '../store/ledger';
import * as reviews from '../store/reviews';
import { recordOcrReading, uploadById } from '../store/uploads';
import * as repo from '../store/verifications';
import type { CorrectedMaterials, EnterpriseApplicant, OpenRefusal } from '../workflows/messages';
import { enterpriseNotice, type EnterpriseNoticeEvent } from './texts';
import type { ProcessKeys } from '../platform/data-keys';
import { openAll, openEither } from './identity';
import { sealNames } from '../domain/sealed-value';
import { enterpriseFactValues, factHashes } from '../domain/signals';

export interface EnterpriseActivityDeps {
  db: Db;
  cipher: PiiCipher;
  /** Per-process data keys: the application arrives sealed under the verification's, and its row keeps it so. */
  keys: ProcessKeys;
  providers: Providers;
  storage: FileStorage;
  refunds: RefundStarter;
}

/**
 * Enterprise verification's side effects. Personal data travels as little as
 * possible: activities that need a bank account or a mobile read them from the
 * sealed application by verification id, so they are not in workflow history.
 */
export function createEnterpriseActivities(deps: EnterpriseActivityDeps) {
  const { db, cipher, providers } = deps;

  async function loadVerification(verificationId: string): Promise<repo.VerificationRow> {
    const row = await repo.verificationById(db, verificationId);
    if (!row) throw recordMissing(`verification ${verificationId}`);
    return row;
  }

  /** The application's personal fields: sealed under the verification's key (older rows: the PII key). */
  const sealedOf = async (row: repo.VerificationRow): Promise<SealedEnterpriseFields> => {
    if (!row.pii_enc) throw recordMissing(`the sealed application of verification ${row.id}`);
    return JSON.parse(await openEither(row.pii_enc, deps)) as SealedEnterpriseFields;
  };
  /** Seals the application's personal fields under the verification's key, for its row. */
  const sealRow = (row: { verificationId: string; accountId: string }, a: EnterpriseApplication) =>
    deps.keys.seal({ processId: row.verificationId, accountId: row.accountId }, JSON.stringify(sealedFields(a)));
  const opened = <T>(value: T) => openAll(value, (sealed) => deps.keys.open(sealed));
  /** The application as the row shows it: numbers masked, people's names sealed under the verification's key. */
  const displayed = (row: { verificationId: string; accountId: string }, a: EnterpriseApplication) =>
    sealNames(maskedEnterprise(a), (value) => deps.keys.seal({ processId: row.verificationId, accountId: row.accountId }, value));

  /** The licence's OCR reading, kept beside what the user submitted (read now if the console never asked for it). */
  async function ocrReadingOf(uploadId: string): Promise<OcrReading | null> {
    const upload = await uploadById(db, uploadId);
    if (!upload) return null;
    if (upload.ocr) return upload.ocr;
    try {
      const reading = await providers.ocr.readBusinessLicense({ sha256: upload.sha256, bytes: await deps.storage.get(upload.storage_key) });
      await recordOcrReading(db, uploadId, reading);
      return reading;
    } catch (err) {
      // The reading only pre-fills and informs the reviewer: an OCR outage never holds up opening.
      if (!(err instanceof ProviderUnavailableError)) throw err;
      log.warn('OCR unavailable; opening without a reading', { uploadId });
      return null;
    }
  }

  return {
    async openEnterpriseVerification(args: {
      verificationId: string;
      workflowId: string;
      accountId: string;
      method: string;
      applicant: EnterpriseApplicant;
      identityHash: string;
      expiresAt: string | null;
      changeId?: string;
    }): Promise<{ opened: true } | { opened: false; code: OpenRefusal }> {
      const applicant = await opened(args.applicant);
      const ocr = await ocrReadingOf(applicant.licenseUploadId);
      const result = await repo.openVerification(db, {
        id: args.verificationId,
        accountId: args.accountId,
        workflowId: args.workflowId,
        subjectType: 'enterprise',
        method: args.method,
        subject: { ...(await displayed(args, applicant)), ocr },
        idNumberEnc: null,
        piiEnc: await sealRow(args, applicant),
        identityHash: args.identityHash,
        expiresAt: args.expiresAt ? new Date(args.expiresAt) : null,
        changeId: args.changeId ?? null,
        facts: factHashes(cipher, enterpriseFactValues(applicant)),
      });
      if (!result.opened) log.info('verification refused at open', { code: result.code });
      return result;
    },

    /**
     * SPEC §4: the business registry's view of the enterprise; compared here so its record never enters history. A
     * lookup (SPEC §12) asks about the legal representative only: without a name, nameMatches is null.
     */
    async checkRegistry(sealed: { creditCode: string; enterpriseName?: string; legalPerson?: { name: string; idNumber: string } }): Promise<RegistryCheck> {
      const args = await opened(sealed);
      const record = await providers.registry.lookup(args.creditCode);
      if (!record) return { known: false, nameMatches: false, legalPersonMatches: null };
      return {
        known: true,
        nameMatches: args.enterpriseName === undefined ? null : sameEntityName(record.name, args.enterpriseName),
        legalPersonMatches: args.legalPerson
          ? sameIndividual(
              { realName: record.legalRepresentative.name, idNumber: record.legalRepresentative.idNumber },
              { realName: args.legalPerson.name, idNumber: args.legalPerson.idNumber },
            )
          : null,
      };
    },

    /** Recharge: a collection account of its own at the bank, for this verification only (idempotent by request id). */
    async openCollectionAccount(args: { requestId: string; reference: string }): Promise<{ accountNumber: string }> {
      return providers.bank.openCollectionAccount(args);
    },

    /**
     * Recharge: the transfer this verification waits for, at its own collection account (none for runs from before
     * dedicated accounts), from the paying account the enterprise confirmed (its keyed hash).
     */
    async expectTransfer(args: { verificationId: string; workflowId: string; amountFen: number; collectionAccount?: string }): Promise<void> {
      const row = await loadVerification(args.verificationId);
      const payer = (await sealedOf(row)).payerAccount;
      if (!payer) throw invalidRequest('a recharge verification without a payer account');
      await expectTransfer(db, {
        verificationId: args.verificationId,
        workflowId: args.workflowId,
        accountId: row.account_id,
        fromAccountHash: bankAccountHash(cipher, payer.accountNumber),
        amountFen: args.amountFen,
        collectionAccount: args.collectionAccount ?? null,
      });
    },

    /** A transfer the recharge holds but will not keep (wrong amount, another payer): due back, through its refund workflow. */
    async returnTransfer(args: { verificationId: string; transferId: string; reason: RefundReason }): Promise<void> {
      await refundHeld(db, args);
      await deps.refunds.start(await dueRefunds(db, [args.verificationId]), args.reason);
    },

    /**
     * Sends an incoming transfer back, by one request id per transfer (the bank
     * refunds it at most once). Money a balance holds, or a change's switch
     * awaits, stays: whoever orders a refund of it, nothing is sent. A bank that
     * refuses for good leaves it `refund_refused` in the ledger, for operators.
     */
    async refundTransfer(args: { transferId: string; requestId: string }): Promise<{ outcome: 'refunded' | 'kept' | 'refused' }> {
      if (!(await mayRefund(db, args.transferId))) {
        log.warn('refund skipped: the transfer is credited or held', { transferId: args.transferId });
        return { outcome: 'kept' };
      }
      const { status } = await providers.bank.refund(args);
      await recordRefundOutcome(db, args.transferId, status === 'refused' ? 'refund_refused' : 'refunded');
      if (status === 'refused') log.error('the bank refused the refund for good: the money waits for an operator', { transferId: args.transferId });
      else log.info('transfer refunded', { transferId: args.transferId });
      return { outcome: status === 'refused' ? 'refused' : 'refunded' };
    },

    /** Orders the verification payout. Idempotent by request id at the bank: a retry after a crash never pays twice. */
    async requestPayout(args: { verificationId: string; requestId: string; reference: string; amountFen: number }): Promise<{ status: string; bankReference: string }> {
      const row = await loadVerification(args.verificationId);
      const account = (await sealedOf(row)).bankAccount;
      if (!account) throw invalidRequest('a public remittance without a bank account');
      const result = await providers.bank.payout({
        requestId: args.requestId,
        reference: args.reference,
        toAccountNumber: account.accountNumber,
        toAccountName: String((row.subject as { name?: string }).name ?? ''),
        amountFen: args.amountFen,
      });
      log.info('payout ordered', { requestId: args.requestId, status: result.status });
      return { status: result.status, bankReference: result.bankReference };
    },

    /** Opens a review task; its id derives from the workflow and round, so a retry opens it once. */
    async openReview(args: { verificationId: string; workflowId: string; round: number; kind: string; dueAt: string }): Promise<{ reviewId: string }> {
      const row = await loadVerification(args.verificationId);
      const subject = row.subject as { licenseUploadId?: string; bankAccount?: { idPhotoEmblemUploadId: string; idPhotoPortraitUploadId: string } };
      const reviewId = idFromSeed('rev', `${args.workflowId}/review/${args.round}`);
      await reviews.openReview(db, {
        reviewId,
        kind: args.kind,
        accountId: row.account_id,
        processId: row.id,
        workflowId: args.workflowId,
        applicant: { ...row.subject, method: row.method },
        applicantPiiEnc: row.pii_enc,
        materials: [
          ...(subject.licenseUploadId ? [{ purpose: 'business_license', uploadId: subject.licenseUploadId }] : []),
          ...(subject.bankAccount
            ? [
                { purpose: 'id_photo_emblem', uploadId: subject.bankAccount.idPhotoEmblemUploadId },
                { purpose: 'id_photo_portrait', uploadId: subject.bankAccount.idPhotoPortraitUploadId },
              ]
            : []),
        ],
        dueAt: new Date(args.dueAt),
      });
      return { reviewId };
    },

    async recordReviewDecision(args: { reviewId: string; decision: 'approved' | 'rejected'; reason: string | null; reviewer: string }): Promise<void> {
      await reviews.decideReview(db, args);
    },

    async recordReviewApproval(args: { reviewId: string; reviewer: string; reason: string | null; at: string }): Promise<void> {
      await reviews.recordReviewApproval(db, args);
    },

    async recordReviewClaim(args: { reviewId: string; action: 'claimed' | 'released'; by: string; at: string; until: string | null }): Promise<void> {
      await reviews.recordReviewClaim(db, args);
    },

    async revokeReview(args: { reviewId: string }): Promise<void> {
      await reviews.revokeReview(db, args.reviewId);
    },

    /** Corrections after a rejection replace the bank account and/or handler, masked and sealed like the original. */
    async replaceRemittanceMaterials(args: { verificationId: string; corrections: CorrectedMaterials }): Promise<void> {
      const row = await loadVerification(args.verificationId);
      const { ocr, ...masked } = row.subject;
      const application = revealEnterprise(masked, await sealedOf(row)) as unknown as EnterpriseApplication;
      const corrections = await opened(args.corrections);
      const corrected: EnterpriseApplication = {
        ...application,
        ...(corrections.bankAccount ? { bankAccount: corrections.bankAccount } : {}),
        ...(corrections.handler ? { handler: corrections.handler } : {}),
      };
      await repo.replaceEnterpriseApplication(db, {
        verificationId: args.verificationId,
        subject: { ...(await displayed({ verificationId: row.id, accountId: row.account_id }, corrected)), ocr },
        piiEnc: await sealRow({ verificationId: row.id, accountId: row.account_id }, corrected),
        facts: factHashes(cipher, enterpriseFactValues(corrected)),
      });
    },

    /**
     * SPEC §7: review results and terminal outcomes by email, SMS and the message
     * centre; public remittance results also by WeChat. One send per event and
     * channel, however often this is retried.
     */
    async notifyEnterprise(args: { verificationId: string; event: EnterpriseNoticeEvent; round: number; reason?: string | null }): Promise<void> {
      const row = await loadVerification(args.verificationId);
      const notice = enterpriseNotice(args.event, row.method, args.reason ?? null);
      const key = `${row.id}/${args.event}/${args.round}`;
      const terminal = !args.event.startsWith('review_');
      if (!terminal) await postToInbox(db, row.account_id, `${key}/message_centre`, { kind: MessageKind.result, ...notice });
      const mobile = (await sealedOf(row)).contact.mobile;
      const channels = [
        { channel: 'email' as const, recipient: `account:${row.account_id}` },
        { channel: 'sms' as const, recipient: mobile },
        ...(terminal && row.method === 'public_remittance' ? [{ channel: 'wechat' as const, recipient: `account:${row.account_id}` }] : []),
      ];
      for (const { channel, recipient } of channels) {
        await providers.notifier.send({ accountId: row.account_id, channel, recipient, ...notice, dedupeKey: `${key}/${channel}` });
      }
    },
  };
}

export type EnterpriseActivities = ReturnType<typeof createEnterpriseActivities>;

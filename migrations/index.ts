import type { Knex } from 'knex';
import * as foundation from './20261127_0001_foundation';
import * as enterprise from './20261127_0002_enterprise';
import * as reviewSealedApplicant from './20261127_0003_review_sealed_applicant';
import * as sandboxFaults from './20261202_0004_sandbox_faults';
import * as changes from './20261202_0005_changes';
import * as changeSwitch from './20261203_0006_change_switch';
import * as auditEvents from './20261203_0007_audit_events';
import * as webhooks from './20261203_0008_webhooks';
import * as openProcessIndex from './20261203_0009_open_process_index';
import * as reviewClaims from './20261203_0010_review_claims';
import * as moneyLedger from './20261207_0011_money_ledger';
import * as sandboxRegistryFormerCodes from './20261207_0012_sandbox_registry_former_codes';
import * as dataKeys from './20261207_0013_data_keys';
import * as retentionIndexes from './20261207_0014_retention_indexes';
import * as accountClosure from './20261208_0014_account_closure';
import * as processErasure from './20261208_0015_process_erasure';
import * as replacedSubjectsUploads from './20261209_0016_replaced_subjects_uploads';
import * as idempotencyAccount from './20261209_0017_idempotency_account';
import * as messageKinds from './20261209_0020_message_kinds';
import * as identityLookups from './20261209_0030_identity_lookups';
import * as sessions from './20261209_0040_sessions';
import * as pageSessionRetention from './20261209_0050_page_session_retention';
import * as reviewApprovals from './20261210_0060_review_approvals';
import * as reportIndexes from './20261210_0070_report_indexes';
import * as processFacts from './20261210_0080_process_facts';
import * as webhookEventLog from './20261210_0090_webhook_event_log';

export interface Migration {
  up(knex: Knex): Promise<void>;
}

/** Every migration, by name; applied in name order. Forward-only: add a new file, never edit an applied one. */
export const migrations: Record<string, Migration> = {
  '20261127_0001_foundation': foundation,
  '20261127_0002_enterprise': enterprise,
  '20261127_0003_review_sealed_applicant': reviewSealedApplicant,
  '20261202_0004_sandbox_faults': sandboxFaults,
  '20261202_0005_changes': changes,
  '20261203_0006_change_switch': changeSwitch,
  '20261203_0007_audit_events': auditEvents,
  '20261203_0008_webhooks': webhooks,
  '20261203_0009_open_process_index': openProcessIndex,
  '20261203_0010_review_claims': reviewClaims,
  '20261207_0011_money_ledger': moneyLedger,
  '20261207_0012_sandbox_registry_former_codes': sandboxRegistryFormerCodes,
  '20261207_0013_data_keys': dataKeys,
  '20261207_0014_retention_indexes': retentionIndexes,
  '20261208_0014_account_closure': accountClosure,
  '20261208_0015_process_erasure': processErasure,
  '20261209_0016_replaced_subjects_uploads': replacedSubjectsUploads,
  '20261209_0017_idempotency_account': idempotencyAccount,
  '20261209_0020_message_kinds': messageKinds,
  '20261209_0030_identity_lookups': identityLookups,
  '20261209_0040_sessions': sessions,
  '20261209_0050_page_session_retention': pageSessionRetention,
  '20261210_0060_review_approvals': reviewApprovals,
  '20261210_0070_report_indexes': reportIndexes,
  '20261210_0080_process_facts': processFacts,
  '20261210_0090_webhook_event_log': webhookEventLog,
};

import type { Knex } from 'knex';
import { newId } from '../platform/ids';
import type { AccountRow } from '../platform/tables';

/** The account rows every process writes through: the row itself, and its message centre. */

/** The account's row, created when first seen, locked for the rest of the transaction. */
export async function ensureAccount(trx: Knex.Transaction, accountId: string) {
  await trx('accounts').insert({ id: accountId }).onConflict('id').ignore();
  const account = await trx<AccountRow>('accounts').where({ id: accountId }).forUpdate().first();
  if (!account) throw new Error(`account ${accountId} vanished inside its transaction`);
  return account;
}

export interface AccountMessage {
  title: string;
  body: string;
}

export async function postMessage(trx: Knex, accountId: string, dedupeKey: string, message: AccountMessage) {
  await trx('messages')
    .insert({ id: newId('msg'), account_id: accountId, dedupe_key: dedupeKey, ...message })
    .onConflict('dedupe_key')
    .ignore();
}

import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { firstApproval, getChange, newSubjectBody, passFace, requestAfterCooldown, scanWechat, settledChange, uploadMaterials, verifiedEnterprise, verifiedIndividual } from './changes';
import { enterprise, enterpriseBody, otherAmount, register, remittanceInReview, type EnterpriseBodyOptions, type EnterpriseFixture } from './enterprise';
import { http, individualBody, KEYS, uniqueAccount } from './http';
import { PersonalValues, uniqueName, type Person } from './personal-values';
import { eventually } from './temporal-test-env';
import { uploadTo } from './upload-client';

/**
 * Every verification method and every change type driven to its end through
 * HTTP and the sandbox, with personal values of their own (kept in
 * `PersonalValues`): an individual by WeChat that then changes to another
 * person, to an enterprise, its legal representative, its name and its
 * entity; individuals by QQ, face (after a failed WeChat attempt) and as a
 * permit holder; enterprises by official account, legal-person WeChat and
 * face, recharge and public remittance; a public remittance cancelled in
 * review. Each on an account of its own, all at once (the stack's
 * CHANGE_COOLDOWN must be short: the changes wait it out one after another).
 */

export interface EveryFlow {
  accounts: string[];
  /** The account whose recharge was credited to its balance (closure refuses it until the balance is paid out). */
  recharged: string;
}

const ENTITY_MATERIALS = ['change_application_form', 'current_license', 'id_photo_emblem', 'id_photo_portrait'];
const reviewer = { token: KEYS.reviewer };

export async function runEveryFlow(baseUrl: string, values: PersonalValues): Promise<EveryFlow> {
  const flows = new Flows(baseUrl, values);
  const recharged = flows.recharge();
  const accounts = await Promise.all([
    flows.wechatThenEveryChange(),
    flows.qqWithCardLinkedLater(),
    flows.faceAfterFailedWechat(),
    flows.permitHolderByWechat(),
    flows.officialAccount(),
    flows.legalPersonWechat(),
    flows.legalPersonFace(),
    recharged,
    flows.publicRemittance(),
    flows.remittanceCancelledInReview(),
  ]);
  return { accounts, recharged: await recharged };
}

class Flows {
  private readonly api;

  constructor(
    private readonly baseUrl: string,
    private readonly values: PersonalValues,
  ) {
    this.api = http(baseUrl);
  }

  /**
   * An enterprise whose legal representative is a person of the run's own (`named`: the method takes the legal person;
   * otherwise only the sandbox registry knows them, the outside world's record, not the service's).
   */
  private enterprise(label: string, named = true): EnterpriseFixture {
    const e = enterprise();
    if (!named) return e;
    const { name, idNumber } = this.values.person(`${label}'s legal person`);
    return { ...e, legalPerson: { name, idNumber } };
  }

  /** The contact person (name, ID number, mobile) of an enterprise application, and the bytes of its files, all the run's own. */
  private application(label: string): EnterpriseBodyOptions {
    const contact = this.values.person(`${label}'s contact`);
    return { contact: { ...contact, mobile: this.values.mobile(`${label}'s contact`) }, file: (purpose) => this.values.upload(`${label}'s ${purpose}`) };
  }

  /** Starts a verification as a careful client does: under an Idempotency-Key (its answer is stored for retries). */
  private async start(accountId: string, body: unknown) {
    const res = await this.api.post(`/v1/accounts/${accountId}/verifications`, body, { headers: { 'idempotency-key': randomUUID() } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  private async status(id: string) {
    return (await this.api.get(`/v1/verifications/${id}`)).body.status as string;
  }

  private individual(person: Person, overrides: Parameters<typeof individualBody>[0] = {}) {
    return individualBody({ realName: person.name, idNumber: person.idNumber, ...overrides });
  }

  private async completed(changeId: string) {
    expect(await settledChange(this.baseUrl, changeId)).toMatchObject({ status: 'completed' });
  }

  /** WeChat QR, an ID photo, then individual → individual, → enterprise, legal representative update, name change, entity change. */
  async wechatThenEveryChange(): Promise<string> {
    const accountId = uniqueAccount('all-chain');
    const holder = this.values.person('WeChat applicant');
    await verifiedIndividual(this.baseUrl, accountId, { realName: holder.name, idNumber: holder.idNumber });
    const photo = await uploadTo(this.baseUrl)({ file: { bytes: this.values.upload('WeChat applicant’s ID photo'), name: 'id.png' }, purpose: 'id_photo_portrait', accountId });
    expect(photo.status, JSON.stringify(photo.body)).toBe(201);

    const newPerson = this.values.person('new person of the individual → individual change');
    const toPerson = await requestAfterCooldown(this.baseUrl, accountId, { type: 'individual_to_individual', agreementAccepted: true, individual: this.individual(newPerson).individual });
    await passFace(this.baseUrl, toPerson.nextAction.ticket);
    await passFace(this.baseUrl, (await getChange(this.baseUrl, toPerson.id)).nextAction.ticket);
    await this.completed(toPerson.id);

    const a = this.enterprise('enterprise A (individual → enterprise)');
    await register(this.baseUrl, a);
    const subject = await newSubjectBody(this.baseUrl, accountId, 'legal_person_face', a, this.application('enterprise A'));
    const toEnterprise = await requestAfterCooldown(this.baseUrl, accountId, { type: 'individual_to_enterprise', agreementAccepted: true, ...subject });
    await passFace(this.baseUrl, toEnterprise.nextAction.ticket);
    await passFace(this.baseUrl, (await getChange(this.baseUrl, toEnterprise.id)).nextAction.ticket);
    await this.completed(toEnterprise.id);

    const representative = this.values.person('new legal representative of enterprise A');
    await register(this.baseUrl, a, { legalRepresentative: representative });
    const update = await requestAfterCooldown(this.baseUrl, accountId, { type: 'legal_representative_update', newLegalPerson: representative, method: 'face' });
    await passFace(this.baseUrl, update.nextAction.ticket);
    await this.completed(update.id);

    const newName = `${a.name.slice(0, -6)}新名称有限公司`;
    await register(this.baseUrl, a, { name: newName, legalRepresentative: representative });
    expect(await requestAfterCooldown(this.baseUrl, accountId, { type: 'enterprise_name_change', newName })).toMatchObject({ status: 'completed' });

    await this.entityChange(accountId, representative);
    return accountId;
  }

  /** Enterprise entity change to B: the former legal person's face, materials, review approved, B verified by legal-person face. */
  private async entityChange(accountId: string, formerLegalPerson: Person) {
    const b = this.enterprise('enterprise B (entity change)');
    const newEnterprise = { name: b.name, creditCode: b.code, address: { region: '上海市/浦东新区', detail: '世纪大道 1 号' } };
    const change = await requestAfterCooldown(this.baseUrl, accountId, { type: 'enterprise_entity_change', agreementAccepted: true, formerLegalPerson, newEnterprise });
    await passFace(this.baseUrl, change.nextAction.ticket);
    const materials = await uploadMaterials(this.baseUrl, accountId, ENTITY_MATERIALS, (purpose) => this.values.upload(`entity change's ${purpose}`));
    const inReview = await this.api.post(`/v1/changes/${change.id}/materials`, { materials });
    expect(inReview.status, JSON.stringify(inReview.body)).toBe(200);
    // Four eyes: a named reviewer first, then the shared key's `reviewer`.
    await firstApproval(this.baseUrl, inReview.body.reviewId);
    expect((await this.api.post(`/v1/reviews/${inReview.body.reviewId}/decision`, { decision: 'approve' }, reviewer)).status).toBe(200);
    await register(this.baseUrl, b);
    const verifying = await this.api.post(`/v1/changes/${change.id}/new-subject`, await newSubjectBody(this.baseUrl, accountId, 'legal_person_face', b, this.application('enterprise B')));
    expect(verifying.status, JSON.stringify(verifying.body)).toBe(200);
    await passFace(this.baseUrl, verifying.body.nextAction.ticket);
    await this.completed(change.id);
  }

  /** QQ QR with the ID number typed in lower case and grouped (the service stores it normalized); the bank card linked after the scan. */
  async qqWithCardLinkedLater(): Promise<string> {
    const accountId = uniqueAccount('all-qq');
    const person = this.values.person('QQ applicant');
    const typed = this.values.alsoSpelled(person.idNumber, `${person.idNumber.slice(0, 6)} ${person.idNumber.slice(6, 14)} ${person.idNumber.slice(14).toLowerCase()}`);
    const started = await this.start(accountId, this.individual(person, { method: 'qq_qr', idNumber: typed }));
    await this.api.post('/sandbox/qq/scans', { ticket: started.nextAction.ticket, realName: person.name, idNumber: person.idNumber, bankCardLinked: false }, { token: null });
    const linking = (await this.api.get(`/v1/verifications/${started.id}`)).body;
    expect((await this.api.post('/sandbox/qq/bank-card-links', { ticket: linking.nextAction.ticket }, { token: null })).status).toBe(202);
    expect(await this.status(started.id)).toBe('verified');
    // An operator looks the identity up ("find my accounts").
    const lookup = await this.api.post('/v1/admin/identity-lookups', { idType: 'mainland_id', idNumber: typed }, { token: KEYS.admin });
    expect(lookup.body).toEqual({ accounts: [accountId] });
    return accountId;
  }

  /** A WeChat attempt whose record is someone else's (failed: the unfinished process), then face recognition. */
  async faceAfterFailedWechat(): Promise<string> {
    const accountId = uniqueAccount('all-face');
    const person = this.values.person('face applicant');
    const failed = await this.start(accountId, this.individual(person));
    const stranger = this.values.keep('the name on the WeChat record of the failed attempt', uniqueName());
    await scanWechat(this.baseUrl, failed.nextAction.ticket, { realName: stranger, idNumber: person.idNumber });
    expect(await this.status(failed.id)).toBe('failed');
    const face = await this.start(accountId, this.individual(person, { method: 'face' }));
    await passFace(this.baseUrl, face.nextAction.ticket);
    expect(await this.status(face.id)).toBe('verified');
    return accountId;
  }

  /** A Hong Kong/Macao permit holder by WeChat, the number typed in lower case; WeChat's record carries the birth date. */
  async permitHolderByWechat(): Promise<string> {
    const accountId = uniqueAccount('all-permit');
    const number = `H${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const person = { name: this.values.keep('permit holder’s name', uniqueName()), idNumber: this.values.keep('permit holder’s number', number, number.toLowerCase()) };
    const birthDate = this.values.keep('permit holder’s birth date', '1979-11-23');
    const started = await this.start(accountId, this.individual(person, { idType: 'hk_macao_permit', idNumber: number.toLowerCase() }));
    await scanWechat(this.baseUrl, started.nextAction.ticket, { realName: person.name, idNumber: number, idType: 'hk_macao_permit', birthDate });
    expect(await this.status(started.id)).toBe('verified');
    return accountId;
  }

  async officialAccount(): Promise<string> {
    const accountId = uniqueAccount('all-oa');
    const e = this.enterprise('official-account enterprise', false);
    await register(this.baseUrl, e);
    const started = await this.start(accountId, await enterpriseBody(this.baseUrl, accountId, 'wechat_official_account', e, this.application('official-account enterprise')));
    await this.api.post('/sandbox/wechat/official-account-scans', { ticket: started.nextAction.ticket, certified: true, enterpriseName: e.name }, { token: null });
    expect(await this.status(started.id)).toBe('verified');
    return accountId;
  }

  async legalPersonWechat(): Promise<string> {
    const accountId = uniqueAccount('all-lpw');
    const e = this.enterprise('legal-person-WeChat enterprise');
    await register(this.baseUrl, e);
    const started = await this.start(accountId, await enterpriseBody(this.baseUrl, accountId, 'legal_person_wechat', e, this.application('legal-person-WeChat enterprise')));
    await scanWechat(this.baseUrl, started.nextAction.ticket, { realName: e.legalPerson.name, idNumber: e.legalPerson.idNumber });
    expect(await this.status(started.id)).toBe('verified');
    return accountId;
  }

  async legalPersonFace(): Promise<string> {
    const accountId = uniqueAccount('all-lpf');
    await verifiedEnterprise(this.baseUrl, accountId, this.enterprise('legal-person-face enterprise'), this.application('legal-person-face enterprise'));
    return accountId;
  }

  /** Recharge: a wrong amount first (refunded to the payer), then the exact one, credited to the account's balance. */
  async recharge(): Promise<string> {
    const accountId = uniqueAccount('all-rc');
    const e = this.enterprise('recharging enterprise', false);
    await register(this.baseUrl, e);
    const payer = this.values.bankAccount('the recharge payer’s');
    const started = await this.start(accountId, await enterpriseBody(this.baseUrl, accountId, 'recharge', e, { ...this.application('recharging enterprise'), payerAccount: payer.typed }));
    const { amount, payee } = started.nextAction as { amount: string; payee: { accountNumber: string } };
    const send = (sum: string) =>
      this.api.post('/sandbox/bank/transfers', { fromAccountNumber: payer.digits, fromAccountName: e.name, toAccountNumber: payee.accountNumber, amount: sum }, { token: null });
    const wrong = otherAmount(amount);
    await send(wrong);
    await send(amount);
    expect(await this.status(started.id)).toBe('verified');
    await eventually(async () => {
      const statement = (await this.api.get(`/sandbox/bank/accounts/${payer.digits}/statement`, { token: null })).body.items as { amount: string }[];
      expect(statement.map((s) => s.amount)).toEqual([wrong]);
    }, { timeoutMs: 20_000 });
    return accountId;
  }

  /** Public remittance: the handler's face, review approved, the payout, the amount entered. */
  async publicRemittance(): Promise<string> {
    const accountId = uniqueAccount('all-pr');
    const e = this.enterprise('remitting enterprise');
    await register(this.baseUrl, e);
    const bankAccount = this.values.bankAccount('the remitting enterprise’s');
    const handler = this.values.person('remitting enterprise’s handler');
    const inReview = await remittanceInReview(this.baseUrl, accountId, e, { ...this.application('remitting enterprise'), bankAccount: bankAccount.typed, handler });
    expect((await this.api.post(`/v1/reviews/${inReview.reviewId}/decision`, { decision: 'approve' }, reviewer)).status).toBe(200);
    const [payout] = await eventually(async () => {
      const statement = (await this.api.get(`/sandbox/bank/accounts/${bankAccount.digits}/statement`, { token: null })).body.items as { amount: string }[];
      expect(statement).toHaveLength(1);
      expect((await this.api.get(`/v1/verifications/${inReview.id}`)).body.step).toBe('awaiting_amount');
      return statement;
    }, { timeoutMs: 20_000 });
    const entered = await this.api.post(`/v1/verifications/${inReview.id}/remittance-amount`, { amount: payout!.amount });
    expect(entered.body).toMatchObject({ result: 'matched', verification: { status: 'verified' } });
    return accountId;
  }

  /** A public remittance the user cancels while it waits in review: ends unfinished, with its uploads and its review's applicant. */
  async remittanceCancelledInReview(): Promise<string> {
    const accountId = uniqueAccount('all-cancel');
    const e = this.enterprise('cancelled remittance');
    await register(this.baseUrl, e);
    const bankAccount = this.values.bankAccount('the cancelled remittance’s');
    const handler = this.values.person('cancelled remittance’s handler');
    const inReview = await remittanceInReview(this.baseUrl, accountId, e, { ...this.application('cancelled remittance'), bankAccount: bankAccount.typed, handler });
    expect((await this.api.post(`/v1/verifications/${inReview.id}/cancel`, {})).body.status).toBe('cancelled');
    return accountId;
  }
}

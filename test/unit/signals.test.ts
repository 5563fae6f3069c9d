import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EnterpriseApplication } from '../../domain/enterprise-subject';
import { signalFactHash } from '../../domain/keyed-hashes';
import { changeFactValues, enterpriseFactValues, factHashes, signalsOf } from '../../domain/signals';

const hasher = { keyedHash: (value: string) => createHmac('sha256', 'test-key').update(value).digest('hex') };

const application = (extra: Partial<EnterpriseApplication> = {}): EnterpriseApplication => ({
  licenseType: 'business_license',
  licenseUploadId: 'upl_1',
  name: '北京测试科技有限公司',
  creditCode: '91110000000000000X',
  address: { region: '北京市', detail: '1 号' },
  contact: { name: '李联系', idNumber: '110105198808081234', mobile: '+8613912345678' },
  ...extra,
});
const account = (accountNumber: string) => ({ accountNumber, bankName: '工行', bankLocation: '北京', branchName: '海淀', idPhotoEmblemUploadId: 'u1', idPhotoPortraitUploadId: 'u2' });

describe('process facts', () => {
  it.each([
    ['a recharge: contact mobile and the paying account', application({ payerAccount: { accountName: 'x', accountNumber: '6222000011112222', bankName: '工行' } }), ['bank_account', 'contact_mobile']],
    ['a public remittance: its account, handler, legal person, contact mobile', application({ bankAccount: account('6222000011112222'), handler: { name: '赵', idNumber: '110105199009091234' }, legalPerson: { name: '王', idNumber: '110105197505051234' } }), ['bank_account', 'handler', 'legal_person', 'contact_mobile']],
    ['one account paid and remitted to: one fact', application({ bankAccount: account('6222 0000 1111 2222'), payerAccount: { accountName: 'x', accountNumber: '6222000011112222', bankName: '工行' } }), ['bank_account', 'contact_mobile']],
  ])('%s', (_, a, kinds) => {
    expect(factHashes(hasher, enterpriseFactValues(a)).map((f) => f.kind)).toEqual(kinds);
  });

  it('hashes the values, never keeps them', () => {
    const facts = factHashes(hasher, enterpriseFactValues(application({ bankAccount: account('6222000011112222') })));
    expect(facts).toContainEqual({ kind: 'bank_account', hash: signalFactHash(hasher, 'bank_account', '6222000011112222') });
    expect(JSON.stringify(facts)).not.toMatch(/6222000011112222|13912345678/);
  });

  it.each([
    [{ type: 'enterprise_entity_change', formerLegalPerson: { name: '王', idNumber: '110105197505051234' } }, 1],
    [{ type: 'legal_representative_update', newLegalPerson: { name: '王', idNumber: '110105197505051234' } }, 1],
    [{ type: 'enterprise_name_change' }, 0],
  ])('a change names its legal person: %j', (request, n) => {
    expect(factHashes(hasher, changeFactValues(request)).filter((f) => f.kind === 'legal_person')).toHaveLength(n);
  });
});

describe('signalsOf', () => {
  it('groups by kind in a fixed order, each process once per kind, and leaves out kinds nothing shares', () => {
    const rows = [
      { kind: 'contact_mobile', account_id: 'b', process_id: 'ver_b', status: 'verified' },
      { kind: 'bank_account', account_id: 'c', process_id: 'ver_c', status: 'in_progress' },
      { kind: 'bank_account', account_id: 'c', process_id: 'ver_c', status: 'in_progress' },
      { kind: 'bank_account', account_id: 'b', process_id: 'ver_b', status: 'verified' },
    ];
    expect(signalsOf(rows)).toEqual([
      { kind: 'bank_account', processes: [{ accountId: 'c', processId: 'ver_c', status: 'in_progress' }, { accountId: 'b', processId: 'ver_b', status: 'verified' }] },
      { kind: 'contact_mobile', processes: [{ accountId: 'b', processId: 'ver_b', status: 'verified' }] },
    ]);
    expect(signalsOf([])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { ERASED, isSealed, keepSealedNames, openAllWith, sealNames, sealedValue } from '../../domain/sealed-value';

/** A stand-in seal: what sealNames seals becomes a recognisable sealed value; opening reverses it. */
const sealed = (plaintext: string) => sealedValue({ processId: 'ver_0000000001', iv: 'aXY', tag: 'dGFn', ciphertext: Buffer.from(plaintext).toString('base64url') });
const seal = async (plaintext: string) => sealed(plaintext);
const open = (value: string) => Buffer.from(value.split('.')[4]!, 'base64url').toString();

describe('sealNames: people’s names sealed in a display form (SPEC §11)', () => {
  it.each([
    ['an individual subject', { realName: '张三', idType: 'mainland_id', idNumber: '1101**********002X' }, ['realName']],
    ['an enterprise’s people', { name: '某某科技有限公司', contact: { name: '李四', mobile: '138****0000' }, legalPerson: { name: '王五' }, handler: { name: '赵六' } }, ['contact.name', 'legalPerson.name', 'handler.name']],
    ['a change request', { type: 'individual_to_individual', holder: { realName: '张三' }, newPerson: { realName: '钱七' } }, ['holder.realName', 'newPerson.realName']],
    ['legal persons of a change', { formerLegalPerson: { name: '王五' }, newLegalPerson: { name: '孙八' }, newEnterprise: { name: '新公司' } }, ['formerLegalPerson.name', 'newLegalPerson.name']],
    ['a new subject nested in a request', { newSubject: { method: 'public_remittance', enterprise: { name: '某公司', contact: { name: '李四' } } } }, ['newSubject.enterprise.contact.name']],
  ])('%s: exactly the names are sealed', async (_what, display, namePaths) => {
    const result = await sealNames(display, seal);
    const sealedPaths: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (isSealed(value)) sealedPaths.push(path);
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    };
    walk(result, '');
    expect(sealedPaths.sort()).toEqual([...namePaths].sort());
    // Opening gives the display form back, unchanged.
    expect(openAllWith(result, open)).toEqual(display);
  });

  it('keeps a name already sealed (under its own process’s key) and the erased placeholder as they are', async () => {
    const already = sealed('张三');
    expect(await sealNames({ realName: already, contact: { name: ERASED } }, seal)).toEqual({ realName: already, contact: { name: ERASED } });
  });

  it('openAllWith opens only sealed values: plaintext from older rows reads as it is', () => {
    expect(openAllWith({ realName: '张三', legalPerson: { name: sealed('王五') } }, open)).toEqual({ realName: '张三', legalPerson: { name: '王五' } });
  });
  it('keepSealedNames puts back the names as they came sealed, at the same place, and nothing else', () => {
    const holderName = sealed('张三');
    const request = { holder: { realName: holderName, idNumber: sealed('11010519491231002X') }, newPerson: { realName: sealed('李四') }, note: sealed('x') };
    const shown = { holder: { realName: '张三', idNumber: '1101**********002X' }, newPerson: { realName: '李四' }, note: 'x', extra: { realName: '王五' } };
    expect(keepSealedNames(shown, request)).toEqual({
      holder: { realName: holderName, idNumber: '1101**********002X' },
      newPerson: { realName: request.newPerson.realName },
      note: 'x',
      extra: { realName: '王五' },
    });
  });
});

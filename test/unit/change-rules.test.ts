import { describe, expect, it } from 'vitest';
import {
  changeAllowedFrom,
  changeMisfit,
  changeOptions,
  changeRefusal,
  CHANGE_TYPES,
  earliestChangeFrom,
  missingMaterials,
  nameChangeIsAutomatic,
  requiredMaterials,
  type AccountStanding,
  type ChangeType,
} from '../../domain/change-rules';

const DAY = 24 * 3600_000;
const COOLDOWN = 30 * DAY;
const verifiedAt = new Date('2026-11-01T00:00:00Z');
const CODE_91 = '91350100M000100Y43';
const CODE_52 = '52100000MJ0000000X';

const individual: AccountStanding = { verified: true, subjectType: 'individual', lastCompletedAt: verifiedAt, hasOpenProcess: false };
const company: AccountStanding = { verified: true, subjectType: 'enterprise', creditCode: CODE_91, lastCompletedAt: verifiedAt, hasOpenProcess: false };
const at = (days: number) => new Date(verifiedAt.getTime() + days * DAY);

describe('changeMisfit: which change fits which account (SPEC §5)', () => {
  it.each<[ChangeType, AccountStanding, boolean]>([
    ['individual_to_enterprise', individual, true],
    ['individual_to_individual', individual, true],
    ['enterprise_entity_change', individual, false],
    ['enterprise_name_change', individual, false],
    ['legal_representative_update', individual, false],
    // enterprise → individual is never allowed
    ['individual_to_enterprise', company, false],
    ['individual_to_individual', company, false],
    ['enterprise_entity_change', company, true],
    ['enterprise_name_change', company, true],
    ['legal_representative_update', company, true],
    ['legal_representative_update', { ...company, creditCode: CODE_52 }, false],
    ['legal_representative_update', { ...company, creditCode: '91350100M000100' }, false],
    ['enterprise_name_change', { ...company, creditCode: CODE_52 }, true],
  ])('%s on %o fits: %s', (type, account, fits) => {
    expect(changeMisfit(type, account) === null).toBe(fits);
  });

  it('names why an enterprise account never becomes an individual’s', () => {
    expect(changeMisfit('individual_to_individual', company)).toMatch(/never becomes an individual/);
  });
});

describe('changeRefusal: the order of refusals at creation (API.md)', () => {
  it.each<[string, ChangeType, AccountStanding, Date, string | null]>([
    ['unverified', 'individual_to_enterprise', { verified: false, subjectType: null, lastCompletedAt: null, hasOpenProcess: true }, at(40), 'NOT_VERIFIED'],
    ['wrong type before an open process', 'enterprise_name_change', { ...individual, hasOpenProcess: true }, at(1), 'CHANGE_NOT_ALLOWED'],
    ['enterprise → individual before the cooling-off', 'individual_to_individual', company, at(1), 'CHANGE_NOT_ALLOWED'],
    ['open process before the cooling-off', 'individual_to_individual', { ...individual, hasOpenProcess: true }, at(1), 'PROCESS_ALREADY_OPEN'],
    ['within 30 days', 'individual_to_individual', individual, at(29), 'CHANGE_COOLDOWN'],
    ['within 30 days, an enterprise', 'enterprise_name_change', company, at(29), 'CHANGE_COOLDOWN'],
    ['at 30 days', 'individual_to_individual', individual, at(30), null],
    ['individual → enterprise has no wait', 'individual_to_enterprise', individual, at(0), null],
    ['legal representative of a 91 code after 30 days', 'legal_representative_update', company, at(31), null],
  ])('%s', (_label, type, account, now, expected) => {
    expect(changeRefusal(type, account, now, COOLDOWN)?.code ?? null).toBe(expected);
  });

  it('CHANGE_COOLDOWN carries the time from which the change is possible', () => {
    expect(changeRefusal('enterprise_entity_change', company, at(10), COOLDOWN)).toEqual({ code: 'CHANGE_COOLDOWN', allowedFrom: at(30) });
  });

  it('the cooling-off is configuration', () => {
    expect(changeRefusal('enterprise_entity_change', company, at(10), 7 * DAY)).toBeNull();
  });
});

describe('changeAllowedFrom and the account view', () => {
  it.each(CHANGE_TYPES)('%s', (type) => {
    const expected = type === 'individual_to_enterprise' ? verifiedAt : at(30);
    expect(changeAllowedFrom(type, verifiedAt, COOLDOWN)).toEqual(expected);
  });

  it.each<[string, Parameters<typeof earliestChangeFrom>[0], Date | null]>([
    ['an individual may become an enterprise at once', individual, verifiedAt],
    ['an enterprise waits 30 days', company, at(30)],
    ['an unverified account has none', { verified: false, subjectType: null, lastCompletedAt: null }, null],
  ])('%s', (_label, account, expected) => {
    expect(earliestChangeFrom(account, COOLDOWN)).toEqual(expected);
  });
});

describe('changeOptions: which change buttons a client enables, and from when (SPEC §12)', () => {
  const shown = (account: Parameters<typeof changeOptions>[0]) =>
    Object.fromEntries(changeOptions(account, COOLDOWN).map((o) => [o.type, o.fits ? o.allowedFrom!.toISOString().slice(0, 10) : `no: ${o.reason}`]));

  it.each<[string, Parameters<typeof changeOptions>[0], Record<ChangeType, string>]>([
    [
      'an individual: enterprise now, another person after 30 days',
      individual,
      {
        individual_to_enterprise: '2026-11-01',
        individual_to_individual: '2026-12-01',
        enterprise_entity_change: 'no: a enterprise_entity_change change is for enterprise accounts',
        enterprise_name_change: 'no: a enterprise_name_change change is for enterprise accounts',
        legal_representative_update: 'no: a legal_representative_update change is for enterprise accounts',
      },
    ],
    [
      'an enterprise with a 91 code: every enterprise change after 30 days',
      company,
      {
        individual_to_enterprise: 'no: an enterprise account never becomes an individual’s',
        individual_to_individual: 'no: an enterprise account never becomes an individual’s',
        enterprise_entity_change: '2026-12-01',
        enterprise_name_change: '2026-12-01',
        legal_representative_update: '2026-12-01',
      },
    ],
    [
      'an enterprise with a 52 code: no legal-representative update',
      { ...company, creditCode: CODE_52 },
      {
        individual_to_enterprise: 'no: an enterprise account never becomes an individual’s',
        individual_to_individual: 'no: an enterprise account never becomes an individual’s',
        enterprise_entity_change: '2026-12-01',
        enterprise_name_change: '2026-12-01',
        legal_representative_update: 'no: a legal-representative update is only for 18-character codes starting 91 or 92',
      },
    ],
  ])('%s', (_label, account, expected) => {
    expect(shown(account)).toEqual(expected);
    // changeAllowedFrom is the earliest of them.
    const earliest = changeOptions(account, COOLDOWN).flatMap((o) => (o.allowedFrom ? [o.allowedFrom.getTime()] : []));
    expect(earliestChangeFrom(account, COOLDOWN)?.getTime()).toBe(Math.min(...earliest));
  });

  it('an unverified account fits none, and says why', () => {
    const options = changeOptions({ verified: false, subjectType: null, lastCompletedAt: null }, COOLDOWN);
    expect(options.map((o) => o.type)).toEqual(CHANGE_TYPES);
    expect(options.every((o) => !o.fits && o.allowedFrom === null && o.reason === 'the account has no verified subject to change')).toBe(true);
  });
});

describe('materials of reviewed changes', () => {
  it('entity change and name change need their purposes', () => {
    expect(requiredMaterials('enterprise_entity_change')).toEqual(['change_application_form', 'current_license', 'id_photo_emblem', 'id_photo_portrait']);
    expect(requiredMaterials('enterprise_name_change')).toEqual(['change_application_form', 'name_change_proof', 'current_license']);
  });

  it.each<[Record<string, string>, string[]]>([
    [{ change_application_form: 'u1', name_change_proof: 'u2', current_license: 'u3' }, []],
    [{ change_application_form: 'u1', name_change_proof: 'u2', deregistration_proof: 'u3' }, []],
    [{ change_application_form: 'u1', current_license: 'u3' }, ['name_change_proof']],
    [{}, ['change_application_form', 'name_change_proof', 'current_license']],
  ])('%o misses %o', (given, missing) => {
    expect(missingMaterials(requiredMaterials('enterprise_name_change'), given)).toEqual(missing);
  });
});

describe('nameChangeIsAutomatic', () => {
  it.each<[{ name?: string | null; creditCode?: string | null }, boolean]>([
    [{ name: '北京某某科技有限公司', creditCode: CODE_91 }, true],
    [{ name: '北京某某科技有限公司', creditCode: '92350100M000100Y43' }, true],
    [{ name: '北京某某科技有限公司', creditCode: CODE_52 }, false],
    [{ name: '', creditCode: CODE_91 }, false],
    [{ name: '北京某某科技有限公司', creditCode: null }, false],
  ])('%o → %s', (record, automatic) => {
    expect(nameChangeIsAutomatic(record)).toBe(automatic);
  });
});

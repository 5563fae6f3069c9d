import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approvalEffect, parseTwoPersonKinds, requiredApprovals } from '../../domain/four-eyes';
import { loadConfig } from '../../platform/config';

/** Four eyes (SPEC §6): which review kinds need two approvals, and what an approval does. */
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'rnv-four-eyes-'));
const kindsOf = (value?: string) => loadConfig({ DATA_DIR: tmp(), ...(value === undefined ? {} : { REVIEW_TWO_PERSON_KINDS: value }) }).reviews.twoPersonKinds;

describe('REVIEW_TWO_PERSON_KINDS', () => {
  it.each([
    [undefined, ['enterprise_entity_change']],
    ['', []],
    ['  ', []],
    ['enterprise_entity_change, public_remittance', ['enterprise_entity_change', 'public_remittance']],
    ['enterprise_name_change', ['enterprise_name_change']],
  ])('reads %j as %j', (value, expected) => {
    expect(kindsOf(value)).toEqual(expected);
  });

  it.each([
    ['entity_change', /REVIEW_TWO_PERSON_KINDS: "entity_change" is not a review kind/],
    ['public_remittance,', /REVIEW_TWO_PERSON_KINDS: an empty entry/],
    ['public_remittance,public_remittance', /REVIEW_TWO_PERSON_KINDS: a kind is given twice/],
  ])('refuses %j at start, naming it', (value, message) => {
    expect(() => kindsOf(value)).toThrow(message);
  });

  it('parses without the config too', () => {
    expect(parseTwoPersonKinds('public_remittance')).toEqual(['public_remittance']);
  });
});

describe('four-eyes rules', () => {
  it.each([
    ['enterprise_entity_change', ['enterprise_entity_change'], 2],
    ['public_remittance', ['enterprise_entity_change'], 1],
    ['enterprise_entity_change', [], 1],
  ])('a %s review with two-person kinds %j needs %i approval(s)', (kind, kinds, n) => {
    expect(requiredApprovals(kind, kinds)).toBe(n);
  });

  it.each([
    [[], '王芳', 2, 'recorded'],
    [['王芳'], 'li.lei', 2, 'decides'],
    [['王芳'], '王芳', 2, 'same_reviewer'],
    [[], '王芳', 1, 'decides'],
    // Config narrowed after a first approval: the next different reviewer decides.
    [['王芳'], 'li.lei', 1, 'decides'],
  ] as const)('approvals %j, then %s, %i required: %s', (given, reviewer, required, effect) => {
    expect(approvalEffect(given, reviewer, required)).toBe(effect);
  });
});

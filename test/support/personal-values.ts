import { randomInt, randomUUID } from 'node:crypto';
import { png } from '../../scripts/lib/files';
import { mainlandId } from './http';

/** Four random surnames in a row: a name no other test uses and no text of the service contains. */
const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜';
export const uniqueName = () => Array.from({ length: 4 }, () => SURNAMES[randomInt(SURNAMES.length)]).join('');

export const randomBirthDate = () => `19${randomInt(60, 99)}-0${randomInt(1, 10)}-1${randomInt(0, 10)}`;

/** A place that holds bytes (a column, a history, a log, a file), named for the report. */
export interface Copy {
  where: string;
  bytes: Buffer;
}

export interface Person {
  name: string;
  idNumber: string;
}

interface Kept {
  kind: string;
  spellings: string[];
}

/**
 * Every personal value a test used (SPEC §11: names, ID numbers, birth dates,
 * mobiles, bank account numbers, the bytes of uploads), each under a label
 * saying whose it is, with every spelling the service might store it in (as
 * typed, normalized), so a search of the database, the histories, the logs and
 * the files can say which value it found where.
 */
export class PersonalValues {
  private readonly kept: Kept[] = [];

  /** Remembers the value and its other spellings; answers it as typed. */
  keep(kind: string, typed: string, ...others: string[]): string {
    this.kept.push({ kind, spellings: [...new Set([typed, ...others])] });
    return typed;
  }

  /** Another spelling of a kept value (as a client may type it). */
  alsoSpelled(value: string, spelling: string): string {
    const kept = this.kept.find((k) => k.spellings.includes(value));
    if (!kept) throw new Error('not a kept value');
    kept.spellings.push(spelling);
    return spelling;
  }

  /** A person (a unique name, a mainland ID of the birth date) kept as `kind`. */
  person(kind: string, birthDate = randomBirthDate()): Person {
    const idNumber = mainlandId(birthDate);
    this.keep(`${kind}'s birth date`, birthDate, birthDate.replace(/-/g, ''));
    return { name: this.keep(`${kind}'s name`, uniqueName()), idNumber: this.keep(`${kind}'s ID number`, idNumber, idNumber.toLowerCase()) };
  }

  /** A mainland mobile as the API takes it (+86…); found as typed or as its 11 digits. */
  mobile(kind: string): string {
    const digits = `13${randomInt(0, 10)}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
    return this.keep(`${kind}'s mobile`, `+86${digits}`, digits);
  }

  /** A corporate bank account number (the sandbox bank pays it), typed grouped by fours as printed on a statement. */
  bankAccount(kind: string): { typed: string; digits: string } {
    const digits = `6222${String(randomInt(0, 1e8)).padStart(8, '0')}${randomInt(1000, 9999)}`;
    const typed = digits.replace(/(\d{4})(?=\d)/g, '$1 ');
    this.keep(`${kind} bank account`, digits, typed);
    return { typed, digits };
  }

  /** A PNG whose bytes carry a marker of their own (an upload is personal data): found only where the file's bytes are. */
  upload(kind: string): Buffer {
    const marker = this.keep(`${kind} upload`, `upload-marker-${randomUUID()}`);
    return Buffer.concat([png(), Buffer.from(` ${marker} `)]);
  }

  /** Each value found in the copies, as "whose value (the spelling found) in where", each such finding once. */
  foundIn(copies: Copy[]): string[] {
    const found = new Set<string>();
    for (const copy of copies) {
      for (const { kind, spellings } of this.kept) {
        const spelling = spellings.find((s) => copy.bytes.includes(Buffer.from(s, 'utf8')));
        if (spelling !== undefined) found.add(`${kind} (${spelling}) in ${copy.where}`);
      }
    }
    return [...found];
  }

  /** The labels of the values that no copy holds in any spelling. */
  missingFrom(copies: Copy[]): string[] {
    return this.kept.filter(({ spellings }) => !copies.some((c) => spellings.some((s) => c.bytes.includes(Buffer.from(s, 'utf8'))))).map((k) => k.kind);
  }

  get size(): number {
    return this.kept.length;
  }
}

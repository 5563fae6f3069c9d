import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Every JSON answer an end-to-end test receives is checked against the
 * served OpenAPI document (issue 22: one definition of each user-visible
 * shape): the operation's schema for that status must accept it, with no
 * property the document does not name. Objects are read as closed — every
 * `properties` without `additionalProperties` gets `false` — so a field the
 * server sends but the document does not describe fails the test that saw it.
 */

interface Operation {
  pattern: RegExp;
  method: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface Checker {
  check(method: string, path: string, status: number, body: unknown): string[];
}

const checkers = new Map<string, Promise<Checker>>();

/** The checker for the document served at `baseUrl` (fetched once per test file). */
export function contractChecker(baseUrl: string): Promise<Checker> {
  let checker = checkers.get(baseUrl);
  if (!checker) {
    checker = load(baseUrl);
    checkers.set(baseUrl, checker);
  }
  return checker;
}

async function load(baseUrl: string): Promise<Checker> {
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { responses?: Operation['responses'] }>>;
    components?: { schemas?: Record<string, unknown> };
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'doc', components: { schemas: closed(document.components?.schemas ?? {}) } });
  const operations: Operation[] = Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
      method: method.toUpperCase(),
      responses: op.responses ?? {},
    })),
  );
  const compiled = new Map<unknown, ValidateFunction>();
  const validatorFor = (schema: unknown) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(rebase(closed(schema)) as object);
      compiled.set(schema, validate);
    }
    return validate;
  };
  return {
    check(method, path, status, body) {
      const op = operations.find((o) => o.method === method && o.pattern.test(path.split('?')[0]!));
      const schema = op?.responses[String(status)]?.content?.['application/json']?.schema;
      if (!schema) return [];
      const validate = validatorFor(schema);
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`);
    },
  };
}

/** A copy where every object schema that lists its properties is closed, unless it says otherwise. */
function closed(schema: unknown): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = key === 'properties' || key === 'schemas' ? mapValues(value, closed) : closed(value);
  if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy;
}

const mapValues = (value: unknown, f: (v: unknown) => unknown) =>
  value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, f(v)])) : value;

/** References into the document's components point at the schema registered as `doc`. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `doc${v}` : rebase(v)]));
}

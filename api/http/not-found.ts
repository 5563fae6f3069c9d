import type { RequestHandler } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { appError } from '../../domain/errors';

/** What no route answered: 405 with the methods the document declares for the path, else 404. */
export function noSuchRoute(registry: OpenAPIRegistry): RequestHandler {
  const allowedMethods = methodsByPath(registry);
  return (req) => {
    const allow = allowedMethods(req.path);
    if (allow.length > 0) throw appError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; it takes ${allow.join(', ')}.`, { allow });
    throw appError('NOT_FOUND', `No route for ${req.method} ${req.path}.`);
  };
}

/** The methods the document declares for a concrete path (empty: no such path). */
function methodsByPath(registry: OpenAPIRegistry): (path: string) => string[] {
  const routes = registry.definitions.flatMap((d) => (d.type === 'route' ? [{ method: d.route.method.toUpperCase(), path: d.route.path }] : []));
  const patterns = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const route of routes) {
    const entry = patterns.get(route.path) ?? { pattern: new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`), methods: new Set<string>() };
    entry.methods.add(route.method);
    if (route.method === 'GET') entry.methods.add('HEAD');
    patterns.set(route.path, entry);
  }
  return (path) => [...patterns.values()].filter((p) => p.pattern.test(path)).flatMap((p) => [...p.methods]);
}

import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runWithCorrelationId } from '../../platform/correlation';
import type { Logger } from '../../platform/logger';
import type { Metrics } from '../../platform/metrics';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * A correlation id (the caller's X-Request-Id when it is sane) and an access
 * log line per request: method, route, status, time. Never bodies. The rest of
 * the request runs in its correlation context, so Temporal calls carry the id
 * (platform/correlation.ts).
 */
export function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const correlationId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.correlationId = correlationId;
    res.locals.log = logger.child({ correlationId });
    res.setHeader('X-Request-Id', correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = ((req.route as { path?: string } | undefined)?.path) ?? 'unmatched';
      metrics.httpRequests.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      (res.locals.log as Logger).info({ method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    runWithCorrelationId(correlationId, next);
  };
}

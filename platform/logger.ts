import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Personal data is never logged. Code does not log request bodies or provider
 * records; these redactions are the second line, for a field that slips into a
 * log object anyway.
 */
const PII_FIELDS = [
  'idNumber',
  'mobile',
  'accountNumber',
  'fromAccountNumber',
  'toAccountNumber',
  'token',
  'authorization',
  'realName',
  'legalPerson',
  'handler',
  'contact',
];

export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  const paths = [
    ...PII_FIELDS,
    ...PII_FIELDS.map((f) => `*.${f}`),
    ...PII_FIELDS.map((f) => `*.*.${f}`),
    'req.headers.authorization',
    'req.headers["x-signature"]',
    // The SDK puts an activity's task token (enough to complete it) on every activity log line, beside its workflowId.
    'taskToken',
  ];
  return pino({
    level,
    base: { service: 'realname-verification', ...base },
    redact: { paths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT, requireTool } from '../../platform/tools';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/messages';
import { loadCompose, type Service } from '../support/compose-check';

/**
 * The compose file's Temporal one-shots, run as compose runs them (the
 * service's entrypoint, command, environment and mounted scripts) against the
 * e2e Temporal server, in a namespace of their own: the namespace is created,
 * our search attributes registered, and a second run changes nothing.
 */
const run = promisify(execFile);
const { doc } = loadCompose(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'));
const namespace = `compose-${randomBytes(4).toString('hex')}`;
let connection: Connection;

/** `sh /scripts/x.sh` inside the container is `sh deploy/temporal/x.sh` here, through the service's bind mount. */
async function runOneShot(name: string): Promise<string> {
  const service: Service = doc.services[name]!;
  const [shell, script] = [...(service.entrypoint as string[]), ...(service.command as string[])];
  const mount = (service.volumes as string[]).map((v) => v.split(':')).find(([, target]) => script!.startsWith(`${target}/`))!;
  const hostScript = path.join(REPO_ROOT, mount[0]!, path.posix.relative(mount[1]!, script!));
  const env = {
    ...(service.environment as Record<string, string>),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    NAMESPACE: namespace,
    PATH: `${path.dirname(requireTool('temporal'))}:${process.env.PATH ?? ''}`,
  };
  const { stdout } = await run(shell === '/bin/sh' ? 'sh' : shell!, [hostScript], { env, timeout: 90_000 });
  return stdout;
}

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
});
afterAll(async () => {
  await connection?.close();
});

describe('the compose file sets up Temporal with its own tooling', () => {
  it('creates the namespace and registers the custom search attributes, and runs again as a no-op', async () => {
    await runOneShot('temporal-create-namespace');
    const described = await connection.workflowService.describeNamespace({ namespace });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(7 * 24 * 3600);

    await runOneShot('temporal-search-attributes');
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    for (const { name } of CUSTOM_SEARCH_ATTRIBUTES) expect(customAttributes[name], name).toBe(keyword);

    expect(await runOneShot('temporal-create-namespace')).toContain(`namespace ${namespace} exists`);
    const again = await runOneShot('temporal-search-attributes');
    for (const { name } of CUSTOM_SEARCH_ATTRIBUTES) expect(again).toContain(`search attribute ${name} exists`);
  });
});

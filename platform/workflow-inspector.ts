import { WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { WorkflowRunStatus } from '../domain/stranded-runs';
import { SUBJECT_CHANGE_WORKFLOW } from '../workflows/change-messages';
import { IDENTITY_LOOKUP_WORKFLOW } from '../workflows/lookup-messages';
import { WorkflowTypes } from '../workflows/messages';

/**
 * What the reconciler asks Temporal about runs: a workflow's status by its id
 * (the latest run, so a workflow that continued as new counts by its current
 * run), and the ids of every process workflow visibility lists as running, so
 * only the rest need describing one by one.
 */
export interface WorkflowInspector {
  statusOf(workflowId: string): Promise<WorkflowRunStatus>;
  /** Null when visibility cannot answer (then every open process is described). */
  runningProcessIds(): Promise<Set<string> | null>;
}

const PROCESS_TYPES = [WorkflowTypes.individualVerification, WorkflowTypes.enterpriseVerification, SUBJECT_CHANGE_WORKFLOW, IDENTITY_LOOKUP_WORKFLOW];

export function workflowInspector(client: Client): WorkflowInspector {
  return {
    async statusOf(workflowId) {
      try {
        const { name } = (await client.workflow.getHandle(workflowId).describe()).status;
        if (name === 'PAUSED') return 'RUNNING';
        return name === 'UNSPECIFIED' ? 'UNKNOWN' : name;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
        throw err;
      }
    },
    async runningProcessIds() {
      const types = PROCESS_TYPES.map((t) => `'${t}'`).join(', ');
      const ids = new Set<string>();
      try {
        for await (const run of client.workflow.list({ query: `ExecutionStatus = 'Running' AND WorkflowType IN (${types})`, pageSize: 1000 })) ids.add(run.workflowId);
      } catch {
        return null;
      }
      return ids;
    },
  };
}

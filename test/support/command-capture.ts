import { proxySinks, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/**
 * A workflow interceptor module for tests (bundled with the workflows): every
 * command a run issues — activities (local ones by type), timers, children, external signals,
 * continue-as-new — with its arguments, told to the `capture` sink, also during
 * replay. test/workflow/replay-commands.test.ts compares them with a history.
 */
export interface CaptureSinks extends Sinks {
  capture: { command(kind: string, detail: unknown): void };
}
const { capture } = proxySinks<CaptureSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity: (input, next) => {
        capture.command('activity', { type: input.activityType, args: input.args });
        return next(input);
      },
      // A local activity's marker keeps its type and result, not its arguments.
      scheduleLocalActivity: (input, next) => {
        capture.command('localActivity', { type: input.activityType });
        return next(input);
      },
      startTimer: (input, next) => {
        capture.command('timer', { ms: input.durationMs });
        return next(input);
      },
      startChildWorkflowExecution: (input, next) => {
        capture.command('child', { type: input.workflowType, args: input.options.args });
        return next(input);
      },
      signalWorkflow: (input, next) => {
        capture.command('signal', { name: input.signalName, args: input.args });
        return next(input);
      },
      continueAsNew: (input, next) => {
        capture.command('continueAsNew', { args: input.args });
        return next(input);
      },
    },
  ],
});

import type { TaskCall } from '@statecraft/engine';
import { describe, expect, it } from 'vitest';
import {
  createNestedExecutionInvoker,
  type NestedExecutionDescription,
  NestedExecutionError,
  type NestedExecutions,
} from './nested-executions.js';

const call = (resource: string, parameters: unknown): TaskCall => ({
  resource,
  parameters,
  executionArn: 'arn:aws:states:us-east-1:111111111111:execution:parent:e',
  stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:parent',
  stateName: 'Start',
  region: 'us-east-1',
  accountId: '111111111111',
  attempt: 0,
});

function fake(final: Partial<NestedExecutionDescription>): NestedExecutions & { inputs: string[]; stopped: string[] } {
  const inputs: string[] = [];
  const stopped: string[] = [];
  const arn = 'arn:aws:states:us-east-1:111111111111:execution:child:run';
  const describe = (): NestedExecutionDescription => ({
    executionArn: arn,
    stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:child',
    name: 'run',
    status: 'SUCCEEDED',
    startDate: 1_761_654_367_123,
    stopDate: 1_761_654_368_000,
    input: inputs[inputs.length - 1] ?? '{}',
    ...final,
  });
  return {
    inputs,
    stopped,
    async startExecution(req) {
      if (req.name === 'taken')
        throw new NestedExecutionError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`, 400, 'rid');
      inputs.push(req.input);
      return { executionArn: arn, startDate: 1_761_654_367_123, requestId: 'rid-1' };
    },
    async describeExecution() {
      return describe();
    },
    onClosed(_arn, cb) {
      if (final.status === 'RUNNING') return () => {};
      const t = setTimeout(() => cb(describe()), 1);
      return () => clearTimeout(t);
    },
    async stopExecution(a) {
      stopped.push(a);
    },
  };
}

const ctx = { signal: new AbortController().signal, now: () => 0 };

describe('states:startExecution', () => {
  it('answers request-response with the StartExecution response, sized as AWS answers', async () => {
    const ex = fake({});
    const out = await createNestedExecutionInvoker({ executions: ex }).invoke(
      call('arn:aws:states:::states:startExecution', { StateMachineArn: 'arn:sm', Input: null, Name: 'run' }),
      ctx,
    );
    expect(ex.inputs).toEqual(['{}']);
    const o = (out as { output: any }).output;
    expect(o.ExecutionArn).toBe('arn:aws:states:us-east-1:111111111111:execution:child:run');
    expect(o.SdkResponseMetadata).toEqual({ RequestId: 'rid-1' });
    const body = `{"executionArn":"${o.ExecutionArn}","startDate":1.761654367123E9}`;
    expect(o.SdkHttpMetadata.HttpHeaders['Content-Length']).toBe(String(body.length));
  });

  it('waits for .sync and .sync:2 and reports the described execution', async () => {
    for (const [resource, output] of [
      ['arn:aws:states:::states:startExecution.sync', '{"a":1}'],
      ['arn:aws:states:::states:startExecution.sync:2', { a: 1 }],
    ] as const) {
      const ex = fake({ output: '{"a":1}' });
      const submitted: unknown[] = [];
      const out = await createNestedExecutionInvoker({ executions: ex }).invoke(
        call(resource, { StateMachineArn: 'arn:sm', Input: { x: 1 } }),
        { ...ctx, submitted: (o: unknown) => submitted.push(o) } as typeof ctx,
      );
      expect(ex.inputs).toEqual(['{"x":1}']);
      expect(submitted).toHaveLength(1);
      expect(out).toMatchObject({
        type: 'succeeded',
        output: { Status: 'SUCCEEDED', Output: output, OutputDetails: { Included: true } },
      });
    }
  });

  it('fails .sync with States.TaskFailed and the described execution as cause', async () => {
    const ex = fake({ status: 'FAILED', error: 'States.Timeout' });
    const out = await createNestedExecutionInvoker({ executions: ex }).invoke(
      call('arn:aws:states:::states:startExecution.sync', { StateMachineArn: 'arn:sm', Input: { Payload: null } }),
      ctx,
    );
    expect(out.type).toBe('failed');
    const cause = JSON.parse((out as { cause: string }).cause);
    expect(cause).toMatchObject({ Error: 'States.Timeout', Input: '{"Payload":null}', Status: 'FAILED' });
    expect(cause).not.toHaveProperty('Cause');
    expect(cause).not.toHaveProperty('Output');
  });

  it('stops the child when the parent task is abandoned', async () => {
    const ex = fake({ status: 'RUNNING' });
    const abort = new AbortController();
    const pending = createNestedExecutionInvoker({ executions: ex }).invoke(
      call('arn:aws:states:::states:startExecution.sync', { StateMachineArn: 'arn:sm' }),
      { signal: abort.signal, now: () => 0 },
    );
    await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    expect((await pending).type).toBe('failed');
    expect(ex.stopped).toHaveLength(1);
  });

  it('maps StartExecution errors to StepFunctions.<Exception>', async () => {
    const out = await createNestedExecutionInvoker({ executions: fake({}) }).invoke(
      call('arn:aws:states:::states:startExecution', { StateMachineArn: 'arn:sm', Name: 'taken' }),
      ctx,
    );
    expect(out).toMatchObject({ type: 'failed', error: 'StepFunctions.ExecutionAlreadyExistsException' });
  });
});

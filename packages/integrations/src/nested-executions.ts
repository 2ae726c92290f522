/**
 * Nested Step Functions executions: `arn:aws:states:::states:startExecution` with the request-response,
 * `.sync`, `.sync:2` and `.waitForTaskToken` patterns, run inside the same Statecraft instance.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 */
import type { InvokeContext, TaskCall, TaskInvoker } from '@statecraft/engine';
import {
  failed,
  httpDate,
  type IntegrationOutcome,
  javaServiceCause,
  parseOrText,
  parseServiceResource,
  reportSubmitted,
  sdkHttpMetadata,
  uuid,
} from './aws-shapes.js';
import { byteLength, javaDoubleString } from './json-text.js';

/** An execution as DescribeExecution reports it (dates in epoch ms). @public */
export interface NestedExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: number;
  readonly stopDate?: number;
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** A StartExecution request made on behalf of a Task. @public */
export interface NestedStartRequest {
  readonly stateMachineArn: string;
  readonly name?: string;
  readonly input: string;
  readonly traceHeader?: string;
  readonly region: string;
  readonly accountId: string;
}

/** @public */
export interface NestedStartResult {
  readonly executionArn: string;
  /** Epoch ms. */
  readonly startDate: number;
  readonly requestId: string;
}

/** A StartExecution/DescribeExecution failure with the AWS error code (`ExecutionAlreadyExists`, …). @public */
export class NestedExecutionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly requestId: string,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * What the nested-execution invoker needs from the Step Functions service. The SFN service can implement
 * it directly (its runner knows when an execution closes); {@link createHandleNestedExecutions} implements
 * it over any `handle(Request) → Response`.
 * @public
 */
export interface NestedExecutions {
  startExecution(request: NestedStartRequest): Promise<NestedStartResult>;
  describeExecution(executionArn: string): Promise<NestedExecutionDescription>;
  /** Calls `cb` once, when the execution has closed. Returns an unsubscribe function. */
  onClosed(executionArn: string, cb: (execution: NestedExecutionDescription) => void): () => void;
  stopExecution?(executionArn: string, error?: string, cause?: string): Promise<void>;
}

type Handle = (request: Request) => Promise<Response>;

/**
 * {@link NestedExecutions} over an AWS request handler (the same instance's `handle`): StartExecution and
 * DescribeExecution requests, with `onClosed` polling DescribeExecution.
 * @public
 */
export function createHandleNestedExecutions(
  handle: Handle,
  options: { readonly region: string; readonly accountId: string; readonly pollIntervalMs?: number },
): NestedExecutions {
  const call = async (op: string, body: unknown, region = options.region, accountId = options.accountId) => {
    const res = await handle(
      new Request('http://statecraft.internal/', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `AWSStepFunctions.${op}`,
          authorization: `AWS4-HMAC-SHA256 Credential=${accountId}/20240101/${region}/states/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: JSON.stringify(body),
      }),
    );
    const text = await res.text();
    const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const requestId = res.headers.get('x-amzn-requestid') ?? uuid();
    if (!res.ok) {
      const type = String(json.__type ?? 'InternalFailure');
      throw new NestedExecutionError(
        type.slice(type.indexOf('#') + 1),
        String(json.message ?? json.Message ?? ''),
        res.status,
        requestId,
      );
    }
    return { json, requestId };
  };
  const ms = (v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) : undefined);
  const describe = async (executionArn: string): Promise<NestedExecutionDescription> => {
    const { json: d } = await call('DescribeExecution', { executionArn });
    return {
      executionArn: String(d.executionArn),
      stateMachineArn: String(d.stateMachineArn),
      name: String(d.name),
      status: String(d.status),
      startDate: ms(d.startDate) ?? 0,
      ...(ms(d.stopDate) !== undefined ? { stopDate: ms(d.stopDate)! } : {}),
      ...(typeof d.input === 'string' ? { input: d.input } : {}),
      ...(typeof d.output === 'string' ? { output: d.output } : {}),
      ...(typeof d.error === 'string' ? { error: d.error } : {}),
      ...(typeof d.cause === 'string' ? { cause: d.cause } : {}),
    };
  };
  return {
    async startExecution(req) {
      const { json, requestId } = await call(
        'StartExecution',
        {
          stateMachineArn: req.stateMachineArn,
          input: req.input,
          ...(req.name !== undefined ? { name: req.name } : {}),
          ...(req.traceHeader !== undefined ? { traceHeader: req.traceHeader } : {}),
        },
        req.region,
        req.accountId,
      );
      return { executionArn: String(json.executionArn), startDate: ms(json.startDate) ?? Date.now(), requestId };
    },
    describeExecution: describe,
    onClosed(executionArn, cb) {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const poll = async () => {
        if (stopped) return;
        try {
          const d = await describe(executionArn);
          if (d.status !== 'RUNNING' && d.status !== 'PENDING_REDRIVE') {
            stopped = true;
            cb(d);
            return;
          }
        } catch {
          // The execution vanished (reset): stop watching.
          stopped = true;
          return;
        }
        if (!stopped) {
          timer = setTimeout(poll, options.pollIntervalMs ?? 20);
          (timer as { unref?: () => void }).unref?.();
        }
      };
      void poll();
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      };
    },
    async stopExecution(executionArn, error, cause) {
      await call('StopExecution', {
        executionArn,
        ...(error !== undefined ? { error } : {}),
        ...(cause !== undefined ? { cause } : {}),
      });
    },
  };
}

/** The StartExecution response object a request-response Task returns (and `.sync` reports as submitted). */
function startResponse(arn: string, started: NestedStartResult, at: number): Record<string, unknown> {
  // Size of the JSON body AWS answers (the Java SDK writes dates as epoch seconds, `1.761654367123E9`).
  const body = `{"executionArn":"${arn}","startDate":${javaDoubleString(started.startDate / 1000)}}`;
  const headers = {
    'x-amzn-RequestId': started.requestId,
    connection: 'keep-alive',
    'Content-Length': String(byteLength(body)),
    Date: httpDate(at),
    'Content-Type': 'application/x-amz-json-1.0',
  };
  return {
    ExecutionArn: arn,
    SdkHttpMetadata: sdkHttpMetadata(headers),
    SdkResponseMetadata: { RequestId: started.requestId },
    StartDate: started.startDate,
  };
}

/** The DescribeExecution-shaped result of `.sync` (`Input`/`Output` as text) and `.sync:2` (as JSON). */
function syncResult(d: NestedExecutionDescription, v2: boolean): Record<string, unknown> {
  const data = (text: string | undefined) => (v2 && text !== undefined ? parseOrText(text) : text);
  const failedRun = d.status !== 'SUCCEEDED';
  return {
    ...(failedRun && d.cause !== undefined ? { Cause: d.cause } : {}),
    ...(failedRun && d.error !== undefined ? { Error: d.error } : {}),
    ExecutionArn: d.executionArn,
    ...(d.input !== undefined ? { Input: data(d.input), InputDetails: { Included: true } } : {}),
    Name: d.name,
    ...(!failedRun && d.output !== undefined ? { Output: data(d.output), OutputDetails: { Included: true } } : {}),
    StartDate: d.startDate,
    StateMachineArn: d.stateMachineArn,
    Status: d.status,
    ...(d.stopDate !== undefined ? { StopDate: d.stopDate } : {}),
  };
}

/**
 * The invoker for `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`.
 * @public
 */
export function createNestedExecutionInvoker(options: { readonly executions: NestedExecutions }): TaskInvoker {
  const { executions } = options;
  return {
    name: 'states:startExecution',
    matches(resource) {
      const r = parseServiceResource(resource);
      return r !== undefined && !r.sdk && r.service === 'states' && r.action === 'startExecution';
    },
    async invoke(call: TaskCall, ctx: InvokeContext): Promise<IntegrationOutcome> {
      const pattern = parseServiceResource(call.resource)!.pattern;
      const p = (typeof call.parameters === 'object' && call.parameters !== null ? call.parameters : {}) as Record<
        string,
        unknown
      >;
      if (typeof p.StateMachineArn !== 'string') {
        return failed(
          'States.Runtime',
          `The Parameters '${JSON.stringify(call.parameters)}' could not be used to start the Task: [The field "StateMachineArn" is required]`,
        );
      }
      const input =
        p.Input === undefined || p.Input === null
          ? '{}'
          : typeof p.Input === 'string'
            ? p.Input
            : JSON.stringify(p.Input);
      let started: NestedStartResult;
      try {
        started = await executions.startExecution({
          stateMachineArn: p.StateMachineArn,
          input,
          ...(typeof p.Name === 'string' ? { name: p.Name } : {}),
          ...(typeof p.TraceHeader === 'string' ? { traceHeader: p.TraceHeader } : {}),
          region: call.region,
          accountId: call.accountId,
        });
      } catch (err) {
        if (err instanceof NestedExecutionError) {
          const code = err.code.endsWith('Exception') ? err.code : `${err.code}Exception`;
          return failed(
            `StepFunctions.${code}`,
            javaServiceCause(err.message, 'AWSStepFunctions', err.status, err.code, err.requestId),
          );
        }
        throw err;
      }
      const response = startResponse(started.executionArn, started, ctx.now());
      if (pattern === 'request-response') return { type: 'succeeded', output: response };
      reportSubmitted(ctx, response);
      if (pattern === 'waitForTaskToken') return { type: 'pending', submitted: response };
      const v2 = pattern === 'sync:2';
      const closed = await new Promise<NestedExecutionDescription | undefined>((resolve) => {
        const off = executions.onClosed(started.executionArn, (d) => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve(d);
        });
        const onAbort = () => {
          off();
          // The parent Task was abandoned (timeout, stop): AWS stops the child execution too.
          void executions.stopExecution?.(started.executionArn).catch(() => {});
          resolve(undefined);
        };
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
      if (!closed)
        return { type: 'failed', error: 'States.Runtime', cause: 'The task was cancelled.', submitted: response };
      const result = syncResult(closed, v2);
      if (closed.status === 'SUCCEEDED') return { type: 'succeeded', output: result, submitted: response };
      return { type: 'failed', error: 'States.TaskFailed', cause: JSON.stringify(result), submitted: response };
    },
  };
}

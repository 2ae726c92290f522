/**
 * AWS Lambda: handlers registered in process, or an HTTP Lambda endpoint (Step Functions Local's
 * `LAMBDA_ENDPOINT`), behind one invoker for direct function ARNs and `arn:aws:states:::lambda:invoke`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
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
  traceId,
  uuid,
} from './aws-shapes.js';
import { byteLength, pythonJsonDumps } from './json-text.js';

/** The context object a handler receives (the Node.js runtime's fields, plus Statecraft's extras). @public */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  readonly clientContext?: unknown;
  getRemainingTimeInMillis(): number;
  /** Statecraft: the request payload exactly as sent (`""` when there was none). */
  readonly rawEvent: string;
  /** Statecraft: aborted when the invocation is abandoned (the Task timed out, the execution stopped). */
  readonly signal: AbortSignal;
}

/**
 * An in-process Lambda handler: `async (event, context) => result`. Throw to fail the invocation: the
 * error's `name` becomes the `errorType` Step Functions reports (`Retry`/`Catch` match it), its message the
 * `errorMessage`. Return {@link rawLambdaPayload} to control the response bytes exactly.
 * @public
 */
export type LambdaHandler = (event: any, context: LambdaContext) => unknown;

/** A handler with its function configuration. @public */
export interface LambdaFunctionConfig {
  readonly handler: LambdaHandler;
  /**
   * The runtime whose serialisation the function imitates: `nodejs*` (default; `JSON.stringify`, error
   * documents `{"errorType","errorMessage","trace"}`) or `python*` (`json.dumps`, error documents
   * `{"errorMessage", "errorType", "requestId", "stackTrace"}`).
   */
  readonly runtime?: string;
  /** Function timeout; when exceeded the invocation fails with `Sandbox.Timedout`. Default: none. */
  readonly timeoutSeconds?: number;
  readonly memorySize?: number;
}

/** @public */
export type LambdaFunction = LambdaHandler | LambdaFunctionConfig;

/** A response payload given byte for byte. @public */
export class RawLambdaPayload {
  constructor(readonly text: string) {}
}

/** Makes a handler's response exactly `text` (for example `"0.0"`, which a JavaScript number cannot keep). @public */
export function rawLambdaPayload(text: string): RawLambdaPayload {
  return new RawLambdaPayload(text);
}

/**
 * An error with an explicit Lambda error document: `errorType`, and for Python-style functions the
 * `stackTrace` lines (Step Functions reports the document verbatim as the cause).
 * @public
 */
export class LambdaFunctionError extends Error {
  readonly errorType: string;
  readonly stackTrace: readonly string[] | undefined;
  constructor(errorType: string, errorMessage: string, options: { stackTrace?: readonly string[] } = {}) {
    super(errorMessage);
    this.name = errorType;
    this.errorType = errorType;
    this.stackTrace = options.stackTrace;
  }
}

/** A Lambda Invoke request. @public */
export interface LambdaInvokeRequest {
  /** Name, name:qualifier, partial ARN or full ARN. */
  readonly functionName: string;
  readonly qualifier?: string;
  /** The payload bytes as text; `""` for none. */
  readonly payload: string;
  readonly invocationType: 'RequestResponse' | 'Event' | 'DryRun';
  readonly logType?: 'None' | 'Tail';
  readonly clientContext?: string;
  readonly region: string;
  readonly accountId: string;
  readonly signal: AbortSignal;
}

/** A Lambda Invoke response (a function error is a response, not an exception). @public */
export interface LambdaInvokeResponse {
  readonly statusCode: number;
  readonly payload: string;
  readonly functionError?: string;
  readonly executedVersion: string;
  readonly logResult?: string;
  readonly requestId: string;
  readonly traceId?: string;
}

/** A Lambda service error (ResourceNotFoundException, …) or a client failure. @public */
export class LambdaServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly requestId: string,
    /** A client-side failure (no HTTP response): Step Functions names it `Lambda.SdkClientException`. */
    readonly clientSide = false,
  ) {
    super(message);
    this.name = code;
  }
}

/** Where Lambda invocations go. @public */
export interface LambdaBackend {
  invoke(request: LambdaInvokeRequest): Promise<LambdaInvokeResponse>;
}

/** Splits a FunctionName into the function's full ARN parts. @internal */
export function resolveFunction(
  functionName: string,
  qualifier: string | undefined,
  region: string,
  accountId: string,
): { name: string; qualifier: string | undefined; region: string; accountId: string; arn: string } {
  let name = functionName;
  let q = qualifier;
  let r = region;
  let a = accountId;
  const full = /^arn:[^:]+:lambda:([^:]+):(\d{12}):function:([^:]+)(?::(.+))?$/.exec(functionName);
  const partial = /^(\d{12}):function:([^:]+)(?::(.+))?$/.exec(functionName);
  const short = /^([^:]+)(?::(.+))?$/.exec(functionName);
  if (full) {
    r = full[1]!;
    a = full[2]!;
    name = full[3]!;
    q = full[4] ?? q;
  } else if (partial) {
    a = partial[1]!;
    name = partial[2]!;
    q = partial[3] ?? q;
  } else if (short) {
    name = short[1]!;
    q = short[2] ?? q;
  }
  return { name, qualifier: q, region: r, accountId: a, arn: `arn:aws:lambda:${r}:${a}:function:${name}` };
}

const notFound = (fn: ReturnType<typeof resolveFunction>) =>
  new LambdaServiceError(
    'ResourceNotFoundException',
    `Function not found: ${fn.arn}:${fn.qualifier ?? '$LATEST'}`,
    404,
    uuid(),
  );

function errorDocument(err: unknown, requestId: string, python: boolean): { errorType: string; text: string } {
  const e = err as { name?: unknown; message?: unknown; errorType?: unknown; stackTrace?: unknown; stack?: unknown };
  const isObj = typeof err === 'object' && err !== null;
  const errorType =
    isObj && typeof e.errorType === 'string' ? e.errorType : isObj && typeof e.name === 'string' ? e.name : 'Error';
  const errorMessage = isObj && typeof e.message === 'string' ? e.message : String(err);
  const stackTrace = isObj && Array.isArray(e.stackTrace) ? (e.stackTrace as string[]) : undefined;
  if (python || stackTrace) {
    return {
      errorType,
      text: pythonJsonDumps({ errorMessage, errorType, requestId, stackTrace: stackTrace ?? [] }),
    };
  }
  const trace = isObj && typeof e.stack === 'string' ? e.stack.split('\n') : [];
  return { errorType, text: JSON.stringify({ errorType, errorMessage, trace }) };
}

function logTail(requestId: string, ms: number): string {
  const text = `START RequestId: ${requestId} Version: $LATEST\nEND RequestId: ${requestId}\nREPORT RequestId: ${requestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(ms))} ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n`;
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * Runs handlers registered by function name in this process.
 * @public
 */
export function createInProcessLambdaBackend(functions: Readonly<Record<string, LambdaFunction>>): LambdaBackend & {
  has(functionName: string): boolean;
} {
  const configOf = (name: string): LambdaFunctionConfig | undefined => {
    if (!Object.hasOwn(functions, name)) return undefined;
    const f = functions[name]!;
    return typeof f === 'function' ? { handler: f } : f;
  };
  return {
    has: (functionName) =>
      configOf(resolveFunction(functionName, undefined, 'us-east-1', '000000000000').name) !== undefined,
    async invoke(req) {
      const fn = resolveFunction(req.functionName, req.qualifier, req.region, req.accountId);
      const config = configOf(fn.name);
      if (!config) throw notFound(fn);
      const requestId = uuid();
      const python = (config.runtime ?? '').startsWith('python');
      let event: unknown = {};
      if (req.payload.trim() !== '') {
        try {
          event = JSON.parse(req.payload);
        } catch {
          throw new LambdaServiceError(
            'InvalidRequestContentException',
            "Could not parse request body into json: Could not parse payload into json: Unrecognized token: was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
            400,
            requestId,
          );
        }
      }
      if (req.invocationType === 'DryRun') {
        return { statusCode: 204, payload: '', executedVersion: '$LATEST', requestId };
      }
      const started = Date.now();
      const deadline = config.timeoutSeconds !== undefined ? started + config.timeoutSeconds * 1000 : undefined;
      const abort = new AbortController();
      const onAbort = () => abort.abort(req.signal.reason);
      req.signal.addEventListener('abort', onAbort, { once: true });
      const context: LambdaContext = {
        functionName: fn.name,
        functionVersion: '$LATEST',
        invokedFunctionArn: fn.qualifier ? `${fn.arn}:${fn.qualifier}` : fn.arn,
        memoryLimitInMB: String(config.memorySize ?? 128),
        awsRequestId: requestId,
        logGroupName: `/aws/lambda/${fn.name}`,
        logStreamName: `${new Date(started).toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${requestId.replaceAll('-', '')}`,
        callbackWaitsForEmptyEventLoop: true,
        ...(req.clientContext !== undefined ? { clientContext: parseOrText(atobSafe(req.clientContext)) } : {}),
        getRemainingTimeInMillis: () => (deadline === undefined ? 900_000 : Math.max(0, deadline - Date.now())),
        rawEvent: req.payload,
        signal: abort.signal,
      };
      const run = async (): Promise<{ ok: true; value: unknown } | { ok: false; err: unknown }> => {
        try {
          const value = await new Promise<unknown>((resolve, reject) => {
            const callback = (err: unknown, result?: unknown) => (err ? reject(err) : resolve(result));
            const r = (config.handler as (e: unknown, c: LambdaContext, cb: typeof callback) => unknown)(
              event,
              context,
              callback,
            );
            if (config.handler.length < 3 || (r !== undefined && typeof (r as Promise<unknown>)?.then === 'function')) {
              Promise.resolve(r).then(resolve, reject);
            }
          });
          return { ok: true, value };
        } catch (err) {
          return { ok: false, err };
        }
      };
      if (req.invocationType === 'Event') {
        void run().finally(() => req.signal.removeEventListener('abort', onAbort));
        return { statusCode: 202, payload: '', executedVersion: '$LATEST', requestId };
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut =
        deadline === undefined
          ? undefined
          : new Promise<'timeout'>((resolve) => {
              timer = setTimeout(() => resolve('timeout'), deadline - started);
            });
      const result = await (timedOut ? Promise.race([run(), timedOut]) : run());
      if (timer) clearTimeout(timer);
      req.signal.removeEventListener('abort', onAbort);
      const base = {
        executedVersion: '$LATEST',
        requestId,
        ...(req.logType === 'Tail' ? { logResult: logTail(requestId, Date.now() - started) } : {}),
      };
      if (result === 'timeout') {
        abort.abort(new Error('timed out'));
        const errorMessage = `RequestId: ${requestId} Error: Task timed out after ${config.timeoutSeconds!.toFixed(2)} seconds`;
        const doc = python
          ? pythonJsonDumps({ errorMessage, errorType: 'Sandbox.Timedout' })
          : JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage });
        return { ...base, statusCode: 200, payload: doc, functionError: 'Unhandled' };
      }
      if (!result.ok) {
        const doc = errorDocument(result.err, requestId, python);
        return { ...base, statusCode: 200, payload: doc.text, functionError: 'Unhandled' };
      }
      const value = result.value;
      const payload =
        value instanceof RawLambdaPayload
          ? value.text
          : python
            ? pythonJsonDumps(value === undefined ? null : value)
            : JSON.stringify(value === undefined ? null : value);
      return { ...base, statusCode: 200, payload };
    },
  };
}

function atobSafe(b64: string): string {
  try {
    return atob(b64);
  } catch {
    return b64;
  }
}

/** Credentials for calls to local endpoints (most emulators accept any). @public */
export interface EndpointCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * Invokes functions at an HTTP Lambda endpoint through `@aws-sdk/client-lambda` (an optional peer
 * dependency, loaded on first use).
 * @public
 */
export function createEndpointLambdaBackend(options: {
  readonly endpoint: string;
  readonly credentials?: EndpointCredentials;
}): LambdaBackend {
  const clients = new Map<string, Promise<{ send(cmd: unknown, o?: unknown): Promise<any>; Invoke: any }>>();
  const clientFor = (region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = import('@aws-sdk/client-lambda').then(
        (mod) => {
          const client = new mod.LambdaClient({
            endpoint: options.endpoint,
            region,
            credentials: options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' },
            maxAttempts: 1,
          });
          return { send: (cmd: unknown, o?: unknown) => client.send(cmd as any, o as any), Invoke: mod.InvokeCommand };
        },
        () => {
          throw new LambdaServiceError(
            'SdkClientException',
            `[statecraft] Failed to call the Lambda endpoint ${options.endpoint}: @aws-sdk/client-lambda is not installed. Add it to your project's dependencies.`,
            0,
            uuid(),
            true,
          );
        },
      );
      clients.set(region, c);
    }
    return c;
  };
  return {
    async invoke(req) {
      const { send, Invoke } = await clientFor(req.region);
      try {
        const out = await send(
          new Invoke({
            FunctionName: req.functionName,
            ...(req.qualifier !== undefined ? { Qualifier: req.qualifier } : {}),
            InvocationType: req.invocationType,
            ...(req.logType !== undefined ? { LogType: req.logType } : {}),
            ...(req.clientContext !== undefined ? { ClientContext: req.clientContext } : {}),
            ...(req.payload !== '' ? { Payload: new TextEncoder().encode(req.payload) } : {}),
          }),
          { abortSignal: req.signal },
        );
        return {
          statusCode: out.StatusCode ?? 200,
          payload: out.Payload ? new TextDecoder().decode(out.Payload) : '',
          ...(out.FunctionError ? { functionError: out.FunctionError } : {}),
          executedVersion: out.ExecutedVersion ?? '$LATEST',
          ...(out.LogResult ? { logResult: out.LogResult } : {}),
          requestId: out.$metadata?.requestId ?? uuid(),
        };
      } catch (err) {
        const e = err as {
          name?: string;
          message?: string;
          $metadata?: { httpStatusCode?: number; requestId?: string };
        };
        const status = e.$metadata?.httpStatusCode;
        if (status === undefined) {
          throw new LambdaServiceError(
            'SdkClientException',
            `Unable to execute HTTP request: ${e.message ?? String(err)}`,
            0,
            uuid(),
            true,
          );
        }
        throw new LambdaServiceError(
          e.name ?? 'ServiceException',
          e.message ?? '',
          status,
          e.$metadata?.requestId ?? uuid(),
        );
      }
    },
  };
}

/** Tries backends in order; a `ResourceNotFoundException` moves on to the next. @internal */
export function chainLambdaBackends(backends: readonly LambdaBackend[]): LambdaBackend {
  return {
    async invoke(req) {
      let last: unknown;
      for (const b of backends) {
        try {
          return await b.invoke(req);
        } catch (err) {
          last = err;
          if (!(err instanceof LambdaServiceError && err.code === 'ResourceNotFoundException')) throw err;
        }
      }
      if (last) throw last;
      throw notFound(resolveFunction(req.functionName, req.qualifier, req.region, req.accountId));
    },
  };
}

const DIRECT_ARN = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+(?::[^:]+)?$/;

/** The `lambda:invoke` result object Step Functions builds from an Invoke response. @internal */
export function lambdaInvokeResult(res: LambdaInvokeResponse, at: number): Record<string, unknown> {
  const headers: Record<string, string> = {
    Connection: 'keep-alive',
    'Content-Length': String(byteLength(res.payload)),
    'Content-Type': 'application/json',
    Date: httpDate(at),
    'X-Amz-Executed-Version': res.executedVersion,
    ...(res.logResult !== undefined ? { 'X-Amz-Log-Result': res.logResult } : {}),
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': res.requestId,
    'X-Amzn-Trace-Id': res.traceId ?? traceId(at),
  };
  return {
    ExecutedVersion: res.executedVersion,
    ...(res.logResult !== undefined ? { LogResult: res.logResult } : {}),
    Payload: res.payload === '' ? '' : parseOrText(res.payload),
    SdkHttpMetadata: sdkHttpMetadata(headers, res.statusCode),
    SdkResponseMetadata: { RequestId: res.requestId },
    StatusCode: res.statusCode,
  };
}

/**
 * A Lambda service error as the task's failure: `Lambda.<Code>Exception` for both integrations; the cause is
 * the AWS SDK for Java v1 text for `lambda:invoke`, the v2 text (`(Service: Lambda, Status Code: …, Request
 * ID: …)`) for `aws-sdk:lambda:invoke`, as for the other AWS SDK integrations.
 */
function serviceFailure(err: unknown, sdk = false): IntegrationOutcome {
  if (err instanceof LambdaServiceError) {
    if (err.clientSide) return failed('Lambda.SdkClientException', err.message);
    const code = err.code.endsWith('Exception') ? err.code : `${err.code}Exception`;
    return failed(
      `Lambda.${code}`,
      sdk
        ? `${err.message} (Service: Lambda, Status Code: ${err.status}, Request ID: ${err.requestId})`
        : javaServiceCause(err.message, 'AWSLambda', err.status, err.code, err.requestId),
    );
  }
  throw err;
}

/**
 * The `aws-sdk:lambda:invoke` result: the Invoke API's output members only (no `SdkHttpMetadata`), with
 * `Payload` left as the response's text (the optimised integration parses it) and `FunctionError` reported
 * rather than failing the task.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html ("How the Optimized Lambda
 *   integration is different than the Lambda AWS SDK integration")
 */
function sdkInvokeResult(res: LambdaInvokeResponse): Record<string, unknown> {
  return {
    ExecutedVersion: res.executedVersion,
    ...(res.functionError !== undefined ? { FunctionError: res.functionError } : {}),
    ...(res.logResult !== undefined ? { LogResult: res.logResult } : {}),
    Payload: res.payload,
    StatusCode: res.statusCode,
  };
}

/** Options for {@link createLambdaInvoker}. @public */
export interface LambdaInvokerOptions {
  readonly backend: LambdaBackend;
  /**
   * Leave `lambda:invoke.waitForTaskToken` to the caller (do not match it): with no function configured
   * at all, a callback task then simply waits for SendTask* on its token.
   */
  readonly declineCallbacks?: boolean;
}

/**
 * The Lambda invoker: direct function ARNs (the function's payload is the result; history
 * `LambdaFunction*`), `arn:aws:states:::lambda:invoke[.waitForTaskToken]` (the Invoke response object is
 * the result; the token variant stays pending until SendTask* and reports the response as submitted) and
 * `arn:aws:states:::aws-sdk:lambda:invoke[.waitForTaskToken]` (the plain API output; a function error is
 * part of the result, not a failure).
 * A function error fails the task with the document's `errorType` and the document as the cause.
 * @public
 */
export function createLambdaInvoker(options: LambdaInvokerOptions): TaskInvoker {
  const { backend } = options;
  return {
    name: 'lambda',
    matches(resource) {
      if (DIRECT_ARN.test(resource)) return true;
      const r = parseServiceResource(resource);
      return (
        r !== undefined &&
        r.service === 'lambda' &&
        r.action === 'invoke' &&
        (r.pattern === 'request-response' || (r.pattern === 'waitForTaskToken' && !options.declineCallbacks))
      );
    },
    async invoke(call: TaskCall, ctx: InvokeContext): Promise<IntegrationOutcome> {
      if (DIRECT_ARN.test(call.resource)) {
        let res: LambdaInvokeResponse;
        try {
          res = await backend.invoke({
            functionName: call.resource,
            payload: JSON.stringify(call.parameters ?? null),
            invocationType: 'RequestResponse',
            region: call.region,
            accountId: call.accountId,
            signal: ctx.signal,
          });
        } catch (err) {
          return serviceFailure(err);
        }
        if (res.functionError) return functionFailure(res, false);
        return { type: 'succeeded', output: res.payload === '' ? null : parseOrText(res.payload) };
      }
      const sdk = parseServiceResource(call.resource)?.sdk === true;
      const p = (typeof call.parameters === 'object' && call.parameters !== null ? call.parameters : {}) as Record<
        string,
        unknown
      >;
      if (typeof p.FunctionName !== 'string') {
        return failed(
          'States.Runtime',
          `The Parameters '${JSON.stringify(call.parameters)}' could not be used to start the Task: [The field "FunctionName" is required]`,
        );
      }
      const payload =
        p.Payload === undefined || p.Payload === null
          ? ''
          : typeof p.Payload === 'string'
            ? p.Payload
            : JSON.stringify(p.Payload);
      const invocationType =
        p.InvocationType === 'Event' || p.InvocationType === 'DryRun' ? p.InvocationType : 'RequestResponse';
      let res: LambdaInvokeResponse;
      try {
        res = await backend.invoke({
          functionName: p.FunctionName,
          ...(typeof p.Qualifier === 'string' ? { qualifier: p.Qualifier } : {}),
          payload,
          invocationType,
          ...(p.LogType === 'Tail' || p.LogType === 'None' ? { logType: p.LogType } : {}),
          ...(typeof p.ClientContext === 'string' ? { clientContext: p.ClientContext } : {}),
          region: call.region,
          accountId: call.accountId,
          signal: ctx.signal,
        });
      } catch (err) {
        return serviceFailure(err, sdk);
      }
      if (res.functionError && !sdk) return functionFailure(res, true);
      const result = sdk ? sdkInvokeResult(res) : lambdaInvokeResult(res, ctx.now());
      if (call.resource.endsWith('.waitForTaskToken')) {
        reportSubmitted(ctx, result);
        return { type: 'pending', submitted: result };
      }
      return { type: 'succeeded', output: result };
    },
  };
}

/**
 * A function error: `errorType` names the error. A direct function ARN reports the error document verbatim
 * as the cause; `lambda:invoke` re-serialises it compactly (both recorded against AWS).
 */
function functionFailure(res: LambdaInvokeResponse, compact: boolean): IntegrationOutcome {
  const doc = parseOrText(res.payload) as { errorType?: unknown } | string;
  const errorType =
    typeof doc === 'object' && doc !== null && typeof doc.errorType === 'string' ? doc.errorType : 'Lambda.Unknown';
  return failed(errorType, compact && typeof doc === 'object' ? JSON.stringify(doc) : res.payload);
}

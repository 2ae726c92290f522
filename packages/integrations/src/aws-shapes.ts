/**
 * Shapes Step Functions adds around service responses (the AWS SDK for Java's `SdkHttpMetadata` and
 * `SdkResponseMetadata`) and the cause texts of its service exceptions, as recorded against AWS.
 */
import type { InvokeContext, TaskOutcome } from '@statecraft/engine';

/** A random UUID (v4). @internal */
export function uuid(): string {
  return globalThis.crypto.randomUUID();
}

/** RFC 7231 date, as HTTP `Date` headers carry it. @internal */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** An X-Ray trace header value. @internal */
export function traceId(ms: number): string {
  const hex = (k: number) =>
    Array.from(globalThis.crypto.getRandomValues(new Uint8Array(k)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `Root=1-${Math.floor(ms / 1000).toString(16)}-${hex(12)};Parent=${hex(8)};Sampled=0;Lineage=1:${hex(4)}:0`;
}

/**
 * `SdkHttpMetadata` as Step Functions reports it: `AllHttpHeaders` maps each header to a list of values,
 * `HttpHeaders` to the single value.
 * @internal
 */
export function sdkHttpMetadata(headers: Record<string, string>, status = 200): Record<string, unknown> {
  const all: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) all[k] = [v];
  const sorted = Object.fromEntries(Object.entries(headers).sort(([a], [b]) => a.localeCompare(b)));
  return { AllHttpHeaders: all, HttpHeaders: sorted, HttpStatusCode: status };
}

/**
 * The cause text of an AWS SDK for Java service exception:
 * `Function not found: … (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: …; Proxy: null)`.
 * @internal
 */
export function javaServiceCause(
  message: string,
  serviceName: string,
  status: number,
  code: string,
  requestId: string,
): string {
  return `${message} (Service: ${serviceName}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`;
}

/** @internal */
export function failed(error: string, cause?: string): TaskOutcome {
  return cause === undefined ? { type: 'failed', error } : { type: 'failed', error, cause };
}

/** @internal */
export function succeeded(output: unknown): TaskOutcome {
  return { type: 'succeeded', output };
}

/**
 * An outcome that also carries the output of the `TaskSubmitted` event Step Functions records for
 * `.sync` and `.waitForTaskToken` tasks (the response of the call that started the job or sent the token).
 * The runner feeds `TaskSubmitted{output: submitted}` before the outcome; runners that do not know the
 * field see a plain {@link TaskOutcome}.
 * @public
 */
export type IntegrationOutcome = TaskOutcome & { readonly submitted?: unknown };

/** Splits `arn:aws:states:::sqs:sendMessage.waitForTaskToken` into its parts. @internal */
export interface ServiceResource {
  /** `sqs`, `lambda`, `states`, or `aws-sdk:s3`. */
  readonly service: string;
  /** Without the pattern suffix: `sendMessage`. */
  readonly action: string;
  readonly pattern: 'request-response' | 'sync' | 'sync:2' | 'waitForTaskToken';
  /** True for `arn:aws:states:::aws-sdk:<service>:<action>`. */
  readonly sdk: boolean;
}

/** @internal */
export function parseServiceResource(resource: string): ServiceResource | undefined {
  const m = /^arn:[^:]+:states:[^:]*:[^:]*:(.+)$/.exec(resource);
  if (!m) return undefined;
  let rest = m[1]!;
  if (rest.startsWith('activity:') || rest.startsWith('stateMachine:') || rest.startsWith('execution:'))
    return undefined;
  let pattern: ServiceResource['pattern'] = 'request-response';
  for (const [suffix, p] of [
    ['.waitForTaskToken', 'waitForTaskToken'],
    ['.sync:2', 'sync:2'],
    ['.sync', 'sync'],
  ] as const) {
    if (rest.endsWith(suffix)) {
      pattern = p;
      rest = rest.slice(0, -suffix.length);
      break;
    }
  }
  const sdk = rest.startsWith('aws-sdk:');
  if (sdk) rest = rest.slice('aws-sdk:'.length);
  const k = rest.indexOf(':');
  if (k <= 0) return undefined;
  return { service: rest.slice(0, k), action: rest.slice(k + 1), pattern, sdk };
}

/** Parses JSON text, or returns the text itself when it is not JSON. @internal */
export function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * An invoke context that can also record a submission as soon as it happens (`TaskSubmitted` when a `.sync`
 * child starts, rather than when it finishes). Runners that do not offer it get the submission attached to
 * the final outcome instead ({@link IntegrationOutcome}); the interpreter records it once either way.
 * @public
 */
export interface IntegrationContext extends InvokeContext {
  submitted?(output: unknown): void;
}

/** Reports a submission through the context, when the runner offers it. @internal */
export function reportSubmitted(ctx: InvokeContext, output: unknown): void {
  (ctx as IntegrationContext).submitted?.(output);
}

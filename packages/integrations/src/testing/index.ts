/**
 * @statecraft/integrations/testing — Lambda functions that behave like the ones the conformance corpus was
 * recorded with (`lambdaFunctions` of a case: `identity`, `echo`, `raise`, …, mostly Python 3.12), so a
 * replay reports the same payloads, Content-Lengths and error documents as AWS did.
 * @packageDocumentation
 */

import { pythonJsonDumps, toPythonJson } from '../json-text.js';
import { type LambdaContext, type LambdaFunctionConfig, LambdaFunctionError, rawLambdaPayload } from '../lambda.js';

/** A `lambdaFunctions` entry of a conformance case. @public */
export interface CorpusLambdaFunction {
  readonly behaviour: string;
  readonly runtime?: string;
  readonly handlerFile?: string;
  readonly recordedFailure?: { readonly error?: string; readonly cause?: unknown };
}

/** Python's `str()` of a JSON value (for functions that format their event into a string). @public */
export function pythonStr(value: unknown, nested = false): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonJsonDumps(value);
  if (typeof value === 'string') {
    if (!nested) return value;
    const q = value.includes("'") && !value.includes('"') ? '"' : "'";
    return `${q}${value.replaceAll('\\', '\\\\').replaceAll(q, `\\${q}`).replaceAll('\n', '\\n')}${q}`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => pythonStr(v, true)).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pythonStr(k, true)}: ${pythonStr(v, true)}`)
    .join(', ')}}`;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    (t as { unref?: () => void }).unref?.();
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

function failureOf(
  spec: CorpusLambdaFunction,
  fallback: { type: string; message: string; trace: string },
): LambdaFunctionError {
  const cause = spec.recordedFailure?.cause;
  if (typeof cause === 'object' && cause !== null) {
    const c = cause as { errorType?: unknown; errorMessage?: unknown; stackTrace?: unknown };
    if (typeof c.errorType === 'string') {
      return new LambdaFunctionError(c.errorType, typeof c.errorMessage === 'string' ? c.errorMessage : '', {
        stackTrace: Array.isArray(c.stackTrace) ? (c.stackTrace as string[]) : [],
      });
    }
  }
  return new LambdaFunctionError(fallback.type, fallback.message, { stackTrace: [fallback.trace] });
}

/**
 * Builds in-process functions for a case's `lambdaFunctions` (names already substituted).
 * @public
 */
export function createCorpusLambdaFunctions(
  specs: Readonly<Record<string, CorpusLambdaFunction>>,
): Record<string, LambdaFunctionConfig> {
  const out: Record<string, LambdaFunctionConfig> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const runtime = spec.runtime ?? 'python3.12';
    const python = runtime.startsWith('python');
    const identity = (event: unknown, ctx: LambdaContext) =>
      python ? rawLambdaPayload(toPythonJson(ctx.rawEvent.trim() === '' ? '{}' : ctx.rawEvent)) : event;
    let handler: LambdaFunctionConfig['handler'];
    switch (spec.behaviour) {
      case 'identity':
        handler = identity;
        break;
      case 'echo':
        handler = () => ({ Return: 'HelloWorld' });
        break;
      case 'raise':
        handler = () => {
          throw failureOf(spec, {
            type: 'Exception',
            message: 'Some exception was raised.',
            trace:
              '  File "/var/task/handler.py", line 2, in handler\n    raise Exception("Some exception was raised.")\n',
          });
        };
        break;
      case 'raise-custom':
        handler = () => {
          throw failureOf(spec, {
            type: 'CustomException',
            message: '',
            trace: '  File "/var/task/handler.py", line 9, in handler\n    raise CustomException()\n',
          });
        };
        break;
      case 'large-output':
        handler = () => 'a'.repeat(257 * 1024);
        break;
      case 'return-bytes-string':
        handler = () => 'HelloWorld!';
        break;
      case 'decorate-input':
        handler = (event: unknown) => `input-event-${pythonStr(event)}`;
        break;
      case 'sleep-60s':
        handler = async (event: unknown, ctx: LambdaContext) => {
          await sleep(60_000, ctx.signal);
          return identity(event, ctx);
        };
        break;
      default:
        throw new Error(
          `[statecraft] Failed to build the corpus function '${name}': unknown behaviour '${spec.behaviour}'. Use one of identity, echo, raise, raise-custom, large-output, return-bytes-string, decorate-input, sleep-60s.`,
        );
    }
    out[name] = { handler, runtime };
  }
  return out;
}

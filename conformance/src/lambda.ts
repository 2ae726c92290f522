/**
 * Local Lambda functions for `requires: ["lambda"]` cases, built from `lambdaFunctions` behaviours
 * (README §1.3). A failing function throws a {@link LambdaFunctionError} carrying the Lambda error document
 * (`errorType`, `errorMessage`, `stackTrace`); the emulator adds the `requestId`.
 */
import { rawLambdaPayload, toPythonJson } from '@statecraft/integrations';
import type { LambdaFunctionSpec } from './types.js';

export type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** What Statecraft's `functions` option takes per name: a handler with the runtime it imitates. */
export interface LambdaFunctionConfig {
  handler: LambdaHandler;
  /** `python*` makes Statecraft serialise results and error documents as Python's `json.dumps` does. */
  runtime?: string;
}

/** The parts of Statecraft's Lambda context the behaviours use. */
interface InvokeContext {
  rawEvent?: string;
  signal?: AbortSignal;
}

/**
 * Statecraft's `rawLambdaPayload` (a response given byte for byte) and `toPythonJson`: a Python function's
 * result is its JSON text as Python writes it (a Python `0.0` stays `0.0`).
 */
interface RawSupport {
  rawLambdaPayload(text: string): unknown;
  toPythonJson(text: string): string;
}
export async function loadRawSupport(): Promise<RawSupport | undefined> {
  return { rawLambdaPayload, toPythonJson };
}

/** A function error as the Lambda runtime reports it. */
export class LambdaFunctionError extends Error {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace: string[];

  constructor(doc: { errorType: string; errorMessage: string; stackTrace?: string[] }) {
    super(doc.errorMessage);
    this.name = doc.errorType;
    this.errorType = doc.errorType;
    this.errorMessage = doc.errorMessage;
    this.stackTrace = doc.stackTrace ?? [];
  }

  /** The Lambda error document (without `requestId`). */
  toJSON(): { errorMessage: string; errorType: string; stackTrace: string[] } {
    return { errorMessage: this.errorMessage, errorType: this.errorType, stackTrace: this.stackTrace };
  }
}

const RAISE_DEFAULT = {
  errorType: 'Exception',
  errorMessage: 'Some exception was raised.',
  stackTrace: [
    '  File "/var/task/handler.py", line 2, in handler\n    raise Exception("Some exception was raised.")\n',
  ],
};

const RAISE_CUSTOM_DEFAULT = {
  errorType: 'CustomException',
  errorMessage: '',
  stackTrace: ['  File "/var/task/handler.py", line 9, in handler\n    raise CustomException()\n'],
};

/** Python's `repr` of a JSON value (what `return_decorated_input.py` formats with `f"input-event-{event}"`). */
export function pythonRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'string') {
    const quote = v.includes("'") && !v.includes('"') ? '"' : "'";
    let out = quote;
    for (const ch of v) {
      const c = ch.codePointAt(0)!;
      if (ch === '\\') out += '\\\\';
      else if (ch === quote) out += `\\${quote}`;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
      else out += ch;
    }
    return out + quote;
  }
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pythonRepr(k)}: ${pythonRepr(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** The failure document a raising function reproduces: `recordedFailure.cause` when it is one, else the default. */
function failureDoc(spec: LambdaFunctionSpec, fallback: typeof RAISE_DEFAULT) {
  const cause = spec.recordedFailure?.cause;
  if (cause && typeof cause === 'object' && 'errorType' in cause) {
    const c = cause as { errorType?: unknown; errorMessage?: unknown; stackTrace?: unknown };
    return {
      errorType: String(c.errorType),
      errorMessage: typeof c.errorMessage === 'string' ? c.errorMessage : fallback.errorMessage,
      stackTrace: Array.isArray(c.stackTrace) ? c.stackTrace.map(String) : fallback.stackTrace,
    };
  }
  return fallback;
}

export interface BuiltFunctions {
  functions: Record<string, LambdaFunctionConfig>;
  /** Cancels pending sleeps (so a case's `sleep-60s` does not outlive it). */
  dispose(): void;
}

export class UnknownBehaviourError extends Error {}

/** Builds the local functions. `specs` must already have `{{name:X}}` substituted in its keys. */
export function buildFunctions(specs: Record<string, LambdaFunctionSpec>, raw?: RawSupport): BuiltFunctions {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      t.unref?.();
      timers.add(t);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        timers.delete(t);
      });
    });
  const handlers: Record<string, LambdaHandler> = {};
  const functions: Record<string, LambdaFunctionConfig> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const python = (spec.runtime ?? '').startsWith('python');
    switch (spec.behaviour) {
      case 'identity':
        // Python's `return event` re-serialises the request payload: floats stay floats (`0.0`).
        handlers[name] = async (event, context) => {
          const rawEvent = (context as InvokeContext | undefined)?.rawEvent;
          if (python && raw && typeof rawEvent === 'string' && rawEvent !== '') {
            return raw.rawLambdaPayload(raw.toPythonJson(rawEvent));
          }
          return event;
        };
        break;
      case 'echo':
        handlers[name] = async () => ({ Return: 'HelloWorld' });
        break;
      case 'raise': {
        const doc = failureDoc(spec, RAISE_DEFAULT);
        handlers[name] = async () => {
          throw new LambdaFunctionError(doc);
        };
        break;
      }
      case 'raise-custom': {
        const doc = failureDoc(spec, RAISE_CUSTOM_DEFAULT);
        handlers[name] = async () => {
          throw new LambdaFunctionError(doc);
        };
        break;
      }
      case 'large-output':
        handlers[name] = async () => 'a'.repeat(257 * 1024);
        break;
      case 'return-bytes-string':
        // `return bytes("HelloWorld!", ...)`: the recorded payload is the JSON string "HelloWorld!".
        handlers[name] = async () => 'HelloWorld!';
        break;
      case 'decorate-input':
        handlers[name] = async (event) => `input-event-${pythonRepr(event)}`;
        break;
      case 'sleep-60s':
        handlers[name] = async (_event, context) => {
          await sleep(60_000, (context as InvokeContext | undefined)?.signal);
          return null;
        };
        break;
      default:
        throw new UnknownBehaviourError(`unknown lambda behaviour '${spec.behaviour}' for ${name}`);
    }
    functions[name] = { handler: handlers[name]!, ...(spec.runtime ? { runtime: spec.runtime } : {}) };
  }
  return {
    functions,
    dispose() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

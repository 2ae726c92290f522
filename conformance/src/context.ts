/** Shared machinery of one case run: variables, bindings, sending calls, failing steps. */
import * as sfnSdk from '@aws-sdk/client-sfn';
import * as swfSdk from '@aws-sdk/client-swf';
import type { Diff } from './compare.js';
import { Bindings } from './match.js';
import type { Vars } from './placeholders.js';
import type { Emulator } from './target.js';

export interface RunOptions {
  /** Timeout of a wait, a poll step or a single call (ms). */
  timeoutMs: number;
  /** Pause between polls (ms). */
  pollMs: number;
}

export interface Failure {
  /** 1-based step number. */
  step: number;
  label: string;
  message: string;
  diffs?: Diff[];
}

/** Fails the current step. */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly diffs?: Diff[],
  ) {
    super(message);
  }
}

export type CallResult =
  | { ok: true; output: Record<string, unknown> }
  | { ok: false; error: { name: string; message: string } };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepFailed(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function containsNull(v: unknown): boolean {
  if (v === null) return true;
  if (Array.isArray(v)) return v.some(containsNull);
  if (typeof v === 'object' && v !== undefined) return Object.values(v as object).some(containsNull);
  return false;
}

function errorOf(e: unknown): { name: string; message: string } {
  if (e instanceof StepFailed) throw e;
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

export class CaseContext {
  readonly bindings = new Bindings();

  constructor(
    readonly emulator: Emulator,
    readonly vars: Vars,
    readonly options: RunOptions,
  ) {}

  /** Sends one operation through the service's SDK client (or raw JSON when the input holds a null). */
  async send(service: 'sfn' | 'swf', call: string, input: Record<string, unknown>): Promise<CallResult> {
    if (containsNull(input)) return this.sendRaw(service, call, input);
    const mod = (service === 'sfn' ? sfnSdk : swfSdk) as unknown as Record<string, unknown>;
    const Command = mod[`${call}Command`] as (new (input: unknown) => unknown) | undefined;
    if (typeof Command !== 'function') throw new StepFailed(`unknown ${service.toUpperCase()} operation '${call}'`);
    const client = (service === 'sfn' ? this.emulator.sfn : this.emulator.swf) as unknown as {
      send(cmd: unknown, opts?: { abortSignal?: AbortSignal }): Promise<Record<string, unknown>>;
    };
    const abort = new AbortController();
    try {
      const output = await withTimeout(
        client.send(new Command(input), { abortSignal: abort.signal }),
        this.options.timeoutMs,
        call,
      );
      return { ok: true, output };
    } catch (e) {
      abort.abort();
      return { ok: false, error: errorOf(e) };
    }
  }

  /** Sends the request body as JSON text, for inputs the SDK cannot serialise (e.g. `"tagList": [null]`). */
  async sendRaw(service: 'sfn' | 'swf', call: string, input: Record<string, unknown>): Promise<CallResult> {
    const target = service === 'sfn' ? `AWSStepFunctions.${call}` : `SimpleWorkflowService.${call}`;
    let res: { status: number; body: string };
    try {
      res = await withTimeout(this.emulator.raw(target, JSON.stringify(input)), this.options.timeoutMs, call);
    } catch (e) {
      return { ok: false, error: errorOf(e) };
    }
    let parsed: Record<string, unknown> = {};
    if (res.body.trim() !== '') {
      try {
        parsed = JSON.parse(res.body) as Record<string, unknown>;
      } catch {
        return {
          ok: false,
          error: { name: 'InvalidResponse', message: `HTTP ${res.status}: ${res.body.slice(0, 200)}` },
        };
      }
    }
    if (res.status >= 300) {
      const type = String(parsed.__type ?? parsed.code ?? `HTTP${res.status}`);
      const name = type.slice(type.lastIndexOf('#') + 1);
      return { ok: false, error: { name, message: String(parsed.message ?? parsed.Message ?? '') } };
    }
    return { ok: true, output: parsed };
  }
}

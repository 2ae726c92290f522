/**
 * No request makes the server crash, hang or answer 500. For every operation of both service models this
 * sends many generated bodies — valid-looking members with hostile values (ARNs of every kind, unknown
 * names, huge and unicode strings, wrong types, negative and huge numbers) — and asserts every answer is a
 * 200 or a 4xx with an AWS error `__type`, within a time bound per request.
 *
 * Long polls are configured to return at once (0 s) so they do not hold the test.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceModel } from './models/service-model.js';
import { createStatecraft } from './statecraft.js';
import { sfnModel, swfModel } from './validation/index.js';

/** Small deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  '',
  'x',
  'hello',
  ' ',
  '\u0000',
  'é🙂',
  'a'.repeat(300),
  '{}',
  '{"a":1}',
  '[1,2]',
  'not json',
  'arn:aws:states:us-east-1:123456789012:stateMachine:sm',
  'arn:aws:states:us-east-1:123456789012:stateMachine:sm:1',
  'arn:aws:states:us-east-1:123456789012:stateMachine:sm:alias',
  'arn:aws:states:us-east-1:123456789012:execution:sm:ex',
  'arn:aws:states:us-east-1:123456789012:express:sm:ex:id',
  'arn:aws:states:us-east-1:123456789012:activity:act',
  'arn:aws:states:us-east-1:123456789012:mapRun:sm/m:id',
  'arn:aws:swf:us-east-1:123456789012:/domain/d',
  'arn:aws:iam::123456789012:role/r',
  'arn:',
  'arn:aws:states:::lambda:invoke',
  '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}',
  '{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1,"End":true}}}',
  '{"Type":"Pass","End":true}',
  'STANDARD',
  'EXPRESS',
  'REGISTERED',
  'NONE',
  '300',
  '-1',
  'd',
  'sm',
];

function value(model: ServiceModel, shapeName: string, r: () => number, depth: number): unknown {
  const shape = model.shapes[shapeName];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  if (!shape || depth > 5) return null;
  if (r() < 0.05) return pick([null, 1, 'str', true, [], {}]); // a wrong type now and then
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        if (m.required ? r() < 0.9 : r() < 0.5) out[name] = value(model, m.shape, r, depth + 1);
      }
      return out;
    }
    case 'list': {
      const n = Math.floor(r() * 3);
      return Array.from({ length: n }, () => value(model, shape.member!, r, depth + 1));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(r() * 3); i++) out[pick(STRINGS)] = value(model, shape.value!, r, depth + 1);
      return out;
    }
    case 'string':
      if (shape.enum && r() < 0.7) return pick(shape.enum);
      // Half the time a plain value that passes the usual name/length/pattern rules and names seeded resources.
      return r() < 0.5 ? pick(['d', 'sm', 'ex', 'act', 'x', '1', 'hello']) : pick(STRINGS);
    case 'integer':
    case 'long':
      return pick([0, 1, 2, 10, 100, 1000, 1001, -1, 2 ** 31, 2 ** 53]);
    case 'float':
    case 'double':
      return pick([0, 0.5, 1, 100.5, -3, 1e300]);
    case 'boolean':
      return r() < 0.5;
    case 'timestamp':
      return pick([0, 1_700_000_000, 1_700_000_000.5, -1, 4_102_444_800]);
  }
}

const services: { prefix: string; model: ServiceModel }[] = [
  { prefix: 'AWSStepFunctions', model: sfnModel },
  { prefix: 'SimpleWorkflowService', model: swfModel },
];

describe('wire fuzz: no 5xx, no hang', () => {
  for (const { prefix, model } of services) {
    it(`${prefix}: every operation answers 200 or an AWS 4xx`, async () => {
      const sc = createStatecraft({ activityPollTimeoutSeconds: 0, swfPollTimeoutSeconds: 0, onError: () => {} });
      const r = rng(prefix.length * 7919);
      const failures: string[] = [];
      const statuses = new Map<string, number>();
      try {
        // Seed some resources so that lookups succeed sometimes.
        for (const body of [
          { op: 'CreateStateMachine', body: { name: 'sm', roleArn: STRINGS[19], definition: STRINGS[22] } },
          { op: 'CreateActivity', body: { name: 'act' } },
          { op: 'StartExecution', body: { stateMachineArn: STRINGS[11], name: 'ex' } },
          { op: 'RegisterDomain', body: { name: 'd', workflowExecutionRetentionPeriodInDays: '1' } },
        ]) {
          const target = body.op.startsWith('Register') ? 'SimpleWorkflowService' : 'AWSStepFunctions';
          await send(sc.handle, target, body.op, JSON.stringify(body.body));
        }
        for (const op of Object.keys(model.operations)) {
          for (let i = 0; i < 40; i++) {
            const input = model.operations[op]!.input;
            const body = JSON.stringify(input ? value(model, input, r, 0) : {});
            const started = performance.now();
            const res = await send(sc.handle, prefix, op, body);
            const ms = performance.now() - started;
            const text = await res.text();
            const kind =
              res.status === 200 ? '200' : (/"__type":"(?:[^"#]*#)?([^"]+)"/.exec(text)?.[1] ?? String(res.status));
            statuses.set(kind, (statuses.get(kind) ?? 0) + 1);
            if (res.status >= 500 || res.status === 0) failures.push(`${op} ${body} → ${res.status} ${text}`);
            else if (res.status >= 400 && !/"__type"/.test(text))
              failures.push(`${op} ${body} → ${res.status} no __type: ${text}`);
            if (ms > 5000) failures.push(`${op} ${body} took ${Math.round(ms)} ms`);
          }
        }
      } finally {
        await sc.close();
      }
      expect(failures.slice(0, 10)).toEqual([]);
      // The fuzz must reach the operations, not stop at the model checks.
      expect(statuses.get('200') ?? 0).toBeGreaterThanOrEqual(30);
      expect(statuses.size).toBeGreaterThan(4);
      console.log(prefix, Object.fromEntries([...statuses].sort((a, b) => b[1] - a[1])));
    }, 120_000);
  }
});

function send(handle: (r: Request) => Promise<Response>, prefix: string, op: string, body: string) {
  return handle(
    new Request('http://localhost:8083/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${prefix}.${op}` },
      body,
    }),
  );
}

/**
 * The awsJson1_0 rules the Smithy protocol compliance tests check (awsjson10-protocol.test.ts, which
 * needs the shared conformance data), on a small inline Smithy model, so they run everywhere.
 */
import { gzipSync } from 'node:zlib';
import { AwsServiceError, type Service } from '@statecraft/engine';
import { describe, expect, it } from 'vitest';
import { toWire } from '../codec.js';
import { createAwsHandler } from '../handler.js';
import { createModelOutputEncoder, createModelValidator, createQueryErrorHeaders } from './model-service.js';
import { type SmithyAst, serviceModelFromSmithy } from './smithy-ast.js';

const NS = 'test.wire';
const ast: SmithyAst = {
  smithy: '2.0',
  shapes: {
    [`${NS}#Svc`]: {
      type: 'service',
      version: '2024-01-01',
      operations: [{ target: `${NS}#Put` }, { target: `${NS}#Ping` }],
      traits: { 'aws.protocols#awsJson1_0': {}, 'aws.protocols#awsQueryCompatible': {} },
    },
    [`${NS}#Put`]: {
      type: 'operation',
      input: { target: `${NS}#PutInput` },
      output: { target: `${NS}#PutOutput` },
      errors: [{ target: `${NS}#Oops` }],
    },
    [`${NS}#Ping`]: { type: 'operation' },
    [`${NS}#PutInput`]: {
      type: 'structure',
      members: {
        name: { target: 'smithy.api#String' },
        count: { target: 'smithy.api#Integer', traits: { 'smithy.api#default': 3 } },
        at: { target: 'smithy.api#Timestamp', traits: { 'smithy.api#default': 0 } },
        ratio: { target: 'smithy.api#Double' },
        raw: { target: 'smithy.api#Blob' },
      },
    },
    [`${NS}#PutOutput`]: {
      type: 'structure',
      members: {
        ratio: { target: 'smithy.api#Float' },
        items: { target: `${NS}#Items` },
        flag: { target: 'smithy.api#Boolean', traits: { 'smithy.api#default': false } },
      },
    },
    [`${NS}#Items`]: { type: 'list', member: { target: `${NS}#Item` } },
    [`${NS}#Item`]: {
      type: 'structure',
      members: { label: { target: 'smithy.api#String', traits: { 'smithy.api#default': 'none' } } },
    },
    [`${NS}#Oops`]: {
      type: 'structure',
      members: { Message: { target: 'smithy.api#String' } },
      traits: { 'smithy.api#error': 'client', 'aws.protocols#awsQueryError': { code: 'Oh', httpResponseCode: 409 } },
    },
  },
};

const conv = serviceModelFromSmithy(ast, `${NS}#Svc`);
const models = { Svc: conv.model };

function setup(answer: () => unknown) {
  const inputs: Record<string, unknown>[] = [];
  const service: Service = {
    targetPrefix: 'Svc',
    operations: {
      Put: async (input) => {
        inputs.push(input);
        return answer() as Record<string, unknown>;
      },
      Ping: async () => ({}),
    },
    reset: async () => {},
    close: async () => {},
  };
  const handle = createAwsHandler({
    services: [service],
    accountId: '123456789012',
    region: 'us-east-1',
    reset: async () => {},
    validate: createModelValidator(models),
    encodeOutput: createModelOutputEncoder(models),
    errorHeaders: createQueryErrorHeaders({ Svc: conv }),
  });
  const call = (op: string, body: BodyInit | undefined, headers: Record<string, string> = {}) =>
    handle(
      new Request('http://localhost/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `Svc.${op}`, ...headers },
        ...(body !== undefined ? { body } : {}),
      }),
    );
  return { inputs, call };
}

describe('Smithy AST → ServiceModel', () => {
  it('converts the closure and reports what it cannot express', () => {
    expect(conv.model.operations).toEqual({
      Put: { input: 'PutInput', output: 'PutOutput', errors: ['Oops'] },
      Ping: { errors: [] },
    });
    expect(conv.model.shapes.PutInput?.members?.count).toEqual({ shape: 'Integer', default: 3 });
    expect(conv.model.shapes.Oops?.error).toEqual({ httpStatus: 400, fault: 'client' });
    expect(conv.omittedMembers).toEqual(['PutInput.raw']);
    expect(conv.unsupportedOperations).toEqual(new Map([['Put', ['Blob']]]));
    expect(conv.queryCompatible).toBe(true);
    expect(conv.queryErrors).toEqual({ Oops: { code: 'Oh', httpResponseCode: 409 } });
  });
});

describe('awsJson1_0 wire rules', () => {
  it('encodes NaN and ±Infinity as strings', () => {
    expect(toWire({ a: Number.NaN, b: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], c: 1.5 })).toEqual({
      a: 'NaN',
      b: ['Infinity', '-Infinity'],
      c: 1.5,
    });
  });

  it('accepts Content-Type parameters and fills input defaults (timestamps as Date)', async () => {
    const { inputs, call } = setup(() => ({}));
    const res = await call('Put', '{"name":"x","ratio":"-Infinity"}', {
      'content-type': 'application/x-amz-json-1.0; charset=utf-8',
    });
    expect(res.status).toBe(200);
    expect(inputs).toEqual([{ name: 'x', count: 3, at: new Date(0), ratio: Number.NEGATIVE_INFINITY }]);
  });

  it('gunzips a gzip request body, and leaves other content encodings alone', async () => {
    const { inputs, call } = setup(() => ({}));
    await call('Put', new Uint8Array(gzipSync('{"name":"zipped"}')), { 'content-encoding': 'gzip' });
    await call('Put', '{"name":"plain"}', { 'content-encoding': 'amz-1.0' });
    expect(inputs.map((i) => i.name)).toEqual(['zipped', 'plain']);
    const bad = await call('Put', 'not gzip', { 'content-encoding': 'gzip' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { __type: string }).__type).toBe('com.amazon.coral.service#SerializationException');
  });

  it('writes output defaults at any depth, and no payload for a Unit output', async () => {
    const { call } = setup(() => ({ ratio: Number.NaN, items: [{}, { label: 'a' }] }));
    const res = await call('Put', '{}');
    expect(await res.json()).toEqual({ ratio: 'NaN', items: [{ label: 'none' }, { label: 'a' }], flag: false });
    const ping = await call('Ping', '');
    expect(ping.status).toBe(200);
    expect(ping.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await ping.text()).toBe('');
  });

  it('sends modelled errors with the full __type, no empty message, and x-amzn-query-error', async () => {
    const { call } = setup(() => {
      throw new AwsServiceError('Oops', '', { namespace: NS, members: { Message: 'Hi' } });
    });
    const res = await call('Put', '{}');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('Oh;Sender');
    expect(await res.json()).toEqual({ __type: `${NS}#Oops`, Message: 'Hi' });
  });
});

/**
 * The Smithy awsJson1_0 protocol compliance tests, server side: every case of
 * `../shared/conformance/protocol/awsJson1_0.json` (see its README) that applies to servers, run through
 * the same `createAwsHandler` (router, validator, codec, error serialiser) that serves SFN and SWF, with
 * a test service built from the file's own Smithy model (`JsonRpc10`, `QueryCompatibleJsonRpc10`).
 *
 * - request case: the HTTP request goes through the handler; the operation must receive `params`
 *   (Smithy node values, converted to what a service sees: timestamps as `Date`, `"NaN"` floats as numbers).
 * - response case: the operation returns `params` (or throws the `error` shape with `params` as members);
 *   status, headers and body (as JSON) must match.
 *
 * The shared folder is not shipped: without it the suite is skipped with a message.
 *
 * @see https://smithy.io/2.0/additional-specs/http-protocol-compliance-tests.html
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AwsServiceError, type Operation, type Service } from '@statecraft/engine';
import { describe, expect, it } from 'vitest';
import { createAwsHandler } from '../handler.js';
import type { ServiceModel } from '../models/service-model.js';
import { createModelOutputEncoder, createModelValidator, createQueryErrorHeaders } from './model-service.js';
import { type SmithyAst, type SmithyServiceModel, serviceModelFromSmithy } from './smithy-ast.js';

const SHARED = process.env.SHARED_DIR
  ? resolve(process.env.SHARED_DIR)
  : join(import.meta.dirname, '../../../../../shared');
const FILE = join(SHARED, 'conformance/protocol/awsJson1_0.json');

interface Case {
  readonly id: string;
  readonly kind: 'request' | 'response';
  readonly operation: string;
  readonly service: string;
  readonly targetPrefix: string;
  readonly serverApplicable: boolean;
  readonly method?: string;
  readonly uri?: string;
  readonly host?: string;
  readonly resolvedHost?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly forbidHeaders?: readonly string[];
  readonly requireHeaders?: readonly string[];
  readonly code?: number;
  readonly body?: string;
  readonly bodyMediaType?: string;
  readonly params?: Record<string, unknown>;
  readonly error?: string;
}

interface ComplianceFile {
  readonly serverApplicableIds: readonly string[];
  readonly model: SmithyAst;
  readonly cases: readonly Case[];
}

const UNION = 'needs a union shape (MyUnion): the wire layer has no union type (neither SFN nor SWF uses one)';
const BLOB_UNION =
  'needs a union shape (MyUnion) holding a blob: the wire layer has neither unions nor blobs (neither SFN nor SWF uses one)';
const DEFAULTS =
  'the Defaults shapes have blob and document members (defaultBlob, emptyBlob, defaultDocument*): the wire layer has neither ' +
  '(neither SFN nor SWF uses one). Every other member, default filling included, is checked by the "partial" test below';

/**
 * Server-applicable cases not run, keyed `kind:id`, with the reason. Only cases whose operation needs a
 * shape type the wire layer deliberately does not support belong here; a test below checks that this
 * list is exactly the cases of the operations the model conversion reports as unsupported.
 */
const SKIP: Readonly<Record<string, string>> = {
  // JsonUnions, one per union member kind, both directions.
  'request:AwsJson10SerializeBlobUnionValue': BLOB_UNION,
  'request:AwsJson10SerializeBooleanUnionValue': UNION,
  'request:AwsJson10SerializeEnumUnionValue': UNION,
  'request:AwsJson10SerializeIntEnumUnionValue': UNION,
  'request:AwsJson10SerializeListUnionValue': UNION,
  'request:AwsJson10SerializeMapUnionValue': UNION,
  'request:AwsJson10SerializeNumberUnionValue': UNION,
  'request:AwsJson10SerializeStringUnionValue': UNION,
  'request:AwsJson10SerializeStructureUnionValue': UNION,
  'request:AwsJson10SerializeTimestampUnionValue': UNION,
  'response:AwsJson10DeserializeBlobUnionValue': BLOB_UNION,
  'response:AwsJson10DeserializeBooleanUnionValue': UNION,
  'response:AwsJson10DeserializeEnumUnionValue': UNION,
  'response:AwsJson10DeserializeIntEnumUnionValue': UNION,
  'response:AwsJson10DeserializeListUnionValue': UNION,
  'response:AwsJson10DeserializeMapUnionValue': UNION,
  'response:AwsJson10DeserializeNumberUnionValue': UNION,
  'response:AwsJson10DeserializeStringUnionValue': UNION,
  'response:AwsJson10DeserializeStructureUnionValue': UNION,
  'response:AwsJson10DeserializeTimestampUnionValue': UNION,
  // OperationWithDefaults: blob and document members with @default.
  'request:AwsJson10ServerPopulatesDefaultsWhenMissingInRequestBody': DEFAULTS,
  'response:AwsJson10ServerPopulatesDefaultsInResponseWhenMissingInParams': DEFAULTS,
};

const data: ComplianceFile | undefined = existsSync(FILE)
  ? (JSON.parse(readFileSync(FILE, 'utf8')) as ComplianceFile)
  : undefined;

if (!data) {
  describe.skip(`awsJson1_0 protocol compliance: ${FILE} not found (the shared conformance data is absent on this machine; set SHARED_DIR to run it)`, () => {
    it('runs the Smithy awsJson1_0 server cases', () => {});
  });
} else {
  runCompliance(data);
}

/** Smithy node value (`params`) → what an operation receives or returns: `Date`s, non-finite numbers. */
function fromNode(model: ServiceModel, shapeName: string, value: unknown): unknown {
  const shape = model.shapes[shapeName];
  if (!shape || value === null || value === undefined) return value;
  switch (shape.type) {
    case 'structure': {
      const members = shape.members ?? {};
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          Object.hasOwn(members, k) ? fromNode(model, members[k]!.shape, v) : v,
        ]),
      );
    }
    case 'list':
      return (value as unknown[]).map((v) => fromNode(model, shape.member!, v));
    case 'map':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromNode(model, shape.value!, v)]),
      );
    case 'float':
    case 'double':
      return typeof value === 'string' ? Number(value) : value; // "NaN", "Infinity", "-Infinity"
    case 'timestamp':
      return typeof value === 'number' ? new Date(Math.round(value * 1000)) : value;
    default:
      return value;
  }
}

/** The smallest input that passes validation (response cases only need the call to reach the operation). */
function minimalInput(model: ServiceModel, shapeName: string): unknown {
  const shape = model.shapes[shapeName]!;
  switch (shape.type) {
    case 'structure':
      return Object.fromEntries(
        Object.entries(shape.members ?? {})
          .filter(([, m]) => m.required)
          .map(([k, m]) => [k, minimalInput(model, m.shape)]),
      );
    case 'list':
      return [];
    case 'map':
      return {};
    case 'string':
      return shape.enum?.[0] ?? 'x'.repeat(shape.min ?? 1);
    case 'boolean':
      return false;
    default:
      return shape.min ?? 0;
  }
}

/**
 * Removes from a Smithy node value the members the conversion left out: members of unsupported types,
 * and members equal to a non-scalar `@default` (`[]`, `{}`) that `MemberModel.default` cannot hold.
 */
function stripOmitted(conv: SmithyServiceModel, ast: SmithyAst, shapeName: string, value: unknown): unknown {
  const id = Object.keys(ast.shapes).find((k) => k.endsWith(`#${shapeName}`));
  const shape = id ? ast.shapes[id] : undefined;
  if (shape?.type !== 'structure' || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const member = shape.members?.[k];
    if (conv.omittedMembers.includes(`${shapeName}.${k}`)) continue;
    const def = member?.traits?.['smithy.api#default'];
    if (conv.omittedDefaults.includes(`${shapeName}.${k}`) && JSON.stringify(v) === JSON.stringify(def)) continue;
    out[k] = member ? stripOmitted(conv, ast, member.target.slice(member.target.indexOf('#') + 1), v) : v;
  }
  return out;
}

function runCompliance(file: ComplianceFile): void {
  const ast = file.model;
  const serviceIds = Object.keys(ast.shapes).filter((k) => ast.shapes[k]!.type === 'service');
  const conversions = new Map<string, SmithyServiceModel>();
  for (const id of serviceIds) {
    const conv = serviceModelFromSmithy(ast, id);
    conversions.set(conv.model.targetPrefix, conv);
  }
  const models = Object.fromEntries([...conversions].map(([prefix, conv]) => [prefix, conv.model]));
  const absoluteId = (name: string) => Object.keys(ast.shapes).find((k) => k.endsWith(`#${name}`));

  // What the operations do in the current test: record the input, then answer.
  const received: { operation: string; input: Record<string, unknown> }[] = [];
  let answer: (operation: string) => unknown = () => ({});
  const services: Service[] = [...conversions.values()].map(({ model }) => ({
    targetPrefix: model.targetPrefix,
    operations: Object.fromEntries(
      Object.keys(model.operations).map((name): [string, Operation] => [
        name,
        async (input) => {
          received.push({ operation: name, input });
          return answer(name) as Record<string, unknown>;
        },
      ]),
    ),
    reset: async () => {},
    close: async () => {},
  }));
  const handle = createAwsHandler({
    services,
    accountId: '123456789012',
    region: 'us-east-1',
    reset: async () => {},
    validate: createModelValidator(models),
    encodeOutput: createModelOutputEncoder(models),
    errorHeaders: createQueryErrorHeaders(
      Object.fromEntries([...conversions].filter(([, conv]) => conv.queryCompatible)),
    ),
  });

  const key = (c: Case) => `${c.kind}:${c.id}`;
  const applicable = file.cases.filter((c) => c.serverApplicable);
  const conv = (c: Case) => conversions.get(c.targetPrefix) ?? expect.unreachable(`no service ${c.targetPrefix}`);

  /** The case's HTTP request; a server needs the routing headers some client-side cases leave out. */
  function requestFor(c: Case, body: BodyInit | undefined): Request {
    const headers = new Headers(c.headers ?? {});
    if (!headers.has('content-type')) headers.set('content-type', 'application/x-amz-json-1.0');
    if (!headers.has('x-amz-target')) headers.set('x-amz-target', `${c.targetPrefix}.${c.operation}`);
    const host = c.resolvedHost ?? c.host ?? 'localhost';
    return new Request(`http://${host}${c.uri ?? '/'}`, {
      method: c.method ?? 'POST',
      headers,
      ...(body !== undefined ? { body } : {}),
    });
  }

  /** The request body: the case's, or, for `@requestCompression` cases (no body given), gzipped JSON of params. */
  function requestBody(c: Case): BodyInit | undefined {
    const gzip = /\bgzip\b/i.test(
      Object.entries(c.headers ?? {}).find(([h]) => h.toLowerCase() === 'content-encoding')?.[1] ?? '',
    );
    if (gzip && c.body === undefined) return new Uint8Array(gzipSync(JSON.stringify(c.params ?? {})));
    return c.body;
  }

  async function runRequest(c: Case, expected = c.params ?? {}): Promise<void> {
    const { model } = conv(c);
    received.length = 0;
    answer = () => ({});
    const res = await handle(requestFor(c, requestBody(c)));
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]!.operation).toBe(c.operation);
    const inputShape = model.operations[c.operation]!.input;
    expect(received[0]!.input).toEqual(inputShape ? fromNode(model, inputShape, expected) : expected);
  }

  async function runResponse(c: Case, expectedBody = c.body, compare = (v: unknown) => v): Promise<void> {
    const { model } = conv(c);
    const op = model.operations[c.operation]!;
    received.length = 0;
    answer = () => {
      if (c.error) {
        const shape = model.shapes[c.error]!;
        const id = absoluteId(c.error)!;
        throw new AwsServiceError(c.error, '', {
          status: shape.error!.httpStatus,
          namespace: id.slice(0, id.indexOf('#')),
          members: fromNode(model, c.error, c.params ?? {}) as Record<string, unknown>,
        });
      }
      return c.params === undefined || !op.output ? c.params : fromNode(model, op.output, c.params);
    };
    const input = op.input ? minimalInput(model, op.input) : {};
    const res = await handle(requestFor(c, JSON.stringify(input)));
    const text = await res.text();
    expect(received).toHaveLength(1);
    if (c.code !== undefined) expect(res.status, text).toBe(c.code);
    for (const [name, value] of Object.entries(c.headers ?? {})) expect(res.headers.get(name), name).toBe(value);
    for (const name of c.forbidHeaders ?? []) expect(res.headers.has(name), name).toBe(false);
    for (const name of c.requireHeaders ?? []) expect(res.headers.has(name), name).toBe(true);
    if (expectedBody === undefined) return;
    if (expectedBody === '') expect(text).toBe('');
    else if (c.bodyMediaType === 'application/json') {
      expect(compare(JSON.parse(text))).toEqual(compare(JSON.parse(expectedBody)));
    } else expect(text).toBe(expectedBody);
  }

  describe('awsJson1_0 protocol compliance (Smithy, server side)', () => {
    it('has the documented 26 request + 23 response server cases, each once', () => {
      expect(applicable.map(key).sort()).toEqual([...file.serverApplicableIds].sort());
      expect(applicable.filter((c) => c.kind === 'request')).toHaveLength(26);
      expect(applicable.filter((c) => c.kind === 'response')).toHaveLength(23);
    });

    it('skips exactly the cases whose operation needs an unsupported shape type', () => {
      const needsUnsupported = applicable.filter((c) => conv(c).unsupportedOperations.has(c.operation)).map(key);
      expect(Object.keys(SKIP).sort()).toEqual(needsUnsupported.sort());
      expect(conv(applicable[0]!).unsupportedShapes).toEqual(
        new Map([
          ['Document', 'document'],
          ['Blob', 'blob'],
          ['MyUnion', 'union'],
        ]),
      );
    });

    for (const c of applicable) {
      const reason = SKIP[key(c)];
      if (reason !== undefined) {
        it.skip(`${key(c)} — skipped: ${reason}`, () => {});
        continue;
      }
      it(key(c), () => (c.kind === 'request' ? runRequest(c) : runResponse(c)));
    }

    // The skipped OperationWithDefaults cases, without the blob / document members (and the `[]` / `{}`
    // defaults `MemberModel.default` cannot hold): default filling for every other simple type.
    describe('partial: OperationWithDefaults without blob and document members', () => {
      const defaults = applicable.filter((c) => c.operation === 'OperationWithDefaults');
      for (const c of defaults) {
        it(key(c), () => {
          const { model } = conv(c);
          const op = model.operations[c.operation]!;
          const shape = c.kind === 'request' ? op.input! : op.output!;
          if (c.kind === 'request') {
            return runRequest(c, stripOmitted(conv(c), ast, shape, c.params ?? {}) as Record<string, unknown>);
          }
          return runResponse(c, c.body, (v) => stripOmitted(conv(c), ast, shape, v));
        });
      }
    });
  });
}

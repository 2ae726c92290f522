/**
 * Builds a {@link ServiceModel} (the compact table the wire layer validates and encodes with) from a
 * Smithy JSON AST service, e.g. the `JsonRpc10` test service of the Smithy awsJson1_0 protocol
 * compliance tests. The Step Functions and SWF tables are generated from botocore by
 * `tools/gen-models`; this converter reads the Smithy AST directly (flattened: no mixins).
 *
 * Shape types a `ServiceModel` cannot express (`blob`, `document`, `union`, `bigInteger`,
 * `bigDecimal`) are reported, never silently approximated: structure members targeting them are left
 * out (`omittedMembers`), and every operation whose input, output or errors reach one is listed in
 * `unsupportedOperations`.
 *
 * @see https://smithy.io/2.0/spec/json-ast.html
 * @internal
 */
import type { MemberModel, OperationModel, ServiceModel, ShapeModel, ShapeType } from '../models/service-model.js';

/** A Smithy JSON AST document. @internal */
export interface SmithyAst {
  readonly smithy: string;
  readonly shapes: Readonly<Record<string, SmithyShape>>;
}

/** A shape of a Smithy JSON AST. @internal */
export interface SmithyShape {
  readonly type: string;
  readonly version?: string;
  readonly members?: Readonly<Record<string, SmithyMember>>;
  readonly member?: SmithyMember;
  readonly key?: SmithyMember;
  readonly value?: SmithyMember;
  readonly traits?: Readonly<Record<string, unknown>>;
  readonly input?: { readonly target: string };
  readonly output?: { readonly target: string };
  readonly errors?: readonly { readonly target: string }[];
  readonly operations?: readonly { readonly target: string }[];
}

/** A member of a Smithy JSON AST shape. @internal */
export interface SmithyMember {
  readonly target: string;
  readonly traits?: Readonly<Record<string, unknown>>;
}

/** `@awsQueryError` of an error shape. @internal */
export interface AwsQueryError {
  readonly code: string;
  readonly httpResponseCode: number;
}

/** Result of {@link serviceModelFromSmithy}. @internal */
export interface SmithyServiceModel {
  readonly model: ServiceModel;
  /** Local shape name → its Smithy type, for every shape of the closure the model cannot express. */
  readonly unsupportedShapes: ReadonlyMap<string, string>;
  /** Operation → the unsupported shapes its input, output or errors reach. */
  readonly unsupportedOperations: ReadonlyMap<string, readonly string[]>;
  /** `Structure.member` entries left out because they target an unsupported shape. */
  readonly omittedMembers: readonly string[];
  /** `Structure.member` entries whose `@default` is not a scalar (`[]`, `{}`): `MemberModel.default` cannot hold it. */
  readonly omittedDefaults: readonly string[];
  /** The service carries `@aws.protocols#awsQueryCompatible`. */
  readonly queryCompatible: boolean;
  /** `@aws.protocols#awsQueryError` by error shape name. */
  readonly queryErrors: Readonly<Record<string, AwsQueryError>>;
}

const PRELUDE = 'smithy.api#';
const UNIT = `${PRELUDE}Unit`;

/** Smithy simple types → ServiceModel types (`byte`/`short`/`intEnum` are JSON numbers like `integer`). */
const SIMPLE_TYPES: Readonly<Record<string, ShapeType>> = {
  string: 'string',
  enum: 'string',
  boolean: 'boolean',
  byte: 'integer',
  short: 'integer',
  integer: 'integer',
  intEnum: 'integer',
  long: 'long',
  float: 'float',
  double: 'double',
  timestamp: 'timestamp',
};

/** Types the wire layer deliberately does not support (neither SFN nor SWF uses them). */
const UNSUPPORTED_TYPES = new Set(['blob', 'document', 'union', 'bigInteger', 'bigDecimal']);

/** Prelude shapes by local name (`PrimitiveInteger` is an `integer`, …). */
function preludeType(id: string): string | undefined {
  const name = id.slice(PRELUDE.length).replace(/^Primitive/, '');
  const type = name.charAt(0).toLowerCase() + name.slice(1);
  return SIMPLE_TYPES[type] !== undefined || UNSUPPORTED_TYPES.has(type) ? type : undefined;
}

function localName(id: string): string {
  const hash = id.indexOf('#');
  return hash === -1 ? id : id.slice(hash + 1);
}

function fail(message: string): never {
  throw new Error(`[statecraft] Failed to convert the Smithy model: ${message}`);
}

/**
 * Converts the service `serviceId` (an absolute shape id such as `aws.protocoltests.json10#JsonRpc10`)
 * of `ast` and the closure of its operations into a {@link ServiceModel}. Shapes are keyed by their
 * local name (`smithy.api#String` → `String`); two different shapes with one local name are an error.
 *
 * @throws Error when `serviceId` is not a service of `ast`, a target is missing, or local names collide.
 */
export function serviceModelFromSmithy(ast: SmithyAst, serviceId: string): SmithyServiceModel {
  const service = ast.shapes[serviceId];
  if (service?.type !== 'service') fail(`${serviceId} is not a service shape.`);

  const shapeType = (id: string): string => {
    if (id.startsWith(PRELUDE)) return preludeType(id) ?? fail(`unknown prelude shape ${id}.`);
    return ast.shapes[id]?.type ?? fail(`shape ${id} is missing.`);
  };

  // Closure of the operations: every shape id their input, output and errors reach.
  const ids = new Map<string, string>(); // local name → absolute id
  const visit = (id: string): void => {
    if (id === UNIT) return;
    const name = localName(id);
    const seen = ids.get(name);
    if (seen === id) return;
    if (seen !== undefined) fail(`${seen} and ${id} share the local name ${name}.`);
    ids.set(name, id);
    const shape = id.startsWith(PRELUDE) ? undefined : ast.shapes[id];
    for (const m of Object.values(shape?.members ?? {})) visit(m.target);
    for (const m of [shape?.member, shape?.key, shape?.value]) if (m) visit(m.target);
  };
  const operationIds = (service.operations ?? []).map((o) => o.target);
  for (const opId of operationIds) {
    const op = ast.shapes[opId] ?? fail(`operation ${opId} is missing.`);
    if (op.input) visit(op.input.target);
    if (op.output) visit(op.output.target);
    for (const e of op.errors ?? []) visit(e.target);
  }

  // Unsupported shapes: the unsupported types, and lists / maps of them (transitively).
  const unsupported = new Map<string, string>();
  for (const [name, id] of ids) {
    const type = shapeType(id);
    if (UNSUPPORTED_TYPES.has(type)) unsupported.set(name, type);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, id] of ids) {
      const shape = ast.shapes[id];
      if (unsupported.has(name) || !shape || (shape.type !== 'list' && shape.type !== 'set' && shape.type !== 'map'))
        continue;
      const inner = [shape.member, shape.key, shape.value, ...Object.values(shape.members ?? {})].find(
        (m) => m && unsupported.has(localName(m.target)),
      );
      if (inner) {
        unsupported.set(name, `${shape.type} of ${unsupported.get(localName(inner.target))}`);
        changed = true;
      }
    }
  }

  const omittedMembers: string[] = [];
  const omittedDefaults: string[] = [];
  const queryErrors: Record<string, AwsQueryError> = {};
  const shapes: Record<string, ShapeModel> = {};
  for (const [name, id] of ids) {
    if (unsupported.has(name)) continue;
    if (id.startsWith(PRELUDE)) {
      shapes[name] = { type: SIMPLE_TYPES[shapeType(id)]! };
      continue;
    }
    const shape = ast.shapes[id]!;
    shapes[name] = convertShape(name, shape, unsupported, omittedMembers, omittedDefaults);
    const queryError = shape.traits?.['aws.protocols#awsQueryError'] as AwsQueryError | undefined;
    if (queryError) queryErrors[name] = queryError;
  }

  const operations: Record<string, OperationModel> = {};
  const unsupportedOperations = new Map<string, readonly string[]>();
  for (const opId of operationIds) {
    const op = ast.shapes[opId]!;
    const name = localName(opId);
    const target = (t: { target: string } | undefined) => (t && t.target !== UNIT ? localName(t.target) : undefined);
    const input = target(op.input);
    const output = target(op.output);
    const errors = (op.errors ?? []).map((e) => localName(e.target));
    const endpoint = op.traits?.['smithy.api#endpoint'] as { hostPrefix?: string } | undefined;
    operations[name] = {
      ...(input ? { input } : {}),
      ...(output ? { output } : {}),
      errors,
      ...(op.traits?.['smithy.api#idempotent'] !== undefined ? { idempotent: true as const } : {}),
      ...(endpoint?.hostPrefix !== undefined ? { hostPrefix: endpoint.hostPrefix } : {}),
    };
    const reached = reachedUnsupported([input, output, ...errors], ast, ids, unsupported);
    if (reached.length > 0) unsupportedOperations.set(name, reached);
  }

  const hash = serviceId.indexOf('#');
  return {
    model: {
      service: localName(serviceId),
      targetPrefix: localName(serviceId),
      apiVersion: service.version ?? '',
      namespace: serviceId.slice(0, hash),
      operations,
      shapes,
      paginators: {},
    },
    unsupportedShapes: unsupported,
    unsupportedOperations,
    omittedMembers,
    omittedDefaults,
    queryCompatible: service.traits?.['aws.protocols#awsQueryCompatible'] !== undefined,
    queryErrors,
  };
}

function convertShape(
  name: string,
  shape: SmithyShape,
  unsupported: ReadonlyMap<string, string>,
  omittedMembers: string[],
  omittedDefaults: string[],
): ShapeModel {
  const traits = shape.traits ?? {};
  const out: { -readonly [K in keyof ShapeModel]: ShapeModel[K] } = { type: 'structure' };
  switch (shape.type) {
    case 'structure': {
      const members: Record<string, MemberModel> = {};
      for (const [mName, m] of Object.entries(shape.members ?? {})) {
        if (unsupported.has(localName(m.target))) {
          omittedMembers.push(`${name}.${mName}`);
          continue;
        }
        const t = m.traits ?? {};
        const def = t['smithy.api#default'];
        const scalar = typeof def === 'string' || typeof def === 'number' || typeof def === 'boolean';
        if (def !== undefined && def !== null && !scalar) omittedDefaults.push(`${name}.${mName}`);
        members[mName] = {
          shape: localName(m.target),
          ...(t['smithy.api#required'] !== undefined ? { required: true as const } : {}),
          ...(scalar ? { default: def } : {}),
          ...(t['smithy.api#idempotencyToken'] !== undefined ? { idempotencyToken: true as const } : {}),
        };
      }
      out.members = members;
      const error = traits['smithy.api#error'];
      if (error === 'client' || error === 'server') {
        const status = traits['smithy.api#httpError'];
        out.error = { httpStatus: typeof status === 'number' ? status : error === 'client' ? 400 : 500, fault: error };
      }
      break;
    }
    case 'list':
    case 'set':
      out.type = 'list';
      out.member = localName((shape.member ?? shape.members?.member ?? fail(`${name} has no member.`)).target);
      break;
    case 'map':
      out.type = 'map';
      out.key = localName((shape.key ?? shape.members?.key ?? fail(`${name} has no key.`)).target);
      out.value = localName((shape.value ?? shape.members?.value ?? fail(`${name} has no value.`)).target);
      break;
    default: {
      const type = SIMPLE_TYPES[shape.type] ?? fail(`${name} has the unknown type ${shape.type}.`);
      out.type = type;
      if (shape.type === 'enum') {
        out.enum = Object.entries(shape.members ?? {}).map(([k, m]) => {
          const v = m.traits?.['smithy.api#enumValue'];
          return typeof v === 'string' ? v : k;
        });
      }
    }
  }
  const length = traits['smithy.api#length'] as { min?: number; max?: number } | undefined;
  const range = traits['smithy.api#range'] as { min?: number; max?: number } | undefined;
  const bounds = length ?? range;
  if (bounds?.min !== undefined) out.min = bounds.min;
  if (bounds?.max !== undefined) out.max = bounds.max;
  const pattern = traits['smithy.api#pattern'];
  if (typeof pattern === 'string') out.pattern = pattern;
  if (traits['smithy.api#sensitive'] !== undefined) out.sensitive = true;
  return out;
}

/** The unsupported shapes reachable from `roots` (local names), in discovery order. */
function reachedUnsupported(
  roots: readonly (string | undefined)[],
  ast: SmithyAst,
  ids: ReadonlyMap<string, string>,
  unsupported: ReadonlyMap<string, string>,
): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    if (unsupported.has(name)) {
      found.push(name);
      return;
    }
    const shape = ast.shapes[ids.get(name) ?? ''];
    for (const m of [...Object.values(shape?.members ?? {}), shape?.member, shape?.key, shape?.value]) {
      if (m) walk(localName(m.target));
    }
  };
  for (const r of roots) if (r) walk(r);
  return found;
}

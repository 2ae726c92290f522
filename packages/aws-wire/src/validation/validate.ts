/**
 * Server-side request checks driven by the service models, reproducing what AWS's Coral stack
 * answers before an operation runs:
 *
 * 1. **Deserialization** (`SerializationException`): a member of the wrong JSON type stops the
 *    request at the first offending value, in document order. Unknown members are ignored and a
 *    `null` member counts as absent; `null` list elements are kept (AWS SWF accepted and echoed
 *    `"tagList": [null]`). A fractional number for an integer member is truncated, not rejected.
 * 2. **Constraint validation** (`ValidationException`): every violation, depth first in member
 *    order, as `N validation errors detected: Value '…' at '…' failed to satisfy constraint: …`,
 *    at most 10 listed (Coral's cap).
 *
 * @see https://smithy.io/2.0/spec/constraint-traits.html
 * @see https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 */
import type { MemberModel, ServiceModel, ShapeModel } from '../models/service-model.js';
import { ENUM_ORDER, MEMBER_ORDER, UTF8_SIZE_SHAPES } from './coral-quirks.js';
import { javaToString } from './java-format.js';
import { compileJavaPattern } from './java-regex.js';

/**
 * Outcome of {@link validateInput} / {@link checkTypes}.
 *
 * - `kind: 'validation'`: answer `ValidationException` (`com.amazon.coral.validate#ValidationException`)
 *   with `message`, HTTP 400.
 * - `kind: 'serialization'`: answer `SerializationException` (`com.amazon.coral.service#SerializationException`),
 *   HTTP 400. `message` is absent when AWS sends none (a body that is JSON but not an object, e.g. `1`).
 *
 * @public
 */
export type ValidationResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: 'validation'; readonly message: string }
  | { readonly ok: false; readonly kind: 'serialization'; readonly message?: string };

/** Coral lists at most this many violations (the count in the header is capped too). */
const MAX_REPORTED = 10;

const OK: ValidationResult = { ok: true };

const START_OF_LIST = 'Start of list found where not expected';
const START_OF_MAP = 'Start of structure or map found where not expected.';

/** Target-type wording of Coral's `X_VALUE can not be converted to …` messages. */
const CONVERSION_TARGET: Readonly<Record<string, string>> = {
  string: 'a String',
  integer: 'an Integer',
  long: 'a Long',
  float: 'a Float',
  double: 'a Double',
  boolean: 'an Boolean', // sic: AWS-observed wording for string → Boolean
  timestamp: 'milliseconds since epoch',
};

/** The special floating-point values awsJson carries as strings. */
const FLOAT_SPECIALS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/**
 * Checks a decoded request body against the operation's input shape: first the JSON types
 * (`SerializationException`), then the constraints (`ValidationException`).
 *
 * `input` is the parsed JSON body (`undefined` = empty body = `{}`). Timestamps are expected as they
 * travel (epoch seconds); run {@link coerceInput} after a successful check to get `Date`s.
 *
 * @example
 * ```ts
 * validateInput(sfnModel, 'ListExecutions', { maxResults: 1001 })
 * // { ok: false, kind: 'validation', message: "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000" }
 * ```
 * @throws Error when `operation` is not an operation of `model` (route unknown targets first).
 * @public
 */
export function validateInput(model: ServiceModel, operation: string, input: unknown): ValidationResult {
  const types = checkTypes(model, operation, input);
  if (!types.ok) return types;
  const inputShape = model.operations[operation]!.input;
  if (!inputShape) return OK;
  const errors: string[] = [];
  validateStructure(model, inputShape, (input ?? {}) as Record<string, unknown>, '', errors);
  return errors.length === 0 ? OK : { ok: false, kind: 'validation', message: formatValidationMessage(errors) };
}

/**
 * Builds Coral's ValidationException message from items of the form
 * `Value '…' at '…' failed to satisfy constraint: …` (at most 10 are listed).
 *
 * @public
 */
export function formatValidationMessage(items: readonly string[]): string {
  const listed = items.slice(0, MAX_REPORTED);
  const n = listed.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${listed.join('; ')}`;
}

/**
 * Only the deserialization step of {@link validateInput}: the first member whose JSON type does not
 * fit its shape, with Coral's `SerializationException` message.
 *
 * @throws Error when `operation` is not an operation of `model`.
 * @public
 */
export function checkTypes(model: ServiceModel, operation: string, input: unknown): ValidationResult {
  const op = model.operations[operation];
  if (!op) {
    throw new Error(
      `[statecraft] Failed to validate input: ${operation} is not an operation of ${model.targetPrefix}. Route unknown operations before validating.`,
    );
  }
  if (input === undefined) return OK;
  if (input === null || typeof input !== 'object') return { ok: false, kind: 'serialization' };
  if (Array.isArray(input)) return { ok: false, kind: 'serialization', message: START_OF_LIST };
  if (!op.input) return OK;
  const message = typeError(model, op.input, input);
  return message === undefined ? OK : { ok: false, kind: 'serialization', message };
}

function jsonKind(value: unknown): string {
  if (typeof value === 'string') return 'STRING_VALUE';
  if (typeof value === 'number') return 'NUMBER_VALUE';
  if (value === true) return 'TRUE_VALUE';
  if (value === false) return 'FALSE_VALUE';
  return 'VALUE';
}

/** The SerializationException message for the first ill-typed value, in document order. */
function typeError(model: ServiceModel, shapeName: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const shape = shapeOf(model, shapeName);
  const isArray = Array.isArray(value);
  const isObject = typeof value === 'object' && !isArray && !(value instanceof Date);
  switch (shape.type) {
    case 'structure': {
      if (isArray) return START_OF_LIST;
      if (!isObject) return 'Expected null';
      const members = shape.members ?? {};
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        const member = Object.hasOwn(members, name) ? members[name] : undefined;
        if (!member) continue; // unknown members are ignored
        const m = typeError(model, member.shape, v);
        if (m !== undefined) return m;
      }
      return undefined;
    }
    case 'list': {
      if (isObject) return START_OF_MAP;
      if (!isArray) return 'Expected list or null';
      for (const v of value as unknown[]) {
        const m = typeError(model, shape.member!, v);
        if (m !== undefined) return m;
      }
      return undefined;
    }
    case 'map': {
      if (isArray) return START_OF_LIST;
      if (!isObject) return 'Expected map or null';
      for (const v of Object.values(value as Record<string, unknown>)) {
        const m = typeError(model, shape.value!, v);
        if (m !== undefined) return m;
      }
      return undefined;
    }
    default: {
      if (isArray) return START_OF_LIST;
      if (isObject) return START_OF_MAP;
      if (scalarFits(shape, value)) return undefined;
      const target = CONVERSION_TARGET[shape.type]!;
      const kind = jsonKind(value);
      // AWS-observed: a number for a Boolean reads "a Boolean", a string "an Boolean".
      return `${kind} can not be converted to ${shape.type === 'boolean' && kind === 'NUMBER_VALUE' ? 'a Boolean' : target}`;
    }
  }
}

function scalarFits(shape: ShapeModel, value: unknown): boolean {
  switch (shape.type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
    case 'long':
    case 'timestamp':
      return typeof value === 'number' || (shape.type === 'timestamp' && value instanceof Date);
    case 'float':
    case 'double':
      return typeof value === 'number' || (typeof value === 'string' && Object.hasOwn(FLOAT_SPECIALS, value));
    default:
      return false;
  }
}

function shapeOf(model: ServiceModel, shapeName: string): ShapeModel {
  const shape = model.shapes[shapeName];
  if (!shape) {
    throw new Error(
      `[statecraft] Failed to validate input: shape ${shapeName} is missing from the ${model.service} model. Regenerate the models.`,
    );
  }
  return shape;
}

function orderedMembers(model: ServiceModel, shapeName: string, shape: ShapeModel): [string, MemberModel][] {
  const entries = Object.entries(shape.members ?? {});
  const order = MEMBER_ORDER[`${model.service}.${shapeName}`];
  if (!order) return entries;
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i === -1 ? order.length : i;
  };
  return entries
    .map((e, i) => [e, i] as const)
    .sort((a, b) => rank(a[0][0]) - rank(b[0][0]) || a[1] - b[1])
    .map(([e]) => e);
}

function validateStructure(
  model: ServiceModel,
  shapeName: string,
  value: Record<string, unknown>,
  path: string,
  errors: string[],
): void {
  const shape = shapeOf(model, shapeName);
  for (const [name, member] of orderedMembers(model, shapeName, shape)) {
    const memberPath = path ? `${path}.${name}` : name;
    const v = Object.hasOwn(value, name) ? value[name] : undefined;
    if (v === null || v === undefined) {
      if (member.required) errors.push(item(model, member.shape, null, memberPath, 'Member must not be null'));
      continue;
    }
    validateValue(model, member.shape, v, memberPath, errors);
  }
}

function validateValue(model: ServiceModel, shapeName: string, value: unknown, path: string, errors: string[]): void {
  const shape = shapeOf(model, shapeName);
  const fail = (constraint: string) => errors.push(item(model, shapeName, value, path, constraint));
  switch (shape.type) {
    case 'string': {
      const s = value as string;
      if (shape.pattern !== undefined && !compileJavaPattern(shape.pattern).test(s)) {
        fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      if (UTF8_SIZE_SHAPES.has(`${model.service}.${shapeName}`)) {
        if (shape.max !== undefined && utf8Length(s) > shape.max) {
          fail(`Member must have size less than or equal to ${shape.max} bytes in UTF-8 encoding`);
        }
      } else {
        checkLength(codePointLength(s), shape, fail);
      }
      if (shape.enum && !shape.enum.includes(s)) {
        const order = ENUM_ORDER[`${model.service}.${shapeName}`] ?? shape.enum;
        fail(`Member must satisfy enum value set: [${order.join(', ')}]`);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      if (typeof value !== 'number') return; // NaN / Infinity strings
      const n = shape.type === 'integer' || shape.type === 'long' ? Math.trunc(value) : value;
      if (shape.min !== undefined && n < shape.min)
        fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case 'list': {
      const list = value as unknown[];
      checkLength(list.length, shape, fail);
      list.forEach((el, i) => {
        if (el !== null && el !== undefined) validateValue(model, shape.member!, el, `${path}.${i + 1}.member`, errors);
      });
      return;
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      checkLength(entries.length, shape, fail);
      for (const [k, v] of entries) {
        if (v !== null && v !== undefined) validateValue(model, shape.value!, v, `${path}.${k}.member`, errors);
      }
      return;
    }
    case 'structure':
      validateStructure(model, shapeName, value as Record<string, unknown>, path, errors);
      return;
    default:
      return;
  }
}

function checkLength(length: number, shape: ShapeModel, fail: (constraint: string) => void): void {
  if (shape.min !== undefined && length < shape.min)
    fail(`Member must have length greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
}

/** Size in UTF-8 bytes (a lone surrogate encodes as U+FFFD, 3 bytes). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Smithy `@length` counts Unicode code points (a surrogate pair is one). */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * One message item. A missing value prints as bare `null`; a present `@sensitive` value is left out
 * entirely (`Value at 'definition' …`), as AWS does for e.g. Cognito passwords; anything else is
 * quoted in its Java string form. (Whether AWS also drops `null` for a missing sensitive member is
 * unverified; `null` carries no data, so it is kept.)
 */
function item(model: ServiceModel, shapeName: string, value: unknown, path: string, constraint: string): string {
  const sensitive = model.shapes[shapeName]?.sensitive === true;
  const shown = value === null ? ' null' : sensitive ? '' : ` '${javaToString(model, shapeName, value)}'`;
  return `Value${shown} at '${path}' failed to satisfy constraint: ${constraint}`;
}

/**
 * Options of {@link coerceInput}.
 *
 * @public
 */
export interface CoerceInputOptions {
  /**
   * Fill members that are absent (or `null`) with their Smithy `@default` (`0`, `false`), at any depth
   * (Smithy: servers MUST treat a missing member as its default). Default `false`.
   */
  readonly applyDefaults?: boolean;
}

/**
 * Turns a request body that passed {@link validateInput} into the operation's input type, the way
 * Coral hands it to the service: unknown members dropped, `null` members removed, integers and
 * longs truncated, epoch-second timestamps as `Date` (rounded to the millisecond, as the SDK reads
 * them), `"NaN"` / `"Infinity"` floats as numbers. `null` list elements are kept.
 *
 * @public
 */
export function coerceInput<T = Record<string, unknown>>(
  model: ServiceModel,
  operation: string,
  input: unknown,
  options: CoerceInputOptions = {},
): T {
  const op = model.operations[operation];
  if (!op) {
    throw new Error(`[statecraft] Failed to coerce input: ${operation} is not an operation of ${model.targetPrefix}.`);
  }
  if (!op.input) return {} as T;
  const body = input !== null && typeof input === 'object' && !Array.isArray(input) ? input : {};
  return coerceValue(model, op.input, body, options.applyDefaults === true) as T;
}

function coerceValue(model: ServiceModel, shapeName: string, value: unknown, defaults: boolean): unknown {
  if (value === null || value === undefined) return value;
  const shape = shapeOf(model, shapeName);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      const obj = value as Record<string, unknown>;
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const v = Object.hasOwn(obj, name) ? obj[name] : undefined;
        if (v === null || v === undefined) {
          // The default is a Smithy node value: coerce it like a sent one (timestamp `0` → `Date`).
          if (defaults && member.default !== undefined)
            out[name] = coerceValue(model, member.shape, member.default, defaults);
          continue;
        }
        out[name] = coerceValue(model, member.shape, v, defaults);
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => (v === null ? null : coerceValue(model, shape.member!, v, defaults)));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = v === null ? null : coerceValue(model, shape.value!, v, defaults);
      }
      return out;
    }
    case 'integer':
    case 'long':
      return typeof value === 'number' ? Math.trunc(value) : value;
    case 'float':
    case 'double':
      return typeof value === 'string' && Object.hasOwn(FLOAT_SPECIALS, value) ? FLOAT_SPECIALS[value] : value;
    case 'timestamp':
      return typeof value === 'number' ? new Date(Math.round(value * 1000)) : value;
    default:
      return value;
  }
}

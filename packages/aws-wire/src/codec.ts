/**
 * awsJson1_0 encoding helpers.
 *
 * @see https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 * "Timestamps are serialized as epoch-seconds" — Dates become `ms / 1000` JSON numbers.
 * "`NaN`, `Infinity` and `-Infinity` ... are serialized as the strings" — non-finite numbers become
 * those strings (JSON has no literal for them; `JSON.stringify` would write `null`).
 */
import type { ServiceModel } from './models/service-model.js';

/** The wire string of a non-finite float (awsJson1_0). */
function nonFinite(n: number): string {
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Converts an output value to JSON-ready data: Dates → epoch seconds, `NaN` / `±Infinity` → their
 * awsJson strings, `undefined` and `null` members dropped.
 * @internal
 */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (typeof value === 'number') return Number.isFinite(value) ? value : nonFinite(value);
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      out[k] = toWire(v);
    }
    return out;
  }
  return value;
}

/**
 * Options of {@link toWireShape}.
 * @internal
 */
export interface ToWireShapeOptions {
  /**
   * Write the Smithy `@default` of every structure member the value leaves out (or sets to `null`),
   * at any depth. Smithy: "servers ... MUST serialize default values"
   * (protocol test `AwsJson10ServerPopulatesDefaultsInResponseWhenMissingInParams`). Default `false`.
   */
  readonly applyDefaults?: boolean;
}

/**
 * Model-driven {@link toWire}: encodes `value` as the shape `shapeName` of `model`. Members the model
 * does not know are kept (encoded with {@link toWire}); with `applyDefaults`, absent members that have
 * a `@default` are written with it.
 * @internal
 */
export function toWireShape(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  options: ToWireShapeOptions = {},
): unknown {
  const shape = model.shapes[shapeName];
  if (!shape || value === null || value === undefined) return toWire(value);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return toWire(value);
      const obj = value as Record<string, unknown>;
      const members = shape.members ?? {};
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) {
        if (v === undefined || v === null) continue;
        const member = Object.hasOwn(members, k) ? members[k] : undefined;
        out[k] = member ? toWireShape(model, member.shape, v, options) : toWire(v);
      }
      if (options.applyDefaults) {
        for (const [k, member] of Object.entries(members)) {
          if (member.default !== undefined && !Object.hasOwn(out, k)) out[k] = toWire(member.default);
        }
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => toWireShape(model, shape.member!, v, options)) : toWire(value);
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return toWire(value);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined || v === null) continue;
        out[k] = toWireShape(model, shape.value!, v, options);
      }
      return out;
    }
    default:
      return toWire(value);
  }
}

const encoder = new TextEncoder();

/** @internal */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(toWire(value)));
}

/**
 * awsJson1_0 encoding helpers.
 *
 * @see https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 * "Timestamps are serialized as epoch-seconds" — Dates become `ms / 1000` JSON numbers.
 */

/** Converts an output value to JSON-ready data: Dates → epoch seconds, `undefined` members dropped. @internal */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
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

const encoder = new TextEncoder();

/** @internal */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(toWire(value)));
}

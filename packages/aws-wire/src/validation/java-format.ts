/**
 * Renders request values the way AWS's Java (Coral) stack prints them in validation messages:
 * `Double.toString` / `Float.toString` for floating point, `Date.toString` (UTC) for timestamps,
 * `[a, b]` for lists, `{k=v}` for maps and `Shape(member=value, …)` for structures.
 *
 * @see https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/lang/Double.html#toString(double)
 */
import type { ServiceModel } from '../models/service-model.js';

/** What the AWS SDK for Java v2 `ToString` helper prints for a `@sensitive` member. */
export const REDACTED = '*** Sensitive Data Redacted ***';

/**
 * `Double.toString(x)` (JDK 19+, shortest representation that round-trips).
 *
 * @internal
 */
export function javaDouble(x: number): string {
  return javaFloating(x, x.toExponential());
}

/**
 * `Float.toString((float) x)`: the shortest decimal that rounds to the same 32-bit float.
 *
 * @internal
 */
export function javaFloat(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f) || f === 0) return javaFloating(f, f.toExponential());
  for (let p = 1; p <= 9; p++) {
    const s = f.toExponential(p - 1);
    if (Math.fround(Number(s)) === f) return javaFloating(f, s);
  }
  return javaFloating(f, f.toExponential(8));
}

function javaFloating(x: number, exp: string): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp);
  if (!m) return String(x);
  const [, sign, lead, frac = '', e] = m;
  const digits = `${lead}${frac}`.replace(/0+$/, '') || '0';
  const e10 = Number(e);
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    // Plain notation with at least one digit after the point.
    const point = e10 + 1; // digits before the decimal point
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    const intPart = digits.slice(0, point).padEnd(point, '0');
    const fracPart = digits.slice(point) || '0';
    return `${sign}${intPart}.${fracPart}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${e10}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `java.util.Date#toString()` in UTC: `Thu Nov 23 12:06:23 UTC 2026`.
 *
 * @internal
 */
export function javaDate(epochMs: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return String(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * The string form of a (type-checked) request value of shape `shapeName`, as Coral prints it
 * between the quotes of `Value '…' at '…'`.
 *
 * @internal
 */
export function javaToString(model: ServiceModel, shapeName: string, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const shape = model.shapes[shapeName];
  if (!shape) return String(value);
  switch (shape.type) {
    case 'string':
      return String(value);
    case 'integer':
    case 'long':
      return typeof value === 'number' ? String(Math.trunc(value)) : String(value);
    case 'double':
      return typeof value === 'number' ? javaDouble(value) : String(value);
    case 'float':
      return typeof value === 'number' ? javaFloat(value) : String(value);
    case 'boolean':
      return String(value);
    case 'timestamp':
      if (value instanceof Date) return javaDate(value.getTime());
      return typeof value === 'number' ? javaDate(Math.round(value * 1000)) : String(value);
    case 'list':
      return Array.isArray(value)
        ? `[${value.map((v) => javaToString(model, shape.member!, v)).join(', ')}]`
        : String(value);
    case 'map':
      return `{${Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}=${javaToString(model, shape.value!, v)}`)
        .join(', ')}}`;
    case 'structure': {
      const parts: string[] = [];
      const obj = value as Record<string, unknown>;
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const v = obj[name];
        if (v === null || v === undefined) continue;
        parts.push(
          `${name}=${model.shapes[member.shape]?.sensitive ? REDACTED : javaToString(model, member.shape, v)}`,
        );
      }
      return `${shapeName}(${parts.join(', ')})`;
    }
  }
}

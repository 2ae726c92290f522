/**
 * JSON text the way other runtimes write it. AWS reports Lambda payloads and error documents byte for byte
 * (Content-Length headers, cause strings), so a Python function's result must be serialised as Python's
 * `json.dumps` does: `", "` and `": "` separators, `ensure_ascii`, floats in `repr` form.
 */

/**
 * Re-serialises JSON text as Python's `json.dumps(json.loads(text))` would: separators `", "`/`": "`,
 * non-ASCII escaped as `\uXXXX`, integers kept, floats (a literal with `.`, `e` or `E`) in `repr` form.
 * Invalid JSON is returned unchanged.
 * @public
 */
export function toPythonJson(text: string): string {
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += pythonString(JSON.parse(text.slice(i, j + 1)) as string);
      i = j + 1;
    } else if (c === ',') {
      out += ', ';
      i++;
    } else if (c === ':') {
      out += ': ';
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < n && /[0-9eE.+-]/.test(text[j]!)) j++;
      const lit = text.slice(i, j);
      out += /[.eE]/.test(lit) ? pythonFloatRepr(Number(lit)) : pythonInt(lit);
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** `json.dumps(value)` for a JavaScript value (integral numbers print as ints). @public */
export function pythonJsonDumps(value: unknown): string {
  return toPythonJson(JSON.stringify(value ?? null));
}

function pythonInt(lit: string): string {
  // Python ints are arbitrary precision: the literal survives (minus a redundant "-0").
  return lit === '-0' ? '0' : lit;
}

function pythonString(s: string): string {
  let out = '"';
  for (let k = 0; k < s.length; k++) {
    const code = s.charCodeAt(k);
    const ch = s[k]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Python's `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16. @public */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let body: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length > exp + 1) {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  }
  return neg ? `-${body}` : body;
}

/**
 * Java's `Double.toString` for the epoch-seconds dates the AWS SDK for Java writes (`1.761654367123E9`):
 * used to size responses whose Content-Length AWS records.
 * @internal
 */
export function javaDoubleString(x: number): string {
  if (x === 0) return '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  const m = mant.includes('.') ? mant : `${mant}.0`;
  return `${m}E${Number(exp)}`;
}

/** UTF-8 byte length. @internal */
export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

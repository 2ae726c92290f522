/**
 * RFC 3339 timestamps as AWS accepts them (`T` separator, mandatory offset, any fraction).
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds (fraction kept as a float), or `undefined` when not a valid RFC 3339 date-time. @internal */
export function parseTimestamp(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return undefined;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > dim) return undefined;
  let ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (m[7]) ms += Number(`0${m[7]}`) * 1000;
  const off = m[8]!;
  if (off !== 'Z' && off !== 'z') {
    const sign = off[0] === '-' ? -1 : 1;
    const oh = Number(off.slice(1, 3));
    const om = Number(off.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    ms -= sign * (oh * 60 + om) * 60000;
  }
  return ms;
}

/** ISO-8601 with milliseconds, as the context object shows times. @internal */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
